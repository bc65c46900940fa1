"""Row heights for `st.dataframe` tables whose text must show whole.

Streamlit's data grid cuts a cell's text at the column's width, and wraps it instead only in rows taller
than 4 rem (64 px at the default font size). `row_height` gives every row room for the longest cell's
lines (an estimate from the text's length and the column's width), so a column can be narrow and its words
still whole ("instrument-assisted (40 d)" on two lines, not "instrument-assisted (4"); a table whose text
fits on one line keeps Streamlit's own row height.
"""

from __future__ import annotations

import math

import pandas as pd

#: The height of one line of a cell's text, and the padding of a row (px).
LINE_HEIGHT = 20
ROW_PADDING = 8
#: The lowest row height at which Streamlit wraps text (taller than 64 px).
WRAPPING_FROM = 65
#: The width of an average character of the grid's font, and a cell's side padding (px): an estimate that
#: errs on the side of one line more.
CHAR_WIDTH = 7.0
CELL_PADDING = 18
#: The most lines a row is given (longer text is cut, and shows whole on a click).
MOST_LINES = 5


def wrapped_rows(lines: int) -> int:
    """A row height (px) with room for `lines` lines of text, wrapping switched on (at least three lines)."""
    return max(LINE_HEIGHT * lines + ROW_PADDING, WRAPPING_FROM)


def lines_needed(frame: pd.DataFrame, widths: dict[str, int]) -> int:
    """The most lines any cell of the `widths` columns (px) of `frame` takes, at most `MOST_LINES`."""
    most = 1
    for column, width in widths.items():
        per_line = max((width - CELL_PADDING) / CHAR_WIDTH, 1.0)
        texts = frame[column].dropna().astype(str) if column in frame else pd.Series(dtype=str)
        longest = int(texts.str.len().max()) if len(texts) else 0
        most = max(most, math.ceil(longest / per_line))
    return min(most, MOST_LINES)


def row_height(frame: pd.DataFrame, widths: dict[str, int]) -> int | None:
    """The row height for `frame` shown with text columns of `widths` (px): None (Streamlit's own, one line)
    when every cell fits on one line, else room for the longest cell (`lines_needed`)."""
    lines = lines_needed(frame, widths)
    return None if lines <= 1 else wrapped_rows(lines)
