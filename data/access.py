"""Who may see what: the scope of every query is decided here, from the signed-in user.

- admin: every athlete;
- coach, therapist: the athletes of the teams assigned to them;
- athlete: only themself.
Clinical notes (therapy notes, injury notes) reach therapists and admins only.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Engine, select

from data.audit import audit_entry
from data.auth import (
    begin_attempt,
    hash_password,
    normalise_email,
    succeeded,
    username_too_long,
    verify_password,
)
from data.logs import event, logger
from data.models import Athlete, User, user_teams

#: Sign-ins and sign-outs in the server's log (`data.logs`): who, their role, how; why one was refused.
_LOG = logger("auth")


@dataclass(frozen=True)
class Viewer:
    """The signed-in user, as the pages see it."""

    user_id: int
    username: str
    role: str
    athlete_id: int | None = None
    team_ids: tuple[int, ...] = field(default_factory=tuple)

    @property
    def sees_clinical_notes(self) -> bool:
        return self.role in ("therapist", "admin")


def viewer(engine: Engine, user_id: int) -> Viewer | None:
    """The active user `user_id` as a Viewer, or None: one query, the user's row once per team (every page
    run reads it afresh)."""
    statement = (
        select(User.id, User.username, User.role, User.athlete_id, user_teams.c.team_id)
        .outerjoin(user_teams, user_teams.c.user_id == User.id)
        .where(User.id == user_id, User.active.is_(True))
    )
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    if not rows:
        return None
    user = rows[0]
    team_ids = sorted(row.team_id for row in rows if row.team_id is not None)
    return Viewer(user.id, user.username, user.role, user.athlete_id, tuple(team_ids))


def authenticate(engine: Engine, username: str, password: str) -> Viewer | None:
    """The Viewer for a correct username and password of an active user, else None (no hint which was wrong)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(User.id, User.password_hash).where(User.username == username.strip(), User.active.is_(True))
        ).one_or_none()
    if row is None:
        verify_password(_dummy_hash(), password)  # same work either way, so timing does not tell
        return None
    if not verify_password(row.password_hash, password):
        return None
    return viewer(engine, row.id)


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: the Viewer, or None with `retry_after` seconds (0 = may retry now).

    `checked` is False when the username was refused without checking the password (still locked, or
    `too_long`: longer than any username, refused before anything was written)."""

    viewer: Viewer | None
    retry_after: int = 0
    checked: bool = True
    too_long: bool = False


def sign_in(engine: Engine, username: str, password: str, now: dt.datetime | None = None) -> SignIn:
    """Authenticate through the throttle (data/auth.py), auditing every attempt with the username typed.

    A username refused for too many failures is not checked at all until its delay has passed, and
    the answer is the same for a known and an unknown username. The attempt is counted before the
    password is verified (`data.auth.begin_attempt`), so parallel attempts cannot all slip through
    when a lock expires. A username longer than any can be is refused before anything is written.
    """
    name = username.strip()
    if username_too_long(name):
        event(_LOG, "sign-in refused", reason="username too long")
        return SignIn(None, checked=False, too_long=True)
    attempt = begin_attempt(engine, name, now)
    if not attempt.allowed:
        audit_entry(engine, None, "sign_in_refused", "users", None, f"{name}: locked for {attempt.wait} s")
        event(_LOG, "sign-in refused", user=name, reason="locked", wait_s=attempt.wait)
        return SignIn(None, attempt.wait, checked=False)
    who = authenticate(engine, name, password)
    if who is None:
        audit_entry(engine, None, "sign_in_failed", "users", None, name)
        event(_LOG, "sign-in refused", user=name, reason="wrong username or password", wait_s=attempt.wait or None)
        return SignIn(None, attempt.wait)
    succeeded(engine, name)
    audit_entry(engine, who.user_id, "sign_in", "users", who.user_id, f"{who.username}: password")
    event(_LOG, "sign-in ok", user=who.username, role=who.role, method="password")
    return SignIn(who)


def viewer_for_email(engine: Engine, email: str | None) -> Viewer | None:
    """The active user whose e-mail is `email` (case-insensitive), or None."""
    wanted = normalise_email(email)
    if wanted is None:
        return None
    with engine.connect() as connection:
        user_id = connection.scalar(select(User.id).where(User.email == wanted, User.active.is_(True)))
    return viewer(engine, user_id) if user_id is not None else None


def sso_sign_in(engine: Engine, email: str | None) -> Viewer | None:
    """Map the e-mail a single sign-on provider vouched for to a Fascia user; audited either way."""
    who = viewer_for_email(engine, email)
    if who is None:
        audit_entry(engine, None, "sign_in_failed", "users", None, f"single sign-on: no active user has {email!r}")
        event(_LOG, "sign-in refused", method="single-sign-on", reason="no active user has that e-mail")
        return None
    audit_entry(engine, who.user_id, "sign_in", "users", who.user_id, f"{who.username}: single sign-on")
    event(_LOG, "sign-in ok", user=who.username, role=who.role, method="single-sign-on")
    return who


def visible_athlete_ids(engine: Engine, who: Viewer) -> list[int]:
    """The ids of the athletes `who` may see."""
    return allowed_athlete_ids(engine, who)


def visible_team_ids(engine: Engine, who: Viewer) -> list[int] | None:
    """The team ids `who` may see; None means every team (admin)."""
    if who.role == "admin":
        return None
    if who.role == "athlete":
        with engine.connect() as connection:
            team = connection.scalar(select(Athlete.team_id).where(Athlete.id == who.athlete_id))
        return [team] if team is not None else []
    return list(who.team_ids)


@cache
def _dummy_hash() -> str:
    """A hash of a random throwaway password, verified against for unknown usernames."""
    return hash_password(secrets.token_hex(16))


@dataclass(frozen=True)
class RowScope:
    """The athletes whose rows a read may return, as conditions its own query applies (`row_scope`):
    the athletes `athlete_ids` (None: no list), and of them only those of the teams `team_ids` (None: any
    team)."""

    athlete_ids: list[int] | None
    team_ids: list[int] | None


def row_scope(who: Viewer, requested: Iterable[int] | None = None) -> RowScope:
    """The requested athletes (all when None) that `who` may see, as `RowScope` conditions for the read's
    own query: the same athletes as `allowed_athlete_ids`, without a query of their own. A coach's or
    therapist's read keeps the athletes of their teams; an athlete's, their own; an admin's, everyone."""
    wanted = None if requested is None else sorted({int(a) for a in requested})
    if who.role == "athlete":
        own = [] if who.athlete_id is None else [who.athlete_id]
        return RowScope([a for a in own if wanted is None or a in wanted], None)
    if who.role == "admin":
        return RowScope(wanted, None)
    if who.role in ("coach", "therapist"):
        return RowScope(wanted, list(who.team_ids) or [-1])
    return RowScope([], None)


def allowed_athlete_ids(engine: Engine, who: Viewer, requested: Iterable[int] | None = None) -> list[int]:
    """The requested athletes that `who` may see (all they may see when `requested` is None), by id.

    Every page reads through this or through `row_scope`, whose rule it is: an id outside the user's
    scope is dropped, whatever the page's widgets, session state or query parameters asked for. An
    athlete's answer needs no query; otherwise only the requested athletes are looked up (a page usually
    asks for one), within the viewer's teams."""
    scope = row_scope(who, requested)
    if who.role not in ("admin", "coach", "therapist") or scope.athlete_ids == []:
        return scope.athlete_ids or []
    statement = select(Athlete.id).order_by(Athlete.id)
    if scope.athlete_ids is not None:
        statement = statement.where(Athlete.id.in_(scope.athlete_ids))
    if scope.team_ids is not None:
        statement = statement.where(Athlete.team_id.in_(scope.team_ids))
    with engine.connect() as connection:
        return list(connection.scalars(statement).all())
