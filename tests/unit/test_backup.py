"""`python -m data backup PATH` and `restore PATH` on both backends: back up the demo, wipe the
database, restore, and find every table as it was; a restore refuses a database holding data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from data.cli import main
from data.data_version import NAME, current
from data.db import make_engine
from data.demo import load_demo
from data.models import ClubSetting
from data.roster import create_team
from data.schema import upgrade
from tests.reliability import fingerprint, record_figures


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _wipe(engine: Engine) -> None:
    """Lose the whole database: delete the SQLite file, or drop the PostgreSQL schema."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{engine.url.database}{suffix}").unlink(missing_ok=True)
        return
    with engine.connect() as connection:
        schema = connection.scalar(text("SELECT current_schema()"))
    engine.dispose()
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()


def _cli(engine: Engine, *args: str) -> int:
    return main(["--database-url", _url(engine), *args])


@pytest.fixture
def demo_engine(db_engine: Engine) -> Engine:
    load_demo(db_engine, athletes=4, days=40, seed=3)
    return db_engine


def _settings(engine: Engine) -> dict[str, str]:
    """The club settings but the data version (a restore moves that past the replaced database's)."""
    with engine.connect() as connection:
        rows = connection.execute(select(ClubSetting.name, ClubSetting.value).where(ClubSetting.name != NAME))
        return {name: value for name, value in rows}


def _data(engine: Engine) -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
    """Every table's fingerprint, the settings compared without the data version."""
    tables = fingerprint(engine)
    tables.pop(ClubSetting.__tablename__, None)
    return tables, _settings(engine)


def test_backup_wipe_restore_gives_back_every_row(demo_engine: Engine, tmp_path: Path) -> None:
    version = current(demo_engine)
    before, settings_before = _data(demo_engine)
    backup_file = tmp_path / "fascia.backup"
    assert _cli(demo_engine, "backup", str(backup_file)) == 0
    assert backup_file.stat().st_size > 0
    _wipe(demo_engine)
    assert fingerprint(demo_engine).get("athletes", (0, ""))[0] == 0
    assert _cli(demo_engine, "restore", str(backup_file)) == 0
    restored = make_engine(_url(demo_engine))
    after, settings_after = _data(restored)
    record_figures(
        f"backup_restore[{demo_engine.dialect.name}]",
        tables=len(before),
        rows_backed_up=sum(count for count, _ in before.values()),
        rows_restored=sum(count for count, _ in after.values()),
        identical=after == before,
    )
    assert after == before
    assert settings_after == settings_before
    assert before["wellness_checkins"][0] > 0
    assert current(restored) > version  # no replica serves a frame cached before the restore


def test_restore_refuses_a_database_holding_data_unless_forced(
    demo_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    backup_file = tmp_path / "fascia.backup"
    assert _cli(demo_engine, "backup", str(backup_file)) == 0
    create_team(demo_engine, "Made after the backup")
    changed = fingerprint(demo_engine)
    capsys.readouterr()
    assert _cli(demo_engine, "restore", str(backup_file)) == 2
    assert "holds data" in capsys.readouterr().err
    assert fingerprint(demo_engine) == changed
    assert _cli(demo_engine, "restore", "--force", str(backup_file)) == 0
    restored = make_engine(_url(demo_engine))
    with restored.connect() as connection:
        names = set(connection.scalars(text("SELECT name FROM teams")).all())
    assert "Made after the backup" not in names
    assert len(names) == 2


def test_backup_refuses_to_overwrite_a_file_and_restore_a_file_that_is_no_backup(
    demo_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "kept.txt"
    existing.write_text("not to be replaced")
    assert _cli(demo_engine, "backup", str(existing)) == 2
    assert existing.read_text() == "not to be replaced"
    assert "exists" in capsys.readouterr().err
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(empty)
    assert main(["--database-url", _url(empty), "restore", str(existing)]) == 2
    assert "not a" in capsys.readouterr().err
