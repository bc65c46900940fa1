"""Showing a chart on a page: the figure with plotly's toolbar (PNG download) and, under it, a
button that downloads the chart's data as CSV."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.spreadsheet import csv_text
from ui.charts.data import figure_data


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, text cells a spreadsheet would run as a formula neutralised."""
    return csv_text(frame).encode("utf-8")


def plots_anything(fig: go.Figure) -> bool:
    """Whether any trace of `fig` holds a point (an empty figure only carries its message)."""
    return any(
        value is not None and len(value) > 0
        for trace in fig.data
        for value in (getattr(trace, name, None) for name in ("x", "y", "z", "values"))
    )


def show_chart(
    fig: go.Figure,
    name: str,
    data: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    *,
    container: Any = None,
    config: dict[str, Any] | None = None,
    audit_as: Callable[[str], None] | None = None,
) -> None:
    """Draw `fig` full width with a "Download data (CSV)" button under it.

    `name` is the file name (without .csv) and keys the widgets, so it must be unique on the page.
    `data` is the table behind the chart (readable column names, units in the names), or a function
    that builds it (`functools.partial(tables.x, frame)`); without it, the plotted points themselves
    (`figure_data`) are offered. The CSV is made only when the button is clicked (Streamlit's deferred
    download), so a rerun of the page does not pay for tables nobody downloads.

    `audit_as`, for charts of clinical data, is called with "chart data <name>.csv" each time the CSV is
    made, that is once per download (pages pass one that writes an audit entry naming the athlete).
    """
    where = container if container is not None else st
    toolbar = {"toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}, **(config or {})}
    where.plotly_chart(fig, width="stretch", key=f"chart-{name}", config=toolbar)
    empty = data.empty if isinstance(data, pd.DataFrame) else not plots_anything(fig)

    def csv() -> bytes:
        if isinstance(data, pd.DataFrame):
            made = csv_bytes(data)
        else:
            made = csv_bytes(data() if data is not None else figure_data(fig))
        if audit_as is not None:
            audit_as(f"chart data {name}.csv")
        return made

    where.download_button(
        "Download data (CSV)",
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{name}",
        icon=":material/download:",
        disabled=empty,
    )
