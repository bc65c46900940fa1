"""Row heights that keep a table's text whole (`ui.grid`, issue 14)."""

from __future__ import annotations

import pandas as pd

from ui.grid import MOST_LINES, WRAPPING_FROM, lines_needed, row_height, wrapped_rows


def test_one_line_tables_keep_streamlits_row_height() -> None:
    frame = pd.DataFrame({"name": ["Ada", "Bo"], "notes": [None, None]})
    assert row_height(frame, {"name": 100, "notes": 200, "absent": 80}) is None
    assert row_height(frame.iloc[:0], {"name": 100}) is None


def test_long_text_gets_the_lines_it_needs_with_wrapping_on() -> None:
    frame = pd.DataFrame({"technique": ["Instrument-assisted soft tissue mobilisation", "Active release"]})
    lines = lines_needed(frame, {"technique": 100})
    assert lines == 4  # 45 characters at (100 - 18) / 7 = 11.7 a line
    assert row_height(frame, {"technique": 100}) == wrapped_rows(4) > WRAPPING_FROM
    assert wrapped_rows(2) == WRAPPING_FROM, "Streamlit wraps only in rows taller than 64 px"
    assert lines_needed(pd.DataFrame({"t": ["x" * 1000]}), {"t": 100}) == MOST_LINES
