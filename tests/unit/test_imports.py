"""Generic CSV / Excel imports: refusal of bad files, idempotency, updates, athletes (data/imports.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from data.imports import LAYOUTS, import_file, template
from data.queries import injuries, table_counts, wellness_checkins
from data.writes import InvalidRecords

ATHLETES = (
    "external_id,display_name,team,sport,timezone,position,dominant_side,active\n"
    "A1,Ada One,Team A,football,Europe/Oslo,midfielder,right,true\n"
    "A2,Bo Two,Team A,football,Europe/Oslo,defender,left,true\n"
)
CHECKINS = (
    "athlete_external_id,date,fatigue,sleep_quality,soreness,stress,mood,sleep_hours,readiness,availability\n"
    "A1,2024-03-04,3,4,3,4,4,7.5,7,full\n"
    "A1,2024-03-05,2,4,3,4,4,8,6,modified\n"
    "A2,2024-03-04,4,4,4,4,4,,8,full\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def with_athletes(db_engine: Engine, tmp_path: Path) -> Engine:
    report = import_file(db_engine, "athletes", write(tmp_path, "athletes.csv", ATHLETES))
    assert (report.inserted, report.teams_created) == (2, ["Team A"])
    return db_engine


def test_every_kind_has_a_template_its_import_reads(tmp_path: Path) -> None:
    for kind, layout in LAYOUTS.items():
        text = template(kind)
        assert text.splitlines()[0].split(",") == layout
        assert len(text.splitlines()) == 2
    assert LAYOUTS["athletes"][:3] == ["external_id", "display_name", "team"]
    assert all(layout[0] == "athlete_external_id" for kind, layout in LAYOUTS.items() if kind != "athletes")


def test_templates_import_cleanly(db_engine: Engine, tmp_path: Path) -> None:
    for kind in LAYOUTS:
        report = import_file(db_engine, kind, write(tmp_path, f"{kind}.csv", template(kind)))
        assert report.inserted == 1, kind


def test_bad_rows_are_refused_whole_with_every_row_named(with_athletes: Engine, tmp_path: Path) -> None:
    before = table_counts(with_athletes)
    bad = CHECKINS + (
        "A1,2024-03-06,6,4,3,4,4,7,7,full\n"  # row 5: fatigue above 5
        "\n"  # row 6: blank
        "A2,not a date,3,4,3,4,4,7,7,full\n"  # row 7
        "A2,2024-03-08,3,4,3,4,4,7,11,sometimes\n"  # row 8: readiness and availability
        "ZZ,2024-03-08,3,4,3,4,4,7,7,full\n"  # row 9: unknown athlete
        "A1,2024-03-04,3,4,3,4,4,7.5,7,full\n"  # row 10: repeats row 2
    )
    with pytest.raises(InvalidRecords) as raised:
        import_file(with_athletes, "wellness_checkins", write(tmp_path, "bad.csv", bad))
    messages = [str(e) for e in raised.value.errors]
    assert "row 5, fatigue: '6' is above 5" in messages
    assert any(m.startswith("row 7, date:") for m in messages)
    assert any(m.startswith("row 8, readiness:") and "above 10" in m for m in messages)
    assert any(m.startswith("row 8, availability:") for m in messages)
    assert any(m.startswith("row 9, athlete_external_id: 'ZZ' is not a known athlete") for m in messages)
    assert any(m.startswith("row 10, ") and "repeats an earlier row" in m for m in messages)
    assert len(messages) == 6
    assert table_counts(with_athletes) == before


def test_import_is_idempotent_and_reports_updates(with_athletes: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", CHECKINS + "\n")
    first = import_file(with_athletes, "wellness_checkins", path)
    assert (first.inserted, first.updated, first.unchanged, first.blank_rows) == (3, 0, 0, 1)
    again = import_file(with_athletes, "wellness_checkins", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    changed = import_file(
        with_athletes, "wellness_checkins", write(tmp_path, "c.csv", CHECKINS.replace(",8,6,", ",8,9,"))
    )
    assert (changed.inserted, changed.updated, changed.unchanged) == (0, 1, 2)
    assert "1 updated" in changed.lines()[0]
    assert sorted(wellness_checkins(with_athletes)["readiness"].tolist()) == [7, 8, 9]


def test_training_sessions_match_on_all_fields_counting_copies(with_athletes: Engine, tmp_path: Path) -> None:
    text = "athlete_external_id,date,minutes,rpe,kind\nA1,2024-03-04,60,5,training\nA1,2024-03-04,60,5,training\n"
    path = write(tmp_path, "t.csv", text)
    assert import_file(with_athletes, "training_sessions", path).inserted == 2
    again = import_file(with_athletes, "training_sessions", path)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert table_counts(with_athletes)["training_sessions"] == 2


def test_xlsx_import(with_athletes: Engine, tmp_path: Path) -> None:
    frame = pd.read_csv(io.StringIO(CHECKINS), dtype=str, keep_default_na=False)
    frame["date"] = pd.to_datetime(frame["date"])  # real date cells, as a spreadsheet holds them
    path = tmp_path / "w.xlsx"
    frame.to_excel(path, index=False)
    report = import_file(with_athletes, "wellness_checkins", path)
    assert report.inserted == 3
    assert import_file(with_athletes, "wellness_checkins", path).unchanged == 3
    assert wellness_checkins(with_athletes)["sleep_hours"].dropna().tolist() == [7.5, 8.0]


def test_unknown_athletes_are_listed_then_created_with_the_flag(db_engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", CHECKINS)
    with pytest.raises(InvalidRecords) as raised:
        import_file(db_engine, "wellness_checkins", path)
    assert {e.value for e in raised.value.errors} == {"A1", "A2"}
    assert table_counts(db_engine)["athletes"] == 0
    with pytest.raises(Exception, match="team"):
        import_file(db_engine, "wellness_checkins", path, create_athletes=True)
    report = import_file(db_engine, "wellness_checkins", path, create_athletes=True, team="New team")
    assert report.athletes_created == ["A1", "A2"] and report.inserted == 3
    assert table_counts(db_engine)["teams"] == 1


def test_missing_required_column_and_unknown_column_are_refused(with_athletes: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "athlete_external_id,date,side,pain,colour\nA1,2024-03-04,left,3,red\n")
    with pytest.raises(InvalidRecords) as raised:
        import_file(with_athletes, "pain_reports", path)
    assert {(e.row, e.field) for e in raised.value.errors} == {(1, "body_region"), (1, "colour")}


def test_progress_is_reported(with_athletes: Engine, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    import_file(
        with_athletes,
        "wellness_checkins",
        write(tmp_path, "w.csv", CHECKINS),
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (3, 3)


def test_a_changed_date_is_an_update(with_athletes: Engine, tmp_path: Path) -> None:
    header = "athlete_external_id,onset_date,body_region,side,injury_type,mechanism,time_loss,return_date,notes\n"
    row = "A1,2024-02-10,thigh,left,muscle_strain,acute,true,{},strain\n"
    import_file(with_athletes, "injuries", write(tmp_path, "i.csv", header + row.format("")))
    report = import_file(with_athletes, "injuries", write(tmp_path, "j.csv", header + row.format("2024-03-01")))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    returned = injuries(with_athletes)["return_date"].tolist()
    assert returned == [pd.Timestamp("2024-03-01")]
    again = import_file(with_athletes, "injuries", write(tmp_path, "j.csv", header + row.format("2024-03-01")))
    assert again.unchanged == 1
