"""Is this server fit to serve: the database answers and its schema is at the code's Alembic head.

One small read of Alembic's own `alembic_version` table, never a table holding health data, so the
check is fast and safe to run every few seconds. Used by the `/healthz` route the app serves (`serve.py`:
for the reverse proxy and the app container's HEALTHCHECK), by `python -m data health` (the worker and
backup containers, monitoring scripts) and by the topology test. A PostgreSQL connection attempt gives up after CONNECT_TIMEOUT_S seconds, so a server
that does not answer at all is reported, not waited for.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from data.db import DATABASE_ERROR, describe_fault, make_engine
from data.schema import current_revision, head_revision

CONNECT_TIMEOUT_S = 3


@dataclass(frozen=True)
class Health:
    """The verdict: `ok`, and one line saying why (printed by the CLI, sent as the HTTP body)."""

    ok: bool
    message: str


def check(engine: Engine) -> Health:
    """Whether `engine`'s database answers and its schema is at the head revision the code knows."""
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as error:
        return Health(False, f"the database does not answer: {describe_fault(error) or DATABASE_ERROR}")
    head = head_revision()
    if revision != head:
        found = f"at {revision}" if revision else "empty"
        return Health(False, f"the schema is {found}, the code expects {head}: run `python -m data init`")
    return Health(True, f"ok: database answers, schema at {revision}")


def health_engine(url: str) -> Engine:
    """An engine for a health check on `url`: on PostgreSQL, connecting gives up after CONNECT_TIMEOUT_S."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_S)})
    return make_engine(parsed.render_as_string(hide_password=False))
