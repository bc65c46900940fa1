"""Return-to-sport stages, the derived return date, the club's checklists, further diagnoses and the
clinician's index problem (`data.health_problems`), and who reads what of them (`data.scoped.rts_stages`),
on SQLite and PostgreSQL.

Rules: the continuum of Ardern et al. 2016 (BJSM 50:853-864); the return date is the day of return to full
participation (Bahr et al. 2020), here the first day of the latest run of stages at return to sport or later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, select

from data import access, health_problems, scoped
from data.accounts import create_user
from data.errors import ValidationError
from data.models import AuditEntry, Injury
from data.record_writes import EditConflict, save_records
from data.roster import create_athlete, create_team
from views import return_to_sport as rts
from views.reader import ScopedReader

ONSET = dt.date(2026, 3, 2)
PASSWORD = "health-problems-pw"


@dataclass(frozen=True)
class Club:
    """One team's athlete with one injury, a second athlete in another team, and the people around them."""

    athlete: int
    other: int
    injury: int
    therapist: access.Viewer
    coach: access.Viewer
    athlete_user: access.Viewer
    other_user: access.Viewer
    outsider: access.Viewer  # a therapist of the other team only


def an_injury(engine: Engine, athlete: int, onset: dt.date = ONSET) -> int:
    saved = save_records(
        engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": onset,
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
                "notes": "clinical note",
            }
        ],
    )
    return saved.ids[0]


@pytest.fixture
def club(db_engine: Engine) -> Club:
    team = create_team(db_engine, "Alpha FC")
    away = create_team(db_engine, "Beta FC")
    athlete = create_athlete(db_engine, team, "Martin Dahl", "A-10")
    other = create_athlete(db_engine, away, "Ola Berg", "B-10")

    def viewer(name: str, role: str, **kwargs: object) -> access.Viewer:
        user = create_user(db_engine, name, PASSWORD, role, **kwargs)  # type: ignore[arg-type]
        found = access.viewer(db_engine, user)
        assert found is not None
        return found

    return Club(
        athlete=athlete,
        other=other,
        injury=an_injury(db_engine, athlete),
        therapist=viewer("physio", "therapist", team_ids=[team]),
        coach=viewer("coach", "coach", team_ids=[team]),
        athlete_user=viewer("martin", "athlete", athlete_id=athlete),
        other_user=viewer("ola", "athlete", athlete_id=other),
        outsider=viewer("physio-b", "therapist", team_ids=[away]),
    )


def return_date(engine: Engine, injury_id: int) -> dt.date | None:
    with engine.connect() as connection:
        return connection.scalar(select(Injury.return_date).where(Injury.id == injury_id))


def days(n: int) -> dt.date:
    return ONSET + dt.timedelta(days=n)


def test_the_return_date_is_the_first_day_of_the_latest_run_at_full_participation() -> None:
    derived = health_problems.derived_return_date
    assert derived([]) is None
    assert derived([(days(1), "rehabilitation"), (days(5), "return_to_participation")]) is None
    assert derived(
        [(days(1), "rehabilitation"), (days(10), "return_to_sport"), (days(20), "return_to_performance")]
    ) == days(10)
    # a setback below full participation clears it; returning again starts a new run
    assert derived([(days(10), "return_to_sport"), (days(12), "return_to_participation")]) is None
    assert derived(
        [(days(10), "return_to_sport"), (days(12), "rehabilitation"), (days(18), "return_to_sport")]
    ) == days(18)
    # straight to return to performance counts as the return
    assert derived([(days(3), "return_to_performance")]) == days(3)


def test_stages_set_and_clear_the_return_date_in_the_same_write(db_engine: Engine, club: Club) -> None:
    record = health_problems.record_stage
    record(db_engine, club.therapist, club.injury, days(1), "rehabilitation", restrictions="No running")
    assert return_date(db_engine, club.injury) is None
    record(
        db_engine,
        club.therapist,
        club.injury,
        days(9),
        "return_to_sport",
        criteria_met=["Strength at least 90 % of the other side"],
        athlete_agreed=True,
        rationale="Strength symmetric",
        expected_next_date=days(20),
    )
    assert return_date(db_engine, club.injury) == days(9)
    record(db_engine, club.therapist, club.injury, days(11), "return_to_participation", restrictions="No sprints")
    assert return_date(db_engine, club.injury) is None
    stage_id = record(db_engine, club.therapist, club.injury, days(15), "return_to_performance")
    assert return_date(db_engine, club.injury) == days(15)
    health_problems.remove_stage(db_engine, club.therapist, stage_id)
    assert return_date(db_engine, club.injury) is None
    history = health_problems.stage_rows(db_engine, [club.athlete], include_clinical=True)
    assert list(history["stage"]) == ["rehabilitation", "return_to_sport", "return_to_participation"]
    row = history.iloc[1]
    assert row["criteria_met"] == ["Strength at least 90 % of the other side"]
    assert row["decided_by_name"] == "physio" and row["decided_role"] == "therapist"
    assert bool(row["athlete_agreed"]) and row["rationale"] == "Strength symmetric"
    with db_engine.connect() as connection:
        actions = set(connection.scalars(select(AuditEntry.action)).all())
    assert {"record_stage", "remove_stage", "update"} <= actions


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"day": ONSET - dt.timedelta(days=1)}, "date"),
        ({"expected_next_date": days(2)}, "expected_next_date"),
        ({"stage": "back_to_play"}, "stage"),
        ({"restrictions": "x" * 4001}, "restrictions"),
    ],
)
def test_a_bad_stage_is_refused_naming_its_field(
    db_engine: Engine, club: Club, change: dict[str, object], field: str
) -> None:
    values = {"day": days(3), "stage": "rehabilitation", **change}
    with pytest.raises(ValidationError) as refused:
        health_problems.record_stage(db_engine, club.therapist, club.injury, **values)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert health_problems.stage_rows(db_engine, [club.athlete]).empty


