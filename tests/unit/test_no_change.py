"""Saving the same thing twice is no change: nothing is written, no version moves and the audit log gains
no entry (issue 14), for every kind of save a form makes, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from data.models import AuditEntry
from data.record_writes import read_for_edit, save_checkin, save_records, save_session_with_rom, update_record
from data.roster import create_athlete, create_team

DAY = dt.date(2026, 3, 2)


def entries(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(AuditEntry)) or 0)


def an_athlete(engine: Engine) -> int:
    return create_athlete(engine, create_team(engine, "Alpha FC"), "Ida Karlsen", "A-1")


def test_a_record_saved_again_unchanged_is_not_audited_again(db_engine: Engine) -> None:
    athlete = an_athlete(db_engine)
    row = {"athlete_id": athlete, "date": DAY, "body_region": "knee", "side": "left", "pain": 3}
    first = save_records(db_engine, "pain_reports", [row])
    before = entries(db_engine)
    again = save_records(db_engine, "pain_reports", [row])
    assert (first.inserted, again.inserted, again.updated, again.unchanged) == (1, 0, 0, 1)
    assert entries(db_engine) == before
    save_records(db_engine, "pain_reports", [{**row, "pain": 4}])
    assert entries(db_engine) == before + 1, "a real change is audited"


def test_an_edit_that_changes_nothing_keeps_the_version_and_the_log(db_engine: Engine) -> None:
    athlete = an_athlete(db_engine)
    saved = save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": DAY,
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
                "notes": "grade 1",
            }
        ],
    )
    injury = saved.ids[0]
    stored = read_for_edit(db_engine, "injuries", injury)
    assert stored is not None
    before = entries(db_engine)
    version = update_record(db_engine, "injuries", injury, {"notes": "grade 1"}, read_version=stored["version"])
    assert version == stored["version"] and entries(db_engine) == before
    version = update_record(db_engine, "injuries", injury, {"notes": "grade 2"}, read_version=stored["version"])
    assert version == stored["version"] + 1 and entries(db_engine) == before + 1


def test_a_session_and_a_check_in_saved_again_unchanged_are_not_audited_again(db_engine: Engine) -> None:
    athlete = an_athlete(db_engine)
    session = {
        "athlete_id": athlete,
        "date": DAY,
        "technique": "active_release",
        "body_region": "thigh",
        "side": "left",
        "minutes": 20,
        "pain_before": 5,
        "pain_after": 3,
    }
    rom = [
        {
            "joint": "hip",
            "movement": "flexion",
            "side": "left",
            "value": v,
            "unit": "deg",
            "method": "goniometer",
            "context": c,
        }
        for v, c in ((100.0, "pre_session"), (108.0, "post_session"))
    ]
    first = save_session_with_rom(db_engine, session, rom)
    before = entries(db_engine)
    again = save_session_with_rom(db_engine, session, rom, read_version=first.version)
    assert first.changed and not again.changed and again.version == first.version
    assert entries(db_engine) == before

    items = {"fatigue": 3, "sleep_quality": 4, "soreness": 2, "stress": 3, "mood": 4, "availability": "full"}
    pains = [{"body_region": "knee", "side": "left", "pain": 4}, {"body_region": "ankle", "side": "right", "pain": 2}]
    save_checkin(db_engine, athlete, DAY, items, pains)
    before = entries(db_engine)
    wellness, pain = save_checkin(db_engine, athlete, DAY, items, list(reversed(pains)))
    assert (wellness.inserted, wellness.updated, pain.inserted, pain.unchanged) == (0, 0, 0, 2)
    assert entries(db_engine) == before
    save_checkin(db_engine, athlete, DAY, items, pains[:1])
    assert entries(db_engine) == before + 1, "a pain report taken away is a change"


def test_an_edit_of_a_region_or_pathology_derives_the_consensus_fields_again(db_engine: Engine) -> None:
    athlete = an_athlete(db_engine)
    [injury] = save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": DAY,
                "body_region": "upper_back",
                "side": "central",
                "pathology": "muscle_injury",
                "time_loss": False,
            }
        ],
    ).ids
    stored = read_for_edit(db_engine, "injuries", injury)
    assert stored is not None and (stored["body_area"], stored["tissue"], stored["injury_type"]) == (
        "thoracic_spine",
        "muscle_tendon",
        "muscle_strain",
    )
    update_record(db_engine, "injuries", injury, {"body_region": "lower_back", "pathology": "tendinopathy"})
    edited = read_for_edit(db_engine, "injuries", injury)
    assert edited is not None
    assert (edited["body_area"], edited["tissue"], edited["injury_type"]) == (
        "lumbosacral",
        "muscle_tendon",
        "tendinopathy",
    )
    update_record(db_engine, "injuries", injury, {"injury_type": "ligament_sprain"})
    edited = read_for_edit(db_engine, "injuries", injury)
    assert edited is not None and (edited["tissue"], edited["pathology"]) == ("ligament_joint_capsule", "joint_sprain")
