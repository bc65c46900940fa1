"""The *Flag performance* chart: one row per flag kind, three panels side by side on the same rows — the burden
(flags per athlete-week), the sensitivity and the PPV — each share with its 95 % interval drawn as a bar and its
counts ("7 of 11") beside it, so a share resting on a handful of injuries shows as the long bar it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.flags import FLAG_LEVEL
from ui.charts.theme import FLAG_AMBER, FLAG_RED, GRID, empty_figure

#: Each kind in the colour of its level (red or amber), as on every screen.
LEVEL_COLOURS: dict[str, str] = {"red": FLAG_RED, "amber": FLAG_AMBER}
#: The two shares: (column, interval low, interval high, numerator, denominator, panel title).
SHARES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("sensitivity", "sensitivity_low", "sensitivity_high", "injuries_flagged", "injuries", "Sensitivity (%)"),
    ("ppv", "ppv_low", "ppv_high", "flags_followed", "flags", "PPV (%)"),
)
ROW_HEIGHT = 46


def performance_chart(performance: pd.DataFrame, window: int) -> go.Figure:
    """One window's rows of `views.flag_performance.FlagPerformance.performance`: per kind, flags per
    athlete-week (bars), then sensitivity and PPV in % with their 95 % Wilson intervals and "k of n"."""
    title = f"Each flag's work against what it caught, {window}-day window"
    rows = performance[performance["window_days"] == window]
    if rows.empty:
        return empty_figure(title, "No flag was raised in these dates: nothing to compare.")
    rows = rows.iloc[::-1]  # plotly draws the first category at the bottom: keep the page's order top down
    colours = [LEVEL_COLOURS[FLAG_LEVEL.get(k, "amber")] for k in rows["kind"]]
    labels = rows["kind_label"].tolist()
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        column_widths=[0.26, 0.37, 0.37],
        subplot_titles=["Flags per athlete-week", SHARES[0][5], SHARES[1][5]],
    )
    burden = rows["flags_per_athlete_week"].to_numpy(dtype=float)
    fig.add_trace(
        go.Bar(
            x=burden,
            y=labels,
            orientation="h",
            marker={"color": colours},
            text=[f"{b:.2f} ({int(n)} flag-days)" for b, n in zip(burden, rows["flags"], strict=True)],
            textposition="outside",
            cliponaxis=False,
            name="Flags per athlete-week",
            showlegend=False,
            hovertemplate="%{y}: %{x:.2f} flags per athlete-week<extra></extra>",
        ),
        row=1,
        col=1,
    )
    for col, (value, low, high, hits, total, name) in enumerate(SHARES, start=2):
        share = rows[value].to_numpy(dtype=float) * 100
        fig.add_trace(
            go.Scatter(
                x=share,
                y=labels,
                mode="markers+text",
                marker={"color": colours, "size": 11, "line": {"color": "#263238", "width": 1}},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": rows[high].to_numpy(dtype=float) * 100 - share,
                    "arrayminus": share - rows[low].to_numpy(dtype=float) * 100,
                    "color": "#455A64",
                    "thickness": 1.5,
                    "width": 4,
                },
                text=[
                    f"{int(k)} of {int(n)}" if n else "none to count"
                    for k, n in zip(rows[hits], rows[total], strict=True)
                ],
                textposition="top right",
                cliponaxis=False,
                name=name,
                showlegend=False,
                hovertemplate="%{y}: %{x:.0f} % (%{text})<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.update_xaxes(range=[-3, 103], row=1, col=col)
    widest = float(np.nanmax(burden)) if len(burden) else 0.0
    fig.update_xaxes(range=[0, max(widest * 1.7, 0.05)], row=1, col=1)
    fig.update_xaxes(showgrid=True, gridcolor=GRID, zeroline=False)
    fig.update_yaxes(showgrid=False, automargin=True)
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        height=120 + ROW_HEIGHT * len(rows),
        margin={"l": 10, "r": 20, "t": 90, "b": 30},
        plot_bgcolor="rgba(0, 0, 0, 0)",
        paper_bgcolor="rgba(0, 0, 0, 0)",
        hovermode="closest",
    )
    return fig
