"""Bring a database to the newest Alembic revision, idempotently.

The app and the CLI call `upgrade()` on start. On PostgreSQL an advisory lock
serialises replicas that start at the same time.

Alembic (with Mako and Pygments behind it, a third of a second) is imported only when a migration runs:
whether one is needed is read without it. Every migration file is named after its revision
(`0008_outbox.py` holds revision "0008") and each revision follows the one before, so the newest revision
is the highest file number; `tests/unit/test_schema_revisions.py` holds the files to that and checks the
answer against Alembic's own.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine, func, insert, inspect, select, text

from data.data_version import untracked
from data.db import ROOT
from data.models import RomNorm

_ADVISORY_LOCK_KEY = 7_251_977  # any constant shared by every Fascia process


MIGRATIONS = ROOT / "migrations" / "versions"
#: Where Alembic keeps a database's revision (its default table).
VERSION_TABLE = "alembic_version"


@cache
def head_revision() -> str:
    """The newest revision the code knows: the highest-numbered migration file's number."""
    return max(path.name.split("_", 1)[0] for path in MIGRATIONS.glob("[0-9]*_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))


def upgrade(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision, then seed the ROM norms if empty."""
    if current_revision(engine) != head_revision():
        migrate(engine, "head")
    seed_rom_norms(engine)


def migrate(engine: Engine, revision: str, down: bool = False) -> None:
    """Upgrade (or, `down`, downgrade) the schema to `revision` in one transaction.

    On PostgreSQL an advisory lock serialises replicas. On SQLite, batch mode rebuilds a table by copying
    it, which foreign-key enforcement forbids while other tables point at it, so enforcement is off for the
    migration (SQLite allows that only outside a transaction) and every foreign key is checked before the
    commit: a migration that would leave a dangling reference is rolled back.
    """
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        untracked(connection)  # the data version's table may not exist at `revision` (data.data_version)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
                config.attributes["connection"] = connection
                (command.downgrade if down else command.upgrade)(config, revision)
                if sqlite and (dangling := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"the migration to {revision} would leave dangling foreign keys: {dangling}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def seed_rom_norms(engine: Engine) -> int:
    """Insert the shipped ROM norms when the table is empty; returns the rows added."""
    from analytics.rom import rom_norms

    with engine.begin() as connection:
        if connection.scalar(select(func.count()).select_from(RomNorm)):
            return 0
        rows = rom_norms()[["joint", "movement", "unit", "normal_value", "mdc", "method", "source"]]
        connection.execute(insert(RomNorm), rows.to_dict("records"))
        return len(rows)
