"""Server-side sign-in sessions: a signed-in browser survives a reload, a link and a server restart.

Signing in creates a random token (`secrets.token_urlsafe(32)`); the browser keeps it in the
`fascia_session` cookie (ui/session.py) and the database keeps only its SHA-256 (hex) in
`sign_in_sessions`, so a copy of the database signs nobody in. A run without a signed-in user hands
the cookie's token to `resume_session`, which answers with the user, or says the session expired or
is unknown.

A session is refused when
- it was last seen more than the idle limit ago (FASCIA_IDLE_MINUTES, `ui.session.idle_minutes()`);
  `last_seen_at` is written at most once a minute (`TOUCH_EVERY`), so a session is refused between
  the limit and a minute after it (the open page's own check, in ui/session.py, is to the second);
- it began more than `MAX_AGE` ago, however active (the cookie's Max-Age is the same);
- its user is deactivated (the row is deleted), or it has been ended: sign-out (`end_session`),
  and a password reset or deactivation (`end_sessions_of`, in the same transaction as the change).

Refused rows are deleted as they are met; nothing else is needed to keep the table small.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select, update

from data.db import write_transaction
from data.models import SignInSession, User

TOKEN_BYTES = 32
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_AGE = dt.timedelta(hours=12)


def _utc(moment: dt.datetime) -> dt.datetime:
    """`moment` as an aware UTC time (SQLite hands back naive UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _now(now: dt.datetime | None) -> dt.datetime:
    return _utc(now) if now is not None else dt.datetime.now(dt.UTC)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a session token: what the database stores instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_session(engine: Engine, user_id: int, now: dt.datetime | None = None) -> str:
    """Start a session for `user_id`; the new token (for the cookie; only its hash is stored)."""
    token, moment = secrets.token_urlsafe(TOKEN_BYTES), _now(now)
    with write_transaction(engine) as connection:
        connection.execute(
            insert(SignInSession).values(
                user_id=user_id, token_hash=token_hash(token), created_at=moment, last_seen_at=moment
            )
        )
    return token


@dataclass(frozen=True)
class Resumed:
    """What a token is worth: `user_id` when the session is valid; otherwise None, with `expired` True
    when it ended for lack of activity (the sign-in page says so) and False when it is unknown or ended."""

    user_id: int | None
    expired: bool = False


def resume_session(engine: Engine, token: str | None, idle_minutes: float, now: dt.datetime | None = None) -> Resumed:
    """The user a session token signs in, touching the session (at most once per `TOUCH_EVERY`).

    An idle, too old or deactivated user's session is deleted and refused."""
    if not token or len(token) > 200:
        return Resumed(None)
    digest, moment = token_hash(token), _now(now)
    with engine.connect() as connection:
        row = connection.execute(
            select(
                SignInSession.id,
                SignInSession.user_id,
                SignInSession.created_at,
                SignInSession.last_seen_at,
                User.active,
            )
            .join(User, User.id == SignInSession.user_id)
            .where(SignInSession.token_hash == digest)
        ).one_or_none()
    if row is None:
        return Resumed(None)
    idle = moment - _utc(row.last_seen_at)
    # last_seen_at lags by up to TOUCH_EVERY, so the limit is given that much slack: never cut short
    expired = idle > dt.timedelta(minutes=idle_minutes) + TOUCH_EVERY or moment - _utc(row.created_at) > MAX_AGE
    if expired or not row.active:
        with write_transaction(engine) as connection:
            connection.execute(delete(SignInSession).where(SignInSession.id == row.id))
        return Resumed(None, expired=expired and bool(row.active))
    if idle >= TOUCH_EVERY:
        with write_transaction(engine) as connection:
            touched = connection.execute(
                update(SignInSession)
                .where(SignInSession.id == row.id, SignInSession.last_seen_at < moment)
                .values(last_seen_at=moment)
            ).rowcount
            if not touched and connection.scalar(select(SignInSession.id).where(SignInSession.id == row.id)) is None:
                return Resumed(None)  # ended between the look-up and the touch
    return Resumed(int(row.user_id))


def end_session(engine: Engine, token: str | None) -> None:
    """Sign-out: delete the session the token names (nothing when there is none)."""
    if not token:
        return
    with write_transaction(engine) as connection:
        connection.execute(delete(SignInSession).where(SignInSession.token_hash == token_hash(token)))


def end_sessions_of(connection: Connection, user_id: int) -> int:
    """Delete every session of `user_id` inside the caller's write transaction (a password reset,
    a deactivation); the number ended."""
    return connection.execute(delete(SignInSession).where(SignInSession.user_id == user_id)).rowcount


def sessions_of(engine: Engine, user_id: int) -> int:
    """How many sessions `user_id` has open."""
    with engine.connect() as connection:
        return len(connection.scalars(select(SignInSession.id).where(SignInSession.user_id == user_id)).all())
