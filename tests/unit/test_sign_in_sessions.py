"""Server-side sign-in sessions (data/sessions.py): a signed-in browser's token, stored only as a hash,
resumed within the idle limit, refused after it, for a deactivated user, after sign-out and after a
password reset. Each test runs on SQLite and PostgreSQL; time is passed in (`now=`)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import Engine, select

from data.accounts import create_user, set_password, set_user_active
from data.models import SignInSession
from data.schema import current_revision
from data.sessions import (
    MAX_AGE,
    TOUCH_EVERY,
    Resumed,
    create_session,
    end_session,
    resume_session,
    sessions_of,
    token_hash,
)

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
IDLE = 30.0


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def last_seen(engine: Engine, token: str) -> dt.datetime:
    with engine.connect() as connection:
        moment = connection.scalar(
            select(SignInSession.last_seen_at).where(SignInSession.token_hash == token_hash(token))
        )
    assert moment is not None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@pytest.fixture
def users(db_engine: Engine) -> dict[str, int]:
    return {
        "boss": create_user(db_engine, "boss", "correct-horse", "admin"),
        "coach": create_user(db_engine, "coach", "whistle-blow", "coach"),
    }


def test_the_hash_not_the_token_is_stored(db_engine: Engine, users: dict[str, int]) -> None:
    assert current_revision(db_engine) >= "0005"
    token = create_session(db_engine, users["coach"], now=T0)
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    with db_engine.connect() as connection:
        stored = connection.execute(select(SignInSession.user_id, SignInSession.token_hash)).all()
    assert stored == [(users["coach"], hashlib.sha256(token.encode()).hexdigest())]
    assert token not in stored[0].token_hash
    assert create_session(db_engine, users["coach"], now=T0) != token, "a new token each time"


def test_a_session_resumes_within_the_idle_limit_and_is_touched_at_most_once_a_minute(
    db_engine: Engine, users: dict[str, int]
) -> None:
    token = create_session(db_engine, users["coach"], now=T0)
    assert resume_session(db_engine, token, IDLE, now=minutes(0.5)) == Resumed(users["coach"])
    assert last_seen(db_engine, token) == T0, "not touched within a minute"
    assert resume_session(db_engine, token, IDLE, now=minutes(20)) == Resumed(users["coach"])
    assert last_seen(db_engine, token) == minutes(20)
    # active every 20 minutes: still signed in after well over the idle limit in all
    assert resume_session(db_engine, token, IDLE, now=minutes(40)).user_id == users["coach"]
    assert resume_session(db_engine, token, IDLE, now=minutes(60)).user_id == users["coach"]


def test_an_idle_session_expires_and_is_deleted(db_engine: Engine, users: dict[str, int]) -> None:
    token = create_session(db_engine, users["coach"], now=T0)
    late = T0 + dt.timedelta(minutes=IDLE) + TOUCH_EVERY + dt.timedelta(seconds=1)
    assert resume_session(db_engine, token, IDLE, now=late) == Resumed(None, expired=True)
    assert sessions_of(db_engine, users["coach"]) == 0
    assert resume_session(db_engine, token, IDLE, now=late) == Resumed(None), "gone: unknown now"


def test_a_session_ends_after_its_maximum_age_however_active(db_engine: Engine, users: dict[str, int]) -> None:
    token = create_session(db_engine, users["coach"], now=T0)
    moment = T0
    while moment < T0 + MAX_AGE - dt.timedelta(minutes=20):
        moment += dt.timedelta(minutes=20)
        assert resume_session(db_engine, token, IDLE, now=moment).user_id == users["coach"]
    assert resume_session(db_engine, token, IDLE, now=T0 + MAX_AGE + dt.timedelta(minutes=1)).expired


def test_unknown_and_malformed_tokens_sign_nobody_in(db_engine: Engine, users: dict[str, int]) -> None:
    token = create_session(db_engine, users["coach"], now=T0)
    for other in (None, "", token + "x", token_hash(token), "x" * 10_000):
        assert resume_session(db_engine, other, IDLE, now=minutes(1)) == Resumed(None)


def test_sign_out_ends_only_that_session(db_engine: Engine, users: dict[str, int]) -> None:
    laptop = create_session(db_engine, users["coach"], now=T0)
    phone = create_session(db_engine, users["coach"], now=T0)
    end_session(db_engine, laptop)
    end_session(db_engine, None)  # no session: nothing to do
    assert resume_session(db_engine, laptop, IDLE, now=minutes(1)) == Resumed(None)
    assert resume_session(db_engine, phone, IDLE, now=minutes(1)).user_id == users["coach"]


def test_a_deactivated_users_sessions_are_ended_and_refused(db_engine: Engine, users: dict[str, int]) -> None:
    token = create_session(db_engine, users["coach"], now=T0)
    boss = create_session(db_engine, users["boss"], now=T0)
    set_user_active(db_engine, users["coach"], False, actor_id=users["boss"])
    assert sessions_of(db_engine, users["coach"]) == 0
    assert resume_session(db_engine, token, IDLE, now=minutes(1)) == Resumed(None)
    assert resume_session(db_engine, boss, IDLE, now=minutes(1)).user_id == users["boss"], "others keep theirs"
    # a session row of a deactivated user (made behind the app's back) is refused and deleted too
    stray = create_session(db_engine, users["coach"], now=T0)
    assert resume_session(db_engine, stray, IDLE, now=minutes(1)) == Resumed(None)
    assert sessions_of(db_engine, users["coach"]) == 0
    set_user_active(db_engine, users["coach"], True, actor_id=users["boss"])
    assert resume_session(db_engine, token, IDLE, now=minutes(2)) == Resumed(None), "reactivation revives nothing"


def test_a_password_reset_ends_every_session_of_that_user(db_engine: Engine, users: dict[str, int]) -> None:
    laptop = create_session(db_engine, users["coach"], now=T0)
    phone = create_session(db_engine, users["coach"], now=T0)
    boss = create_session(db_engine, users["boss"], now=T0)
    set_password(db_engine, users["coach"], "kettle-drum-sunrise", actor_id=users["boss"])
    assert sessions_of(db_engine, users["coach"]) == 0
    for token in (laptop, phone):
        assert resume_session(db_engine, token, IDLE, now=minutes(1)) == Resumed(None)
    assert resume_session(db_engine, boss, IDLE, now=minutes(1)).user_id == users["boss"]
