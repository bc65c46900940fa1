"""The colour language and the common layout of every chart."""

from __future__ import annotations

import plotly.graph_objects as go

#: Pain (NPRS 0-10) and soreness (score 1-5, higher = more sore): darker is worse.
PAIN_SCALE: list[list[float | str]] = [
    [0.0, "#fff5eb"],
    [0.25, "#fdd0a2"],
    [0.5, "#fd8d3c"],
    [0.75, "#d94801"],
    [1.0, "#7f2704"],
]
#: One colour per side, everywhere (Okabe-Ito, colour-blind safe).
SIDE_COLOURS: dict[str, str] = {"left": "#0072B2", "right": "#E69F00", "central": "#666666", "bilateral": "#999999"}
#: Flags: red for a flag that needs attention, amber for a caution.
FLAG_RED = "#C62828"
FLAG_AMBER = "#F9A825"
#: Okabe-Ito's bluish green: unlike a pure green it stays apart from FLAG_RED for the colour-blind
#: (a deuteranopia simulation put #2E7D32 and FLAG_RED nearly the same grey; tests/unit/test_colours.py).
OK_GREEN = "#009E73"
NEUTRAL = "#607D8B"
BAND = "rgba(96, 125, 139, 0.18)"
#: Grid lines that read on a light and on a dark background (the page's theme decides which).
GRID = "rgba(128, 128, 128, 0.22)"
NORM_BAND = "rgba(46, 125, 50, 0.12)"

AVAILABILITY_COLOURS: dict[str, str] = {"full": OK_GREEN, "modified": FLAG_AMBER, "unavailable": FLAG_RED}
RECURRENCE_COLOURS: dict[str, str] = {
    "new": NEUTRAL,
    "exacerbation": "#6A1B9A",
    "recurrent_early": FLAG_RED,
    "recurrent_late": "#EF6C00",
    "recurrent_delayed": "#F9A825",
}
TECHNIQUE_COLOURS: dict[str, str] = {
    "active_release": "#00695C",
    "myofascial_release": "#5E35B1",
    "deep_tissue": "#3949AB",
    "trigger_point": "#AD1457",
    "instrument_assisted": "#6D4C41",
    "stretching": "#558B2F",
    "other": NEUTRAL,
}


def pain_colour(pain: float) -> str:
    """The scale's colour for a pain score on 0-10."""
    position = max(0.0, min(1.0, pain / 10))
    stops = [s for s in PAIN_SCALE if float(s[0]) <= position]
    return str(stops[-1][1])


def layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 380) -> go.Figure:
    """Title, axis titles (with units), a legend above the plot, and a transparent background so the chart
    follows the page's light or dark theme."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        margin={"l": 60, "r": 20, "t": 70, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        hovermode="closest",
        plot_bgcolor="rgba(0, 0, 0, 0)",
        paper_bgcolor="rgba(0, 0, 0, 0)",
    )
    fig.update_xaxes(showgrid=True, gridcolor=GRID, zeroline=False)
    fig.update_yaxes(showgrid=True, gridcolor=GRID, zeroline=False)
    return fig


def empty_figure(title: str, message: str) -> go.Figure:
    """A figure that says there is nothing to draw, and what to do next."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"size": 14})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        title={"text": title, "x": 0}, height=240, plot_bgcolor="rgba(0, 0, 0, 0)", paper_bgcolor="rgba(0, 0, 0, 0)"
    )
    return fig
