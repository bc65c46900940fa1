"""The data behind a chart, as a flat table: what the "Download data (CSV)" button under every
chart gives (plotly's own toolbar gives the PNG)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go


def _values(trace: go.BaseTraceType, name: str) -> np.ndarray | None:
    value = getattr(trace, name, None) if name in trace else None
    if value is None:
        return None
    return np.asarray(value, dtype=object)


def figure_data(fig: go.Figure) -> pd.DataFrame:
    """One row per plotted point: the trace's name, then x, y (and z for heatmaps).

    A heatmap gives one row per cell (x, y, z). Shapes and annotations are not data and are left out.
    """
    frames: list[pd.DataFrame] = []
    for trace in fig.data:
        series = trace.name or trace.type
        z = _values(trace, "z")
        if z is not None and z.ndim == 2:
            x = _values(trace, "x")
            y = _values(trace, "y")
            rows, cols = z.shape
            x = x if x is not None and len(x) == cols else np.arange(cols)
            y = y if y is not None and len(y) == rows else np.arange(rows)
            frames.append(
                pd.DataFrame({"series": series, "x": np.tile(x, rows), "y": np.repeat(y, cols), "z": z.reshape(-1)})
            )
            continue
        columns = {name: _values(trace, name) for name in ("x", "y", "text")}
        columns = {k: v for k, v in columns.items() if v is not None and v.ndim == 1}
        if not columns:
            continue
        length = max(len(v) for v in columns.values())
        columns = {k: v for k, v in columns.items() if len(v) == length}
        frames.append(pd.DataFrame({"series": series, **columns}))
    if not frames:
        return pd.DataFrame(columns=["series", "x", "y"])
    return pd.concat(frames, ignore_index=True)
