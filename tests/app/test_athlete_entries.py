"""The athlete's own entries: the daily check-in (with pain by region) and the weekly health questions (OSTRC-O2
and the OSTRC-H2 follow-ups).

Every test that writes works on its own copy of the session's demo database. The data function
behind the check-in, `data.record_writes.save_checkin`, is tested on both backends (`db_engine`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import streamlit as st
from sqlalchemy import Engine, delete, func, select
from streamlit.testing.v1 import AppTest

from data.models import OstrcHealthProblem, OstrcResponse, PainReport, User, WellnessCheckin
from data.queries import athletes as query_athletes
from data.queries import teams as query_teams
from data.record_checks import InvalidRecords
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from data.time_zones import today_in
from ui.filters import ATHLETE_KEY

StartApp = Callable[[str], AppTest]
CHECKIN = "pages/checkin.py"
OSTRC = "pages/ostrc.py"
ITEMS = ("soreness", "fatigue", "sleep_quality", "stress", "mood")


@pytest.fixture
def engine(own_engine: Engine) -> Engine:
    return own_engine


def demo_athlete(engine: Engine) -> tuple[int, int, dt.date]:
    """(user id, athlete id, today in the athlete's team time zone) of the demo athlete account."""
    with engine.connect() as connection:
        user_id, athlete_id = connection.execute(
            select(User.id, User.athlete_id).where(User.username == "athlete")
        ).one()
    team_id = int(query_athletes(engine, athlete_ids=[athlete_id])["team_id"].iloc[0])
    timezone = str(query_teams(engine, team_ids=[team_id])["timezone"].iloc[0])
    return user_id, athlete_id, today_in(timezone)


def open_page(app_at: StartApp, url: str, user_id: int, page: str, **state: object) -> AppTest:
    """The page as the signed-in user (session state as after sign-in, plus `state`)."""
    st.cache_data.clear()  # loaders are keyed by user, not by database: drop other tests' frames
    at = app_at(url)
    at.session_state["user_id"] = user_id
    for key, value in state.items():
        at.session_state[key] = value
    return at.run().switch_page(page).run()


def texts(at: AppTest) -> str:
    parts = [*at.title, *at.subheader, *at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.metric]
    return "\n".join(str(getattr(p, "value", "")) for p in parts)


def clear_day(engine: Engine, athlete_id: int, day: dt.date) -> None:
    with engine.begin() as connection:
        connection.execute(
            delete(WellnessCheckin).where(WellnessCheckin.athlete_id == athlete_id, WellnessCheckin.date == day)
        )
        connection.execute(delete(PainReport).where(PainReport.athlete_id == athlete_id, PainReport.date == day))


def day_rows(engine: Engine, athlete_id: int, day: dt.date) -> tuple[list[dict], list[tuple[str, str, int]]]:
    with engine.connect() as connection:
        checkins = [
            dict(r)
            for r in connection.execute(
                select(WellnessCheckin).where(WellnessCheckin.athlete_id == athlete_id, WellnessCheckin.date == day)
            ).mappings()
        ]
        pains = connection.execute(
            select(PainReport.body_region, PainReport.side, PainReport.pain)
            .where(PainReport.athlete_id == athlete_id, PainReport.date == day)
            .order_by(PainReport.body_region, PainReport.side)
        ).all()
    return checkins, [tuple(p) for p in pains]


def fill_wellness(at: AppTest, day: dt.date, values: dict[str, int], availability: str = "modified") -> AppTest:
    for item, value in values.items():
        at.segmented_control(key=f"checkin_{item}_{day}").set_value(value)
    at.segmented_control(key=f"checkin_availability_{day}").set_value(availability)
    at.pills(key=f"checkin_readiness_{day}").set_value(6)
    at.number_input(key=f"checkin_sleep_hours_{day}").set_value(7.5)
    return at.run()


def save(at: AppTest, key: str) -> AppTest:
    return at.button(key=key).click().run()


def test_athlete_saves_checkin_with_two_pain_regions_and_sees_it(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    clear_day(engine, athlete_id, today)
    at = open_page(app_at, own_url, user_id, CHECKIN)
    assert not at.exception
    assert "Not checked in yet today." in texts(at)
    at = fill_wellness(at, today, {"soreness": 2, "fatigue": 3, "sleep_quality": 4, "stress": 5, "mood": 4})
    at.pills(key=f"checkin_regions_{today}").set_value(["knee", "lower_back"])
    at = at.run()
    at.segmented_control(key=f"checkin_side_knee_{today}").set_value(["left"])
    at.segmented_control(key=f"checkin_side_lower_back_{today}").set_value(["central"])
    at = at.run()
    at.pills(key=f"checkin_pain_knee_left_{today}").set_value(3)
    at.pills(key=f"checkin_pain_lower_back_central_{today}").set_value(5)
    at = save(at.run(), "checkin_save")

    assert not at.exception
    assert [s.value for s in at.success] == [f"Saved your check-in for {today:%A} {today.day} {today:%B}."]
    shown = texts(at)
    assert "**Muscle soreness** 2 — sorer / tighter than normal" in shown
    assert "Left knee 3/10" in shown and "Lower back 5/10" in shown
    assert "Availability** Modified" in shown
    checkins, pains = day_rows(engine, athlete_id, today)
    assert len(checkins) == 1
    saved = checkins[0]
    assert (saved["soreness"], saved["fatigue"], saved["sleep_quality"], saved["stress"], saved["mood"]) == (
        2,
        3,
        4,
        5,
        4,
    )
    assert (saved["readiness"], saved["sleep_hours"], saved["availability"]) == (6, 7.5, "modified")
    assert pains == [("knee", "left", 3), ("lower_back", "central", 5)]


def test_editing_todays_checkin_updates_it_and_removing_a_region_removes_its_pain(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    clear_day(engine, athlete_id, today)
    save_checkin(
        engine,
        athlete_id,
        today,
        {"soreness": 4, "fatigue": 4, "sleep_quality": 4, "stress": 4, "mood": 4, "availability": "full"},
        [{"body_region": "knee", "side": "left", "pain": 3}, {"body_region": "ankle", "side": "right", "pain": 2}],
        actor_id=user_id,
    )
    at = open_page(app_at, own_url, user_id, CHECKIN)
    assert "You have checked in today" in texts(at)
    # The form opens with today's values.
    assert at.segmented_control(key=f"checkin_soreness_{today}").value == 4
    assert at.segmented_control(key=f"checkin_availability_{today}").value == "full"
    assert at.pills(key=f"checkin_regions_{today}").value == ["knee", "ankle"]
    assert at.pills(key=f"checkin_pain_knee_left_{today}").value == 3
    assert at.button(key="checkin_save").proto.label == "Update today's check-in"

    at.segmented_control(key=f"checkin_soreness_{today}").set_value(1)
    at.pills(key=f"checkin_regions_{today}").set_value(["ankle"])
    at = save(at.run(), "checkin_save")

    assert not at.exception and at.success
    checkins, pains = day_rows(engine, athlete_id, today)
    assert len(checkins) == 1 and checkins[0]["soreness"] == 1
    assert pains == [("ankle", "right", 2)]
    assert "Knee" not in texts(at).split("Today, as saved")[-1]
    assert "Right ankle 2/10" in texts(at)


def test_checkin_refuses_missing_answers_beside_the_field_and_saves_nothing(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    clear_day(engine, athlete_id, today)
    at = open_page(app_at, own_url, user_id, CHECKIN)
    at.segmented_control(key=f"checkin_soreness_{today}").set_value(3)
    at.pills(key=f"checkin_regions_{today}").set_value(["thigh"])
    at = save(at.run(), "checkin_save")

    errors = [e.value for e in at.error]
    assert "Fatigue: pick one answer." in errors
    assert "Availability: pick one answer." in errors
    assert "Thigh: pick a side, or untap the region." in errors
    assert "Nothing was saved. Fix the answers marked in red." in errors
    assert day_rows(engine, athlete_id, today) == ([], [])


def test_checkin_goes_to_the_signed_in_athlete_whatever_session_state_says(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    everyone = query_athletes(engine)
    other = everyone[everyone["athlete_id"] != athlete_id].iloc[0]
    other_id, other_name = int(other["athlete_id"]), str(other["display_name"])
    before = day_rows(engine, other_id, today)
    clear_day(engine, athlete_id, today)

    at = open_page(app_at, own_url, user_id, CHECKIN, **{ATHLETE_KEY: other_id, "athlete_id": other_id})
    assert not at.selectbox, "the check-in has no athlete selector"
    at = fill_wellness(at, today, dict.fromkeys(ITEMS, 5), availability="full")
    at.pills(key=f"checkin_regions_{today}").set_value(["neck"])
    at = at.run()
    at.segmented_control(key=f"checkin_side_neck_{today}").set_value(["central"])
    at = at.run()
    at.pills(key=f"checkin_pain_neck_central_{today}").set_value(2)
    at.session_state[ATHLETE_KEY] = other_id
    at = save(at.run(), "checkin_save")

    assert not at.exception and at.success
    assert day_rows(engine, other_id, today) == before
    checkins, pains = day_rows(engine, athlete_id, today)
    assert len(checkins) == 1 and pains == [("neck", "central", 2)]
    assert other_name not in texts(at)


def test_ostrc_is_saved_scored_and_marked_substantial(app_at: StartApp, own_url: str, engine: Engine) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    week = today - dt.timedelta(days=today.weekday())
    with engine.begin() as connection:
        connection.execute(delete(OstrcResponse).where(OstrcResponse.athlete_id == athlete_id))
    at = open_page(app_at, own_url, user_id, OSTRC)
    assert not at.exception
    assert "Not answered yet this week." in texts(at)
    assert "No weekly answers yet" in at.get("plotly_chart")[0].proto.spec
    for question, score in {"q1": 17, "q2": 25, "q3": 25, "q4": 25}.items():
        at.radio(key=f"ostrc_{question}_{week}").set_value(score)
    at = at.run()
    at.radio(key=f"ostrc_h2_type_0_{week}").set_value("injury")  # a problem: the follow-ups ask about it
    at = at.run()
    at.selectbox(key=f"ostrc_h2_region_0_{week}").set_value("thigh")
    at.radio(key=f"ostrc_h2_q1_0_{week}").set_value(25)  # could not take part: Q2-Q4 follow
    at.number_input(key=f"ostrc_h2_days_0_{week}").set_value(4)
    at = save(at.run(), "ostrc_save")

    assert not at.exception
    assert [m.value for m in at.metric] == ["92 / 100"]
    assert "**substantial problem**" in texts(at)
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                OstrcResponse.week_start, OstrcResponse.q1, OstrcResponse.q2, OstrcResponse.q3, OstrcResponse.q4
            ).where(OstrcResponse.athlete_id == athlete_id)
        ).all()
    assert [tuple(r) for r in rows] == [(week, 17, 25, 25, 25)]
    assert "Injury, thigh: severity 100 / 100, 4 days out" in texts(at)

    # Editing within the week updates the same answer; "full participation without problems" scores 0.
    at.radio(key=f"ostrc_q1_{week}").set_value(0)
    at = at.run()
    assert len(at.radio) == 1, "Q2-Q4 are redundant after 'full participation without problems'"
    at = save(at, "ostrc_save")
    assert [m.value for m in at.metric] == ["0 / 100"]
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).where(OstrcResponse.athlete_id == athlete_id))
        answers = connection.execute(
            select(OstrcResponse.q1, OstrcResponse.q2, OstrcResponse.q3, OstrcResponse.q4).where(
                OstrcResponse.athlete_id == athlete_id
            )
        ).one()
    assert count == 1 and tuple(answers) == (0, 0, 0, 0)
    with engine.connect() as connection:  # no problem this week: its follow-ups are gone too
        this_week = (OstrcHealthProblem.athlete_id == athlete_id) & (OstrcHealthProblem.week_start == week)
        assert connection.scalar(select(func.count()).where(this_week)) == 0


def test_ostrc_refuses_unanswered_questions(app_at: StartApp, own_url: str, engine: Engine) -> None:
    user_id, athlete_id, today = demo_athlete(engine)
    week = today - dt.timedelta(days=today.weekday())
    with engine.begin() as connection:
        connection.execute(delete(OstrcResponse).where(OstrcResponse.athlete_id == athlete_id))
    at = open_page(app_at, own_url, user_id, OSTRC)
    at.radio(key=f"ostrc_q1_{week}").set_value(8)
    at = save(at.run(), "ostrc_save")
    errors = [e.value for e in at.error]
    assert [f"Question {n}: pick one answer." in errors for n in (2, 3, 4)] == [True] * 3
    assert "Nothing was saved. Answer the questions marked in red." in errors
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).where(OstrcResponse.athlete_id == athlete_id)) == 0