def test_one_decision_a_day_and_only_in_scope(db_engine: Engine, club: Club) -> None:
    health_problems.record_stage(db_engine, club.therapist, club.injury, days(3), "rehabilitation")
    with pytest.raises(ValidationError) as twice:
        health_problems.record_stage(db_engine, club.therapist, club.injury, days(3), "return_to_participation")
    assert twice.value.field == "date"
    for who in (club.outsider, club.coach, club.athlete_user):
        with pytest.raises(ValidationError) as outside:
            health_problems.record_stage(db_engine, who, club.injury, days(4), "return_to_participation")
        assert outside.value.field in ("injury_id", "role")
    assert len(health_problems.stage_rows(db_engine, [club.athlete])) == 1


def test_a_coach_reads_the_stage_not_the_rationale_and_an_athlete_only_their_own(db_engine: Engine, club: Club) -> None:
    health_problems.record_stage(
        db_engine,
        club.therapist,
        club.injury,
        days(4),
        "return_to_participation",
        criteria_met=["Walks and jogs without limping"],
        restrictions="Non-contact drills only",
        rationale="RATIONALE-MARKER",
        expected_next_date=days(12),
    )
    coach = scoped.rts_stages(db_engine, club.coach)
    assert list(coach["restrictions"]) == ["Non-contact drills only"]
    assert list(coach["expected_next_date"].dt.date) == [days(12)]
    assert not {"rationale", "criteria_met", "decided_by", "athlete_agreed"} & set(coach.columns)
    assert "RATIONALE-MARKER" not in coach.to_csv()
    problems = scoped.health_problems(db_engine, club.coach)
    assert not {"diagnosis", "notes", "pathology"} & set(problems.columns)
    own = scoped.rts_stages(db_engine, club.athlete_user)
    assert list(own["stage"]) == ["return_to_participation"] and "rationale" not in own.columns
    assert scoped.rts_stages(db_engine, club.other_user).empty
    assert scoped.rts_stages(db_engine, club.other_user, [club.athlete]).empty
    assert scoped.rts_stages(db_engine, club.outsider).empty
    assert list(scoped.rts_stages(db_engine, club.therapist)["rationale"]) == ["RATIONALE-MARKER"]


def test_the_club_edits_its_checklists(db_engine: Engine, club: Club) -> None:
    seeded = health_problems.criteria(db_engine, "return_to_sport")
    assert len(seeded) >= 3 and list(seeded["position"]) == sorted(seeded["position"])
    new = health_problems.add_criterion(db_engine, club.therapist, "return_to_sport", "Hop test at least 90 %")
    assert health_problems.criteria(db_engine, "return_to_sport")["text"].iloc[-1] == "Hop test at least 90 %"
    health_problems.reword_criterion(db_engine, club.therapist, new, "Single-leg hop at least 90 % of the other side")
    health_problems.deactivate_criterion(db_engine, club.therapist, new)
    active = health_problems.criteria(db_engine, "return_to_sport")
    assert new not in set(active["criterion_id"])
    kept = health_problems.criteria(db_engine, "return_to_sport", include_inactive=True)
    assert kept.loc[kept["criterion_id"] == new, "text"].item() == "Single-leg hop at least 90 % of the other side"
    with pytest.raises(ValidationError) as coach:
        health_problems.add_criterion(db_engine, club.coach, "return_to_sport", "Anything")
    assert coach.value.field == "role"
    with pytest.raises(ValidationError) as empty:
        health_problems.add_criterion(db_engine, club.therapist, "return_to_sport", "  ")
    assert empty.value.field == "text"


