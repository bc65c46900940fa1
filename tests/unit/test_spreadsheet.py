"""Formula neutralisation decides by content, whatever the column's dtype, on every path that writes a
CSV or a spreadsheet for a person: chart data, exports (tests/unit/test_exports.py) and templates."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from data.imports import LAYOUTS, template
from data.spreadsheet import csv_text, neutralised, write
from ui.charts.render import csv_bytes

LIVE = '=HYPERLINK("http://example.invalid/x","click")'


@pytest.mark.parametrize("dtype", ["str", "object", "string", "category"])
def test_text_cells_are_neutralised_in_every_text_dtype(dtype: str) -> None:
    frame = pd.DataFrame({"name": pd.Series([LIVE, "+1", "-x", "@a", "plain", "'quoted", None], dtype=dtype)})
    got = neutralised(frame)["name"].tolist()
    assert got[:6] == ["'" + LIVE, "'+1", "'-x", "'@a", "plain", "''quoted"]
    assert pd.isna(got[6])


def test_numbers_and_dates_are_left_alone_and_mixed_columns_decided_per_cell() -> None:
    frame = pd.DataFrame(
        {
            "pain": [-3, 4],
            "change": [-1.5, np.nan],
            "day": pd.to_datetime(["2024-03-01", None]),
            "mixed": pd.Series([-2, "=1+1"], dtype=object),
        }
    )
    out = neutralised(frame)
    pd.testing.assert_frame_equal(out[["pain", "change", "day"]], frame[["pain", "change", "day"]])
    assert out["mixed"].tolist() == [-2, "'=1+1"]


def test_chart_data_csv_neutralises_pandas_3_text() -> None:
    frame = pd.DataFrame({"Athlete": pd.Series([LIVE], dtype="str"), "Pain (NPRS 0-10)": [3]})
    assert frame["Athlete"].dtype != object  # pandas 3 keeps text in its own dtype
    text = csv_bytes(frame).decode()
    assert text.splitlines()[1].startswith("\"'=HYPERLINK(") and "\n=" not in text


def test_csv_and_xlsx_writers_neutralise(tmp_path) -> None:
    frame = pd.DataFrame({"notes": pd.Series([LIVE], dtype="str")})
    assert csv_text(frame).splitlines()[1].startswith("\"'=")
    target = io.BytesIO()
    write(frame, target, "xlsx", "notes")
    cell = openpyxl.load_workbook(io.BytesIO(target.getvalue())).active["A2"]
    assert cell.value == "'" + LIVE and cell.data_type == "s"


def test_templates_are_written_through_the_neutralising_writer() -> None:
    for kind in LAYOUTS:
        lines = template(kind).splitlines()
        assert lines[0].split(",") == LAYOUTS[kind]
        assert not any(cell.startswith(("=", "+", "@")) for cell in lines[1].split(","))
