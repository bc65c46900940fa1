"""Showing a chart on a page: the figure with plotly's toolbar (PNG download) and, under it, a
button that downloads the chart's data as CSV."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from data.exports import neutralise
from ui.charts.data import figure_data


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, text cells a spreadsheet would run as a formula neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = neutralise(safe[column])
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def show_chart(
    fig: go.Figure,
    name: str,
    data: pd.DataFrame | None = None,
    *,
    container: Any = None,
    config: dict[str, Any] | None = None,
) -> None:
    """Draw `fig` full width with a "Download data (CSV)" button under it.

    `name` is the file name (without .csv) and keys the widgets, so it must be unique on the page.
    `data` is the table behind the chart (readable column names, units in the names); without it,
    the plotted points themselves (`figure_data`) are offered.
    """
    where = container if container is not None else st
    toolbar = {"toImageButtonOptions": {"format": "png", "filename": name, "scale": 2}, **(config or {})}
    where.plotly_chart(fig, width="stretch", key=f"chart-{name}", config=toolbar)
    table = data if data is not None else figure_data(fig)
    where.download_button(
        "Download data (CSV)",
        csv_bytes(table),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv-{name}",
        icon=":material/download:",
        disabled=table.empty,
    )