def test_the_weekly_health_questions_take_an_illness_and_an_injury(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    """OSTRC-H2 (Clarsen et al. 2020): after a problem in the week's first answer, each health problem of the
    week is reported: injury or illness, where, its four answers and the days out."""
    user_id, athlete_id, today = demo_athlete(engine)
    week = today - dt.timedelta(days=today.weekday())
    with engine.begin() as connection:
        connection.execute(delete(OstrcResponse).where(OstrcResponse.athlete_id == athlete_id))
        connection.execute(delete(OstrcHealthProblem).where(OstrcHealthProblem.athlete_id == athlete_id))
    at = open_page(app_at, own_url, user_id, OSTRC)
    assert not at.exception and at.title[0].value == "Weekly health questions"
    assert not [n for n in at.number_input if n.key.startswith("ostrc_h2_")]  # no problem, no follow-ups
    for question, score in {"q1": 17, "q2": 17, "q3": 8, "q4": 17}.items():
        at.radio(key=f"ostrc_{question}_{week}").set_value(score)
    at = at.run()
    at.number_input(key=f"ostrc_h2_count_{week}").set_value(2)
    at = at.run()
    at = save(at, "ostrc_save")  # nothing answered about the problems yet
    errors = "\n".join(e.value for e in at.error)
    assert "Problem 1: say whether it was an injury or an illness." in errors
    assert "Nothing was saved. Answer the questions marked in red." in errors
    at.radio(key=f"ostrc_h2_type_0_{week}").set_value("illness")
    at.radio(key=f"ostrc_h2_type_1_{week}").set_value("injury")
    at = at.run()
    at.selectbox(key=f"ostrc_h2_system_0_{week}").set_value("respiratory")
    at.selectbox(key=f"ostrc_h2_region_1_{week}").set_value("knee")
    for number, scores in enumerate(({"q1": 17, "q2": 17, "q3": 8, "q4": 17}, {"q1": 8, "q2": 0, "q3": 8, "q4": 8})):
        for question, score in scores.items():
            at.radio(key=f"ostrc_h2_{question}_{number}_{week}").set_value(score)
    at.number_input(key=f"ostrc_h2_days_0_{week}").set_value(2)
    at = save(at.run(), "ostrc_save")

    assert not at.exception and not at.error
    with engine.connect() as connection:
        reported = connection.execute(
            select(
                OstrcHealthProblem.week_start,
                OstrcHealthProblem.problem_type,
                OstrcHealthProblem.body_region,
                OstrcHealthProblem.organ_system,
                OstrcHealthProblem.q1,
                OstrcHealthProblem.q2,
                OstrcHealthProblem.q3,
                OstrcHealthProblem.q4,
                OstrcHealthProblem.days_lost,
            )
            .where(OstrcHealthProblem.athlete_id == athlete_id)
            .order_by(OstrcHealthProblem.id)
        ).all()
    assert [tuple(r) for r in reported] == [
        (week, "illness", None, "respiratory", 17, 17, 8, 17, 2),
        (week, "injury", "knee", None, 8, 0, 8, 8, 0),
    ]
    shown = texts(at)
    assert "Illness, airways and lungs: severity 59 / 100, 2 days out" in shown
    assert "Injury, knee: severity 24 / 100, no days out" in shown
    assert "respiratory" not in shown and "organ_system" not in shown  # words, never codes


# --------------------------------------------------------------------------- data.record_writes.save_checkin, both backends


@pytest.fixture
def two_athletes(db_engine: Engine) -> tuple[int, int]:
    team = create_team(db_engine, "Checkin FC", "football", "Europe/Oslo")
    return create_athlete(db_engine, team, "Ann", "ann-1"), create_athlete(db_engine, team, "Bo", "bo-1")


def pain_of(engine: Engine, athlete_id: int) -> list[tuple[str, str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(PainReport.body_region, PainReport.side, PainReport.pain)
            .where(PainReport.athlete_id == athlete_id)
            .order_by(PainReport.body_region, PainReport.side)
        ).all()
    return [tuple(r) for r in rows]


def checkins_of(engine: Engine, athlete_id: int) -> list[tuple[dt.date, int | None, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(WellnessCheckin.date, WellnessCheckin.soreness, WellnessCheckin.availability).where(
                WellnessCheckin.athlete_id == athlete_id
            )
        ).all()
    return [tuple(r) for r in rows]


DAY = dt.date(2026, 3, 2)
GOOD = {"soreness": 4, "fatigue": 3, "sleep_quality": 4, "stress": 4, "mood": 5, "readiness": 7, "sleep_hours": 8.0}


def test_save_checkin_upserts_the_day_and_replaces_its_pain(db_engine: Engine, two_athletes: tuple[int, int]) -> None:
    ann, bo = two_athletes
    first, pains = save_checkin(
        db_engine,
        ann,
        DAY,
        {**GOOD, "availability": "full"},
        [{"body_region": "knee", "side": "left", "pain": 4}, {"body_region": "foot", "side": "right", "pain": 1}],
        actor_id=None,
    )
    assert (first.inserted, pains.inserted) == (1, 2)
    again, pains = save_checkin(
        db_engine,
        ann,
        DAY,
        {**GOOD, "soreness": 2, "availability": "modified"},
        [{"body_region": "knee", "side": "left", "pain": 5}],
    )
    assert (again.inserted, again.updated, again.ids) == (0, 1, first.ids)
    assert checkins_of(db_engine, ann) == [(DAY, 2, "modified")]
    assert pain_of(db_engine, ann) == [("knee", "left", 5)]
    save_checkin(db_engine, ann, DAY, {**GOOD, "availability": "modified"}, [])
    assert pain_of(db_engine, ann) == []
    assert checkins_of(db_engine, bo) == [] and pain_of(db_engine, bo) == []


def test_save_checkin_refuses_any_bad_value_and_writes_nothing(
    db_engine: Engine, two_athletes: tuple[int, int]
) -> None:
    ann, _ = two_athletes
    save_checkin(
        db_engine, ann, DAY, {**GOOD, "availability": "full"}, [{"body_region": "knee", "side": "left", "pain": 4}]
    )
    with pytest.raises(InvalidRecords) as refused:
        save_checkin(
            db_engine,
            ann,
            DAY,
            {**GOOD, "soreness": 6, "availability": "full"},
            [{"body_region": "knee", "side": "left", "pain": 11}, {"body_region": "elbow", "side": "top", "pain": 2}],
        )
    found = {(e.field, e.row) for e in refused.value.errors}
    assert found == {("soreness", None), ("pain", 1), ("side", 2)}
    # A refused pain row keeps the valid check-in change out too: one transaction.
    with pytest.raises(InvalidRecords):
        save_checkin(db_engine, ann, DAY, {**GOOD, "soreness": 1}, [{"body_region": "nose", "side": "left", "pain": 2}])
    assert checkins_of(db_engine, ann) == [(DAY, 4, "full")]
    assert pain_of(db_engine, ann) == [("knee", "left", 4)]


def test_save_checkin_refuses_an_athlete_outside_the_writers_scope(
    db_engine: Engine, two_athletes: tuple[int, int]
) -> None:
    ann, bo = two_athletes
    with pytest.raises(InvalidRecords) as refused:
        save_checkin(db_engine, bo, DAY, GOOD, [], allowed_athlete_ids=[ann])
    assert [e.field for e in refused.value.errors] == ["athlete_id"]
    with pytest.raises(InvalidRecords):
        save_checkin(db_engine, 999_999, DAY, GOOD, [])
    assert checkins_of(db_engine, bo) == []
