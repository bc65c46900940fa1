"""The benchmark's databases: the demo organisation of given size, built once and cached.

SQLite: a file under ``~/.cache/fascia-bench/`` (``FASCIA_BENCH_CACHE`` overrides), named by the
parameters. PostgreSQL: a schema of the given database, named by the parameters, reached through
the connection's ``search_path``. Either is reused only when it carries the completion mark, a
row written in the last transaction of the build: a run killed while loading leaves no mark, and
the next run wipes and rebuilds it. The key covers the size, seed, end date, the schema's Alembic
head and `DATA_VERSION`, so a changed generator or migration builds afresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from data.db import make_engine
from data.demo import load_demo
from data.schema import head_revision, upgrade

#: The fixed last day of the reference organisation, so a cached database stays valid from day to day.
END = dt.date(2026, 6, 28)
SEED = 7
#: Bump when the demo generator changes what it writes, so cached databases are rebuilt.
DATA_VERSION = 1
MARK_TABLE = "fascia_bench_complete"

Log = Callable[[str], None]


@dataclass(frozen=True)
class Params:
    """The size of an organisation: athletes x days of history ending `END`."""

    athletes: int
    days: int
    seed: int = SEED
    end: dt.date = END

    def key(self) -> str:
        raw = f"{DATA_VERSION}|{self.athletes}|{self.days}|{self.seed}|{self.end}|{head_revision()}"
        return hashlib.sha256(raw.encode()).hexdigest()[:10]

    @property
    def name(self) -> str:
        return f"bench_a{self.athletes}_d{self.days}_{self.key()}"


def cache_dir() -> Path:
    return Path(os.environ.get("FASCIA_BENCH_CACHE") or Path.home() / ".cache" / "fascia-bench")


def backend(url: str | None) -> str:
    """ "sqlite" (no URL, or a SQLite URL) or the URL's backend name, e.g. "postgresql"."""
    return "sqlite" if not url else make_url(url).get_backend_name()


def schema_url(base_url: str, schema: str) -> str:
    """`base_url` with every connection's search_path set to `schema` (PostgreSQL)."""
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


def organisation_url(params: Params, base_url: str | None) -> str:
    """Where the organisation of `params` lives (built or not)."""
    if backend(base_url) == "sqlite":
        return f"sqlite:///{cache_dir() / (params.name + '.db')}"
    assert base_url is not None
    return schema_url(base_url, params.name)


def ensure_organisation(params: Params, base_url: str | None, log: Log = print) -> str:
    """The URL of a complete organisation of `params`, building it first when needed."""
    url = organisation_url(params, base_url)
    if _complete(url, params, base_url):
        log(f"reusing {params.athletes} athletes x {params.days} days ({_where(url, params, base_url)})")
        return url
    log(f"building {params.athletes} athletes x {params.days} days into {_where(url, params, base_url)} ...")
    _wipe(url, params, base_url)
    engine = make_engine(url)
    try:
        upgrade(engine)
        load_demo(engine, athletes=params.athletes, days=params.days, seed=params.seed, end=params.end)
        with engine.begin() as connection:
            # planner statistics, as a database in use has them (autovacuum on PostgreSQL)
            connection.execute(text("ANALYZE"))
            connection.execute(text(f"CREATE TABLE {MARK_TABLE} (key VARCHAR(64) NOT NULL)"))
            connection.execute(text(f"INSERT INTO {MARK_TABLE} (key) VALUES (:key)"), {"key": params.key()})
    finally:
        engine.dispose()
    return url


@contextmanager
def empty_database(base_url: str | None, label: str) -> Iterator[str]:
    """A fresh database at the newest schema (SQLite temporary file, or a PostgreSQL schema of its
    own), removed afterwards."""
    if backend(base_url) == "sqlite":
        with tempfile.TemporaryDirectory(prefix="fascia-bench-") as folder:
            url = f"sqlite:///{Path(folder) / (label + '.db')}"
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            yield url
        return
    assert base_url is not None
    schema = f"bench_{label}_{os.getpid()}"
    _recreate_schema(base_url, schema)
    url = schema_url(base_url, schema)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        _drop_schema(base_url, schema)


def _where(url: str, params: Params, base_url: str | None) -> str:
    return make_url(url).database or "" if backend(base_url) == "sqlite" else f"schema {params.name}"


def _complete(url: str, params: Params, base_url: str | None) -> bool:
    if backend(base_url) == "sqlite":
        path = Path(make_url(url).database or "")
        if not path.exists():
            return False
    else:
        assert base_url is not None
        engine = make_engine(base_url)
        try:
            with engine.connect() as connection:
                found = connection.execute(
                    text("SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = :t"),
                    {"s": params.name, "t": MARK_TABLE},
                ).first()
        finally:
            engine.dispose()
        if found is None:
            return False
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(f"SELECT key FROM {MARK_TABLE}")).scalar() == params.key()
    except Exception:  # no mark table: an unfinished build
        return False
    finally:
        engine.dispose()


def _wipe(url: str, params: Params, base_url: str | None) -> None:
    if backend(base_url) == "sqlite":
        path = Path(make_url(url).database or "")
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)
        return
    assert base_url is not None
    _recreate_schema(base_url, params.name)


def _admin(base_url: str) -> Engine:
    return make_engine(base_url)


def _recreate_schema(base_url: str, schema: str) -> None:
    engine = _admin(base_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()


def _drop_schema(base_url: str, schema: str) -> None:
    engine = _admin(base_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        engine.dispose()
