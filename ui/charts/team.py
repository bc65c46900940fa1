"""Chart builders of the coach's screens (*Team today*, *Team trends*).

Each takes an analytics frame and returns a `plotly.graph_objects.Figure` with a title and axis
titles with units (theme.layout), in the shared colour language: soreness on PAIN_SCALE (darker =
more sore), availability on AVAILABILITY_COLOURS, Fuller categories on RECURRENCE_COLOURS, red /
amber as the flags use them. An empty frame gives theme.empty_figure with what to do next.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.availability import AVAILABILITY_ORDER
from ui.charts.theme import (
    AVAILABILITY_COLOURS,
    BAND,
    FLAG_AMBER,
    FLAG_RED,
    PAIN_SCALE,
    RECURRENCE_COLOURS,
    empty_figure,
    layout,
)
from ui.text import plotly_text
from views import words

#: Not reported (no check-in today): a light grey, outside the availability traffic light.
UNKNOWN_GREY = "#B0BEC5"
#: A cell without a check-in on the soreness heatmap.
MISSING_GREY = "#E0E0E0"
#: The median line of soreness: the dark end of the pain scale.
SORENESS_LINE = str(PAIN_SCALE[3][1])
#: Bars of "athletes with pain": the middle of the pain scale.
PAIN_BAR = str(PAIN_SCALE[2][1])
#: Load bars (AU): neutral, so the ACWR line and its reference marks stand out.
LOAD_BAR = "#90A4AE"
ACWR_LINE = "#263238"
HEURISTIC = "#78909C"

SORENESS_AXIS = f"Soreness ({words.SORENESS_SCALE}; more sore is up)"
#: The pain scale turned round for the soreness item: 1 (very sore) darkest, 5 (not sore) lightest.
SORENESS_SCALE = [[1 - float(at), colour] for at, colour in reversed(PAIN_SCALE)]


def soreness_item(score: pd.Series | np.ndarray | float) -> pd.Series | np.ndarray | float:
    """The check-in soreness item (1 = very sore … 5 = not sore) of `analytics.soreness`'s soreness score
    (6 - the item, higher = more sore): what every screen shows."""
    return 6 - score


def availability_bar(counts: dict[str, int]) -> go.Figure:
    """One horizontal bar of today's athletes split by availability (unavailable, modified, not
    reported, full), in the availability colours."""
    title = "Availability today"
    if sum(counts.values()) == 0:
        return empty_figure(title, "No active athletes in this team — an admin adds them on *Users and teams*.")
    fig = go.Figure()
    colours = {**AVAILABILITY_COLOURS, "unknown": UNKNOWN_GREY}
    for state in AVAILABILITY_ORDER:
        n = counts.get(state, 0)
        fig.add_bar(
            x=[n],
            y=["Athletes"],
            orientation="h",
            name=words.AVAILABILITY[state],
            marker_color=colours[state],
            text=[f"{n} {words.AVAILABILITY[state].lower()}" if n else ""],  # the word, not the colour alone
            textposition="inside",
            insidetextanchor="middle",
            textangle=0,
            hovertemplate=f"{words.AVAILABILITY[state]}: %{{x}} athletes<extra></extra>",
        )
    layout(fig, title, "Athletes (n)", "", height=190)
    fig.update_layout(barmode="stack", margin={"l": 20, "r": 20, "t": 70, "b": 45}, legend_traceorder="normal")
    fig.update_yaxes(showticklabels=False)
    return fig


def soreness_heatmap(matrix: pd.DataFrame) -> go.Figure:
    """Athlete x day heatmap of soreness as the athletes answered it (index: athlete names, columns: dates;
    values: the soreness score of `analytics.soreness.soreness_matrix`, shown as the item).

    Colour: the pain scale turned round, darker = more sore; a day without a check-in (or with the item
    blank) is a grey cell whose hover says so. The rows come in the matrix's order.
    """
    title = "Soreness per athlete, last 28 days"
    if matrix.empty:
        return empty_figure(title, "No active athletes in this team — an admin adds them on *Users and teams*.")
    z = soreness_item(matrix.to_numpy(dtype=float))
    names = [plotly_text(n) for n in matrix.index]  # athletes' names: tick labels and hover are HTML
    dates = pd.to_datetime(matrix.columns)
    missing = np.where(np.isnan(z), 1.0, np.nan)
    fig = go.Figure()
    fig.add_heatmap(
        z=missing,
        x=dates,
        y=names,
        colorscale=[[0, MISSING_GREY], [1, MISSING_GREY]],
        showscale=False,
        xgap=1,
        ygap=1,
        hovertemplate="%{y}<br>%{x|%a %d %b %Y}<br>no check-in<extra></extra>",
        name="No check-in",
    )
    fig.add_heatmap(
        z=z,
        x=dates,
        y=names,
        colorscale=SORENESS_SCALE,
        zmin=1,
        zmax=5,
        xgap=1,
        ygap=1,
        colorbar={
            "title": {"text": "Soreness", "side": "top"},
            "tickvals": [1, 2, 3, 4, 5],
            "ticktext": ["1 very sore", "2", "3 normal", "4", "5 not sore"],
            "len": min(1.0, 300 / max(1, 22 * len(names))),
            "y": 1,
            "yanchor": "top",
        },
        hovertemplate="%{y}<br>%{x|%a %d %b %Y}<br>soreness %{z:.0f} (1 = very sore … 5 = not sore)<extra></extra>",
        name="Soreness",
    )
    layout(fig, title, "Date", "Athlete", height=max(320, 22 * len(names) + 130))
    fig.update_yaxes(autorange="reversed", showgrid=False, type="category")
    fig.update_xaxes(showgrid=False, dtick=7 * 86_400_000, tickformat="%d %b")
    return fig


def region_pain_bars(share: pd.DataFrame, period: str) -> go.Figure:
    """Share of the athletes who checked in with pain (NPRS >= 1) per body region, for one period
    (a `region_pain_share` frame filtered to it); regions without pain are left out."""
    title = f"Athletes with pain by body region, {period}"
    shown = share[share["n_with_pain"] > 0].sort_values(["share", "body_region"], ascending=[True, False])
    if shown.empty:
        return empty_figure(title, f"Nobody reported pain {period}.")
    fig = go.Figure()
    fig.add_bar(
        x=shown["share"] * 100,
        y=[words.region_label(r) for r in shown["body_region"]],
        orientation="h",
        marker_color=PAIN_BAR,
        text=[f"{n} of {d}" for n, d in zip(shown["n_with_pain"], shown["n_checked_in"], strict=True)],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.0f} % (%{text} athletes who checked in)<extra></extra>",
        name="With pain",
    )
    layout(fig, title, "Athletes who checked in (%)", "Body region", height=max(260, 34 * len(shown) + 120))
    fig.update_xaxes(range=[0, max(10.0, float(shown["share"].max()) * 100 * 1.25)], ticksuffix=" %")
    return fig


def soreness_band(soreness: pd.DataFrame, per: str = "day") -> go.Figure:
    """Team soreness as the athletes answered it (1 = very sore … 5 = not sore), the axis turned so that more
    sore is up: the median as a line inside the interquartile band.

    `soreness` is `analytics.soreness.team_soreness` (``per="day"``: across the athletes who checked in
    that day) or `analytics.availability.weekly_soreness` (``per="week"``: across the athletes' weekly
    means).
    """
    weekly = per == "week"
    title = f"Team soreness per {'week' if weekly else 'day'}: median and middle half of the athletes"
    if soreness.empty:
        return empty_figure(title, "No check-ins in these dates — widen the date range or ask athletes to check in.")
    x = "week_start" if weekly else "date"
    count = "n_athletes" if weekly else "n_checkins"
    s = soreness.sort_values(x)
    fig = go.Figure()
    median, low, high = (soreness_item(s[f"soreness_score_{q}"]) for q in ("median", "q3", "q1"))
    fig.add_scatter(x=s[x], y=high, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False)
    fig.add_scatter(
        x=s[x],
        y=low,
        mode="lines",
        line={"width": 0},
        fill="tonexty",
        fillcolor=BAND,
        name="Middle half of the athletes (25th-75th percentile)",
        hoverinfo="skip",
    )
    when = "week of %{x|%d %b %Y}" if weekly else "%{x|%a %d %b %Y}"
    fig.add_scatter(
        x=s[x],
        y=median,
        mode="lines+markers" if weekly else "lines",
        line={"color": SORENESS_LINE, "width": 2},
        name="Median",
        customdata=np.stack([low, high, s[count]], axis=1),
        hovertemplate=(
            f"{when}<br>median %{{y:.1f}} (middle half %{{customdata[0]:.1f}}-%{{customdata[1]:.1f}})"
            "<br>%{customdata[2]:.0f} athletes<extra></extra>"
        ),
    )
    layout(fig, title, "Week starting (Monday)" if weekly else "Date", SORENESS_AXIS)
    fig.update_yaxes(
        range=[5.2, 0.8], tickvals=[1, 2, 3, 4, 5], ticktext=["1 very sore", "2", "3 normal", "4", "5 not sore"]
    )
    return fig


def injuries_per_month_bars(per_month: pd.DataFrame) -> go.Figure:
    """Injuries per onset month, stacked by Fuller category (new, exacerbation, recurrent early /
    late / delayed) in RECURRENCE_COLOURS."""
    title = "Injuries per month, new and recurrent"
    if per_month.empty or int(per_month["injuries"].sum()) == 0:
        return empty_figure(title, "No injuries began in these dates — widen the date range to see earlier ones.")
    fig = go.Figure()
    for category, colour in RECURRENCE_COLOURS.items():
        rows = per_month[per_month["category"] == category]
        if int(rows["injuries"].sum()) == 0:
            continue
        fig.add_bar(
            x=rows["month"],
            y=rows["injuries"],
            name=words.RECURRENCE_RULES[category],
            marker_color=colour,
            hovertemplate=f"%{{x|%B %Y}}<br>{words.RECURRENCE_RULES[category]}: %{{y}}<extra></extra>",
        )
    layout(fig, title, "Onset month", "Injuries (n)", height=460)
    fig.update_layout(
        barmode="stack",
        legend={"orientation": "h", "y": -0.22, "yanchor": "top", "x": 0, "xanchor": "left", "traceorder": "normal"},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig.update_yaxes(
        rangemode="tozero", dtick=1 if int(per_month.groupby("month")["injuries"].sum().max()) <= 8 else None
    )
    return fig


def recurrence_by_region_bars(rates: pd.DataFrame) -> go.Figure:
    """Recurrence rate per body region (`recurrence_rate(by=["body_region"])`), with the counts."""
    title = "Recurrence rate by body region"
    if rates.empty:
        return empty_figure(title, "No injuries began in these dates — widen the date range to see earlier ones.")
    r = rates.sort_values(["recurrence_rate", "injuries"], ascending=[True, True])
    fig = go.Figure()
    fig.add_bar(
        x=r["recurrence_rate"] * 100,
        y=[words.region_label(b) for b in r["body_region"]],
        orientation="h",
        marker_color=RECURRENCE_COLOURS["recurrent_late"],
        text=[f"{k} of {n}" for k, n in zip(r["recurrences"], r["injuries"], strict=True)],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:.0f} % recurrent (%{text} injuries)<extra></extra>",
        name="Recurrences",
    )
    layout(fig, title, "Injuries that were recurrences (%)", "Body region", height=max(280, 34 * len(r) + 120))
    fig.update_xaxes(range=[0, 110], ticksuffix=" %")
    return fig


def ostrc_prevalence_lines(prevalence: pd.DataFrame) -> go.Figure:
    """Weekly prevalence of OSTRC-O2 problems (amber) and substantial problems (red), % of responders,
    with the number of responders (n) under every week. A week still in progress (``complete`` False,
    `views.team_trends.weeks_marked`) is drawn hollow, apart from the line, and labelled as in progress."""
    title = "Weekly health questions (OSTRC): share of athletes with a health problem"
    if prevalence.empty:
        return empty_figure(title, "No answers in these dates — athletes answer them on *Weekly health questions*.")
    p = prevalence.sort_values("week_start")
    done = p[p["complete"]]
    going = p[~p["complete"]]
    fig = go.Figure()
    for column, name, colour in (
        ("problem_prevalence", "Any problem", FLAG_AMBER),
        ("substantial_prevalence", "Substantial problem", FLAG_RED),
    ):
        count = "problems" if column == "problem_prevalence" else "substantial"
        hover = (
            f"week of %{{x|%d %b %Y}}<br>{name}: %{{y:.0f}} % "
            "(%{customdata[0]} of %{customdata[1]} responders)%{customdata[2]}<extra></extra>"
        )
        for part, complete in ((done, True), (going, False)):
            if part.empty:
                continue
            fig.add_scatter(
                x=part["week_start"],
                y=part[column] * 100,
                mode="lines+markers" if complete else "markers",
                name=name if complete else f"{name}, week in progress",
                legendgroup=column,
                showlegend=complete or done.empty,
                line={"color": colour, "width": 2},
                marker={"color": colour if complete else "rgba(0, 0, 0, 0)", "line": {"color": colour, "width": 2}},
                marker_size=8 if complete else 11,
                customdata=np.stack(
                    [part[count], part["responders"], ["" if complete else "<br>week in progress"] * len(part)], axis=1
                ),
                hovertemplate=hover,
            )
    ticks = [
        f"{words.short_day(week)}<br>n = {n}{' so far' if not complete else ''}"
        for week, n, complete in zip(p["week_start"], p["responders"], p["complete"], strict=True)
    ]
    layout(fig, title, "Week starting (Monday); n = athletes who answered", "Athletes who answered (%)")
    fig.update_xaxes(tickvals=list(p["week_start"]), ticktext=ticks)
    fig.update_yaxes(rangemode="tozero", ticksuffix=" %")
    return fig


def load_acwr_chart(load: pd.DataFrame, athlete: str, method_name: str) -> go.Figure:
    """Daily load bars (AU, left axis) and the ACWR line (right axis) of one athlete, with the
    0.8-1.3 band and the 1.5 line drawn as a labelled, disputed heuristic (Gabbett 2016;
    Impellizzeri et al. 2020)."""
    title = f"Training load and ACWR ({method_name}): {plotly_text(athlete)}"
    if load.empty or load["load"].isna().all():
        return empty_figure(title, "No training or check-ins in these dates — widen the date range.")
    fig = go.Figure()
    fig.add_bar(
        x=load["date"],
        y=load["load"],
        name="Daily load (AU)",
        marker_color=LOAD_BAR,
        hovertemplate="%{x|%a %d %b %Y}<br>load %{y:.0f} AU<extra></extra>",
    )
    has_ratio = load["acwr"].notna().any()
    if has_ratio:
        fig.add_scatter(
            x=load["date"],
            y=load["acwr"],
            mode="lines",
            name=f"ACWR ({method_name})",
            line={"color": ACWR_LINE, "width": 2},
            yaxis="y2",
            connectgaps=False,
            hovertemplate="%{x|%a %d %b %Y}<br>ACWR %{y:.2f}<extra></extra>",
        )
    layout(fig, title, "Date", "Daily load (AU = RPE × minutes)", height=440)
    top = max(2.0, float(np.nanmax(load["acwr"].to_numpy(dtype=float))) * 1.1) if has_ratio else 2.0
    fig.update_layout(
        yaxis2={
            "title": {"text": "ACWR (acute ÷ chronic, ratio)"},
            "overlaying": "y",
            "side": "right",
            "range": [0, top],
            "tickmode": "linear",
            "tick0": 0,
            "dtick": 0.5,
            "showgrid": False,
            "zeroline": False,
        },
        margin={"l": 60, "r": 70, "t": 90, "b": 50},
    )
    fig.add_shape(
        type="rect", xref="paper", x0=0, x1=1, yref="y2", y0=0.8, y1=1.3, fillcolor=BAND, line_width=0, layer="below"
    )
    fig.add_shape(
        type="line", xref="paper", x0=0, x1=1, yref="y2", y0=1.5, y1=1.5, line={"color": HEURISTIC, "dash": "dash"}
    )
    for y, text in ((1.3, "0.8-1.3 band (Gabbett 2016; disputed)"), (1.5, "≥ 1.5 (Gabbett 2016; disputed)")):
        fig.add_annotation(
            xref="paper",
            x=0.0,
            xanchor="left",
            yref="y2",
            y=y,
            yanchor="bottom",
            text=text,
            showarrow=False,
            bgcolor="rgba(255, 255, 255, 0.85)",
            font={"size": 11, "color": HEURISTIC},
        )
    return fig
