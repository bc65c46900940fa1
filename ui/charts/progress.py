"""Charts of one athlete's progress, shared by the therapist's *Athlete progress* and the athlete's
*My recovery*: pain timeline with sessions and injury spans, ROM left vs right against the norm,
Kaplan-Meier days to resolution, treatment response per technique.

`with_stages` marks the return-to-sport stages on either timeline.

Every builder takes analytics frames and returns a `plotly.graph_objects.Figure` (an `empty_figure`
that says what to do next when there is nothing to draw); colours come from `ui.charts.theme`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from analytics.vocabulary import RTS_STAGE_AVAILABILITY
from ui.charts.theme import (
    AVAILABILITY_COLOURS,
    BAND,
    NEUTRAL,
    NORM_BAND,
    OK_GREEN,
    RECURRENCE_COLOURS,
    SIDE_COLOURS,
    TECHNIQUE_COLOURS,
    empty_figure,
    layout,
)
from ui.text import plotly_text
from views import words

#: The athlete's own curve against the team's (dark ink against the theme's neutral grey).
ATHLETE_INK = "#263238"
#: A pain line breaks where reports are more than this many days apart (no report is not 0).
LINE_GAP_DAYS = 7
REGION_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
NO_PAIN_MESSAGE = "No pain reported in these dates — pain is reported on the daily check-in."
NO_ROM_MESSAGE = "No ROM measured yet — record a baseline on Record ROM."


def _category(code: object, plain: bool = False) -> str:
    """A recurrence category inside a label: "early recurrence"; `plain`: as the athlete reads it ("back
    within 2 months", `views.words.RECURRENCE_PLAIN_SHORT`)."""
    return words.lower_first(words.word(words.RECURRENCE_PLAIN_SHORT if plain else words.RECURRENCE, code))


def legend_below(fig: go.Figure) -> go.Figure:
    """The legend at the bottom of the figure, under the x-axis title (the plot shrinks to make room), so
    a legend of many entries never runs into the title, whatever the window's width."""
    fig.update_layout(
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "xanchor": "left"}
    )
    return fig


def compact(fig: go.Figure) -> go.Figure:
    """For a phone-sized window: the legend below and narrower margins."""
    legend_below(fig)
    fig.update_layout(margin={"l": 45, "r": 10, "t": 50, "b": 40})
    return fig


# --------------------------------------------------------------------------- return-to-sport stages


def with_stages(fig: go.Figure, stages: pd.DataFrame) -> go.Figure:
    """`fig` (a pain or ROM timeline) with the return-to-sport stages along its date axis: each decision a
    thin band from its date to the next decision (`views.return_to_sport.progress_stages`: ``date, until,
    stage, stage_label``), tinted by the availability the stage means (red unavailable, amber modified,
    green full), and a dotted line at the decision labelled with the stage (Ardern et al. 2016)."""
    if stages.empty or not fig.data:
        return fig
    for stage in stages.itertuples(index=False):
        colour = AVAILABILITY_COLOURS[RTS_STAGE_AVAILABILITY[stage.stage]]
        fig.add_vrect(
            x0=stage.date,
            x1=stage.until,
            y0=0.97,
            y1=1.0,
            fillcolor=colour,
            opacity=0.6,
            line_width=0,
            layer="below",
        )
        fig.add_vline(x=stage.date, line_dash="dot", line_color=colour, line_width=1)
        fig.add_annotation(
            x=stage.date,
            y=1.0,
            yref="paper",
            text=plotly_text(stage.stage_label),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 10, "color": colour},
        )
    return fig


# --------------------------------------------------------------------------- pain timeline


