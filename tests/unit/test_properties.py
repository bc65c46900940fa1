"""Bad input never crashes and never writes a partial row (hypothesis).

Random bytes, wrong encodings, huge fields, wrong types, dates far in the future or before 1900,
scores out of range, fed to the CSV/.xlsx importer, the record validator and writer, and the
PMSys folder importer. The only exception allowed is `ValidationError` (InvalidRecords is one),
and after a refusal the database is exactly as before. Each test runs on a fresh database of each backend (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import Engine

from data.errors import ValidationError
from data.imports import LAYOUTS, import_file
from data.pmsys import import_pmsys
from data.record_checks import validate_frame
from data.record_writes import save_records
from data.records import RECORD_KINDS
from data.roster import create_athlete, create_team
from tests.reliability import fingerprint, record_figures

#: Hundreds of generated files on each backend: outside the quick loop; CI runs it.
pytestmark = pytest.mark.slow

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
KNOWN = ["P-1", "P-2"]

big_ints = st.integers(min_value=-(10**30), max_value=10**30)
scores = st.integers(min_value=-5, max_value=15)
dates = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
texts = st.text(max_size=40) | st.text(min_size=2_000, max_size=5_000, alphabet="ab<>'\"=;\u00e9\u2603\x00")
cells: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    scores,
    big_ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    dates,
    dates.map(lambda d: d.isoformat()),
    dates.map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["", " ", "NaN", "None", "null", "full", "knee", "left", "1e309", "-0", "３"]),
    texts,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "shift_jis"])


def _database(engine: Engine) -> Engine:
    """`engine` (a fresh database of either backend, tests/conftest.py) with the known athletes."""
    team = create_team(engine, "Property FC")
    for external_id in KNOWN:
        create_athlete(engine, team, f"Athlete {external_id}", external_id)
    return engine


def _refused_or_saved(engine: Engine, attempt: Any, tally: Counter[str]) -> None:
    """Run `attempt`; a refusal must be a ValidationError and leave the database as it was."""
    before = fingerprint(engine)
    tally["inputs"] += 1
    try:
        attempt()
    except ValidationError:
        tally["refused"] += 1
        assert fingerprint(engine) == before, "a refused input changed the database"
        return
    tally["saved"] += 1


def _rows(kind: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    columns = LAYOUTS[kind]
    athlete = st.sampled_from(KNOWN) | texts
    row = st.fixed_dictionaries({c: (athlete if c == "athlete_external_id" else cells) for c in columns})
    return st.lists(row, min_size=1, max_size=8)


def _csv(rows: list[dict[str, Any]], encoding: str) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode(encoding, errors="replace")


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    columns = list(rows[0])
    sheet.append(columns)
    for row in rows:
        values = []
        for c in columns:
            value = row[c]
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
                value = str(value)  # Excel holds numbers as doubles
            if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
                value = str(value)
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")[:32_000]
            values.append(value)
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_and_xlsx_imports_refuse_bad_files_cleanly(db_engine: Engine, tmp_path: Path) -> None:
    engine = _database(db_engine)
    tally: Counter[str] = Counter()
    kinds = st.sampled_from(["wellness_checkins", "pain_reports", "therapy_sessions", "injuries", "athletes"])

    @SETTINGS
    @given(kind=kinds, data=st.data(), encoding=encodings, as_xlsx=st.booleans())
    def check(kind: str, data: st.DataObject, encoding: str, as_xlsx: bool) -> None:
        rows = data.draw(_rows(kind))
        content = _xlsx(rows) if as_xlsx else _csv(rows, encoding)
        name = "upload.xlsx" if as_xlsx else "upload.csv"
        _refused_or_saved(engine, lambda: import_file(engine, kind, content, filename=name), tally)

    check()

    @SETTINGS
    @given(content=st.binary(max_size=4_000), name=st.sampled_from(["upload.csv", "upload.xlsx"]))
    def check_bytes(content: bytes, name: str) -> None:
        _refused_or_saved(engine, lambda: import_file(engine, "wellness_checkins", content, filename=name), tally)

    check_bytes()
    record_figures(
        f"bad_input_imports[{engine.dialect.name}]",
        inputs_tried=tally["inputs"],
        refused=tally["refused"],
        saved=tally["saved"],
        crashes=0,
    )


def test_validate_and_save_records_refuse_bad_values_cleanly(db_engine: Engine, tmp_path: Path) -> None:
    engine = _database(db_engine)
    tally: Counter[str] = Counter()
    kinds = st.sampled_from(sorted(RECORD_KINDS))

    @SETTINGS
    @given(kind_name=kinds, data=st.data())
    def check(kind_name: str, data: st.DataObject) -> None:
        kind = RECORD_KINDS[kind_name]
        athlete = st.sampled_from([1, 2]) | big_ints | texts | st.none()
        row = st.fixed_dictionaries({c: (athlete if c == "athlete_id" else cells) for c in kind.columns})
        rows = data.draw(st.lists(row, min_size=1, max_size=6))
        clean, problems = validate_frame(kind, pd.DataFrame(rows))
        assert len(clean) == len(rows)
        assert all(isinstance(p, ValidationError) for p in problems)
        _refused_or_saved(engine, lambda: save_records(engine, kind_name, rows), tally)

    check()
    record_figures(
        f"bad_input_records[{engine.dialect.name}]",
        inputs_tried=tally["inputs"],
        refused=tally["refused"],
        saved=tally["saved"],
        crashes=0,
    )


def test_pmsys_import_refuses_bad_folders_cleanly(db_engine: Engine, tmp_path: Path) -> None:
    engine = _database(db_engine)
    tally: Counter[str] = Counter()
    columns = {
        "wellness.csv": [
            "effective_time_frame",
            "fatigue",
            "mood",
            "readiness",
            "sleep_duration_h",
            "sleep_quality",
            "soreness",
            "soreness_area",
            "stress",
        ],
        "srpe.csv": ["end_date_time", "activity_names", "perceived_exertion", "duration_min"],
        "injury.csv": ["effective_time_frame", "injuries"],
    }
    stamps = st.one_of(
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
            lambda t: t.isoformat(timespec="milliseconds") + "Z"
        ),
        cells,
    )
    injuries = st.one_of(cells, st.just("{'left_knee': 'minor'}"), st.text(alphabet="{}[]()'\":,0123abc ", max_size=60))
    folder_number = Counter[str]()

    @SETTINGS
    @given(data=st.data(), encoding=encodings, raw=st.one_of(st.none(), st.binary(max_size=2_000)))
    def check(data: st.DataObject, encoding: str, raw: bytes | None) -> None:
        folder_number["n"] += 1
        root = tmp_path / f"pmdata{folder_number['n']}"
        pmsys = root / "p01" / "pmsys"
        pmsys.mkdir(parents=True)
        for name, header in columns.items():
            values = {
                c: (
                    stamps if c in ("effective_time_frame", "end_date_time") else injuries if c == "injuries" else cells
                )
                for c in header
            }
            rows = data.draw(st.lists(st.fixed_dictionaries(values), max_size=5))
            frame = pd.DataFrame(rows, columns=header)
            (pmsys / name).write_bytes(frame.to_csv(index=False).encode(encoding, errors="replace"))
        if raw is not None:
            (pmsys / data.draw(st.sampled_from(list(columns)))).write_bytes(raw)
        _refused_or_saved(engine, lambda: import_pmsys(engine, root, team="PMSys FC"), tally)

    check()
    record_figures(
        f"bad_input_pmsys[{engine.dialect.name}]",
        inputs_tried=tally["inputs"],
        refused=tally["refused"],
        saved=tally["saved"],
        crashes=0,
    )
