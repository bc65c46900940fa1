"""The data version: one number in the database that every write of the club's data moves on, so every
replica's cached frames can be keyed by it (`ui/loaders.py`) and a write on one replica is seen by the
others at their next read (issue 18, "replicas agree").

Where it lives: the `club_settings` row named `data_version` (a decimal integer; a database without the row
is at version 0), so every replica and the CLI share it and no migration is needed.

How it moves, in the same transaction as the write (so a reader that sees the new version also sees the
write, and a rolled-back write moves nothing):

- `track(engine)` (called by `data.db.make_engine` for every engine) listens to the engine's statements.
  An INSERT, UPDATE or DELETE through SQLAlchemy on any table except `UNTRACKED` (see below) marks the
  connection's transaction as having changed data (`changed`).
- Writes that go around SQLAlchemy's statements (PostgreSQL COPY and raw executemany in `data/bulk.py`)
  call `changed(connection)` themselves.
- When a marked transaction commits, the version is incremented by one statement just before the COMMIT
  (SQLAlchemy's connection `commit` event). Doing it last keeps the row locked only for the commit itself:
  concurrent writers on PostgreSQL queue on that one row for an instant instead of for their whole
  transaction, and a transaction holding the row needs no further lock, so it cannot deadlock. The
  increment is one statement (INSERT ... ON CONFLICT DO UPDATE SET value = value + 1), so two writers
  never produce the same number, even the very first two.
- A restore replaces the whole database, the version row included: `data.backup.restore` then sets the
  version past both the replaced and the restored one (`move_past`), so no frame cached before the restore
  under a number the restored database will reach again is ever served.

(A connection in autocommit mode has no COMMIT to hook into; none of Fascia's writes uses one.)
The schema migrations run on an `untracked` connection (at an old revision the version's table does not
exist yet; every process starts afresh on an upgrade anyway).

`UNTRACKED`: tables no cached screen reads and that are written on every sign-in, click or delivery (the
sign-in throttle and sessions, pending saves, the audit log, the outbox and its deliveries, the settings
table this row lives in, Alembic's revision). Every other table, including any added later, is tracked:
forgetting one would show stale data, tracking one too many only recomputes a cache.
"""

from __future__ import annotations

import importlib
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Connection, Engine, String, cast, event, select
from sqlalchemy.sql.dml import UpdateBase

from data.models import ClubSetting

NAME = "data_version"
UNTRACKED = frozenset(
    {
        "alembic_version",
        "audit_entries",
        "club_settings",
        "delivery_attempts",
        "outbox",
        "pending_saves",
        "sign_in_failures",
        "sign_in_sessions",
    }
)
_CHANGED = "fascia_data_changed"  # the connection's `info` flag: this transaction changed tracked data
_UNTRACKED_OPTION = "fascia_untracked"  # an execution option: this connection's writes are not tracked
Bind = TypeVar("Bind", Connection, Engine)


def current(engine: Engine) -> int:
    """The database's data version (0 before the first tracked write)."""
    with engine.connect() as connection:
        return read(connection)


def read(connection: Connection) -> int:
    """The data version as `connection` sees it."""
    value = connection.scalar(select(ClubSetting.value).where(ClubSetting.name == NAME))
    return int(value) if value is not None else 0


def changed(connection: Connection) -> None:
    """Mark `connection`'s transaction as having changed data: its commit moves the version on."""
    connection.info[_CHANGED] = True


def bump(connection: Connection) -> None:
    """Move the version on by one inside `connection`'s transaction (creating the row at 1)."""
    connection.execute(_upsert(connection, "1", cast(cast(ClubSetting.value, BigInteger) + 1, String)))


def move_past(engine: Engine, previous: int) -> int:
    """Set the version past both `previous` and the database's own (after a restore); the new version."""
    with engine.begin() as connection:
        target = str(max(previous, read(connection)) + 1)
        connection.execute(_upsert(connection, target, target))
    return int(target)


def dialect_insert(connection: Connection) -> Any:
    """The INSERT construct of `connection`'s dialect (SQLite's or PostgreSQL's, with ON CONFLICT), its
    module imported when first used: importing PostgreSQL's dialect costs a SQLite server 40 ms at start."""
    return importlib.import_module(f"sqlalchemy.dialects.{connection.dialect.name}").insert


def _upsert(connection: Connection, first: str, then: Any) -> Any:
    """One statement: the version row inserted with `first`, or its value set to `then` when it exists
    (INSERT ... ON CONFLICT DO UPDATE on SQLite and PostgreSQL, so two first writers cannot collide)."""
    return (
        dialect_insert(connection)(ClubSetting)
        .values(name=NAME, value=first)
        .on_conflict_do_update(index_elements=[ClubSetting.name], set_={"value": then})
    )


def _written_table(statement: Any) -> str | None:
    """The table an INSERT, UPDATE or DELETE statement writes, else None."""
    if isinstance(statement, UpdateBase):
        return getattr(statement.table, "name", None)
    return None


def untracked(bind: Bind) -> Bind:
    """`bind` (a connection, or an engine for all its connections) with its writes leaving the version
    alone: the migrations, and tests writing at an old revision, where the version's table does not exist
    yet (every process starts afresh on an upgrade anyway)."""
    return bind.execution_options(**{_UNTRACKED_OPTION: True})


def _after_execute(connection: Connection, statement: Any, *_: Any) -> None:
    table = _written_table(statement)
    if table is not None and table not in UNTRACKED and not connection.get_execution_options().get(_UNTRACKED_OPTION):
        changed(connection)


def _before_commit(connection: Connection) -> None:
    if connection.info.pop(_CHANGED, False):
        bump(connection)


def _forget(connection: Connection) -> None:
    if not connection.invalidated:  # a lost connection's transaction is gone, and its `info` unreachable
        connection.info.pop(_CHANGED, None)


def track(engine: Engine) -> None:
    """Move the data version on with every committed write of tracked data through `engine` (see above)."""
    if not event.contains(engine, "commit", _before_commit):
        event.listen(engine, "after_execute", _after_execute)
        event.listen(engine, "commit", _before_commit)
        event.listen(engine, "rollback", _forget)
