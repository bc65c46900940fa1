"""The admin's Users and teams page: create a team and users, assign teams, deactivate, reset passwords.

Each test works on its own copy of the session's demo database. Password hashing (argon2id) is
slow on purpose, so the tests create and check as few passwords as they can.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from data.access import authenticate
from data.db import make_engine
from data.models import Team, User, user_teams
from ui.text import literal

StartApp = Callable[[str], AppTest]
PAGE = "pages/users_teams.py"


@pytest.fixture
def engine(own_engine: Engine) -> Engine:
    return own_engine


def user_id(engine: Engine, username: str) -> int | None:
    with engine.connect() as connection:
        return connection.scalar(select(User.id).where(User.username == username))


def teams_of(engine: Engine, uid: int) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(user_teams.c.team_id).where(user_teams.c.user_id == uid)).all())


def open_admin(app_at: StartApp, url: str, engine: Engine) -> AppTest:
    st.cache_data.clear()  # loaders are keyed by user, not by database: drop other tests' frames
    at = app_at(url)
    at.session_state["user_id"] = user_id(engine, "admin")
    return at.run().switch_page(PAGE).run()


def press(at: AppTest, label: str) -> AppTest:
    """Click the (only) button labelled `label` and run."""
    (button,) = [b for b in at.button if b.proto.label == label]
    return button.click().run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_admin_sees_users_and_teams(app_at: StartApp, demo_url: str) -> None:
    engine = make_engine(demo_url)
    at = open_admin(app_at, demo_url, engine)
    engine.dispose()
    assert not at.exception
    users, teams = at.dataframe[0].value, at.dataframe[1].value
    assert {"admin", "coach", "therapist", "athlete"} <= set(users["username"])
    assert list(users.columns) == ["username", "role", "active", "teams", "athlete"]
    assert users.set_index("username").at["athlete", "athlete"]  # the linked athlete's name
    assert list(teams.columns) == ["name", "sport", "timezone", "athletes", "staff"]
    assert "coach" in teams["staff"].iloc[0]


def test_admin_creates_a_team_and_a_coach_for_it(app_at: StartApp, own_url: str, engine: Engine) -> None:
    at = open_admin(app_at, own_url, engine)
    at.text_input(key="new_team_name").input("Harbour Rowing")
    at.text_input(key="new_team_sport").input("rowing")
    at.selectbox(key="new_team_timezone").set_value("Europe/London")
    at = press(at, "Create team")
    assert not at.exception
    assert "Created the team Harbour Rowing." in [s.value for s in at.success]
    assert "Harbour Rowing" in set(at.dataframe[1].value["name"])
    with engine.connect() as connection:
        team_id, timezone = connection.execute(
            select(Team.id, Team.timezone).where(Team.name == "Harbour Rowing")
        ).one()
    assert timezone == "Europe/London"

    at.text_input(key="new_team_name").input("Harbour Rowing")
    at = press(at, "Create team")
    assert "Team name is already a team." in errors(at)

    at.segmented_control(key="new_user_role").set_value("coach")
    at = at.run()
    at.text_input(key="new_user_username").input("rowing-coach")
    at.multiselect(key="new_user_teams").set_value([team_id])
    at.text_input(key="new_user_password").input("oars-and-water")
    at.text_input(key="new_user_password2").input("oars-and-water")
    at = press(at, "Create user")
    assert not at.exception and not errors(at)
    coach = user_id(engine, "rowing-coach")
    assert coach is not None and teams_of(engine, coach) == [team_id]
    shown = at.dataframe[0].value.set_index("username")
    assert shown.at["rowing-coach", "role"] == "Coach" and shown.at["rowing-coach", "teams"] == "Harbour Rowing"
    assert at.text_input(key="new_user_password").value == "", "the password field is emptied after saving"


def test_short_or_mismatched_password_is_refused_beside_the_field_and_nothing_saved(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    with engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(User))
    at = open_admin(app_at, own_url, engine)
    at.segmented_control(key="new_user_role").set_value("therapist")
    at = at.run()
    at.text_input(key="new_user_username").input("shorty")
    at.text_input(key="new_user_password").input("short")
    at.text_input(key="new_user_password2").input("shorter")
    at = press(at, "Create user")
    assert "Password must be at least 8 characters." in errors(at)
    assert "Repeat password does not match the password." in errors(at)
    assert user_id(engine, "shorty") is None

    at.segmented_control(key="new_user_role").set_value("athlete")
    at = at.run()
    at.text_input(key="new_user_password").input("long-enough")
    at.text_input(key="new_user_password2").input("long-enough")
    at = press(at, "Create user")
    assert "Athlete is required for an athlete account: pick who this account is." in errors(at)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User)) == before


def test_deactivated_user_cannot_sign_in_and_admin_cannot_deactivate_themself(
    app_at: StartApp, own_url: str, engine: Engine
) -> None:
    at = open_admin(app_at, own_url, engine)
    admin = user_id(engine, "admin")
    assert at.selectbox(key="admin_user_pick").value == admin
    assert at.button(key=f"deactivate_{admin}").proto.disabled

    coach = user_id(engine, "coach")
    at.selectbox(key="admin_user_pick").set_value(coach)
    at = at.run()
    at = at.button(key=f"deactivate_{coach}").click().run()
    assert not at.exception
    assert "coach is deactivated and cannot sign in." in [s.value for s in at.success]
    assert not at.dataframe[0].value.set_index("username").at["coach", "active"]
    assert authenticate(engine, "coach", "fascia-coach") is None

    at = at.button(key=f"reactivate_{coach}").click().run()
    assert at.dataframe[0].value.set_index("username").at["coach", "active"]
    assert authenticate(engine, "coach", "fascia-coach") is not None


def test_admin_assigns_teams_and_resets_a_password(app_at: StartApp, own_url: str, engine: Engine) -> None:
    with engine.connect() as connection:
        first_team = connection.scalar(select(Team.id).order_by(Team.id))
    therapist = user_id(engine, "therapist")
    at = open_admin(app_at, own_url, engine)
    at.selectbox(key="admin_user_pick").set_value(therapist)
    at = at.run()
    at.multiselect(key=f"teams_of_{therapist}").set_value([first_team])
    at = at.button(key=f"save_teams_{therapist}").click().run()
    assert "Saved the teams of therapist." in [s.value for s in at.success]
    assert teams_of(engine, therapist) == [first_team]

    at.text_input(key=f"reset_password_{therapist}").input("new-secret-1")
    at.text_input(key=f"reset_password2_{therapist}").input("new-secret-2")
    at = press(at, "Set new password")
    assert "Repeat new password does not match the new password." in errors(at)

    at.text_input(key=f"reset_password_{therapist}").input("new-secret-1")
    at.text_input(key=f"reset_password2_{therapist}").input("new-secret-1")
    at = press(at, "Set new password")
    assert not errors(at)
    assert authenticate(engine, "therapist", "new-secret-1") is not None


def test_the_last_active_admin_cannot_be_deactivated_or_demoted(app_at: StartApp, own_url: str, engine: Engine) -> None:
    from data.accounts import create_user

    other = create_user(engine, "deputy", "second-in-charge", "admin")
    admin = user_id(engine, "admin")
    at = open_admin(app_at, own_url, engine)
    at.selectbox(key="admin_user_pick").set_value(other)
    at = at.run()
    at = at.button(key=f"deactivate_{other}").click().run()
    assert "deputy is deactivated and cannot sign in." in [s.value for s in at.success]
    at.selectbox(key="admin_user_pick").set_value(admin)
    at = at.run()
    at.selectbox(key=f"role_of_{admin}").set_value("coach")
    at = at.button(key=f"save_role_{admin}").click().run()
    assert not at.exception
    assert any("is the last active admin" in e for e in errors(at)), errors(at)
    with engine.connect() as connection:
        assert connection.scalar(select(User.role).where(User.id == admin)) == "admin"


def test_admin_sets_a_single_sign_on_email(app_at: StartApp, own_url: str, engine: Engine) -> None:
    coach = user_id(engine, "coach")
    at = open_admin(app_at, own_url, engine)
    at.selectbox(key="admin_user_pick").set_value(coach)
    at = at.run()
    at.text_input(key=f"email_of_{coach}").input("not-an-email")
    at = at.button(key=f"save_email_{coach}").click().run()
    assert "E-mail is not an e-mail address (one @, no spaces)." in errors(at)
    at.text_input(key=f"email_of_{coach}").input("Coach@Club.example")
    at = at.button(key=f"save_email_{coach}").click().run()
    assert "Saved the single sign-on e-mail of coach." in [s.value for s in at.success]
    with engine.connect() as connection:
        assert connection.scalar(select(User.email).where(User.id == coach)) == "coach@club.example"


def test_admin_erases_an_athlete_after_typing_the_external_id(app_at: StartApp, own_url: str, engine: Engine) -> None:
    from data.models import Athlete, AuditEntry, WellnessCheckin

    with engine.connect() as connection:
        athlete_id, external_id, name = connection.execute(
            select(Athlete.id, Athlete.external_id, Athlete.display_name)
            .join(User, User.athlete_id == Athlete.id)
            .where(User.username == "athlete")
        ).one()
    at = open_admin(app_at, own_url, engine)
    at.selectbox(key="erase_athlete").set_value(athlete_id)
    at = at.run()
    at.text_input(key="erase_confirm").input("wrong")
    at = press(at, "Erase athlete for good")
    assert "Confirmation does not match the athlete's external id: nothing was erased." in errors(at)
    assert user_id(engine, "athlete") is not None

    at.text_input(key="erase_confirm").input(external_id)
    at = press(at, "Erase athlete for good")
    assert not at.exception
    assert any(s.value.startswith(f"Erased athlete {literal(external_id)}") for s in at.success)  # Markdown-escaped
    assert user_id(engine, "athlete") is None
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Athlete).where(Athlete.id == athlete_id)) == 0
        assert not connection.scalar(
            select(func.count()).select_from(WellnessCheckin).where(WellnessCheckin.athlete_id == athlete_id)
        )
        detail = connection.scalar(select(AuditEntry.detail).where(AuditEntry.action == "erase"))
    assert detail.startswith(f"erased athlete {external_id}") and name not in detail
