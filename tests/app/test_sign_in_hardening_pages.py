"""Sign-in hardening on the pages (issue 19): an over-long username is refused with a plain sentence
and nothing written, an admin clears a username's sign-in lock on Users and teams, common passwords
and the username are refused with the reason beside the field, and an uncaught error shows no details.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from data.access import authenticate
from data.auth import FREE_ATTEMPTS, MAX_USERNAME_LENGTH, failures_of, locked_for, record_failure
from data.db import ROOT
from data.models import AuditEntry, SignInFailure, User
from tests.app.conftest import fill_first_admin, sign_in

StartApp = Callable[[str], AppTest]
PAGE = "pages/users_teams.py"


def user_id(engine: Engine, username: str) -> int:
    with engine.connect() as connection:
        found = connection.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


def count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(model)) or 0


def open_admin(app_at: StartApp, url: str, engine: Engine) -> AppTest:
    st.cache_data.clear()
    at = app_at(url)
    at.session_state["user_id"] = user_id(engine, "admin")
    return at.run().switch_page(PAGE).run()


def pick(at: AppTest, uid: int) -> AppTest:
    at.selectbox(key="admin_user_pick").set_value(uid)
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def test_an_over_long_username_gets_a_plain_refusal_and_nothing_is_written(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    audit_before = count(own_engine, AuditEntry)
    at = sign_in(app_at(own_url), "coach" + "x" * 200_000, "fascia-coach")
    assert not at.exception
    assert errors(at) == [f"A username has at most {MAX_USERNAME_LENGTH} characters: check what you typed in Username."]
    assert "user_id" not in at.session_state
    assert count(own_engine, AuditEntry) == audit_before and count(own_engine, SignInFailure) == 0


def test_an_admin_clears_a_coachs_sign_in_lock(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    for _ in range(FREE_ATTEMPTS + 3):  # someone else keeps the coach locked out (now, by the real clock)
        record_failure(own_engine, "coach")
    assert locked_for(own_engine, "coach") > 0
    at = sign_in(app_at(own_url), "coach", "fascia-coach")
    assert "ask an admin to clear the sign-in lock" in errors(at)[0]

    coach, admin = user_id(own_engine, "coach"), user_id(own_engine, "admin")
    at = pick(open_admin(app_at, own_url, own_engine), coach)
    assert not at.exception
    assert any(f"after {FREE_ATTEMPTS + 3} failed sign-ins" in c.value for c in at.caption)
    button = at.button(key=f"clear_lock_{coach}")
    assert button.label == "Clear the sign-in lock" and not button.proto.disabled
    at = button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        f"Cleared the sign-in lock of coach ({FREE_ATTEMPTS + 3} failed attempts): they can sign in now."
    ]
    assert failures_of(own_engine, "coach") == 0
    assert at.button(key=f"clear_lock_{coach}").proto.disabled, "nothing left to clear"
    with own_engine.connect() as connection:
        entry = connection.execute(
            select(AuditEntry.user_id, AuditEntry.record_id).where(AuditEntry.action == "clear_sign_in_lock")
        ).one()
    assert tuple(entry) == (admin, coach)

    at = sign_in(app_at(own_url), "coach", "fascia-coach")
    assert not errors(at) and at.session_state["user_id"] == coach


def test_admin_forms_refuse_common_passwords_and_the_username_with_the_reason(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    users_before = count(own_engine, User)
    at = open_admin(app_at, own_url, own_engine)
    at.segmented_control(key="new_user_role").set_value("admin")
    at = at.run()
    at.text_input(key="new_user_username").input("deputy")
    at.text_input(key="new_user_password").input("Password123")
    at.text_input(key="new_user_password2").input("Password123")
    at = next(b for b in at.button if b.proto.label == "Create user").click().run()
    assert errors(at) == [
        "Password is one of the most common passwords, which attackers try first: choose a less common one."
    ]
    at.text_input(key="new_user_password").input("Deputy-2026")
    at.text_input(key="new_user_password2").input("Deputy-2026")
    at = next(b for b in at.button if b.proto.label == "Create user").click().run()
    assert errors(at) == ["Password contains the username, which attackers try first: choose one without it."]
    assert count(own_engine, User) == users_before

    therapist = user_id(own_engine, "therapist")
    at = pick(at, therapist)
    at.text_input(key=f"reset_password_{therapist}").input("THERAPIST-1")
    at.text_input(key=f"reset_password2_{therapist}").input("THERAPIST-1")
    at = next(b for b in at.button if b.proto.label == "Set new password").click().run()
    assert errors(at) == ["New password contains the username, which attackers try first: choose one without it."]
    assert authenticate(own_engine, "therapist", "fascia-therapist") is not None, "the old password still works"


def test_the_first_admin_refuses_a_common_password(app_at: StartApp, empty_url: str) -> None:
    at = fill_first_admin(app_at(empty_url), empty_url, "head-physio", "iloveyou")
    assert not at.exception
    assert any("most common passwords" in e for e in errors(at)), errors(at)
    assert "user_id" not in at.session_state


def test_an_uncaught_error_shows_no_type_message_or_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the project's .streamlit/config.toml, Streamlit redacts what an uncaught exception shows."""
    import streamlit.config as config

    monkeypatch.chdir(ROOT)
    config.get_config_options(force_reparse=True)

    def page() -> None:
        raise RuntimeError("secret detail from /srv/fascia/data/db.py")

    at = AppTest.from_function(page).run()
    (shown,) = at.exception
    assert "secret detail" not in shown.message and "RuntimeError" not in str(shown.proto)
    assert not shown.stack_trace
    assert Path(ROOT / ".streamlit" / "config.toml").read_text().count('showErrorDetails = "none"') == 1