def test_further_diagnoses_are_clinical(db_engine: Engine, club: Club) -> None:
    added = health_problems.add_secondary_diagnosis(
        db_engine,
        club.therapist,
        club.injury,
        "Bone bruise",
        osiics_code="TB1",
        tissue="bone",
        pathology="bone_contusion",
    )
    found = health_problems.secondary_diagnoses(db_engine, club.therapist, [club.injury])
    assert list(found["diagnosis"]) == ["Bone bruise"] and list(found["osiics_code"]) == ["TB1"]
    assert health_problems.secondary_diagnoses(db_engine, club.coach, [club.injury]).empty
    assert health_problems.secondary_diagnoses(db_engine, club.outsider, [club.injury]).empty
    with pytest.raises(ValidationError) as code:
        health_problems.add_secondary_diagnosis(db_engine, club.therapist, club.injury, "Strain", osiics_code="TM-1 x")
    assert code.value.field == "osiics_code"
    health_problems.remove_secondary_diagnosis(db_engine, club.therapist, added)
    assert health_problems.secondary_diagnoses(db_engine, club.therapist, [club.injury]).empty


def test_an_osiics_code_is_letters_and_digits() -> None:
    refusal = health_problems.osiics_code_refusal
    assert refusal("TMHX") is None and refusal("KJAX1") is None and refusal(None) is None and refusal("") is None
    for bad in ("TM.HX", "TOOLONGCODE", "é", "TM HX"):
        found = refusal(bad)
        assert found is not None and found.field == "osiics_code"


def test_the_clinician_sets_the_index_problem(db_engine: Engine, club: Club) -> None:
    later = an_injury(db_engine, club.athlete, days(60))
    elsewhere = an_injury(db_engine, club.other, days(1))
    version = health_problems.set_index_problem(db_engine, club.therapist, later, club.injury)
    with db_engine.connect() as connection:
        row = connection.execute(
            select(Injury.index_problem_id, Injury.index_by_clinician).where(Injury.id == later)
        ).one()
    assert row.index_problem_id == club.injury and row.index_by_clinician
    with pytest.raises(EditConflict):
        health_problems.set_index_problem(db_engine, club.therapist, later, None, read_version=version - 1)
    for index in (elsewhere, later):
        with pytest.raises(ValidationError) as refused:
            health_problems.set_index_problem(db_engine, club.therapist, later, index)
        assert refused.value.field == "index_problem_id"
    with pytest.raises(ValidationError) as first_comes_first:
        health_problems.set_index_problem(db_engine, club.therapist, club.injury, later)
    assert first_comes_first.value.field == "index_problem_id"
    health_problems.set_index_problem(db_engine, club.therapist, later, None, by_clinician=False)
    with db_engine.connect() as connection:
        assert not connection.scalar(select(Injury.index_by_clinician).where(Injury.id == later))
        details = connection.scalars(select(AuditEntry.detail).where(AuditEntry.action == "set_index_problem")).all()
    assert len(details) == 2 and "index_by_clinician" in details[0]


def test_the_views_read_the_current_stage_the_forecast_and_what_is_next(db_engine: Engine, club: Club) -> None:
    """`views.return_to_sport`: a stage holds from its decision to the next; the coach's forecast lists who is
    expected back to full participation within 14 days; the athlete reads the next stage's checklist."""
    assert rts.next_stage(None) == "rehabilitation" and rts.next_stage("return_to_performance") is None
    health_problems.record_stage(db_engine, club.therapist, club.injury, days(1), "rehabilitation")
    health_problems.record_stage(
        db_engine,
        club.therapist,
        club.injury,
        days(6),
        "return_to_participation",
        restrictions="Non-contact drills only",
        rationale="RATIONALE-MARKER",
        expected_next_date=days(16),
    )
    coach = ScopedReader(db_engine, club.coach)
    on_day_3 = rts.current_stages(coach.rts_stages(), days(3))
    assert list(on_day_3["stage"]) == ["rehabilitation"] and list(on_day_3["availability"]) == ["unavailable"]
    board = rts.team_stages(coach, None, days(7))
    assert list(board.stages["restrictions"]) == ["Non-contact drills only"]
    assert list(board.forecast["days_to_go"]) == [9] and list(board.forecast["athlete"]) == ["Martin Dahl"]
    assert rts.team_stages(coach, None, days(1)).forecast.empty  # return to participation not decided yet
    assert rts.team_stages(coach, None, days(7) - dt.timedelta(days=10)).stages.empty  # before any decision
    assert "RATIONALE-MARKER" not in board.stages.to_csv() + board.forecast.to_csv()

    [mine] = rts.my_stages(ScopedReader(db_engine, club.athlete_user), club.athlete, days(7))
    assert (mine.stage_label, mine.next_label, mine.expected) == (
        "Return to participation",
        "Return to sport",
        days(16),
    )
    assert mine.next_criteria == health_problems.criteria(db_engine, "return_to_sport")["text"].tolist()
    assert rts.my_stages(ScopedReader(db_engine, club.other_user), club.athlete, days(7)) == []

    shown = rts.progress_stages(ScopedReader(db_engine, club.therapist), club.athlete, days(3), days(10))
    assert list(shown["stage"]) == ["rehabilitation", "return_to_participation"]
    assert list(shown["until"].dt.date) == [days(6), days(10)]
