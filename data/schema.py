"""Bring a database to the newest Alembic revision, idempotently.

The app and the CLI call `upgrade()` on start. On PostgreSQL an advisory lock
serialises replicas that start at the same time.
"""

from __future__ import annotations

from functools import cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, insert, select, text

from data.db import ROOT
from data.models import RomNorm

_ADVISORY_LOCK_KEY = 7_251_977  # any constant shared by every Fascia process


def _alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


@cache
def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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
    config = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
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
