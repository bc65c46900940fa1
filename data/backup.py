"""Backups of the whole database, and restoring one (`python -m data backup|restore PATH`).

SQLite: the online backup API (`sqlite3.Connection.backup`), which copies a consistent snapshot
while the app keeps running, into a SQLite file. PostgreSQL: `pg_dump -Fc` of the schema the app
uses (its search_path, normally `public`) and `pg_restore --clean` in one transaction, with the
client tools of the server's major version from /usr/lib/postgresql/<version>/bin (or PATH).
A restore refuses a database that holds data unless forced.

Scheduled backups (`backup FOLDER --keep N`, the daily job of deploy/compose.yaml) write a file named
by the UTC time into a folder and then delete the oldest of those files beyond the newest N; no other
file in the folder is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, Select, func, inspect, select, table, text

from data import data_version
from data.models import ClubSetting

POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
#: Tables a fresh database already holds rows in: the schema revision, the shipped ROM norms (seeded on start)
#: and the default return-to-sport checklists (seeded by migration 0007). A backup copies them like any other.
_NOT_DATA = {"alembic_version", "rom_norms", "rts_criteria"}


#: The name of a scheduled backup: the UTC time it was taken, so names sort by age.
_SCHEDULED_NAME = re.compile(r"fascia-\d{8}-\d{6}\.(sqlite|dump)")


class BackupError(Exception):
    """A backup or restore that cannot be done, as one line."""


def holds_data(engine: Engine) -> bool:
    """Whether any table but those a fresh database fills itself (`_NOT_DATA`) has a row; the data version
    (`data.data_version`, moved on by seeding the norms) is not data either."""
    names = [n for n in inspect(engine).get_table_names() if n not in _NOT_DATA]
    with engine.connect() as connection:
        return any(connection.scalar(_rows_of(n)) for n in names)


def _rows_of(name: str) -> Select[tuple[int]]:
    """Count the rows of table `name` (in `club_settings`, those other than the data version)."""
    if name == ClubSetting.__tablename__:
        return select(func.count()).select_from(ClubSetting).where(ClubSetting.name != data_version.NAME)
    return select(func.count()).select_from(table(name))


def backup(engine: Engine, path: Path, force: bool = False) -> str:
    """Write a backup of the database to `path` (refusing an existing file unless `force`); returns a summary."""
    if path.exists() and not force:
        raise BackupError(f"{path} exists: choose another path, or --force to replace it")
    if path.parent and not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder")
    partial = path.with_name(path.name + ".partial")
    if engine.dialect.name == "sqlite":
        _sqlite_backup(_sqlite_file(engine), partial)
    else:
        _pg_dump(engine, partial)
    partial.chmod(0o600)  # health data: readable by the user who made it only
    partial.replace(path)
    return f"backed up {_describe(engine)} to {path} ({path.stat().st_size:,} bytes)"


def backup_into(engine: Engine, folder: Path, keep: int, now: datetime | None = None) -> list[str]:
    """A backup named by the UTC time in `folder`, then the oldest such backups beyond the newest `keep`
    removed; returns one line for the backup and one per removed file."""
    if keep < 1:
        raise BackupError("--keep must be at least 1")
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    suffix = "sqlite" if engine.dialect.name == "sqlite" else "dump"
    lines = [backup(engine, folder / f"fascia-{moment:%Y%m%d-%H%M%S}.{suffix}")]
    scheduled = sorted(path for path in folder.iterdir() if _SCHEDULED_NAME.fullmatch(path.name))
    for old in scheduled[:-keep]:
        old.unlink()
        lines.append(f"removed {old} (keeping the newest {keep})")
    return lines


def restore(engine: Engine, path: Path, force: bool = False) -> str:
    """Replace the database's content by the backup at `path`; refuses a database holding data unless `force`."""
    if not path.is_file():
        raise BackupError(f"no such backup file: {path}")
    if holds_data(engine) and not force:
        raise BackupError(f"{_describe(engine)} holds data: restoring would replace it; add --force to do so")
    replaced = data_version.current(engine) if inspect(engine).has_table(ClubSetting.__tablename__) else 0
    if engine.dialect.name == "sqlite":
        target = _sqlite_file(engine)
        engine.dispose()
        _sqlite_restore(path, target)
    else:
        engine.dispose()
        _pg_restore(engine, path)
    engine.dispose()
    if inspect(engine).has_table(ClubSetting.__tablename__):
        data_version.move_past(engine, replaced)  # every replica's cached frames are now out of date
    return f"restored {path} into {_describe(engine)}"


def _describe(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _sqlite_backup(source: Path, destination: Path) -> None:
    if not source.is_file():
        raise BackupError(f"no database file at {source}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dest = sqlite3.connect(destination)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dest.close()
        src.close()


def _sqlite_restore(backup_file: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        try:
            ok = src.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{backup_file} is not a SQLite backup: {error}") from error
        if not ok or "alembic_version" not in tables:
            raise BackupError(f"{backup_file} is not a Fascia backup (no schema revision, or damaged)")
        target.parent.mkdir(parents=True, exist_ok=True)
        dest = sqlite3.connect(target, timeout=10)
        try:
            src.backup(dest)
        finally:
            dest.close()
    finally:
        src.close()


def _pg_tool(engine: Engine, name: str) -> Path:
    """The `name` client tool of the server's major version (pg_dump refuses an older server's peer)."""
    with engine.connect() as connection:
        major = int(connection.scalar(text("SHOW server_version_num"))) // 10_000
    found: dict[int, Path] = {}
    for folder in Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")):
        tool = folder / name
        if tool.is_file() and folder.parent.name.isdigit():
            found[int(folder.parent.name)] = tool
    on_path = shutil.which(name)
    if on_path:
        version = subprocess.run([on_path, "--version"], capture_output=True, text=True).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match:
            found.setdefault(int(match.group(1)), Path(on_path))
    usable = sorted(v for v in found if v >= major)
    if not usable:
        raise BackupError(f"no {name} for PostgreSQL {major} or newer: install postgresql-client-{major}")
    return found[usable[0]]


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment carrying it (not on the command line)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _schema(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.scalar(text("SELECT current_schema()")))


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[0] if lines else f'exit code {done.returncode}'}")


def _pg_dump(engine: Engine, destination: Path) -> None:
    tool = _pg_tool(engine, "pg_dump")
    uri, env = _libpq(engine)
    command = [str(tool), "--format=custom", "--no-owner", "--no-acl", f"--schema={_schema(engine)}"]
    _run([*command, f"--file={destination}", f"--dbname={uri}"], env, "pg_dump")


def _pg_restore(engine: Engine, backup_file: Path) -> None:
    tool = _pg_tool(engine, "pg_restore")
    uri, env = _libpq(engine)
    listed = subprocess.run([str(tool), "--list", str(backup_file)], capture_output=True, text=True)
    if listed.returncode != 0 or "alembic_version" not in listed.stdout:
        raise BackupError(f"{backup_file} is not a Fascia pg_dump backup")
    command = [str(tool), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction"]
    _run([*command, "--exit-on-error", f"--dbname={uri}", str(backup_file)], env, "pg_restore")