def pain_timeline(
    trend: pd.DataFrame,
    sessions: pd.DataFrame | None = None,
    injuries: pd.DataFrame | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    title: str = "Pain per region, with treatments and injuries",
    empty_message: str = NO_PAIN_MESSAGE,
    height: int = 420,
    compact_layout: bool = False,
    plain: bool = False,
) -> go.Figure:
    """Pain (NPRS 0-10) per region and side over time, therapy sessions on it, injury spans shaded.
    `plain`: the athlete's own words (injury categories as "back within 2 months", no NPRS).

    - `trend`: ``analytics.recovery.pain_trend`` rows of one athlete; one line per region and side,
      coloured by side (``SIDE_COLOURS``, the same everywhere) with one dash style per region; the line
      breaks where reports are more than 7 days apart.
    - `sessions`: therapy sessions (``date, technique, body_region, side, minutes, pain_before,
      pain_after``); each is a vertical stroke from pain before to pain after in its technique's colour,
      with a diamond at the pain after; hover: technique, region, before -> after, minutes.
    - `injuries`: ``analytics.recurrence.classify_injuries`` rows; each injury is shaded from onset to
      return to full participation (to `end` while open) in its recurrence category's colour and
      labelled with region and category.
    """
    if trend.empty and (sessions is None or sessions.empty):
        return empty_figure(title, empty_message)
    fig = go.Figure()
    regions = sorted(trend["body_region"].unique()) if not trend.empty else []
    dashes = {r: REGION_DASHES[i % len(REGION_DASHES)] for i, r in enumerate(regions)}
    for (region, side), g in trend.groupby(["body_region", "side"], sort=True):
        where = words.where_words(region, side)
        g = _break_gaps(g.sort_values("date"))
        fig.add_trace(
            go.Scatter(
                x=g["date"],
                y=g["pain"],
                mode="lines+markers",
                name=words.upper_first(where),
                line={"color": SIDE_COLOURS.get(side, NEUTRAL), "dash": dashes[region], "width": 2},
                marker={"size": 6},
                customdata=g[["pain_rolling_mean", "rolling_n"]].to_numpy(),
                hovertemplate=(
                    f"<b>{where}</b><br>%{{x|%Y-%m-%d}}: pain %{{y}}/10<br>"
                    "7-day mean %{customdata[0]:.1f} (%{customdata[1]} reports)<extra></extra>"
                ),
            )
        )
    if sessions is not None and not sessions.empty:
        _add_sessions(fig, sessions)
    if injuries is not None and not injuries.empty:
        _add_injury_spans(fig, injuries, start, end, short_labels=compact_layout, plain=plain)
    layout(fig, title, "Date", "Pain (0–10)" if plain else "Pain (NPRS, 0–10)", height=height)
    fig.update_yaxes(range=[-0.3, 10.6], dtick=2)
    legend_below(fig)
    if compact_layout:
        compact(fig)
    if start is not None and end is not None:
        fig.update_xaxes(
            range=[pd.Timestamp(start) - pd.Timedelta(hours=12), pd.Timestamp(end) + pd.Timedelta(hours=12)]
        )
    return fig


def _break_gaps(g: pd.DataFrame, days: int = LINE_GAP_DAYS) -> pd.DataFrame:
    """`g` with an empty row after each report followed by a gap of more than `days` days, so the line
    breaks there instead of drawing a trend through days nobody reported."""
    gap = g["date"].diff().dt.days.shift(-1) > days
    if not gap.any():
        return g
    breaks = g[gap].assign(date=g.loc[gap, "date"] + pd.Timedelta(days=1), pain=None)
    return pd.concat([g, breaks]).sort_values("date", kind="stable")


def _add_sessions(fig: go.Figure, sessions: pd.DataFrame) -> None:
    s = sessions.sort_values("date")
    for technique, g in s.groupby("technique", sort=True):
        colour = TECHNIQUE_COLOURS.get(technique, NEUTRAL)
        before = g["pain_before"].astype("Float64")
        after = g["pain_after"].astype("Float64")
        known = before.notna() & after.notna()
        xs: list[object] = []
        ys: list[object] = []
        for d, b, a in zip(g.loc[known, "date"], before[known], after[known], strict=True):
            xs += [d, d, None]
            ys += [float(b), float(a), None]
        name = f"Session: {words.word(words.TECHNIQUES, technique)}"
        if xs:
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"color": colour, "width": 3},
                    opacity=0.55,
                    legendgroup=name,
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
        y = after.fillna(0.0).astype(float)
        text = [
            f"{b} → {a}" if pd.notna(b) and pd.notna(a) else "not recorded"
            for b, a in zip(g["pain_before"], g["pain_after"], strict=True)
        ]
        where = [words.where_words(r, sd) for r, sd in zip(g["body_region"], g["side"], strict=True)]
        minutes = g["minutes"] if "minutes" in g else pd.Series([None] * len(g), index=g.index)
        fig.add_trace(
            go.Scatter(
                x=g["date"],
                y=y,
                mode="markers",
                name=name,
                legendgroup=name,
                marker={
                    "symbol": ["diamond" if k else "diamond-open" for k in known],
                    "size": 11,
                    "color": colour,
                    "line": {"color": "white", "width": 1},
                },
                customdata=list(zip(where, text, minutes, strict=True)),
                hovertemplate=(
                    f"<b>{words.word(words.TECHNIQUES, technique)}</b> %{{x|%Y-%m-%d}}<br>%{{customdata[0]}}<br>"
                    "pain before → after: %{customdata[1]}<br>%{customdata[2]} min<extra></extra>"
                ),
            )
        )


