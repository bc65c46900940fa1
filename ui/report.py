"""The athlete's progress report: one self-contained HTML file (plotly.js inline, no network needed to
open it) that prints cleanly to PDF from a browser (A4, charts and tables kept whole on a page).

Pure: a view in, HTML out (no Streamlit, no database). The view is `views.progress_report.ProgressReport`:
the frames *Athlete progress* draws plus the plain sentences of *My recovery*; the charts are the
page's own builders (`ui.charts.progress`). Everything a person typed (names, team, notes) is
HTML-escaped; the charts are built from coded values only (regions, sides, techniques, categories). A
Content-Security-Policy meta tag (`CSP`) forbids every load from elsewhere, should anything slip through.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping

import pandas as pd

from analytics.vocabulary import ROM_MEASURES
from ui.charts.progress import pain_timeline, rom_chart, treatment_chart
from ui.html import Charts, decimals, escaped, html_table
from views import words
from views.athlete_progress import AthleteProgress
from views.my_recovery import Summary
from views.progress_report import ProgressReport

#: Rules printed in the footer, from DESIGN.md (*What the numbers mean*).
DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Pain",
        "NPRS 0–10 (LOINC 72514-3), self-reported per body region and side on the daily check-in. An improvement "
        "is clinically important when pain falls by at least 2 points and at least 30 % (Farrar et al. 2001). "
        "Pain is resolved on the first day of three consecutive reports at 0–1. A gap in a line is no report, "
        "not 0.",
    ),
    (
        "Range of motion",
        "Each value is the mean of the day's trials (post-session measurements belong to the treatment response). "
        "A change is real only when it exceeds the minimal detectable change (MDC): 5° for goniometry and "
        "inclinometry, 1.5 cm for the knee-to-wall lunge (Chisholm et al. 2012). % of norm = latest ÷ the "
        "published norm × 100. Limb symmetry index (LSI) = involved ÷ uninvolved × 100 (involved = the injured "
        "side when there is an injury in that region, otherwise the smaller value); asymmetry when |left − right| "
        "exceeds both the MDC and 10 % of the larger side.",
    ),
    (
        "Treatment response",
        "Per session: pain before − after (NPRS points; positive = less pain) and ROM post − pre when measured "
        "around the session; per technique: count, mean and a t-based 95 % interval (none with n < 2). Held: at "
        "the next check-in within 7 days the region's pain was no higher than right after the session.",
    ),
    (
        "Recurrence",
        "Fuller et al. 2006 consensus: an injury of the same type at the same region and side as an earlier one "
        "is an exacerbation if the earlier one had not returned to full participation, otherwise a recurrence — "
        "early within 60 days of that return, late within 365 days, delayed after that; anything else is new.",
    ),
    (
        "Recovery",
        "Days from injury onset to return to full participation and to pain resolution; an episode not finished "
        "by the newest data is still open.",
    ),
)

#: The same rules in the athlete's own words, for their copy (`progress_report_html(plain=True)`): no MDC, LSI,
#: confidence intervals or recurrence categories.
PLAIN_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Pain",
        "Your own answers, 0 (no pain) to 10 (worst pain imaginable), per body area and side on the daily "
        "check-in. A drop of at least 2 points and at least 30 % is a change people clearly feel (Farrar et al. "
        "2001). A gap in a line is a day without an answer, not 0.",
    ),
    (
        "Range of motion",
        "How far a joint moves, in degrees (or centimetres from the wall for the knee-to-wall lunge), the mean of "
        "the day's tries. Every measurement has some noise: a change counts as real only when it is bigger than "
        "that noise (5° for angles, 1.5 cm for the lunge; Chisholm et al. 2012). % of normal = your value ÷ the "
        "published average for adults × 100. Left and right are compared by how far the injured (or weaker) "
        "side reaches compared with the other, in %; the sides are uneven when the difference is bigger than the "
        "noise and than a tenth of the better side.",
    ),
    (
        "Treatment response",
        "Per session: your pain before minus after (positive = less pain), and the range of motion after minus "
        "before when it was measured around the session. Held: at your next check-in within 7 days the area hurt "
        "no more than right after the session.",
    ),
    (
        "Injuries that come back",
        "An injury of the same kind, in the same place and on the same side as an earlier one is one that came "
        "back (within 2 months, 2–12 months, or more than a year after you returned), or got worse before it had "
        "healed if you had not returned yet; anything else is a new injury (Fuller et al. 2006).",
    ),
    (
        "Recovery",
        "Days from the start of an injury to your return to full training and to pain of 0–1; an injury you have "
        "not yet come back from is still open.",
    ),
)

STYLE = """
:root { --ink: #1f2a30; --muted: #5f6b72; --rule: #d8dde0; --left: #1f77b4; --right: #ff7f0e; }
* { box-sizing: border-box; }
body { margin: 0; background: #f3f5f6; color: var(--ink);
  font: 13px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { width: 720px; margin: 24px auto; padding: 28px 10px 20px; background: white;
  box-shadow: 0 1px 4px rgba(0, 0, 0, 0.12); }
header { border-bottom: 2px solid var(--ink); padding: 0 0 10px; margin: 0 0 14px; }
header h1 { font-size: 22px; margin: 0 0 4px; }
header .who { font-size: 14px; margin: 0; }
header .period { color: var(--muted); margin: 2px 0 0; }
h2 { font-size: 17px; margin: 22px 0 6px; padding-bottom: 3px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 14px 0 4px; }
p, ul { margin: 4px 0 8px; }
ul { padding-left: 20px; }
.facts { display: flex; gap: 8px; margin: 10px 0 4px; }
.fact { flex: 1; border: 1px solid var(--rule); border-radius: 6px; padding: 6px 8px; }
.fact b { display: block; font-size: 18px; }
.fact span { color: var(--muted); font-size: 11px; }
.note { color: var(--muted); font-size: 11px; margin: 2px 0 10px; }
.empty { color: var(--muted); font-style: italic; }
.warn { background: #fff4e5; border-left: 4px solid #e8a33d; padding: 5px 8px; margin: 6px 0; }
figure.chart { margin: 6px 0 4px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 10px; }
table { width: 100%; border-collapse: collapse; margin: 6px 0 6px; font-size: 11.5px; }
th, td { text-align: left; padding: 3px 5px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { background: #eef1f3; font-weight: 600; }
th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.notes { white-space: pre-wrap; overflow-wrap: anywhere; color: #37474f; min-width: 120px; }
footer { margin-top: 26px; padding-top: 8px; border-top: 2px solid var(--ink); font-size: 10.5px; color: #37474f; }
footer dl { margin: 6px 0 0; }
footer dt { font-weight: 600; margin-top: 4px; }
footer dd { margin: 0 0 0 0; }
@page { size: A4; margin: 12mm 11mm 14mm; }
@media print {
  body { background: white; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { width: auto; margin: 0; padding: 0; box-shadow: none; }
  .modebar-container, .modebar, button, .no-print { display: none !important; }
  figure.chart, table, tr, .facts, .keep, footer dl > div { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
}
"""

#: The report's Content-Security-Policy (a meta tag, as the file is opened from disk): nothing may load from
#: anywhere (no image, font, style sheet, script, frame or connection), only the inline plotly.js, the inline
#: styles and data: images (plotly's own) run and show; no form is sent and no <base> changes where links go.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)

#: Shown instead of the clinical notes in a report made without them.
NO_NOTES = "Clinical notes are not part of this report."


def _day(value: object) -> str:
    return "—" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _yes(value: object) -> str:
    return "—" if value is None or pd.isna(value) else ("yes" if bool(value) else "no")


#: The symmetry table's columns: the clinicians' and, in the athlete's copy, the same in plain words.
SYMMETRY: list[tuple[str, str, Callable[[object], str] | None]] = [
    ("measure", "Measure", None),
    ("date", "Measured", _day),
    ("left", "Left", decimals(1)),
    ("right", "Right", decimals(1)),
    ("abs_diff", "|L − R|", decimals(1)),
    ("mdc", "MDC", decimals(1)),
    ("lsi", "LSI %", decimals(0)),
    ("asymmetric", "Asymmetry", _yes),
    ("involved_side", "Involved", None),
    ("why", "Why that side", None),
]
PLAIN_SYMMETRY: list[tuple[str, str, Callable[[object], str] | None]] = [
    ("measure", "Measure", None),
    ("date", "Measured", _day),
    ("left", "Left", decimals(1)),
    ("right", "Right", decimals(1)),
    ("abs_diff", "Difference", decimals(1)),
    ("mdc", "Measurement noise", decimals(1)),
    ("involved_side", "Side compared", None),
    ("lsi", "It reaches (% of the other side)", decimals(0)),
    ("asymmetric", "Uneven", _yes),
]
#: The treatment response table's columns: the clinicians' (with the 95 % interval) and the athlete's.
RESPONSE: list[tuple[str, str, Callable[[object], str] | None]] = [
    ("technique", "Technique", None),
    ("outcome", "Outcome", None),
    ("unit", "Unit", None),
    ("n", "n", decimals(0)),
    ("mean", "Mean change", decimals(1)),
    ("ci_lower", "95 % low", decimals(1)),
    ("ci_upper", "95 % high", decimals(1)),
    ("n_held_known", "With next check-in", decimals(0)),
    ("share_held", "Held %", lambda v: decimals(0)(None if pd.isna(v) else 100 * float(v))),
]
PLAIN_RESPONSE: list[tuple[str, str, Callable[[object], str] | None]] = [
    ("technique", "Technique", None),
    ("outcome", "Outcome", None),
    ("unit", "Unit", None),
    ("n", "Sessions", decimals(0)),
    ("mean", "Average change", decimals(1)),
    ("n_held_known", "With a check-in after", decimals(0)),
    ("share_held", "Held %", lambda v: decimals(0)(None if pd.isna(v) else 100 * float(v))),
]


def report_file_name(external_id: object, day: dt.date) -> str:
    """``progress-<external id>-<YYYY-MM-DD>.html``; characters unsafe in a file name become "-"."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", str(external_id or "athlete")).strip("-.") or "athlete"
    return f"progress-{safe}-{day:%Y-%m-%d}.html"


def _pain_course(trend: pd.DataFrame) -> pd.DataFrame:
    """Per region and side: reports, first and latest report, highest and mean pain in the period."""
    ordered = trend.sort_values("date")
    g = ordered.groupby(["body_region", "side"], as_index=False, dropna=False).agg(
        n=("pain", "size"),
        first_date=("date", "first"),
        first_pain=("pain", "first"),
        last_date=("date", "last"),
        last_pain=("pain", "last"),
        highest=("pain", "max"),
        mean=("pain", "mean"),
    )
    g["where"] = [words.where_words(r, s) for r, s in zip(g["body_region"], g["side"], strict=True)]
    return g.sort_values(["last_pain", "highest"], ascending=False)


def _pain_section(frames: AthleteProgress, chart: Charts, start: dt.date, end: dt.date, plain: bool) -> str:
    trend, sessions = frames.trend, frames.sessions
    parts = ['<section id="pain"><h2>Pain course</h2>']
    if trend.empty and sessions.empty:
        return parts[0] + '<p class="empty">No pain reported and no sessions in this period.</p></section>'
    fig = pain_timeline(trend, sessions, frames.injuries, start, end, height=430, plain=plain)
    parts.append(chart(fig))
    shading = "new or come back" if plain else "recurrence category"
    parts.append(
        '<p class="note">Lines: pain per region and side (blue left, orange right, grey central or both; one dash '
        "style per region) on the days it was reported. Diamonds: therapy sessions at the pain after, with a stroke "
        "from the pain before (hollow: pain not recorded). Shaded: injuries from onset to return to full "
        f"participation, coloured by {shading}.</p>"
    )
    if not trend.empty:
        course = _pain_course(trend)
        parts.append("<h3>Per region</h3>")
        parts.append(
            html_table(
                course,
                [
                    ("where", "Region", None),
                    ("n", "Reports", decimals(0)),
                    ("first_date", "First", _day),
                    ("first_pain", "Pain", decimals(0)),
                    ("last_date", "Latest", _day),
                    ("last_pain", "Pain", decimals(0)),
                    ("highest", "Highest", decimals(0)),
                    ("mean", "Mean", decimals(1)),
                ],
            )
        )
    chronic = frames.chronic_where
    if chronic:
        parts.append(
            f'<p class="warn">Chronic pain: {escaped(chronic)} — reported in more than 6 of the last 12 weeks '
            "(IASP; Treede et al. 2019).</p>"
        )
    return "".join(parts) + "</section>"


def _rom_section(
    frames: AthleteProgress, said: Summary, chart: Charts, start: dt.date, end: dt.date, plain: bool
) -> str:
    history = frames.history
    parts = ['<section id="rom"><h2>Range of motion: left vs right against normal</h2>']
    if history.empty:
        return parts[0] + '<p class="empty">No range of motion measured in this period.</p></section>'
    measured = set(zip(history["joint"], history["movement"], strict=True))
    present = [(j, m) for j, m, _, _ in ROM_MEASURES if (j, m) in measured]
    charts = [
        # month labels centred on their month: at half an A4 width the first would run into the y-axis's
        chart(
            rom_chart(history, j, m, height=300, compact_layout=True, start=start, end=end, plain=plain).update_xaxes(
                ticklabelmode="period"
            )
        )
        for j, m in present
    ]
    parts.append('<div class="grid">' + "".join(charts) + "</div>")
    parts.append(
        '<p class="note">Blue left, orange right. Filled point: the first measurement or a real change since the '
        "previous one (bigger than measurement noise); hollow: a change within measurement noise. Green band: the "
        "published average for adults ± that noise; dashed line: the average.</p>"
        if plain
        else '<p class="note">Blue left, orange right. Filled point: the first measurement or a real change since '
        "the previous one (beyond the MDC); hollow: a change within measurement error. Green band: the published "
        "norm ± its MDC; dashed line: the norm.</p>"
    )
    status = said.rom_status
    if not status.empty:
        shown = status.assign(
            measure=[
                words.measure_option(j, m, u)
                for j, m, u in zip(status["joint"], status["movement"], status["unit"], strict=True)
            ],
            side=status["side"].map(lambda side: words.word(words.SIDES, side)),
            meaning=words.rom_change_words(status["change"], status["change_real"], unmeasured="not re-measured"),
        )
        parts.append("<h3>Change and % of normal</h3>")
        parts.append(
            html_table(
                shown,
                [
                    ("measure", "Measure", None),
                    ("side", "Side", None),
                    ("baseline_date", "Baseline", _day),
                    ("baseline_value", "Value", decimals(1)),
                    ("latest_date", "Latest", _day),
                    ("latest_value", "Value", decimals(1)),
                    ("change", "Change", decimals(1)),
                    ("meaning", "Meaning", None),
                    ("pct_of_norm", "% of norm", decimals(0)),
                ],
            )
        )
    symmetry = frames.symmetry
    if not symmetry.empty:
        parts.append("<h3>Symmetry (latest day both sides were measured)</h3>")
        parts.append(html_table(symmetry, PLAIN_SYMMETRY if plain else SYMMETRY))
    return "".join(parts) + "</section>"


def _treatment_section(frames: AthleteProgress, chart: Charts, include_notes: bool, plain: bool) -> str:
    sessions, summary = frames.sessions, frames.treatment
    parts = ['<section id="sessions"><h2>Sessions and their response</h2>']
    if sessions.empty:
        return parts[0] + '<p class="empty">No therapy sessions in this period.</p></section>'
    if not plain and not summary.empty and (summary["outcome"] == "pain_relief").any():
        parts.append(chart(treatment_chart(summary)))  # its bars are 95 % intervals: the table says it plainly
    if not summary.empty:
        parts.append(
            html_table(
                summary.assign(technique=summary["technique_label"], outcome=summary["outcome_label"]),
                PLAIN_RESPONSE if plain else RESPONSE,
            )
        )
        parts.append(
            '<p class="note">Pain relief = pain before − after (NPRS points; positive = less pain). ROM rows: post − '
            "pre session (degrees or cm; positive = more motion).</p>"
        )
    listed = sessions.sort_values(["date", "session_id"], ascending=False)
    columns: list[tuple[str, str, Callable[[object], str] | None]] = [
        ("date", "Date", _day),
        ("technique_label", "Technique", None),
        ("where", "Region", None),
        ("minutes", "Minutes", decimals(0)),
        ("pain_before", "Pain before", decimals(0)),
        ("pain_after", "Pain after", decimals(0)),
        ("discomfort", "Discomfort", decimals(0)),
    ]
    if include_notes and "notes" in listed.columns:
        columns.append(("notes", "Notes", None))
    parts.append(f"<h3>All {len(listed)} sessions in the period</h3>")
    parts.append(html_table(listed, columns))
    if not include_notes:
        parts.append(f'<p class="note">{NO_NOTES}</p>')
    return "".join(parts) + "</section>"


def _episodes_section(frames: AthleteProgress, include_notes: bool, plain: bool) -> str:
    episodes = frames.episodes
    heading = "Your injuries" if plain else "Injury episodes and recurrence"
    parts = [f'<section id="episodes"><h2>{heading}</h2>']
    if episodes.empty:
        return parts[0] + '<p class="empty">No injuries on record.</p></section>'
    repeats = episodes["index_injury_id"].map(
        lambda i: "" if pd.isna(i) else (f" (injury #{int(i)})" if plain else f" of #{int(i)}")
    )
    labels = episodes["category"].map(lambda c: words.word(words.RECURRENCE_PLAIN, c)) if plain else None
    shown = episodes.assign(category_text=(episodes["category_label"] if labels is None else labels) + repeats)
    columns: list[tuple[str, str, Callable[[object], str] | None]] = [
        ("injury_id", "Injury #", decimals(0)),
        ("onset_date", "Onset", _day),
        ("where", "Region", None),
        ("type", "Type", None),
        ("category_text", "New or come back" if plain else "Recurrence category", None),
        ("return_date", "Returned", _day),
        ("days_to_return", "Days to return", decimals(0)),
        ("days_to_resolution", "Days to pain 0–1", decimals(0)),
        ("status", "Status", None),
    ]
    if include_notes and "notes" in shown.columns:
        columns.append(("notes", "Notes", None))
    parts.append(html_table(shown, columns))
    parts.append(
        '<p class="note">All your injuries, newest first; "(injury #n)": the earlier injury one came back from. Days '
        "to pain 0–1: from the start to the first of three reports in a row at 0–1.</p>"
        if plain
        else '<p class="note">The whole injury history (categories depend on earlier injuries), newest first; "of '
        '#n": the earlier injury a recurrence or exacerbation repeats. Days to pain 0–1: onset to the first of '
        "three consecutive reports at 0–1.</p>"
    )
    return "".join(parts) + "</section>"


def _summary_section(frames: AthleteProgress, said: Summary, plain: bool) -> str:
    pain_words, rom_words = said.pain_sentences, said.rom_sentences
    parts = ['<section id="summary"><h2>Summary</h2>']
    for injury in frames.open_episodes.itertuples(index=False):  # open injuries: one or two
        category = words.word(words.RECURRENCE_PLAIN, injury.category) if plain else injury.category_label
        parts.append(
            f'<p class="warn">Open injury: {escaped(injury.where)} {escaped(words.lower_first(injury.type))} since '
            f"{_day(injury.onset_date)} ({escaped(injury.days_since_onset)} days) — "
            f"{escaped(words.lower_first(category))}.</p>"
        )
    parts.append("<h3>Pain</h3>")
    parts.append(
        "<ul>" + "".join(f"<li>{escaped(s)}</li>" for s in pain_words) + "</ul>"
        if pain_words
        else '<p class="empty">No pain reported in this period.</p>'
    )
    parts.append("<h3>Range of motion</h3>")
    parts.append(
        "<ul>" + "".join(f"<li>{escaped(s)}</li>" for s in rom_words) + "</ul>"
        if rom_words
        else '<p class="empty">No range of motion measured in this period.</p>'
    )
    parts.append(
        '<p class="note">Written to the athlete, as on <i>My recovery</i>. Pain: the first and the latest report of '
        "each sore area in the period. ROM: compared with the first measurement since the latest injury in that "
        "area (otherwise the first in the period); changes within measurement error count as unchanged.</p>"
    )
    return "".join(parts) + "</section>"


def progress_report_html(
    athlete: Mapping[str, object],
    report: ProgressReport,
    *,
    generated: dt.datetime,
    include_notes: bool,
    plain: bool = False,
) -> str:
    """One athlete's progress report as a complete, self-contained HTML document.

    - `athlete`: ``display_name``, ``team``, ``external_id`` (``position``, ``dominant_side`` optional).
    - `report`: `views.progress_report.progress_report` (the *Athlete progress* frames, the *My recovery*
      sentences and the ROM status; the period is its ``start`` and ``end``).
    - `include_notes`: clinical notes (sessions, injuries) only when True — never in an athlete's own copy,
      whatever the frames hold.
    - `generated`: the time printed in the footer (the function reads no clock).
    - `plain`: the athlete's own copy in plain words (`PLAIN_DEFINITIONS`, `PLAIN_SYMMETRY`, `PLAIN_RESPONSE`,
      `views.words.RECURRENCE_PLAIN`): no MDC, LSI, confidence intervals or recurrence categories.
    """
    chart = Charts()
    frames, said, start, end = report.progress, report.summary, report.start, report.end
    name = escaped(athlete.get("display_name"))
    details = [f"Team {escaped(athlete.get('team'))}", f"ID {escaped(athlete.get('external_id'))}"]
    for key, heading in (("position", "Position"), ("dominant_side", "Dominant side")):
        value = athlete.get(key)
        if isinstance(value, str) and value:
            details.append(f"{heading} {escaped(value)}")
    sessions, trend, episodes, history = frames.sessions, frames.trend, frames.episodes, frames.history
    open_count = int((episodes["status"] == "open").sum()) if not episodes.empty else 0
    facts = [
        (len(trend), "pain reports"),
        (len(sessions), "therapy sessions"),
        (history["date"].nunique() if not history.empty else 0, "ROM measurement days"),
        (open_count, "open injuries"),
    ]
    body = [
        "<header>",
        f"<h1>Progress report — {name}</h1>",
        f'<p class="who">{" · ".join(details)}</p>',
        f'<p class="period">Period {start:%d %b %Y} to {end:%d %b %Y}'
        f"{'' if include_notes else ' · athlete copy, without clinical notes'}</p>",
        '<div class="facts">'
        + "".join(f'<div class="fact"><b>{n}</b><span>{escaped(w)}</span></div>' for n, w in facts)
        + "</div>",
        "</header>",
        _summary_section(frames, said, plain),
        _pain_section(frames, chart, start, end, plain),
        _rom_section(frames, said, chart, start, end, plain),
        _treatment_section(frames, chart, include_notes, plain),
        _episodes_section(frames, include_notes, plain),
        "<footer>",
        f"<p>Generated {generated:%Y-%m-%d %H:%M} by Fascia for {name}, from the records of {start:%Y-%m-%d} to "
        f"{end:%Y-%m-%d} (injury history: all of it). Sources: daily check-in pain reports, therapy sessions, "
        "ROM measurements, injuries. Confidential health information.</p>",
        "<dl>"
        + "".join(
            f"<div><dt>{escaped(term)}</dt><dd>{escaped(text)}</dd></div>"
            for term, text in (PLAIN_DEFINITIONS if plain else DEFINITIONS)
        )
        + "</dl>",
        "</footer>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Progress report — {name} — {end:%Y-%m-%d}</title><style>{STYLE}</style></head>"
        f"<body><main>{''.join(body)}</main></body></html>\n"
    )
