"""The safe first start: while the database has no user, creating the first admin needs a one-time setup
token that only whoever runs the server can read (the server's log, or `python -m data setup-token`).

The token is kept in `club_settings` under `SETUP_TOKEN`, so every replica and the CLI read the same one;
creating the first admin with it removes it. Loading the demo (published passwords) is allowed only when the
server runs with `FASCIA_DEMO=1`.
"""

from __future__ import annotations

import hmac
import os
import secrets

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError

from data.db import write_transaction
from data.models import ClubSetting

SETUP_TOKEN = "setup_token"
#: The environment switch that allows loading the demo on an empty database.
DEMO_SWITCH = "FASCIA_DEMO"


def demo_allowed() -> bool:
    """Whether this server may load the demo (`FASCIA_DEMO=1`, as the README's try-out command sets)."""
    return os.environ.get(DEMO_SWITCH, "").strip().lower() in ("1", "true", "yes")


def setup_token(engine: Engine) -> str:
    """The database's setup token, made the first time it is asked for (the same for every replica)."""
    with engine.connect() as connection:
        stored = connection.scalar(select(ClubSetting.value).where(ClubSetting.name == SETUP_TOKEN))
    if stored:
        return stored
    fresh = secrets.token_urlsafe(18)
    try:
        with write_transaction(engine) as connection:
            connection.execute(ClubSetting.__table__.insert().values(name=SETUP_TOKEN, value=fresh))
    except IntegrityError:  # another replica made it at the same moment: use theirs
        return setup_token(engine)
    return fresh


def token_matches(engine: Engine, typed: str) -> bool:
    """Whether `typed` is the setup token (compared in constant time; False when there is none)."""
    with engine.connect() as connection:
        stored = connection.scalar(select(ClubSetting.value).where(ClubSetting.name == SETUP_TOKEN))
    return bool(stored) and hmac.compare_digest(stored.encode(), typed.strip().encode())


def forget_setup_token(engine: Engine) -> None:
    """Remove the token once the first admin exists."""
    with write_transaction(engine) as connection:
        connection.execute(delete(ClubSetting).where(ClubSetting.name == SETUP_TOKEN))


def create_first_admin(engine: Engine, token: str, username: str, password: str) -> int:
    """The first admin's id, created only with the setup token (refused naming the field `setup_token`
    otherwise) and only while no user exists (`data.accounts.create_user(first=True)`); the token is then
    gone, so it opens the door once."""
    from data.accounts import create_user
    from data.errors import ValidationError

    if not token_matches(engine, token):
        raise ValidationError("setup_token", "(hidden)", "is not this server's setup token: see the server's log")
    user_id = create_user(engine, username, password, "admin", first=True)
    forget_setup_token(engine)
    return user_id
