"""Migration 0007 (health problems, Bahr et al. 2020) on both backends: a database at 0006 with injuries of
every type, acute and gradual, treated in therapy sessions, keeps every row at 0007, each injury a health
problem of type injury with its onset mode, body area, tissue and pathology derived, its sessions intact;
and the downgrade to 0006 gives the mechanism back."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import Engine, inspect, text

from analytics.vocabulary import BODY_AREA_OF_REGION, INJURY_TYPES, PATHOLOGY_OF_INJURY_TYPE
from data.schema import migrate

ONSET = dt.date(2025, 3, 3)
#: Regions whose body area is not of the same name, and two that are.
REGIONS = ("thigh", "lower_back", "upper_back", "pelvis_sacrum", "lower_leg_achilles", "ankle")
MECHANISMS = ("acute", "gradual", None)


def _injuries() -> list[dict[str, object]]:
    """One injury of every type and mechanism, spread over the regions."""
    rows = []
    for number, (kind, mechanism) in enumerate(itertools.product(INJURY_TYPES, MECHANISMS), start=1):
        rows.append(
            {
                "id": number,
                "onset": ONSET + dt.timedelta(days=number),
                "region": REGIONS[number % len(REGIONS)],
                "side": "central" if REGIONS[number % len(REGIONS)].endswith("back") else "left",
                "kind": kind,
                "mechanism": mechanism,
                "back": ONSET + dt.timedelta(days=number + 10) if number % 2 else None,
            }
        )
    return rows


def _at_0006(engine: Engine) -> list[dict[str, object]]:
    migrate(engine, "0006")
    injuries = _injuries()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO teams (id, name, sport, timezone) VALUES (1, 'Alpha', '', 'UTC')"))
        connection.execute(
            text(
                "INSERT INTO athletes (id, team_id, display_name, external_id, active) VALUES (1, 1, 'Ann', 'A-1', :y)"
            ),
            {"y": True},
        )
        for row in injuries:
            connection.execute(
                text(
                    "INSERT INTO injuries (id, athlete_id, onset_date, body_region, side, injury_type, mechanism, "
                    "time_loss, return_date, notes) VALUES (:id, 1, :onset, :region, :side, :kind, :mechanism, :y, "
                    ":back, 'kept')"
                ),
                {**row, "y": True},
            )
            connection.execute(
                text(
                    "INSERT INTO therapy_sessions (id, athlete_id, date, technique, body_region, side, minutes, "
                    "injury_id) VALUES (:id, 1, :onset, 'active_release', :region, :side, 30, :id)"
                ),
                row,
            )
    return injuries


def _rows(engine: Engine, sql: str) -> list[dict[str, object]]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(text(sql)).mappings()]


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value  # SQLite keeps ISO text


def test_0007_keeps_every_injury_as_a_health_problem_and_derives_its_ioc_fields(empty_engine: Engine) -> None:
    injuries = _at_0006(empty_engine)
    migrate(empty_engine, "0007")
    problems = _rows(empty_engine, "SELECT * FROM injuries ORDER BY id")
    assert [p["id"] for p in problems] == [i["id"] for i in injuries]
    for before, after in zip(injuries, problems, strict=True):
        assert after["problem_type"] == "injury"
        assert after["onset_mode"] == {"acute": "sudden", "gradual": "gradual", None: None}[before["mechanism"]]
        assert after["body_area"] == BODY_AREA_OF_REGION[str(before["region"])]
        assert (after["tissue"], after["pathology"]) == PATHOLOGY_OF_INJURY_TYPE[str(before["kind"])]
        assert (after["body_region"], after["side"], after["injury_type"]) == (
            before["region"],
            before["side"],
            before["kind"],
        )
        assert _day(after["onset_date"]) == before["onset"] and _day(after["return_date"]) == before["back"]
        assert after["notes"] == "kept" and after["version"] == 1 and not after["index_by_clinician"]
        assert after["contact"] is None and after["organ_system"] is None
    assert "mechanism" not in {c["name"] for c in inspect(empty_engine).get_columns("injuries")}
    sessions = _rows(empty_engine, "SELECT id, injury_id FROM therapy_sessions ORDER BY id")
    assert [(s["id"], s["injury_id"]) for s in sessions] == [(i["id"], i["id"]) for i in injuries]
    criteria = _rows(empty_engine, "SELECT stage FROM rts_criteria")
    assert {c["stage"] for c in criteria} == {"return_to_participation", "return_to_sport", "return_to_performance"}


def test_the_downgrade_to_0006_gives_the_mechanism_back_and_drops_illnesses(empty_engine: Engine) -> None:
    injuries = _at_0006(empty_engine)
    migrate(empty_engine, "0007")
    with empty_engine.begin() as connection:  # an illness, treated in a session, and a stage of an injury
        connection.execute(
            text(
                "INSERT INTO injuries (id, athlete_id, problem_type, onset_date, organ_system, illness_cause, "
                "time_loss) VALUES (100, 1, 'illness', :day, 'respiratory', 'infection', :y)"
            ),
            {"day": ONSET, "y": True},
        )
        connection.execute(
            text(
                "INSERT INTO therapy_sessions (id, athlete_id, date, technique, body_region, side, minutes, "
                "injury_id) VALUES (100, 1, :day, 'active_release', 'upper_back', 'central', 20, 100)"
            ),
            {"day": ONSET},
        )
        connection.execute(
            text(
                "INSERT INTO rts_stages (injury_id, date, stage, decided_role) "
                "VALUES (1, :day, 'rehabilitation', 'therapist')"
            ),
            {"day": ONSET},
        )
    migrate(empty_engine, "0006", down=True)
    rows = _rows(empty_engine, "SELECT id, mechanism, body_region FROM injuries ORDER BY id")
    assert [(r["id"], r["mechanism"], r["body_region"]) for r in rows] == [
        (i["id"], i["mechanism"], i["region"]) for i in injuries
    ]
    sessions = _rows(empty_engine, "SELECT id, injury_id FROM therapy_sessions ORDER BY id")
    assert sessions[-1] == {"id": 100, "injury_id": None}  # the session stays; its illness is gone
    assert [s["injury_id"] for s in sessions[:-1]] == [i["id"] for i in injuries]
    tables = set(inspect(empty_engine).get_table_names())
    assert not tables & {"rts_stages", "rts_criteria", "secondary_diagnoses", "ostrc_health_problems"}
    migrate(empty_engine, "0007")  # and up again
    assert len(_rows(empty_engine, "SELECT id FROM injuries")) == len(injuries)
