"""Every CSV or spreadsheet Fascia writes for a person (exports, chart data, import templates) goes
through here, so that a cell a spreadsheet would run as a formula is always neutralised.

The rule (OWASP, "CSV injection"): a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'``, which spreadsheets show as text; so does a cell that already
starts with ``'``, so that the import's stripping (`data.imports`) gives back exactly what was written.
The decision is made on each cell's content, never on the column's dtype: pandas 3 keeps text in its
``str`` dtype, pandas 2 in ``object``, and a mixed column can hold both numbers and text.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(column: pd.Series) -> pd.Series:
    """`column` with its risky text cells prefixed by ``'``; numbers, dates and missing values unchanged."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column  # these dtypes hold no text
    text = column.map(lambda v: v if isinstance(v, str) else None).astype(object)
    risky = text.notna().to_numpy() & text.str[:1].isin([*FORMULA_STARTS, "'"]).to_numpy()
    if not risky.any():
        return column
    return column.astype(object).where(~risky, "'" + text)


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every column neutralised (a new frame)."""
    return frame.apply(neutralise) if len(frame.columns) else frame.copy()


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text for a person: neutralised, no index, ``\\n`` line ends."""
    return neutralised(frame).to_csv(index=False, lineterminator="\n")


def write(frame: pd.DataFrame, target: Path | io.BytesIO, fmt: str, sheet: str) -> None:
    """Write `frame` neutralised to `target` as ``csv`` or ``xlsx`` (one sheet named `sheet`)."""
    safe = neutralised(frame)
    if fmt == "csv":
        safe.to_csv(target, index=False, lineterminator="\n")
    else:
        safe.to_excel(target, index=False, sheet_name=sheet[:31], engine="openpyxl")
