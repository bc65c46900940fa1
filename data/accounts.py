"""User accounts: creating users, their passwords, roles, e-mails, active state and teams, each change
validated and audited; the last active admin can be neither demoted nor deactivated.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine, delete, insert, select, update

from analytics.vocabulary import ROLES
from data.audit import audit
from data.auth import hash_password, normalise_email, password_problem
from data.db import write_transaction
from data.errors import ValidationError
from data.models import Athlete, Team, User, user_teams
from data.sessions import end_sessions_of


def check_password(password: str, username: str | None = None) -> None:
    """Refuse a password that is too short, one of the most common ones, or the username (or holds it)."""
    problem = password_problem(password, username)
    if problem:
        raise ValidationError("password", "(hidden)", problem)


def create_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    athlete_id: int | None = None,
    team_ids: Iterable[int] = (),
    actor_id: int | None = None,
    first: bool = False,
) -> int:
    """A new user's id. Athletes must be linked to an athlete; only the argon2id hash is stored.

    `first=True` is the first-run screen's "create the first admin": refused once any user exists,
    checked in the same transaction, so a stale first-run page cannot add an admin later."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise ValidationError("username", username, "must be 1-80 characters without spaces")
    if role not in ROLES:
        raise ValidationError("role", role, f"is not one of: {', '.join(ROLES)}")
    if role == "athlete" and athlete_id is None:
        raise ValidationError("athlete", athlete_id, "is required for an athlete account")
    check_password(password, username)
    team_ids = sorted(set(team_ids))
    with write_transaction(engine) as connection:
        if first and connection.scalar(select(User.id).limit(1)) is not None:
            raise ValidationError("username", username, "cannot be created here: Fascia already has users")
        if connection.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError("username", username, "is already taken")
        if athlete_id is not None and connection.scalar(select(Athlete.id).where(Athlete.id == athlete_id)) is None:
            raise ValidationError("athlete", athlete_id, "is not a known athlete")
        known_teams = set(connection.scalars(select(Team.id).where(Team.id.in_(team_ids))).all())
        for team_id in team_ids:
            if team_id not in known_teams:
                raise ValidationError("team", team_id, "is not a known team")
        user_id = connection.execute(
            insert(User)
            .values(username=username, password_hash=hash_password(password), role=role, athlete_id=athlete_id)
            .returning(User.id)
        ).scalar_one()
        if team_ids:
            connection.execute(insert(user_teams), [{"user_id": user_id, "team_id": t} for t in team_ids])
        audit(connection, actor_id, "create", "users", user_id, f"{username} ({role})")
    return user_id


def set_password(engine: Engine, user_id: int, password: str, actor_id: int | None = None) -> None:
    """Replace a user's password hash (refused like a new user's: short, common, or the username)."""
    with engine.connect() as connection:
        username = connection.scalar(select(User.username).where(User.id == user_id))
    if username is None:
        raise ValidationError("user", user_id, "is not a known user")
    check_password(password, username)
    with write_transaction(engine) as connection:
        changed = connection.execute(
            update(User).where(User.id == user_id).values(password_hash=hash_password(password))
        ).rowcount
        if not changed:
            raise ValidationError("user", user_id, "is not a known user")
        end_sessions_of(connection, user_id)  # every browser signed in with the old password signs in again
        audit(connection, actor_id, "reset_password", "users", user_id, "")


def set_user_active(engine: Engine, user_id: int, active: bool, actor_id: int | None = None) -> None:
    """Activate or deactivate a user (a deactivated user cannot sign in); nobody deactivates themself."""
    if not active and actor_id is not None and actor_id == user_id:
        raise ValidationError("user", user_id, "is you: another admin must deactivate your account")
    with write_transaction(engine) as connection:
        if not active:
            refuse_last_admin(connection, user_id, "deactivate")
        connection.execute(update(User).where(User.id == user_id).values(active=active))
        if not active:
            end_sessions_of(connection, user_id)
        audit(connection, actor_id, "activate" if active else "deactivate", "users", user_id, "")


def set_user_teams(engine: Engine, user_id: int, team_ids: Iterable[int], actor_id: int | None = None) -> None:
    """Replace the teams a coach or therapist may see."""
    team_ids = sorted(set(team_ids))
    with write_transaction(engine) as connection:
        connection.execute(delete(user_teams).where(user_teams.c.user_id == user_id))
        if team_ids:
            connection.execute(insert(user_teams), [{"user_id": user_id, "team_id": t} for t in team_ids])
        audit(connection, actor_id, "assign_teams", "users", user_id, ",".join(map(str, team_ids)))


def has_users(engine: Engine) -> bool:
    """Whether any user exists (the first-run screen shows while none does)."""
    with engine.connect() as connection:
        return connection.scalar(select(User.id).limit(1)) is not None


LAST_ADMIN = "is the last active admin: make another user an admin first"


def refuse_last_admin(connection: Connection, user_id: int, verb: str) -> None:
    """Raise `ValidationError` when `user_id` is the only active admin: nobody may `verb` them.

    The admins' rows are locked (FOR UPDATE on PostgreSQL; SQLite has one writer at a time), so two
    admins deactivating each other at once cannot both succeed."""
    admins = connection.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if list(admins) == [user_id]:
        raise ValidationError("user", user_id, f"{LAST_ADMIN} (you cannot {verb} them)")


def set_user_email(engine: Engine, user_id: int, email: str | None, actor_id: int | None = None) -> None:
    """Set (or clear, with a blank) the e-mail single sign-on maps to this user; unique, stored lower-case."""
    address = normalise_email(email)
    if address is not None and (len(address) > 254 or address.count("@") != 1 or any(c.isspace() for c in address)):
        raise ValidationError("email", email, "is not an e-mail address (one @, no spaces)")
    with write_transaction(engine) as connection:
        if connection.scalar(select(User.id).where(User.id == user_id)) is None:
            raise ValidationError("user", user_id, "is not a known user")
        if address is not None:
            holder = connection.scalar(select(User.username).where(User.email == address, User.id != user_id))
            if holder is not None:
                raise ValidationError("email", address, f"is already the e-mail of {holder}")
        connection.execute(update(User).where(User.id == user_id).values(email=address))
        audit(connection, actor_id, "set_email", "users", user_id, address or "(cleared)")


STAFF_ROLES = ("admin", "coach", "therapist")


def set_user_role(engine: Engine, user_id: int, role: str, actor_id: int | None = None) -> None:
    """Change a staff account's role among admin, coach and therapist; the last active admin keeps theirs.

    Athlete accounts keep their role (they are tied to one athlete)."""
    if role not in STAFF_ROLES:
        raise ValidationError("role", role, f"is not one of: {', '.join(STAFF_ROLES)}")
    with write_transaction(engine) as connection:
        current = connection.scalar(select(User.role).where(User.id == user_id))
        if current is None:
            raise ValidationError("user", user_id, "is not a known user")
        if current not in STAFF_ROLES:
            raise ValidationError("role", role, "cannot be given to an athlete account")
        if current == role:
            return
        if current == "admin":
            refuse_last_admin(connection, user_id, "demote")
        connection.execute(update(User).where(User.id == user_id).values(role=role))
        audit(connection, actor_id, "set_role", "users", user_id, f"{current} -> {role}")
