"""The injury and illness surveillance report as one self-contained, printable HTML file (A4), built like the
progress report (`ui.report`: its style, Content-Security-Policy, escaping and tables), and the risk matrix
chart it and the page draw.

Pure: a view in (`views.surveillance_report.SurveillanceReport`), HTML out. The report follows the reporting
items of STROBE-SIIS (Bahr et al. 2020, Appendix 3) that a club's own surveillance can fill: the definitions
stated (items 6 and 7), the population and the period (items 1, 5 and 13), the exposure (item 6), the counts
and the incidence and burden with their intervals (items 14 to 16), by body area, tissue, mode of onset and
activity, and the risk matrix. Everything typed by a person (the team's name) is escaped; the rest are coded
values turned into words by `views.words`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.vocabulary import PROBLEM_TYPES
from ui.html import Charts, decimals, escaped, html_table
from ui.report import CSP, STYLE
from views import words
from views.surveillance_report import SurveillanceReport

Columns = Sequence[tuple[str, str, Callable[[object], str] | None]]

#: The columns of a rate table: the cases and hours beside every rate and its interval.
RATE_COLUMNS: Columns = (
    ("cases", "Problems", decimals(0)),
    ("hours", "Exposure (h)", decimals(0)),
    ("incidence", "Incidence /1000 h", decimals(2)),
    ("incidence_low", "95 % low", decimals(2)),
    ("incidence_high", "95 % high", decimals(2)),
    ("days_lost", "Days lost", decimals(0)),
    ("burden", "Burden (days /1000 h)", decimals(1)),
    ("burden_low", "95 % low", decimals(1)),
    ("burden_high", "95 % high", decimals(1)),
)


def risk_matrix_chart(risk: pd.DataFrame, problem_type: str, height: int = 380) -> go.Figure:
    """Incidence (x, per 1000 h) against mean severity (y, days lost per problem), one labelled point per group,
    with dotted curves of equal burden (Bahr, Clarsen & Ekstrand 2018): points further up and right cost more."""
    rows = risk[risk["problem_type"] == problem_type]
    fig = go.Figure()
    top_x = float(rows["incidence"].max()) * 1.25 if not rows.empty else 1.0
    top_y = float(rows["mean_severity"].max()) * 1.25 if not rows.empty else 1.0
    top_x, top_y = max(top_x, 0.1), max(top_y, 1.0)
    for burden in _burden_levels(top_x * top_y):
        x = np.linspace(burden / top_y, top_x, 60)
        fig.add_scatter(
            x=x,
            y=burden / x,
            mode="lines",
            line={"dash": "dot", "width": 1, "color": "#b0bec5"},
            name=f"burden {burden:g}",
            hoverinfo="skip",
            showlegend=False,
        )
        fig.add_annotation(x=x[-1], y=burden / x[-1], text=f"{burden:g}", showarrow=False, xanchor="left", font_size=9)
    fig.add_scatter(
        x=rows["incidence"],
        y=rows["mean_severity"],
        mode="markers+text",
        text=rows["value_label"],
        textposition="top center",
        marker={"size": 10 + 3 * np.sqrt(rows["cases"].to_numpy(dtype=float)), "color": "#1f77b4", "opacity": 0.8},
        customdata=np.stack([rows["cases"], rows["burden"]], axis=-1) if not rows.empty else None,
        hovertemplate="%{text}: %{x:.2f} per 1000 h × %{y:.1f} days = burden %{customdata[1]:.1f} "
        "(%{customdata[0]} problems)<extra></extra>",
        showlegend=False,
    )
    fig.update_layout(
        height=height,
        margin={"l": 60, "r": 30, "t": 30, "b": 50},
        title={"text": f"Risk matrix — {words.SURVEILLANCE_PROBLEMS[problem_type].lower()}", "font_size": 13},
    )
    fig.update_xaxes(title_text="Incidence (per 1000 h)", range=[0, top_x * 1.08], rangemode="tozero")
    fig.update_yaxes(title_text="Mean severity (days lost per problem)", range=[0, top_y * 1.08], rangemode="tozero")
    return fig


def _burden_levels(top: float) -> list[float]:
    """Three round burden levels below `top` (the chart's corner), for the curves of equal burden."""
    step = 10 ** np.floor(np.log10(top / 4)) if top > 0 else 1.0
    return [float(step * k) for k in (1, 2, 5) if step * k < top]


def report_file_name(team: object, day: dt.date) -> str:
    """``surveillance-<team>-<YYYY-MM-DD>.html``; characters unsafe in a file name become "-"."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(team or "team")).strip("-.") or "team"
    return f"surveillance-{safe}-{day:%Y-%m-%d}.html"


def _population(report: SurveillanceReport) -> str:
    days = (report.end - report.start).days + 1
    counts = report.problems["problem_type"].value_counts()
    items = [
        f"Team: {escaped(report.team)}; {report.athletes} athletes, {report.athletes_with_exposure} with training or "
        f"matches logged, {report.athletes_with_problems} with a health problem that began in the period.",
        f"Period: {report.start:%d %b %Y} to {report.end:%d %b %Y} ({days} days); problems counted by onset date, "
        "days lost counted to the end of the period for problems still open then.",
        f"Health problems: {int(counts.get('injury', 0))} injuries and {int(counts.get('illness', 0))} illnesses, "
        "recorded by the team's therapists (a clinical record of every problem, not a questionnaire).",
        "Classification: the IOC 2020 consensus's body areas, tissue and pathology types, organ systems and "
        "causes; OSIICS-15 codes where the club entered one.",
    ]
    return (
        '<section id="population"><h2>Population, period and data</h2><ul>'
        + "".join(f"<li>{item}</li>" for item in items)
        + "</ul></section>"
    )


def _exposure(report: SurveillanceReport) -> str:
    table = html_table(
        report.exposure,
        [("label", "Exposure", None), ("sessions", "Sessions", decimals(0)), ("hours", "Hours", decimals(1))],
    )
    return f'<section id="exposure"><h2>Exposure</h2>{table}</section>'


def _rates(report: SurveillanceReport) -> str:
    parts = ['<section id="rates"><h2>Incidence and burden</h2>']
    for kind in PROBLEM_TYPES:
        rows = report.rates[report.rates["problem_type"] == kind]
        parts.append(f"<h3>{escaped(words.SURVEILLANCE_PROBLEMS[kind])}</h3>")
        parts.append(html_table(rows, [("exposure_label", "Exposure", None), *RATE_COLUMNS]))
    parts.append(
        '<p class="note">Problems that began in training count against training hours, in a match against match '
        "hours; all problems (including those that began in another sport or outside sport) against all hours. "
        "95 % intervals: exact Poisson.</p>"
    )
    return "".join(parts) + "</section>"


def _severity(report: SurveillanceReport) -> str:
    wide = report.severity.pivot(index="severity_label", columns="problem_type", values="problems")
    wide = wide.reindex([words.SEVERITY_GROUPS[g] for g in words.SEVERITY_GROUPS]).reset_index()
    columns: list[tuple[str, str, Callable[[object], str] | None]] = [("severity_label", "Days lost", None)]
    columns += [(kind, words.SURVEILLANCE_PROBLEMS[kind], decimals(0)) for kind in PROBLEM_TYPES]
    lost = report.problems.loc[report.problems["severity"] != "none", "days_lost"]
    median = f"Median days lost of the time-loss problems: {lost.median():.0f}." if not lost.empty else ""
    return f'<section id="severity"><h2>Severity</h2>{html_table(wide, columns)}<p class="note">{escaped(median)}</p></section>'


def _groups(report: SurveillanceReport) -> str:
    parts = ['<section id="groups"><h2>By body area, tissue, mode of onset and activity</h2>']
    if report.by_group.empty:
        return parts[0] + '<p class="empty">No health problems began in this period.</p></section>'
    for (kind, grouping), rows in report.by_group.groupby(["problem_type", "grouping"], sort=False):
        title = f"{words.SURVEILLANCE_PROBLEMS[kind]} by {words.lower_first(words.SURVEILLANCE_GROUPINGS[grouping])}"
        parts.append(f"<h3>{escaped(title)}</h3>")
        parts.append(html_table(rows, [("value_label", words.SURVEILLANCE_GROUPINGS[grouping], None), *RATE_COLUMNS]))
    if not report.clinical:
        parts.append('<p class="note">Tissue, organ system and cause are clinical and not part of this report.</p>')
    parts.append('<p class="note">Rates against all exposure (training and match hours together).</p>')
    return "".join(parts) + "</section>"


def _risk(report: SurveillanceReport, chart: Charts) -> str:
    parts = ['<section id="risk"><h2>Risk matrix</h2>']
    if report.risk.empty:
        return parts[0] + '<p class="empty">No health problems began in this period.</p></section>'
    for kind in PROBLEM_TYPES:
        rows = report.risk[report.risk["problem_type"] == kind]
        if rows.empty:
            continue
        parts.append(chart(risk_matrix_chart(report.risk, kind)))
        parts.append(
            html_table(
                rows,
                [
                    ("value_label", words.SURVEILLANCE_GROUPINGS[rows["grouping"].iloc[0]], None),
                    ("cases", "Problems", decimals(0)),
                    ("incidence", "Incidence /1000 h", decimals(2)),
                    ("incidence_low", "95 % low", decimals(2)),
                    ("incidence_high", "95 % high", decimals(2)),
                    ("mean_severity", "Mean days lost", decimals(1)),
                    ("burden", "Burden (days /1000 h)", decimals(1)),
                ],
            )
        )
    parts.append(
        '<p class="note">Incidence × mean severity = burden; the dotted curves join points of equal burden '
        "(Bahr, Clarsen &amp; Ekstrand 2018).</p>"
    )
    return "".join(parts) + "</section>"


def _subsequent(report: SurveillanceReport) -> str:
    parts = ['<section id="subsequent"><h2>Subsequent problems</h2>']
    if report.subsequent.empty:
        return parts[0] + '<p class="empty">No health problems began in this period.</p></section>'
    parts.append(
        html_table(
            report.subsequent,
            [
                ("problem_label", "Problem", None),
                ("category_label", "Category", None),
                ("classified_label", "Decided", None),
                ("problems", "Problems", decimals(0)),
            ],
        )
    )
    return "".join(parts) + "</section>"


def _ostrc(report: SurveillanceReport) -> str:
    parts = ['<section id="ostrc"><h2>Prevalence (OSTRC-O2)</h2>']
    weekly = report.ostrc
    if weekly.empty:
        return parts[0] + '<p class="empty">No OSTRC-O2 answers in this period.</p></section>'
    problem = float(weekly["problem_prevalence"].mean()) * 100
    substantial = float(weekly["substantial_prevalence"].mean()) * 100
    parts.append(
        f"<p>Average weekly prevalence over {len(weekly)} weeks: {problem:.0f} % of the athletes who answered "
        f"reported a problem, {substantial:.0f} % a substantial problem.</p>"
    )
    return "".join(parts) + "</section>"


def surveillance_report_html(report: SurveillanceReport, *, generated: dt.datetime) -> str:
    """The surveillance report as a complete, self-contained HTML document; `generated` is the time printed in
    the footer (the function reads no clock)."""
    chart = Charts()
    counts = report.problems["problem_type"].value_counts()
    hours = float(report.exposure.loc[report.exposure["exposure"] == "all", "hours"].iloc[0])
    facts = [
        (f"{report.athletes}", "athletes"),
        (f"{hours:,.0f}", "exposure hours"),
        (f"{int(counts.get('injury', 0))}", "injuries"),
        (f"{int(counts.get('illness', 0))}", "illnesses"),
    ]
    team = escaped(report.team)
    body = [
        "<header>",
        "<h1>Injury and illness surveillance</h1>",
        f'<p class="who">{team}</p>',
        f'<p class="period">Period {report.start:%d %b %Y} to {report.end:%d %b %Y}</p>',
        '<div class="facts">'
        + "".join(f'<div class="fact"><b>{n}</b><span>{escaped(w)}</span></div>' for n, w in facts)
        + "</div>",
        "</header>",
        _population(report),
        _exposure(report),
        _rates(report),
        _severity(report),
        _groups(report),
        _risk(report, chart),
        _subsequent(report),
        _ostrc(report),
        "<footer>",
        f"<p>Generated {generated:%Y-%m-%d %H:%M} by Fascia for {team}, following the IOC consensus statement on "
        "recording and reporting epidemiological data on injury and illness in sport (Bahr et al. 2020) and its "
        "reporting guideline STROBE-SIIS. Confidential health information.</p>",
        "<dl>"
        + "".join(
            f"<div><dt>{escaped(term)}</dt><dd>{escaped(text)}</dd></div>"
            for term, text in words.SURVEILLANCE_DEFINITIONS
        )
        + "</dl>",
        "</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Injury and illness surveillance — {team} — {report.end:%Y-%m-%d}</title><style>{STYLE}</style>"
        f"</head><body><main>{''.join(body)}</main></body></html>\n"
    )
