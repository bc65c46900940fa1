"""Edits cannot silently undo each other (issue 19, §5 "Lost update"), on both backends.

Injuries and therapy sessions carry a version; an edit names the version it read and is refused with
`EditConflict` when someone else changed the record since, keeping the first writer's text. Every UPDATE
bumps the version (forms, save_records' and the import's upserts). Audit entries of edits hold the old
and new value of each changed field. The migration 0004 gives existing rows version 1.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text

from data.imports import import_file
from data.models import AuditEntry, Injury, TherapySession
from data.record_writes import EditConflict, read_for_edit, save_records, save_session_with_rom, update_record
from data.roster import ERASED_DETAIL, create_athlete, create_team, erase_athlete
from data.schema import migrate, upgrade

ONSET = dt.date(2026, 3, 2)


def an_injury(engine: Engine, notes: str = "first look") -> tuple[int, int]:
    """(athlete id, injury id) of a new athlete's one injury."""
    team = create_team(engine, "Alpha FC")
    athlete = create_athlete(engine, team, "Martin Dahl", "A-10")
    saved = save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": ONSET,
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
                "notes": notes,
            }
        ],
    )
    return athlete, saved.ids[0]


def version_of(engine: Engine, model: type, record_id: int) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(model.version).where(model.id == record_id)))


def notes_of(engine: Engine, record_id: int) -> str | None:
    with engine.connect() as connection:
        return connection.scalar(select(Injury.notes).where(Injury.id == record_id))


def audit_details(engine: Engine, table: str, action: str) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.scalars(
                select(AuditEntry.detail)
                .where(AuditEntry.table_name == table, AuditEntry.action == action)
                .order_by(AuditEntry.id)
            )
        )


def test_a_second_edit_from_the_same_read_is_refused_and_the_first_text_kept(db_engine: Engine) -> None:
    _, injury = an_injury(db_engine)
    first_read = read_for_edit(db_engine, "injuries", injury)
    second_read = read_for_edit(db_engine, "injuries", injury)
    assert first_read is not None and second_read is not None
    assert first_read["version"] == second_read["version"] == 1

    assert update_record(db_engine, "injuries", injury, {"notes": "therapist one"}, read_version=1) == 2
    with pytest.raises(EditConflict) as refused:
        update_record(db_engine, "injuries", injury, {"notes": "therapist two"}, read_version=1)
    assert str(refused.value) == (
        "Someone else changed this injury since you opened it: reload to see their change; your text is kept below."
    )
    assert refused.value.current_version == 2
    assert notes_of(db_engine, injury) == "therapist one"
    assert version_of(db_engine, Injury, injury) == 2
    assert len(audit_details(db_engine, "injuries", "update")) == 1, "a refused edit writes no audit entry"

    update_record(db_engine, "injuries", injury, {"notes": "therapist two, after reading one"}, read_version=2)
    assert version_of(db_engine, Injury, injury) == 3


