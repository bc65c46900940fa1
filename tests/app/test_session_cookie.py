"""The dashboard resumes a signed-in browser from its `fascia_session` cookie (ui/session.py).

AppTest sends no cookies, so `ui.session.cookie_token` (the one place the cookie is read) is replaced
by the token a test made; tests/e2e/test_session_survives.py runs the same in a real browser."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

import ui.session
from data.accounts import create_user, set_password
from data.db import make_engine
from data.models import AuditEntry
from data.roster import create_team
from data.schema import upgrade
from data.sessions import create_session

StartApp = Callable[[str], AppTest]


@pytest.fixture
def coach(empty_url: str) -> Iterator[tuple[Engine, int]]:
    engine = make_engine(empty_url)
    upgrade(engine)
    team = create_team(engine, "Alpha FC", "soccer", "UTC")
    create_user(engine, "boss", "correct-horse-battery", "admin")
    yield engine, create_user(engine, "whistler", "kettle-drum-sunrise", "coach", team_ids=[team])
    engine.dispose()


def with_cookie(monkeypatch: pytest.MonkeyPatch, token: str | None) -> None:
    monkeypatch.setattr(ui.session, "cookie_token", lambda: token)


def resumes(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).where(AuditEntry.action == "session_resumed")) or 0


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in (*at.sidebar.caption, *at.caption))


def test_a_valid_cookie_signs_the_browser_in_and_is_audited_once(
    app_at: StartApp, empty_url: str, coach: tuple[Engine, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, user_id = coach
    with_cookie(monkeypatch, create_session(engine, user_id))
    at = app_at(empty_url)
    assert not at.exception
    assert "Signed in as **whistler** (coach)" in captions(at)
    assert at.session_state[ui.session.USER_KEY] == user_id
    at = at.run()
    assert "Signed in as **whistler** (coach)" in captions(at)
    assert resumes(engine) == 1, "resumed once per browser session, not on every rerun"


def test_an_expired_cookie_shows_the_sign_in_page_saying_so(
    app_at: StartApp, empty_url: str, coach: tuple[Engine, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, user_id = coach
    with_cookie(monkeypatch, create_session(engine, user_id, now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)))
    at = app_at(empty_url)
    assert not at.exception
    assert at.title[0].value == "Sign in to Fascia"
    assert any("Your session expired" in str(w.value) for w in at.warning)
    assert resumes(engine) == 0


def test_unknown_cookie_shows_the_sign_in_page_without_the_expiry_message(
    app_at: StartApp, empty_url: str, coach: tuple[Engine, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_cookie(monkeypatch, "x" * 43)
    at = app_at(empty_url)
    assert at.title[0].value == "Sign in to Fascia" and not at.warning


def test_a_password_reset_signs_an_open_page_out_at_its_next_run(
    app_at: StartApp, empty_url: str, coach: tuple[Engine, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, user_id = coach
    with_cookie(monkeypatch, create_session(engine, user_id))
    at = app_at(empty_url)
    assert "Signed in as **whistler** (coach)" in captions(at)
    set_password(engine, user_id, "new-kettle-drum-sunrise")
    at = at.run()
    assert not at.exception
    assert at.title[0].value == "Sign in to Fascia"
    assert ui.session.USER_KEY not in at.session_state
