"""The weekly OSTRC-H2 health-problem reports (Clarsen et al. 2020) on both backends: a week's save,
validated and in one transaction; the substantial problems not yet recorded; the link to a record."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from data.errors import ValidationError
from data.models import AuditEntry, OstrcHealthProblem
from data.ostrc_health import link_to_problem, reports, save_week, unrecorded_substantial
from data.record_checks import InvalidRecords
from data.record_writes import save_records
from data.roster import create_athlete, create_team

WEEK = dt.date(2026, 3, 2)  # a Monday
COLD = {"problem_type": "illness", "organ_system": "respiratory", "q1": 17, "q2": 17, "q3": 8, "q4": 8, "days_lost": 2}
SORE_KNEE = {"problem_type": "injury", "body_region": "knee", "q1": 8, "q2": 0, "q3": 8, "q4": 8, "days_lost": 0}


@pytest.fixture
def athletes(db_engine: Engine) -> dict[str, int]:
    team = create_team(db_engine, "Alpha FC", "soccer", "Europe/Oslo")
    return {"ann": create_athlete(db_engine, team, "Ann", "A-1"), "bob": create_athlete(db_engine, team, "Bob", "A-2")}


def test_a_week_is_saved_read_and_saved_again(db_engine: Engine, athletes: dict[str, int]) -> None:
    ann = athletes["ann"]
    cold_id, knee_id = save_week(db_engine, ann, WEEK, [COLD, SORE_KNEE], actor_id=None)
    saved = reports(db_engine, [ann])
    assert saved["report_id"].tolist() == [cold_id, knee_id]
    assert saved["problem_type"].tolist() == ["illness", "injury"]
    assert saved["organ_system"].tolist()[0] == "respiratory" and saved["body_region"].tolist()[1] == "knee"
    assert saved["days_lost"].tolist() == [2, 0] and saved["injury_id"].isna().all()
    # again: the cold is updated in place, the knee left out is removed, a new problem added
    ankle = SORE_KNEE | {"body_region": "ankle", "q1": 25, "days_lost": 7}
    ids = save_week(db_engine, ann, WEEK, [COLD | {"q2": 25}, ankle])
    assert ids[0] == cold_id
    again = reports(db_engine, [ann])
    assert again["body_region"].isna().tolist() == [True, False] and again["body_region"].iloc[1] == "ankle"
    assert again["q2"].tolist() == [25, 0] and len(again) == 2
    assert reports(db_engine, [athletes["bob"]]).empty
    assert reports(db_engine, [ann], start=WEEK + dt.timedelta(days=7)).empty


def test_every_refusal_names_the_problem_and_field_and_nothing_is_written(
    db_engine: Engine, athletes: dict[str, int]
) -> None:
    bad = [
        COLD | {"organ_system": None},
        SORE_KNEE | {"q3": 10},
        SORE_KNEE | {"body_region": "ankle", "days_lost": 8},
        {
            "problem_type": "illness",
            "organ_system": "dental",
            "body_region": "knee",
            "q1": 0,
            "q2": 0,
            "q3": 0,
            "q4": 8,
        },
        SORE_KNEE | {"body_region": "thigh"},
        SORE_KNEE | {"body_region": "thigh"},
    ]
    with pytest.raises(InvalidRecords) as refused:
        save_week(db_engine, athletes["ann"], WEEK, bad)
    assert [(e.row, e.field) for e in refused.value.errors] == [
        (1, "organ_system"),
        (2, "q3"),
        (3, "days_lost"),
        (4, "body_region"),
        (6, "body_region"),
    ]
    with pytest.raises(InvalidRecords, match="is not a Monday"):
        save_week(db_engine, athletes["ann"], WEEK + dt.timedelta(days=1), [COLD])
    with pytest.raises(InvalidRecords, match="not an athlete you may record for"):
        save_week(db_engine, athletes["ann"], WEEK, [COLD], allowed_athlete_ids=[athletes["bob"]])
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(OstrcHealthProblem)) == 0


def test_substantial_problems_are_listed_until_a_record_is_linked(db_engine: Engine, athletes: dict[str, int]) -> None:
    ann, bob = athletes["ann"], athletes["bob"]
    cold_id, _ = save_week(db_engine, ann, WEEK, [COLD, SORE_KNEE])
    bob_id = save_week(db_engine, bob, WEEK + dt.timedelta(days=7), [SORE_KNEE | {"q1": 25, "days_lost": 7}])[0]
    listed = unrecorded_substantial(db_engine, [ann, bob])
    # the knee (8, 0, 8, 8) is a problem, not a substantial one (Q1 = 25 or Q2 >= 17 or Q3 >= 17)
    assert listed["report_id"].tolist() == [bob_id, cold_id]  # newest week first
    assert listed["severity"].tolist() == [25 + 0 + 8 + 8, 17 + 17 + 8 + 8] and listed["substantial"].all()
    assert list(listed.columns) == [
        "report_id",
        "athlete_id",
        "week_start",
        "problem_type",
        "body_region",
        "organ_system",
        "severity",
        "substantial",
        "days_lost",
    ]
    record = {
        "athlete_id": ann,
        "problem_type": "illness",
        "onset_date": WEEK,
        "organ_system": "respiratory",
        "illness_cause": "infection",
        "time_loss": True,
    }
    problem_id = save_records(db_engine, "injuries", [record]).ids[0]
    with pytest.raises(ValidationError, match="not a health problem of this athlete"):
        link_to_problem(db_engine, None, bob_id, problem_id)
    with pytest.raises(ValidationError, match="may not record for"):
        link_to_problem(db_engine, None, cold_id, problem_id, allowed_athlete_ids=[bob])
    link_to_problem(db_engine, None, cold_id, problem_id)
    assert unrecorded_substantial(db_engine, [ann, bob])["report_id"].tolist() == [bob_id]
    with db_engine.connect() as connection:
        detail = connection.scalar(select(AuditEntry.detail).where(AuditEntry.action == "link_health_report"))
    assert detail == f"health problem {problem_id} (was none)"
    # saving the week again without the cold keeps the report a record was opened from
    save_week(db_engine, ann, WEEK, [SORE_KNEE])
    assert sorted(reports(db_engine, [ann])["problem_type"]) == ["illness", "injury"]