def _add_injury_spans(
    fig: go.Figure,
    injuries: pd.DataFrame,
    start: dt.date | None,
    end: dt.date | None,
    short_labels: bool = False,
    plain: bool = False,
) -> None:
    lo = pd.Timestamp(start) if start is not None else None
    hi = pd.Timestamp(end) if end is not None else pd.Timestamp(injuries["onset_date"].max())
    shown: set[str] = set()
    for i, row in enumerate(injuries.sort_values("onset_date").itertuples(index=False)):  # a handful
        onset = pd.Timestamp(row.onset_date)
        stop = pd.Timestamp(row.return_date) if pd.notna(row.return_date) else hi
        if (lo is not None and stop < lo) or onset > hi:
            continue
        x0 = max(onset, lo) if lo is not None else onset
        x1 = min(stop, hi)
        category = getattr(row, "category", "new")
        colour = RECURRENCE_COLOURS.get(category, NEUTRAL)
        status = "" if pd.notna(row.return_date) else " (open)"
        fig.add_vrect(
            x0=x0,
            x1=x1 + pd.Timedelta(hours=12),
            fillcolor=colour,
            opacity=0.13,
            line_width=0,
            layer="below",
        )
        right_side = lo is not None and (x0 - lo) > 0.7 * (hi - lo)
        fig.add_annotation(
            x=x1 if right_side else x0,
            y=10.4 - 0.7 * (i % 2),
            xanchor="right" if right_side else "left",
            showarrow=False,
            text=(
                _category(category, plain)
                if short_labels
                else f"{words.where_words(row.body_region, row.side)} · {_category(category, plain)}{status}"
            ),
            font={"size": 10 if short_labels else 11, "color": colour},
        )
        if category not in shown:
            shown.add(category)
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    name=f"Injury: {_category(category, plain)}",
                    marker={"symbol": "square", "size": 12, "color": colour, "opacity": 0.35},
                    hoverinfo="skip",
                )
            )


# --------------------------------------------------------------------------- ROM


