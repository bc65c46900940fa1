"""Generic CSV / Excel imports: refusal of bad files, idempotency, updates, athletes (data/imports.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError

import data.cli
import data.imports
from data.accounts import create_user
from data.bulk import insert_rows
from data.dates import NOT_A_DATE, NOT_IN_ORDER, STATE_THE_ORDER, DateOrder
from data.db import write_transaction
from data.errors import ValidationError
from data.imports import ENCODINGS_READ, KINDS, LAYOUTS, import_file, template
from data.models import Athlete, WellnessCheckin
from data.queries import health_problems as queries_health_problems
from data.queries import (
    injuries,
    pain_reports,
    rom_measurements,
    table_counts,
    therapy_sessions,
    wellness_checkins,
)
from data.record_checks import THOUSANDS_OR_DECIMALS, InvalidRecords

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
    create_user(db_engine, "therapist", "a-long-enough-password-1", "therapist")  # the templates' username
    for kind in LAYOUTS:  # in import order: the session links to the injury, the ROM to the session
        report = import_file(db_engine, kind, write(tmp_path, f"{kind}.csv", template(kind)))
        assert report.inserted == 1, kind
    session = therapy_sessions(db_engine).iloc[0]
    injury_id = int(injuries(db_engine)["injury_id"].iloc[0])
    assert session["injury_id"] == injury_id and pd.notna(session["therapist_id"])
    assert rom_measurements(db_engine)["session_id"].tolist() == [session["session_id"]]


def test_health_problems_are_checked_across_columns_and_days_lost_is_ignored(
    with_athletes: Engine, tmp_path: Path
) -> None:
    """The IOC 2020 rules of a health problem (data.record_checks) in a file: refusals name row and column;
    blanks the rules derive are filled; the computed days_lost is read by nobody."""
    header = ",".join(LAYOUTS["injuries"]) + "\n"

    def row(**values: str) -> str:
        return ",".join(values.get(c, "") for c in LAYOUTS["injuries"]) + "\n"

    bad = (
        row(athlete_external_id="A1", problem_type="illness", onset_date="2024-03-01", body_region="knee",
            organ_system="respiratory", illness_cause="infection", time_loss="false")
        + row(athlete_external_id="A1", onset_date="2024-03-02", body_region="thigh", side="left",
              injury_type="contusion", pathology="muscle_injury", time_loss="false")
        + row(athlete_external_id="A1", onset_date="2024-03-03", body_region="thigh", side="left",
              injury_type="other", onset_mode="gradual", contact="direct_athlete", time_loss="false")
    )  # fmt: skip
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "injuries", write(tmp_path, "bad.csv", header + bad))
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (2, "body_region"),
        (3, "injury_type"),
        (4, "contact"),
    ]
    good = (
        row(athlete_external_id="A1", onset_date="2024-03-02", body_region="lower_back", side="central",
            pathology="bone_stress_injury", time_loss="true", return_date="2024-03-20", days_lost="not a number")
        + row(athlete_external_id="A1", problem_type="illness", onset_date="2024-03-02",
              organ_system="gastrointestinal", illness_cause="infection", time_loss="true", days_lost="3")
    )  # fmt: skip
    assert import_file(with_athletes, "injuries", write(tmp_path, "good.csv", header + good)).inserted == 2
    stored = queries_health_problems(with_athletes, include_notes=True)
    injury = stored[stored["problem_type"] == "injury"].iloc[0]
    assert (injury["injury_type"], injury["tissue"], injury["body_area"]) == ("bone_stress", "bone", "lumbosacral")
    assert stored["problem_type"].tolist() == ["injury", "illness"]


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
    header = "athlete_external_id,onset_date,body_region,side,injury_type,onset_mode,time_loss,return_date,notes\n"
    row = "A1,2024-02-10,thigh,left,muscle_strain,sudden,true,{},strain\n"
    import_file(with_athletes, "injuries", write(tmp_path, "i.csv", header + row.format("")))
    report = import_file(with_athletes, "injuries", write(tmp_path, "j.csv", header + row.format("2024-03-01")))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    returned = injuries(with_athletes)["return_date"].tolist()
    assert returned == [pd.Timestamp("2024-03-01")]
    again = import_file(with_athletes, "injuries", write(tmp_path, "j.csv", header + row.format("2024-03-01")))
    assert again.unchanged == 1


# ---------------------------------------------------------------- links between records

INJURIES = (
    "athlete_external_id,onset_date,body_region,side,injury_type,onset_mode,time_loss,return_date,notes\n"
    "A1,2024-02-10,thigh,left,muscle_strain,sudden,true,2024-03-01,\n"
    "A2,2024-02-10,thigh,left,muscle_strain,sudden,true,,\n"
)
SESSION_HEADER = (
    "athlete_external_id,therapist_username,date,technique,body_region,side,minutes,pain_before,pain_after,"
    "discomfort,injury_onset_date,injury_body_region,injury_side,injury_type,notes\n"
)
SESSION = "A1,pt,2024-03-04,active_release,thigh,left,30,5,3,6,2024-02-10,thigh,left,muscle_strain,\n"


@pytest.fixture
def with_injuries(with_athletes: Engine, tmp_path: Path) -> Engine:
    create_user(with_athletes, "pt", "a-long-enough-password-1", "therapist")
    import_file(with_athletes, "injuries", write(tmp_path, "injuries.csv", INJURIES))
    return with_athletes


def test_links_resolve_to_records_imported_before_and_by_username(with_injuries: Engine, tmp_path: Path) -> None:
    import_file(with_injuries, "therapy_sessions", write(tmp_path, "s.csv", SESSION_HEADER + SESSION))
    rom = (
        "athlete_external_id,date,joint,movement,side,value,unit,method,context,"
        "session_date,session_technique,session_body_region,session_side,measured_by_username\n"
        "A1,2024-03-04,hip,flexion,left,95,deg,goniometer,post_session,04/03/2024,active_release,thigh,left,pt\n"
    )
    import_file(with_injuries, "rom_measurements", write(tmp_path, "r.csv", rom), date_order=DateOrder.DAY_FIRST)
    session = therapy_sessions(with_injuries).iloc[0]
    a1_injury = injuries(with_injuries).sort_values("athlete_id")["injury_id"].iloc[0]  # not A2's, same key
    assert session["injury_id"] == a1_injury
    assert rom_measurements(with_injuries)["session_id"].tolist() == [session["session_id"]]
    # a second import changes nothing; a changed link is an update
    again = import_file(
        with_injuries, "rom_measurements", write(tmp_path, "r.csv", rom), date_order=DateOrder.DAY_FIRST
    )
    assert again.unchanged == 1
    unlinked = SESSION.replace(",2024-02-10,thigh,left,muscle_strain,", ",,,,,")
    report = import_file(with_injuries, "therapy_sessions", write(tmp_path, "s2.csv", SESSION_HEADER + unlinked))
    assert report.updated == 1 and therapy_sessions(with_injuries)["injury_id"].isna().all()


def test_bad_links_are_refused_naming_row_and_column(with_injuries: Engine, tmp_path: Path) -> None:
    rows = [
        SESSION,  # row 2: fine
        SESSION.replace(",pt,", ",nobody,").replace("03-04", "03-05"),  # row 3: unknown user
        SESSION.replace("2024-02-10", "2024-02-11").replace("03-04", "03-06"),  # row 4: no such injury
        SESSION.replace(",thigh,left,muscle_strain,\n", ",,left,muscle_strain,\n").replace("03-04", "03-07"),
        SESSION.replace(",2024-02-10,", ",soon,").replace("03-04", "03-08"),  # row 6: not a date
    ]
    before = table_counts(with_injuries)
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_injuries, "therapy_sessions", write(tmp_path, "bad.csv", SESSION_HEADER + "".join(rows)))
    injury = "injury_onset_date+injury_body_region+injury_side+injury_type"
    assert [str(e) for e in refused.value.errors] == [
        "row 3, therapist_username: 'nobody' is not a known user",
        f"row 4, {injury}: '2024-02-11, thigh, left, muscle_strain' matches no health problem of this athlete "
        "(stored or imported earlier)",
        "row 5, injury_body_region: '' is needed to name the health problem "
        "(injury_onset_date, injury_body_region, injury_side, injury_type)",
        f"row 6, injury_onset_date: 'soon' {NOT_A_DATE}",
    ]
    assert table_counts(with_injuries) == before


def test_files_without_link_columns_import_and_keep_stored_links(with_injuries: Engine, tmp_path: Path) -> None:
    import_file(with_injuries, "therapy_sessions", write(tmp_path, "s.csv", SESSION_HEADER + SESSION))
    old = pd.read_csv(io.StringIO(SESSION_HEADER + SESSION), dtype=str, keep_default_na=False)
    old = old.drop(columns=[c for c in old.columns if c.startswith("injury_") or c == "therapist_username"])
    old["minutes"] = "45"
    report = import_file(with_injuries, "therapy_sessions", write(tmp_path, "old.csv", old.to_csv(index=False)))
    assert report.updated == 1
    session = therapy_sessions(with_injuries).iloc[0]
    assert session["minutes"] == 45 and pd.notna(session["injury_id"]) and pd.notna(session["therapist_id"])


def test_import_order_puts_linked_records_first() -> None:
    assert KINDS.index("athletes") < KINDS.index("injuries") < KINDS.index("therapy_sessions")
    assert KINDS.index("therapy_sessions") < KINDS.index("rom_measurements")


def test_rows_the_database_refuses_raise_its_error_and_write_nothing(with_athletes: Engine) -> None:
    """The bulk insert (PostgreSQL: COPY on the driver's connection) raises SQLAlchemy's errors like any
    statement, and a refused row leaves nothing of the transaction behind."""
    with with_athletes.connect() as connection:
        athlete = connection.scalar(select(Athlete.id).where(Athlete.external_id == "A1"))
    columns = ["athlete_id", "date", "fatigue", "readiness"]
    day = dt.date(2024, 3, 4) if with_athletes.dialect.name == "postgresql" else "2024-03-04"
    refused: list[tuple[list[tuple[object, ...]], type[DBAPIError]]] = [
        ([(athlete, day, 3, 5), (athlete, day, 4, 5)], IntegrityError),  # the natural key twice
        ([(athlete + 99, day, 3, 5)], IntegrityError),  # no such athlete
    ]
    if with_athletes.dialect.name == "postgresql":  # SMALLINT: refused by the server, never wrapped around
        refused.append(([(athlete, day, 40_000, 5)], DBAPIError))
    for rows, error in refused:
        with pytest.raises(error), write_transaction(with_athletes) as connection:
            insert_rows(connection, WellnessCheckin, columns, rows, chunk_size=1)
        assert wellness_checkins(with_athletes).empty


# ---------------------------------------------------------------- dates, delimiters, decimal commas (issue 17)

PAIN_HEADER = "athlete_external_id,date,body_region,side,pain\n"
# the issue's file: one date that reads two ways, one that reads one way, one in dotted European form
THREE_DATES = PAIN_HEADER + "A1,03/04/2025,knee,left,3\nA1,13/04/2025,knee,left,4\nA1,4.3.2025,knee,left,5\n"


def test_the_issues_three_dates_are_refused_naming_row_column_and_readings(
    with_athletes: Engine, tmp_path: Path
) -> None:
    before = table_counts(with_athletes)
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "pain_reports", write(tmp_path, "p.csv", THREE_DATES))
    messages = [str(e) for e in refused.value.errors]
    assert messages == [
        f"row 2, date: '03/04/2025' could be 3 April 2025 or 4 March 2025; {STATE_THE_ORDER}",
        "row 3, date: '13/04/2025' is not written YYYY-MM-DD and no order is stated "
        f"(it can only be 13 April 2025, day first); {STATE_THE_ORDER}",
        f"row 4, date: '4.3.2025' could be 4 March 2025 or 3 April 2025; {STATE_THE_ORDER}",
    ]
    assert table_counts(with_athletes) == before


def test_the_issues_three_dates_import_day_first_and_are_refused_month_first(
    with_athletes: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path, "p.csv", THREE_DATES)
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "pain_reports", path, date_order=DateOrder.MONTH_FIRST)
    assert [str(e) for e in refused.value.errors] == [
        f"row 3, date: '13/04/2025' {NOT_IN_ORDER[DateOrder.MONTH_FIRST]}"
    ]
    assert table_counts(with_athletes)["pain_reports"] == 0
    report = import_file(with_athletes, "pain_reports", path, date_order=DateOrder.DAY_FIRST)
    assert report.inserted == 3
    stored = pain_reports(with_athletes).sort_values("pain")
    assert [d.date() for d in stored["date"]] == [dt.date(2025, 4, 3), dt.date(2025, 4, 13), dt.date(2025, 3, 4)]
    iso = (
        PAIN_HEADER + "A1,2025-04-03,knee,left,3\nA1,2025-04-13T09:00:00+02:00,knee,left,4\nA1,2025-03-04,knee,left,5\n"
    )
    assert import_file(with_athletes, "pain_reports", write(tmp_path, "iso.csv", iso)).unchanged == 3


def test_excel_date_cells_are_dates_and_excel_text_dates_need_the_order(with_athletes: Engine, tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "athlete_external_id": ["A1", "A1"],
            "date": [dt.datetime(2025, 4, 3), "03/04/2025"],  # a date cell, and text typed into a cell
            "body_region": ["knee", "elbow"],
            "side": "left",
            "pain": [3, 4],
        }
    )
    path = tmp_path / "p.xlsx"
    frame.to_excel(path, index=False)
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "pain_reports", path)
    assert [(e.row, e.field, e.value) for e in refused.value.errors] == [(3, "date", "03/04/2025")]
    assert import_file(with_athletes, "pain_reports", path, date_order=DateOrder.MONTH_FIRST).inserted == 2
    stored = pain_reports(with_athletes).sort_values("pain")
    assert [d.date() for d in stored["date"]] == [dt.date(2025, 4, 3), dt.date(2025, 3, 4)]


def test_link_dates_are_read_by_the_same_rules(with_injuries: Engine, tmp_path: Path) -> None:
    text = SESSION_HEADER + SESSION.replace(",2024-02-10,", ",10/02/2024,")
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_injuries, "therapy_sessions", write(tmp_path, "s.csv", text))
    assert [str(e) for e in refused.value.errors] == [
        f"row 2, injury_onset_date: '10/02/2024' could be 10 February 2024 or 2 October 2024; {STATE_THE_ORDER}"
    ]
    import_file(with_injuries, "therapy_sessions", write(tmp_path, "s.csv", text), date_order=DateOrder.DAY_FIRST)
    assert therapy_sessions(with_injuries)["injury_id"].notna().all()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_files_import_with_decimal_commas(
    with_athletes: Engine, tmp_path: Path, delimiter: str
) -> None:
    rows = [
        ["athlete_external_id", "date", "fatigue", "sleep_quality", "soreness", "stress", "mood", "sleep_hours"],
        ["A1", "2024-03-04", "3", "4", "3", "4", "4", "7,5"],
        ["A2", "2024-03-04", "4", "4", "4", "4", "4", "6.25"],
        ["A1", "2024-03-05", "3", "4", "3", "4", "4", "8"],
    ]
    text = "".join(delimiter.join(row) + "\n" for row in rows)
    report = import_file(with_athletes, "wellness_checkins", write(tmp_path, "w.csv", text))
    assert report.inserted == 3
    stored = wellness_checkins(with_athletes).sort_values(["date", "athlete_id"])
    assert stored["sleep_hours"].tolist() == [7.5, 6.25, 8.0]  # 7,5 is exactly 7.5
    assert import_file(with_athletes, "wellness_checkins", write(tmp_path, "w.csv", text)).unchanged == 3


def test_a_point_that_could_group_thousands_is_refused_in_a_decimal_comma_file(
    with_athletes: Engine, tmp_path: Path
) -> None:
    text = "athlete_external_id;date;sleep_hours\nA1;2024-03-04;1.250\nA1;2024-03-05;7,5\n"
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "wellness_checkins", write(tmp_path, "w.csv", text))
    assert [(e.row, e.field, e.value, e.reason) for e in refused.value.errors] == [
        (2, "sleep_hours", "1.250", THOUSANDS_OR_DECIMALS)
    ]


def test_a_decimal_comma_in_a_comma_file_is_read_only_when_stated(with_athletes: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, "w.csv", 'athlete_external_id,date,sleep_hours\nA1,2024-03-04,"7,5"\n')
    with pytest.raises(InvalidRecords) as refused:
        import_file(with_athletes, "wellness_checkins", path)
    assert [str(e) for e in refused.value.errors] == ["row 2, sleep_hours: '7,5' is not a valid float"]
    assert import_file(with_athletes, "wellness_checkins", path, decimal_comma=True).inserted == 1
    assert wellness_checkins(with_athletes)["sleep_hours"].tolist() == [7.5]


# ---------------------------------------------------------------- files people actually have (issue 19)

CHECKIN_ROWS = [row.split(",") for row in CHECKINS.splitlines()]


def test_excels_unicode_text_utf16_with_bom_and_tabs_imports(with_athletes: Engine, tmp_path: Path) -> None:
    text = "".join("\t".join(row) + "\r\n" for row in CHECKIN_ROWS).replace("7.5", "7,5")
    data = text.encode("utf-16")  # Excel's "Unicode text": UTF-16 LE with a byte-order mark, tabs
    assert data[:2] == b"\xff\xfe" and b"\t\x00" in data
    path = tmp_path / "unicode.txt"
    path.write_bytes(data)
    assert import_file(with_athletes, "wellness_checkins", path).inserted == 3
    stored = wellness_checkins(with_athletes).sort_values(["date", "athlete_id"])
    assert stored["sleep_hours"].tolist()[0] == 7.5  # a tab file: decimal commas read
    assert import_file(with_athletes, "wellness_checkins", data, filename="unicode.csv").unchanged == 3


def test_utf8_with_bom_and_semicolons_imports(with_athletes: Engine) -> None:
    text = "".join(";".join(row) + "\n" for row in CHECKIN_ROWS).replace("7.5", "7,5")
    data = text.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    report = import_file(with_athletes, "wellness_checkins", data, filename="excel.csv")
    assert report.inserted == 3
    assert sorted(wellness_checkins(with_athletes)["sleep_hours"].dropna().tolist()) == [7.5, 8.0]


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: text.replace("A2", "Å2").encode("latin-1"),  # Western European Windows text
        lambda text: text.encode("utf-16-le"),  # UTF-16 without its byte-order mark
    ],
    ids=["latin-1", "utf-16-without-bom"],
)
def test_other_encodings_are_refused_with_a_sentence_naming_the_encodings_read(
    with_athletes: Engine, encode: Any
) -> None:
    before = table_counts(with_athletes)
    with pytest.raises(ValidationError) as refused:
        import_file(with_athletes, "wellness_checkins", encode(CHECKINS), filename="old.csv")
    error = refused.value
    assert (error.field, error.value) == ("file", "old.csv")
    assert error.reason == f"is not text in an encoding Fascia reads: {ENCODINGS_READ}"
    assert "UTF-8" in error.reason and "UTF-16" in error.reason
    assert table_counts(with_athletes) == before


def test_a_bad_encoding_far_down_a_chunked_file_refuses_it_and_writes_nothing(with_athletes: Engine) -> None:
    data = (CHECKINS + "A1,2024-03-09,3,4,3,4,4,7,7,full\n" * 0).encode() + "A2,2024-04-01,3,4,3,4,4,7,7,fülL\n".encode(
        "latin-1"
    )
    with pytest.raises(ValidationError, match="is not text in an encoding Fascia reads"):
        import_file(with_athletes, "wellness_checkins", data, filename="w.csv", read_rows=2)
    assert wellness_checkins(with_athletes).empty


def test_a_damaged_workbook_is_refused_with_a_sentence_by_the_import_and_the_cli(
    with_athletes: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = pd.read_csv(io.StringIO(CHECKINS), dtype=str, keep_default_na=False)
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    good = buffer.getvalue()
    path = tmp_path / "w.xlsx"
    path.write_bytes(good[: len(good) // 2])  # cut short, as a failed download leaves it
    with pytest.raises(ValidationError) as refused:
        import_file(with_athletes, "wellness_checkins", path)
    assert refused.value.value == "w.xlsx" and refused.value.reason.startswith("is not an .xlsx workbook")
    monkeypatch.setattr(data.cli, "make_engine", lambda url=None: with_athletes)
    code = data.cli.main(["import", str(path), "--kind", "wellness_checkins"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: file: 'w.xlsx' is not an .xlsx workbook")
    assert "Traceback" not in err
    assert wellness_checkins(with_athletes).empty


def test_five_thousand_unknown_athletes_are_refused_one_problem_each_or_created(
    db_engine: Engine, tmp_path: Path
) -> None:
    ids = [f"U{i:05d}" for i in range(5_000)]
    rows = [f"{external_id},2024-03-0{day},3,4,3,4,4,7,7,full\n" for day in (4, 5) for external_id in ids]
    path = write(tmp_path, "many.csv", CHECKINS.splitlines(keepends=True)[0] + "".join(rows))
    with pytest.raises(InvalidRecords) as refused:
        import_file(db_engine, "wellness_checkins", path, read_rows=3_000)
    problems = refused.value.errors
    assert len(problems) == 5_000 and {p.value for p in problems} == set(ids)
    first = next(p for p in problems if p.value == "U00042")
    assert (first.row, first.field) == (44, "athlete_external_id")
    assert first.reason.startswith("is not a known athlete (2 rows in this file;")
    assert table_counts(db_engine)["athletes"] == 0
    report = import_file(db_engine, "wellness_checkins", path, create_athletes=True, team="Crowd", read_rows=3_000)
    assert (report.inserted, len(report.athletes_created), report.teams_created) == (10_000, 5_000, ["Crowd"])
    assert report.athletes_created == ids
    counts = table_counts(db_engine)
    assert (counts["athletes"], counts["teams"], counts["wellness_checkins"]) == (5_000, 1, 10_000)


def test_a_file_over_the_row_cap_is_refused_before_it_is_read(
    with_athletes: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(data.imports, "MAX_IMPORT_ROWS", 2)
    read: list[object] = []
    monkeypatch.setattr(data.imports, "_cleaned", lambda frame: read.append(frame) or frame)
    with pytest.raises(ValidationError) as refused:
        import_file(with_athletes, "wellness_checkins", CHECKINS.encode(), filename="w.csv")
    assert refused.value.reason == "has 3 rows, more than the 2 one import takes; split it into smaller files"
    assert read == [] and wellness_checkins(with_athletes).empty


def _problems(engine: Engine, source: str, read_rows: int) -> list[str]:
    with pytest.raises(InvalidRecords) as refused:
        import_file(engine, "wellness_checkins", source.encode(), filename="w.csv", read_rows=read_rows)
    return [str(e) for e in refused.value.errors]


def test_a_file_read_in_chunks_gives_the_rows_and_problems_of_one_read(with_athletes: Engine) -> None:
    header = CHECKINS.splitlines(keepends=True)[0]
    good = [
        f"A{1 + i % 2},{dt.date(2024, 1, 1) + dt.timedelta(days=i // 2)},3,4,3,4,4,7.5,{i % 11},full\n"
        for i in range(40)
    ]
    bad = list(good)
    bad[3] = bad[3].replace(",full", ",sometimes")  # row 5
    bad[10] = "\n"  # row 12: blank
    bad[17] = bad[17].replace(",3,4,3,", ",9,4,3,")  # row 19
    bad[25] = bad[2]  # row 27 repeats row 4, chunks apart
    bad[26] = bad[26].replace("A1,", "NEW,").replace("A2,", "NEW,")  # row 28: unknown
    bad[33] = bad[33].replace("A1,", "NEW,").replace("A2,", "NEW,")  # row 35: unknown again
    bad[38] = bad[38].replace("2024-", "24-")  # row 40
    whole = _problems(with_athletes, header + "".join(bad), 1_000)
    assert len(whole) == 5 and any(m.startswith("row 27, athlete_external_id+date: 'A1'") for m in whole)
    assert any(m.startswith("row 28, athlete_external_id: 'NEW' is not a known athlete (2 rows") for m in whole)
    for read_rows in (1, 3, 7, 40):
        assert _problems(with_athletes, header + "".join(bad), read_rows) == whole, read_rows
    assert wellness_checkins(with_athletes).empty

    seen: list[tuple[int, int]] = []
    report = import_file(
        with_athletes,
        "wellness_checkins",
        (header + "".join(good) + "\n").encode(),
        filename="w.csv",
        read_rows=7,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert (report.rows, report.inserted, report.blank_rows) == (40, 40, 1)
    assert seen[-1] == (40, 40) and all(done <= total for done, total in seen)
    chunked = wellness_checkins(with_athletes).drop(columns=["checkin_id"], errors="ignore")
    again = import_file(with_athletes, "wellness_checkins", (header + "".join(good)).encode(), filename="w.csv")
    assert (again.unchanged, again.inserted) == (40, 0)
    changed = import_file(
        with_athletes,
        "wellness_checkins",
        (header + "".join(good).replace(",7.5,", ",8,")).encode(),
        filename="w.csv",
        read_rows=6,
    )
    assert (changed.updated, changed.inserted) == (40, 0)
    assert len(chunked) == 40


def test_training_copies_are_counted_across_chunks(with_athletes: Engine) -> None:
    header, row = "athlete_external_id,date,minutes,rpe,kind\n", "A1,2024-03-04,60,5,training\n"
    text = header + row * 5
    assert import_file(with_athletes, "training_sessions", text.encode(), filename="t.csv", read_rows=2).inserted == 5
    again = import_file(with_athletes, "training_sessions", (text + row * 5).encode(), filename="t.csv", read_rows=3)
    assert (again.inserted, again.unchanged) == (5, 5)
    assert table_counts(with_athletes)["training_sessions"] == 10


@pytest.mark.parametrize("kind", ["athletes", "pain_reports"])
def test_a_file_of_blank_rows_imports_nothing_and_counts_them(db_engine: Engine, kind: str) -> None:
    """Found by the property tests: a chunk left empty once its blank rows were dropped crashed the check."""
    text = ",".join(LAYOUTS[kind]) + "\n" + "," * (len(LAYOUTS[kind]) - 1) + "\n"
    report = import_file(db_engine, kind, text.encode(), filename=f"{kind}.csv")
    assert (report.rows, report.inserted, report.blank_rows) == (0, 0, 1)