def test_simultaneous_edits_from_one_read_let_exactly_one_through(db_engine: Engine) -> None:
    _, injury = an_injury(db_engine)
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(text_: str) -> None:
        start.wait()
        try:
            update_record(db_engine, "injuries", injury, {"notes": text_}, read_version=1)
            outcomes[text_] = "saved"
        except EditConflict:
            outcomes[text_] = "refused"

    threads = [threading.Thread(target=edit, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes.values()) == ["refused", "saved"]
    [winner] = [t for t, outcome in outcomes.items() if outcome == "saved"]
    assert notes_of(db_engine, injury) == winner
    assert version_of(db_engine, Injury, injury) == 2


def test_every_update_bumps_the_version_form_upsert_and_import(db_engine: Engine, tmp_path: Path) -> None:
    athlete, injury = an_injury(db_engine)
    assert version_of(db_engine, Injury, injury) == 1
    update_record(db_engine, "injuries", injury, {"return_date": ONSET + dt.timedelta(days=9)})  # no version named
    assert version_of(db_engine, Injury, injury) == 2
    row = {
        "athlete_id": athlete,
        "onset_date": ONSET,
        "body_region": "thigh",
        "side": "left",
        "injury_type": "muscle_strain",
        "time_loss": True,
        "return_date": ONSET + dt.timedelta(days=9),
        "notes": "re-saved through the form's upsert",
    }
    assert save_records(db_engine, "injuries", [row]).updated == 1
    assert version_of(db_engine, Injury, injury) == 3
    assert save_records(db_engine, "injuries", [row]).unchanged == 1
    assert version_of(db_engine, Injury, injury) == 3, "an unchanged row keeps its version"
    csv = tmp_path / "injuries.csv"
    csv.write_text(
        "athlete_external_id,onset_date,body_region,side,injury_type,onset_mode,time_loss,return_date,notes\n"
        f"A-10,{ONSET},thigh,left,muscle_strain,,true,{ONSET + dt.timedelta(days=9)},changed by an import\n"
    )
    assert import_file(db_engine, "injuries", csv).updated == 1
    assert version_of(db_engine, Injury, injury) == 4
    assert notes_of(db_engine, injury) == "changed by an import"


def test_the_audit_entry_of_an_edit_holds_old_and_new_values(db_engine: Engine) -> None:
    _, injury = an_injury(db_engine, notes="first look")
    update_record(
        db_engine,
        "injuries",
        injury,
        {"notes": "grade 2, see scan", "return_date": ONSET + dt.timedelta(days=12), "side": "left"},
        read_version=1,
    )
    [detail] = audit_details(db_engine, "injuries", "update")
    assert json.loads(detail) == {
        "notes": ["first look", "grade 2, see scan"],
        "return_date": [None, (ONSET + dt.timedelta(days=12)).isoformat()],
    }, "unchanged fields (side) are left out"


def session(athlete: int, notes: str) -> dict[str, object]:
    return {
        "athlete_id": athlete,
        "date": ONSET,
        "technique": "active_release",
        "body_region": "thigh",
        "side": "left",
        "minutes": 30,
        "pain_before": 6,
        "pain_after": 3,
        "notes": notes,
    }


def test_a_session_saved_by_someone_else_since_the_form_opened_is_not_replaced(db_engine: Engine) -> None:
    athlete, _ = an_injury(db_engine)
    first = save_session_with_rom(db_engine, session(athlete, "therapist one's notes"), read_version=0)
    assert first.version == 1
    with pytest.raises(EditConflict) as refused:  # the second form opened before the first save: it knew of none
        save_session_with_rom(db_engine, session(athlete, "therapist two's notes"), read_version=0)
    assert refused.value.current_version == 1
    with db_engine.connect() as connection:
        assert connection.scalar(select(TherapySession.notes)) == "therapist one's notes"
    assert save_session_with_rom(db_engine, session(athlete, "therapist one's notes"), read_version=0).version == 1, (
        "saving the very same session again changes nothing and is not a conflict"
    )
    again = save_session_with_rom(db_engine, session(athlete, "therapist two's notes"), read_version=1)
    assert (again.session_id, again.version) == (first.session_id, 2)
    last = audit_details(db_engine, "therapy_sessions", "save_session")[-1]
    changed = json.loads(last.split("; changed ", 1)[1])
    assert changed == {"notes": ["therapist one's notes", "therapist two's notes"]}


def test_erasing_an_athlete_forgets_the_values_in_the_audit_of_their_edits(db_engine: Engine) -> None:
    athlete, injury = an_injury(db_engine)
    update_record(db_engine, "injuries", injury, {"notes": "private detail"}, read_version=1)
    erase_athlete(db_engine, athlete)
    assert audit_details(db_engine, "injuries", "update") == [ERASED_DETAIL]


def test_migration_0004_adds_the_version_with_existing_rows_at_1(empty_engine: Engine) -> None:
    migrate(empty_engine, "0003")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("injuries")}
    assert "version" not in columns
    with empty_engine.begin() as connection:
        connection.execute(text("INSERT INTO teams (id, name, sport, timezone) VALUES (1, 'Alpha', '', 'UTC')"))
        connection.execute(
            text(
                "INSERT INTO athletes (id, team_id, display_name, external_id, active) "
                "VALUES (1, 1, 'Martin', 'A-10', :yes)"
            ),
            {"yes": True},
        )
        connection.execute(
            text(
                "INSERT INTO injuries (id, athlete_id, onset_date, body_region, side, injury_type, time_loss, notes) "
                "VALUES (1, 1, :onset, 'thigh', 'left', 'muscle_strain', :yes, 'old')"
            ),
            {"onset": ONSET, "yes": True},
        )
        connection.execute(
            text(
                "INSERT INTO therapy_sessions (id, athlete_id, date, technique, body_region, side, minutes, injury_id) "
                "VALUES (1, 1, :day, 'active_release', 'thigh', 'left', 30, 1)"  # a session that treats the injury
            ),
            {"day": ONSET},
        )

    upgrade(empty_engine)
    assert version_of(empty_engine, Injury, 1) == 1
    assert version_of(empty_engine, TherapySession, 1) == 1
    update_record(empty_engine, "injuries", 1, {"notes": "new"}, read_version=1)
    assert version_of(empty_engine, Injury, 1) == 2

    migrate(empty_engine, "0003", down=True)
    for table in ("injuries", "therapy_sessions"):
        assert "version" not in {c["name"] for c in inspect(empty_engine).get_columns(table)}
