"""A save cut off by a server restart: the form says it may not have happened and shows what was entered.

A restart between `data.pending_saves.begin` and `finish` leaves the row behind; here the row is written
as the killed process left it, then the daily check-in is opened in a fresh app (a new server process has
no session state), on a copy of the demo database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from data import pending_saves
from data.models import Injury, PendingSave, User, WellnessCheckin
from data.queries import athletes as query_athletes
from data.queries import teams as query_teams
from data.time_zones import today_in

StartApp = Callable[[str], AppTest]
CHECKIN = "pages/checkin.py"
WARNING = "may not have happened"


def athlete_today(engine: Engine) -> tuple[int, int, dt.date]:
    """(user id, athlete id, today in the team's time zone) of the demo athlete account."""
    with engine.connect() as connection:
        user_id, athlete_id = connection.execute(
            select(User.id, User.athlete_id).where(User.username == "athlete")
        ).one()
    team_id = int(query_athletes(engine, athlete_ids=[athlete_id])["team_id"].iloc[0])
    return user_id, athlete_id, today_in(str(query_teams(engine, team_ids=[team_id])["timezone"].iloc[0]))


def open_checkin(app_at: StartApp, url: str, user_id: int) -> AppTest:
    st.cache_data.clear()
    at = app_at(url)
    at.session_state["user_id"] = user_id
    return at.run().switch_page(CHECKIN).run()


def warnings(at: AppTest) -> str:
    return "\n".join(str(w.value) for w in at.warning)


def pending_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(PendingSave)))


def test_a_cut_off_checkin_is_said_and_what_was_entered_is_back(app_at: StartApp, own_url: str, own_engine: Engine):
    user_id, athlete_id, today = athlete_today(own_engine)
    tag = today.isoformat()
    entered = {
        f"checkin_soreness_{tag}": 2,
        f"checkin_fatigue_{tag}": 4,
        f"checkin_availability_{tag}": "modified",
        f"checkin_readiness_{tag}": 6,
        f"checkin_sleep_hours_{tag}": 7.5,
        f"checkin_regions_{tag}": ["knee"],
        f"checkin_side_knee_{tag}": ["left"],
        f"checkin_pain_knee_left_{tag}": 4,
    }
    started = dt.datetime(2026, 12, 2, 9, 14, tzinfo=dt.UTC)
    pending_saves.begin(own_engine, user_id, "checkin", entered, now=started)  # the process died here

    at = open_checkin(app_at, own_url, user_id)
    assert not at.exception
    assert WARNING in warnings(at) and "09:14 UTC on 2 December" in warnings(at)
    assert at.segmented_control(key=f"checkin_soreness_{tag}").value == 2
    assert at.segmented_control(key=f"checkin_availability_{tag}").value == "modified"
    assert at.number_input(key=f"checkin_sleep_hours_{tag}").value == 7.5
    assert at.pills(key=f"checkin_regions_{tag}").value == ["knee"]
    assert at.pills(key=f"checkin_pain_knee_left_{tag}").value == 4

    at = at.button(key="pending_dismiss_checkin").click().run()
    assert WARNING not in warnings(at)
    assert pending_rows(own_engine) == 0
    assert at.segmented_control(key=f"checkin_soreness_{tag}").value == 2, "what was entered stays"


def test_a_save_that_ends_leaves_nothing_pending(app_at: StartApp, own_url: str, own_engine: Engine):
    user_id, athlete_id, today = athlete_today(own_engine)
    tag = today.isoformat()
    at = open_checkin(app_at, own_url, user_id)
    at.button(key="checkin_save").click().run()  # refused: nothing answered
    assert at.error and pending_rows(own_engine) == 0
    for item, value in {"soreness": 3, "fatigue": 3, "sleep_quality": 3, "stress": 3, "mood": 3}.items():
        at.segmented_control(key=f"checkin_{item}_{tag}").set_value(value)
    at.segmented_control(key=f"checkin_availability_{tag}").set_value("full")
    at.pills(key=f"checkin_readiness_{tag}").set_value(8)
    at = at.run().button(key="checkin_save").click().run()
    assert not at.exception and at.success
    assert pending_rows(own_engine) == 0
    with own_engine.connect() as connection:
        saved = connection.scalar(
            select(func.count()).where(WellnessCheckin.athlete_id == athlete_id, WellnessCheckin.date == today)
        )
    assert saved == 1


