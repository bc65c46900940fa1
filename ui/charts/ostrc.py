"""The athlete's own OSTRC-O2 weeks: severity per week, coloured by what the week was."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.charts.theme import FLAG_AMBER, FLAG_RED, NEUTRAL, OK_GREEN, empty_figure, layout
from views import words

#: What each week was, in the order of the legend (Clarsen et al. 2013, 2020).
WEEK_KINDS: dict[str, tuple[str, str]] = {
    "none": ("No problem", OK_GREEN),
    "problem": ("Problem", FLAG_AMBER),
    "substantial": ("Substantial problem", FLAG_RED),
}


def week_kind(problem: object, substantial: object) -> str:
    """'substantial', 'problem' or 'none' for one answered week."""
    if substantial is True or (not pd.isna(substantial) and bool(substantial)):
        return "substantial"
    if problem is True or (not pd.isna(problem) and bool(problem)):
        return "problem"
    return "none"


def ostrc_weeks_figure(weeks: pd.DataFrame, title: str = "My OSTRC severity, last 8 weeks") -> go.Figure:
    """Bars of severity (0-100) per week from `ui.loaders.ostrc_weeks`; unanswered weeks are marked
    "no answer" on the axis instead of drawn as 0."""
    if weeks.empty or not weeks["answered"].any():
        return empty_figure(title, "No weekly answers yet — answer this week's questions above.")
    labels = weeks["week_start"].map(words.short_day)
    fig = go.Figure()
    answered = weeks[weeks["answered"]]
    kinds = [week_kind(p, s) for p, s in zip(answered["problem"], answered["substantial"], strict=True)]
    for kind, (name, colour) in WEEK_KINDS.items():
        part = answered[[k == kind for k in kinds]]
        if part.empty:
            continue
        hover = "Week of %{x}<br>Severity %{y:.0f} / 100<extra>" + name + "</extra>"
        severity = part["severity"].astype(float)
        if kind == "none":  # a 0 bar is invisible: mark the week with a dot on the axis instead
            fig.add_scatter(
                x=labels[part.index],
                y=severity,
                mode="markers",
                marker={"size": 11, "color": colour, "symbol": "circle"},
                name=name,
                cliponaxis=False,
                hovertemplate=hover,
            )
            continue
        fig.add_bar(
            x=labels[part.index],
            y=severity,
            name=name,
            marker_color=colour,
            text=part["severity"].astype(int).astype(str),
            textposition="outside",
            cliponaxis=False,
            hovertemplate=hover,
        )
    missing = weeks[~weeks["answered"]]
    if not missing.empty:
        fig.add_scatter(
            x=labels[missing.index],
            y=[0] * len(missing),
            mode="markers+text",
            marker={"symbol": "line-ew-open", "size": 14, "color": NEUTRAL},
            text=["no answer"] * len(missing),
            textposition="top center",
            textfont={"size": 10, "color": NEUTRAL},
            name="No answer",
            hoverinfo="skip",
            showlegend=False,
        )
    layout(fig, title, "Week starting (Monday)", "Severity (0–100)", height=360)
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=list(labels))
    fig.update_yaxes(range=[-4, 112], tickvals=[0, 25, 50, 75, 100])
    # The legend goes under the plot: on a phone a legend beside the title runs into it.
    fig.update_layout(
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
        barmode="overlay",
        legend={"orientation": "h", "yanchor": "top", "y": -0.32, "xanchor": "left", "x": 0},
    )
    return fig