def rom_chart(
    history: pd.DataFrame,
    joint: str,
    movement: str,
    title: str | None = None,
    height: int = 380,
    compact_layout: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
    plain: bool = False,
) -> go.Figure:
    """One ROM measure, left vs right over time, against the norm. `plain`: the athlete's own words (the MDC
    said as measurement noise).

    `history`: ``analytics.caseload.rom_history`` rows of one athlete (other measures are ignored).
    One line per side (``SIDE_COLOURS``); a filled marker is the first measurement or a real change
    since the previous one (beyond the MDC), a hollow marker a change within measurement error. The
    green band is the published norm +/- the measure's MDC (the norms table gives one average, not a
    range), the dashed line the norm itself. `compact_layout` (phones) leaves the filled/hollow key to
    the caption; `start`/`end` fix the date axis.
    """
    h = history[(history["joint"] == joint) & (history["movement"] == movement)]
    name = words.measure_label(joint, movement)
    title = title or (name if compact_layout else f"{name}: left vs right")
    if h.empty:
        return empty_figure(title, NO_ROM_MESSAGE)
    unit = str(h["unit"].iloc[0])
    mdc = float(h["mdc"].iloc[0])
    fig = go.Figure()
    for side in ("left", "right"):
        g = h[h["side"] == side].sort_values("date")
        if g.empty:
            continue
        real = g["change_real"] | g["change"].isna()
        digits = 0 if unit == "deg" else 1
        change = [
            "first measurement in view"
            if pd.isna(c)
            else f"{words.amount(c, unit, digits, signed=True)} since {words.iso_day(p)}: {label}<br>"
            f"{words.amount(f, unit, digits, signed=True)} since {words.iso_day(fd)}: "
            f"{'real change' if fr else 'within measurement error'}"
            for c, p, label, f, fd, fr in zip(
                g["change"],
                g["previous_date"],
                words.rom_change_words(g["change"], g["change_real"]),
                g["change_from_first"],
                g["first_date"],
                g["from_first_real"],
                strict=True,
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=g["date"],
                y=g["value"],
                mode="lines+markers",
                name=words.SIDES[side],
                line={"color": SIDE_COLOURS[side], "width": 2},
                marker={
                    "color": SIDE_COLOURS[side],
                    "size": 10,
                    "symbol": ["circle" if r else "circle-open" for r in real],
                    "line": {"width": 2, "color": SIDE_COLOURS[side]},
                },
                customdata=list(zip(change, [words.contexts_words(c) for c in g["contexts"]], strict=True)),
                hovertemplate=(
                    f"<b>{words.SIDES[side]}</b> %{{x|%Y-%m-%d}}: %{{y:.{digits}f}}"
                    f"{words.unit_suffix(unit)} (%{{customdata[1]}})<br>%{{customdata[0]}}<br>"
                    + (
                        f"Changes under {words.amount(mdc, unit)} are {words.MEASUREMENT_NOISE}"
                        if plain
                        else f"MDC {words.amount(mdc, unit)}"
                    )
                    + "<extra></extra>"
                ),
            )
        )
    proxies = () if compact_layout else (("circle", "real change (> MDC)"), ("circle-open", "within measurement error"))
    for symbol, text in proxies:
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=text,
                marker={"symbol": symbol, "size": 9, "color": NEUTRAL, "line": {"width": 2, "color": NEUTRAL}},
                hoverinfo="skip",
            )
        )
    norm = h["normal_value"].dropna()
    if not norm.empty:
        value = float(norm.iloc[0])
        fig.add_hrect(y0=value - mdc, y1=value + mdc, fillcolor=NORM_BAND, line_width=0, layer="below")
        fig.add_hline(
            y=value,
            line={"color": OK_GREEN, "dash": "dash", "width": 1},
            annotation_text=f"norm {words.amount(value, unit)}",
            annotation_position="bottom right",
            annotation_font={"color": OK_GREEN, "size": 11},
        )
    y_title = "Knee-to-wall distance (cm)" if unit == "cm" else "Range of motion (°)"
    layout(fig, title, "Date", y_title, height=height)
    legend_below(fig)
    if start is not None and end is not None:
        fig.update_xaxes(range=[pd.Timestamp(start) - pd.Timedelta(days=1), pd.Timestamp(end) + pd.Timedelta(days=1)])
    return compact(fig) if compact_layout else fig


# --------------------------------------------------------------------------- Kaplan-Meier