def test_a_cut_off_session_log_is_said_and_its_date_measure_and_notes_are_back(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    with own_engine.connect() as connection:
        user_id = int(connection.scalar(select(User.id).where(User.username == "therapist")))
    st.cache_data.clear()
    at = app_at(own_url)
    at.session_state["user_id"] = user_id
    at = at.run().switch_page("pages/log_session.py").run()
    athlete_id = int(at.session_state["filter_athlete_id"])
    day = dt.date(2026, 11, 28)
    measure = ("shoulder", "internal_rotation", "deg", "goniometer")
    entered = {
        f"session_form_day_{athlete_id}": day,
        f"session_form_technique_{athlete_id}": "active_release",
        f"session_form_minutes_{athlete_id}": 45,
        f"session_form_notes_{athlete_id}": "typed before the restart",
        f"session_form_measure_{athlete_id}": measure,
        f"session_form_pre_{athlete_id}": 41.0,
    }
    pending_saves.begin(own_engine, user_id, f"log_session_{athlete_id}", entered)

    st.cache_data.clear()
    at = app_at(own_url)  # a new server process: no session state
    at.session_state["user_id"] = user_id
    at.session_state["filter_athlete_id"] = athlete_id
    at = at.run().switch_page("pages/log_session.py").run()
    assert not at.exception
    assert WARNING in warnings(at)
    assert at.date_input(key=f"session_form_day_{athlete_id}").value == day
    assert at.selectbox(key=f"session_form_technique_{athlete_id}").value == "active_release"
    assert at.selectbox(key=f"session_form_measure_{athlete_id}").value == measure
    assert at.text_area(key=f"session_form_notes_{athlete_id}").value == "typed before the restart"
    assert at.number_input(key=f"session_form_pre_{athlete_id}").value == 41.0


def test_a_cut_off_rom_grid_is_said_and_its_values_are_back(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    with own_engine.connect() as connection:
        user_id = int(connection.scalar(select(User.id).where(User.username == "therapist")))
    st.cache_data.clear()
    at = app_at(own_url)
    at.session_state["user_id"] = user_id
    at = at.run().switch_page("pages/record_rom.py").run()
    athlete_id = int(at.session_state["filter_athlete_id"])
    edits = {"edited_rows": {"0": {"left": 41.5, "right": 30.0}}, "added_rows": [], "deleted_rows": []}
    entered = {f"rom_grid_{athlete_id}": edits, f"rom_form_context_{athlete_id}": "baseline"}
    pending_saves.begin(own_engine, user_id, f"record_rom_{athlete_id}", entered)

    st.cache_data.clear()
    at = app_at(own_url)
    at.session_state["user_id"] = user_id
    at.session_state["filter_athlete_id"] = athlete_id
    at = at.run().switch_page("pages/record_rom.py").run()
    assert not at.exception
    assert WARNING in warnings(at)
    assert at.selectbox(key=f"rom_form_context_{athlete_id}").value == "baseline"
    grid = at.dataframe[0].value  # the grid (the data editor) comes first, inside the form
    assert (grid.loc[0, "left"], grid.loc[0, "right"]) == (41.5, 30.0)
    assert grid.loc[1:, ["left", "right"]].isna().all().all()


def therapist_on(app_at: StartApp, url: str, engine: Engine, page: str, athlete_id: int | None = None) -> AppTest:
    with engine.connect() as connection:
        user_id = int(connection.scalar(select(User.id).where(User.username == "therapist")))
    st.cache_data.clear()
    at = app_at(url)  # a new server process: no session state
    at.session_state["user_id"] = user_id
    if athlete_id is not None:
        at.session_state["filter_athlete_id"] = athlete_id
    return at.run().switch_page(page).run()


def test_a_cut_off_problem_edit_and_stage_decision_come_back_in_the_new_forms(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    with own_engine.connect() as connection:  # an athlete with an open injury, so both forms show
        athlete_id = int(
            connection.scalar(select(Injury.athlete_id).where(Injury.return_date.is_(None)).order_by(Injury.id))
        )
    at = therapist_on(app_at, own_url, own_engine, "pages/injuries.py", athlete_id)
    user_id = int(at.session_state["user_id"])
    chosen = int(at.selectbox(key=f"edit_pick_{athlete_id}").value)
    staged = int(at.selectbox(key=f"stage_problem_{athlete_id}").value)
    decided = dt.date(2026, 11, 20)
    # the dead process had shown the edit form three times (generation 3), and was recording a stage decision
    pending_saves.begin(own_engine, user_id, f"edit_injury_{chosen}", {f"edit_{chosen}_3_notes": "typed, not saved"})
    pending_saves.begin(
        own_engine,
        user_id,
        f"stage_{staged}",
        {f"stage_{staged}_date": decided, f"stage_{staged}_restrictions": "No sprints, typed before the restart"},
    )

    at = therapist_on(app_at, own_url, own_engine, "pages/injuries.py", athlete_id)
    assert not at.exception
    assert "your changes to this health problem" in warnings(at)
    assert at.text_area(key=f"edit_{chosen}_0_notes").value == "typed, not saved"
    assert "this return-to-sport decision" in warnings(at)
    assert at.date_input(key=f"stage_{staged}_date").value == decided
    assert at.text_area(key=f"stage_{staged}_restrictions").value == "No sprints, typed before the restart"
