"""`python -m data backup FOLDER --keep N`, the daily job of deploy/compose.yaml: a backup named by the UTC
time, then only the newest N such backups are kept; other files in the folder are never touched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.backup import BackupError, backup_into
from data.cli import main


def test_the_oldest_backups_beyond_keep_are_removed(db_engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    (folder / "fascia-manual.sqlite").write_text("not a scheduled backup")
    start = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    suffix = "sqlite" if db_engine.dialect.name == "sqlite" else "dump"
    for day in range(4):
        lines = backup_into(db_engine, folder, keep=3, now=start + timedelta(days=day))
        assert lines[0].startswith("backed up ")
    assert len(lines) == 2 and lines[1].startswith(f"removed {folder / f'fascia-20260301-020000.{suffix}'}")
    assert sorted(path.name for path in folder.iterdir()) == [
        "fascia-20260302-020000." + suffix,
        "fascia-20260303-020000." + suffix,
        "fascia-20260304-020000." + suffix,
        "fascia-manual.sqlite",
        "notes.txt",
    ]


def test_keep_must_be_positive_and_the_folder_must_exist(db_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="at least 1"):
        backup_into(db_engine, tmp_path, keep=0)
    with pytest.raises(BackupError, match="is not a folder"):
        backup_into(db_engine, tmp_path / "missing", keep=14)


def test_the_command(sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "daily"
    folder.mkdir()
    assert main(["--database-url", sqlite_url, "init"]) == 0
    assert main(["--database-url", sqlite_url, "backup", str(folder), "--keep", "14"]) == 0
    (made,) = folder.glob("fascia-*.sqlite")
    assert made.stat().st_mode & 0o777 == 0o600  # health data: for the user who made it only
    assert main(["--database-url", sqlite_url, "backup", str(folder), "--keep", "14", "--force"]) == 2
    assert "--force applies to one named file" in capsys.readouterr().err