def km_chart(
    curves: pd.DataFrame,
    medians: pd.DataFrame | None = None,
    athlete_group: str = "This athlete",
    title: str = "Days from injury onset to pain resolution",
) -> go.Figure:
    """Kaplan-Meier step curves (``analytics.recovery.km_curves``): the share of episodes whose pain is
    not yet resolved after a number of days, the athlete's (dark) against the team's (grey, with its 95 %
    band). Censored episodes (not resolved at the data's end) are marked with a vertical tick."""
    if curves.empty:
        return empty_figure(title, "No injury episodes yet — open an injury on Injuries.")
    fig = go.Figure()
    groups = sorted(curves["group"].unique(), key=lambda g: g == athlete_group)
    for group in groups:
        c = curves[curves["group"] == group].sort_values("days")
        colour = ATHLETE_INK if group == athlete_group else NEUTRAL
        shown = plotly_text(group)  # an athlete's or team's name: typed by people
        label = shown
        if medians is not None:
            m = medians[medians["group"] == group]
            if not m.empty:
                med = m["median_days"].iloc[0]
                median_text = f"median {med:.0f} d" if pd.notna(med) else "median not reached"
                label = f"{shown} ({int(m['n'].iloc[0])} episodes, {median_text})"
        if group != athlete_group:
            fig.add_trace(
                go.Scatter(
                    x=pd.concat([c["days"], c["days"][::-1]]),
                    y=pd.concat([c["ci_upper"], c["ci_lower"][::-1]]) * 100,
                    fill="toself",
                    fillcolor=BAND,
                    line={"width": 0, "shape": "hv"},
                    name=f"{shown}: 95 % band",
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=c["days"],
                y=c["survival"] * 100,
                mode="lines",
                line={"shape": "hv", "color": colour, "width": 3 if group == athlete_group else 2},
                name=label,
                customdata=c[["at_risk", "events", "censored"]].to_numpy(),
                meta=[shown],  # the name as a value, never read as a template
                hovertemplate=(
                    "<b>%{meta[0]}</b><br>day %{x:.0f}: %{y:.0f} % not yet resolved<br>"
                    "at risk %{customdata[0]}, resolved %{customdata[1]}, censored %{customdata[2]}<extra></extra>"
                ),
            )
        )
        cens = c[c["censored"] > 0]
        if not cens.empty:
            fig.add_trace(
                go.Scatter(
                    x=cens["days"],
                    y=cens["survival"] * 100,
                    mode="markers",
                    marker={"symbol": "line-ns-open", "size": 12, "color": colour, "line": {"width": 2}},
                    name=f"{shown}: censored (not resolved yet)",
                    hovertemplate="censored at day %{x:.0f}<extra></extra>",
                )
            )
    layout(fig, title, "Days since injury onset", "Episodes not yet resolved (%)", height=420)
    fig.update_yaxes(range=[0, 103])
    legend_below(fig)
    return fig


# --------------------------------------------------------------------------- treatment response


def treatment_chart(summary: pd.DataFrame, title: str = "Pain relief per session, by technique") -> go.Figure:
    """Mean pain relief (before - after, NPRS points) per technique with its 95 % interval, from the
    ``pain_relief`` rows of ``analytics.recovery.treatment_summary(..., by=("technique",))``; each
    technique in its theme colour, labelled with n and the share of sessions whose relief held to the
    next check-in."""
    s = summary[summary["outcome"] == "pain_relief"] if not summary.empty else summary
    if s.empty:
        return empty_figure(title, "No sessions with pain before and after yet — log one on Log a session.")
    s = s.sort_values("mean")
    labels = [words.word(words.TECHNIQUES, t) for t in s["technique"]]
    held = [
        f"n = {n}, held {h:.0%}" if pd.notna(h) else f"n = {n}" for n, h in zip(s["n"], s["share_held"], strict=True)
    ]
    fig = go.Figure(
        go.Scatter(
            x=s["mean"],
            y=labels,
            mode="markers+text",
            text=held,
            textposition="top center",
            marker={"size": 13, "color": [TECHNIQUE_COLOURS.get(t, NEUTRAL) for t in s["technique"]]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (s["ci_upper"] - s["mean"]).fillna(0),
                "arrayminus": (s["mean"] - s["ci_lower"]).fillna(0),
                "color": NEUTRAL,
                "thickness": 2,
            },
            customdata=s[["ci_lower", "ci_upper", "n"]].to_numpy(),
            hovertemplate=(
                "<b>%{y}</b><br>mean relief %{x:.1f} points<br>95 % interval %{customdata[0]:.1f} to "
                "%{customdata[1]:.1f} (n = %{customdata[2]})<extra></extra>"
            ),
            showlegend=False,
        )
    )
    fig.add_vline(x=0, line={"color": NEUTRAL, "width": 1})
    layout(fig, title, "Pain relief, before − after (NPRS points)", "Technique", height=140 + 75 * len(s))
    fig.update_yaxes(range=[-0.6, len(s) - 0.2])
    return fig
