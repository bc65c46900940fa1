"""The engine: `DATABASE_URL`, or a SQLite file inside the checkout.

On SQLite every connection gets foreign keys on, the WAL journal and a busy
timeout. The same code runs on PostgreSQL (psycopg 3) with only the URL changed.

Every write goes through `write_transaction` (one transaction; on SQLite it takes the write
lock up front with BEGIN IMMEDIATE) and, for writes that users make at the same time,
`retry_on_conflict`, which re-runs the whole write after a transient conflict: a database
still locked after the busy timeout, a PostgreSQL serialization failure or deadlock, or two
transactions inserting the same natural key at once (the second attempt sees the first's row).
"""

from __future__ import annotations

import errno
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from data.data_version import track

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "fascia.db"
BUSY_TIMEOUT_MS = 10_000


def database_url() -> str:
    """The configured database URL: `DATABASE_URL`, else the checkout's SQLite file."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """A new engine for `url` (default: `database_url()`), whose writes move the data version on
    (`data.data_version.track`)."""
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    track(engine)
    return engine


@cache
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for `url` (default: `database_url()`), created once."""
    return make_engine(url or database_url())


RETRY_ATTEMPTS = 6
RETRY_FIRST_DELAY_S = 0.05
RETRY_MAX_DELAY_S = 2.0
_TRANSIENT_SQLSTATES = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
_UNIQUE_SQLSTATE = "23505"

P = ParamSpec("P")
R = TypeVar("R")


def _driver_error(error: BaseException) -> BaseException | None:
    """The driver's exception behind `error` (following `raise ... from`), if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError):
            return current.orig
        current = current.__cause__
    return None


def is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked"/"busy", or a PostgreSQL serialization failure, deadlock or lock timeout."""
    orig = _driver_error(error)
    if orig is None:
        return False
    if getattr(orig, "sqlstate", None) in _TRANSIENT_SQLSTATES:
        return True
    message = str(orig).lower()
    return type(orig).__name__ == "OperationalError" and ("database is locked" in message or "busy" in message)


def is_unique_race(error: BaseException) -> bool:
    """A unique-key violation: another transaction inserted the same natural key since this one looked."""
    orig = _driver_error(error)
    if orig is None:
        return False
    return getattr(orig, "sqlstate", None) == _UNIQUE_SQLSTATE or "UNIQUE constraint failed" in str(orig)


def _pause(attempt: int) -> None:
    """Exponential backoff with full jitter, so two retrying writers do not collide again in step."""
    time.sleep(random.uniform(0, min(RETRY_MAX_DELAY_S, RETRY_FIRST_DELAY_S * 2**attempt)))


def retry_on_conflict(func: Callable[P, R]) -> Callable[P, R]:
    """Re-run a whole write (its own transaction, rolled back) after a transient conflict.

    Locks and serialization failures are retried up to RETRY_ATTEMPTS times with backoff; a
    unique-key violation once only (an upsert that raced another writer inserting the same key
    finds that row on the second attempt; a real duplicate fails again and is raised). The
    function must do all of its writing in transactions it opens itself."""

    @wraps(func)
    def retrying(*args: P.args, **kwargs: P.kwargs) -> R:
        unique_retried = False
        for attempt in range(RETRY_ATTEMPTS):
            try:
                return func(*args, **kwargs)
            except Exception as error:
                last = attempt == RETRY_ATTEMPTS - 1
                if is_locked(error) and not last:
                    _pause(attempt)
                elif is_unique_race(error) and not unique_retried and not last:
                    unique_retried = True
                else:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    return retrying


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises.

    On SQLite it starts with BEGIN IMMEDIATE, taking the write lock before the first read. A
    deferred transaction that reads and then writes cannot wait for the lock when another process
    committed in between: SQLite refuses it at once ("database is locked") whatever the busy
    timeout. Taking the lock first makes a second writer wait (busy timeout), and a wait longer
    than that is retried here with backoff, RETRY_ATTEMPTS times. On PostgreSQL this is
    `engine.begin()`."""
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            yield connection
        return
    with engine.connect() as connection:
        for attempt in range(RETRY_ATTEMPTS):
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                break
            except DBAPIError as error:
                connection.rollback()
                if not is_locked(error) or attempt == RETRY_ATTEMPTS - 1:
                    raise
                _pause(attempt)
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


DISK_FULL = "The database has no room left (its disk or size limit is full), so nothing was saved. Ask your administrator to free space, then try again."
CONNECTION_LOST = "The connection to the database was lost, so what you were doing was not saved. Reload the page to try again; if it keeps happening, ask your administrator to check the database server."
UNREACHABLE = "The database cannot be reached. Ask your administrator to check that it is running and that DATABASE_URL points at it."
BUSY = "The database is busy with another change, so nothing was saved. Try again in a moment."
READ_ONLY = "The database is read-only, so nothing was saved. Ask your administrator to check its permissions."
DATABASE_ERROR = (
    "The database could not complete the request, so nothing was saved. Ask your administrator to look at the log."
)

_LOST_SQLSTATES = {"57P01", "57P02", "57P03", "08000", "08003", "08006", "08007"}
_UNREACHABLE_SQLSTATES = {"08001", "08004", "28000", "28P01", "3D000"}
_LOST_WORDS = ("server closed the connection", "consuming input failed", "connection is closed", "connection is lost")
_UNREACHABLE_WORDS = ("connection refused", "could not connect", "connection failed", "unable to open database file")


def describe_fault(error: BaseException) -> str | None:
    """One plain sentence for a database fault (full disk, lost or unreachable server, locked or
    read-only database, any other driver error), or None when `error` is not a database fault.

    The app (ui/faults.py) and the CLI show this sentence instead of a traceback."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return DISK_FULL
    orig = _driver_error(error)
    if orig is None:
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    code = getattr(orig, "sqlite_errorcode", None)
    message = str(orig).lower()
    if sqlstate.startswith("53") or code == sqlite3.SQLITE_FULL or "database or disk is full" in message:
        return DISK_FULL
    if sqlstate in _LOST_SQLSTATES or any(w in message for w in _LOST_WORDS):
        return CONNECTION_LOST
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return CONNECTION_LOST
    if sqlstate in _UNREACHABLE_SQLSTATES or any(w in message for w in _UNREACHABLE_WORDS):
        return UNREACHABLE
    if is_locked(error):
        return BUSY
    if sqlstate == "25006" or "readonly database" in message or "read-only" in message:
        return READ_ONLY
    return DATABASE_ERROR
