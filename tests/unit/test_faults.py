"""Faults: an import killed half-way leaves the database exactly as before; a full disk, a dropped
PostgreSQL connection, an unreachable or locked database give one plain sentence (in the app and
the CLI, exit code 1), never a traceback. Every error here is a real one from the backend."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

import data.cli
from data.db import BUSY, CONNECTION_LOST, DISK_FULL, UNREACHABLE, describe_fault, make_engine, write_transaction
from data.demo import load_demo
from data.imports import import_file
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from tests.reliability import fingerprint, record_figures
from ui import faults

ROOT = Path(__file__).resolve().parents[2]
PROGRESS = re.compile(r"([\d,]+) / ([\d,]+) rows")


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _checkins_csv(path: Path, athletes: int, days: int) -> Path:
    start = dt.date(2025, 1, 1)
    frame = pd.DataFrame(
        [
            {
                "athlete_external_id": f"K{a:04d}",
                "date": (start + dt.timedelta(days=d)).isoformat(),
                "fatigue": 1 + (a + d) % 5,
                "sleep_quality": 3,
                "soreness": 1 + d % 5,
                "stress": 2,
                "mood": 4,
                "sleep_hours": 7.5,
                "readiness": 6,
                "availability": "full",
            }
            for a in range(athletes)
            for d in range(days)
        ]
    )
    frame.to_csv(path, index=False)
    return path


def _collect_errors(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(faults.st, "error", lambda body, **_: shown.append(body))
    return shown


class _Page:
    def __init__(self, body: Callable[[], object]) -> None:
        self.body = body

    def run(self) -> None:
        self.body()


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_import_killed_half_way_leaves_the_database_as_before(db_engine: Engine, tmp_path: Path) -> None:
    load_demo(db_engine, athletes=3, days=30, seed=5)
    before = fingerprint(db_engine)
    csv = _checkins_csv(tmp_path / "big.csv", athletes=150, days=400)
    command = [sys.executable, "-m", "data", "--database-url", _url(db_engine), "import", str(csv)]
    command += ["--kind", "wellness_checkins", "--create-athletes", "--team", "Killed FC"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    written_at_kill = 0
    assert process.stderr is not None
    for line in process.stderr:
        match = PROGRESS.search(line)
        if match and int(match.group(1).replace(",", "")) > 0:
            written_at_kill = int(match.group(1).replace(",", ""))
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait(timeout=120)
    after = fingerprint(db_engine)
    record_figures(
        f"killed_import[{db_engine.dialect.name}]",
        faults_injected=1,
        rows_in_file=150 * 400,
        rows_written_when_killed=written_at_kill,
        database_unchanged=after == before,
    )
    assert process.returncode == -signal.SIGKILL, "the import ended before it could be killed"
    assert written_at_kill > 0
    assert after == before
    if db_engine.dialect.name == "sqlite":
        with db_engine.connect() as connection:
            assert connection.scalar(text("PRAGMA integrity_check")) == "ok"
    create_team(db_engine, "Written after the kill")  # the database takes writes again


def _size_limited(url: str, spare_pages: int) -> Engine:
    """A SQLite engine whose connections may grow the file by only `spare_pages` pages: a full disk."""
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _limit(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        cursor.close()

    return engine


def test_full_disk_refuses_the_import_with_a_plain_sentence_and_writes_nothing(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = make_engine(sqlite_url)
    from data.schema import upgrade

    upgrade(engine)
    load_demo(engine, athletes=3, days=30, seed=5)
    before = fingerprint(engine)
    engine.dispose()
    full = _size_limited(sqlite_url, spare_pages=4)
    csv = _checkins_csv(tmp_path / "big.csv", athletes=40, days=200)

    with pytest.raises(OperationalError) as caught:
        import_file(full, "wellness_checkins", csv, create_athletes=True, team="Full FC")
    assert "full" in str(caught.value.orig)
    assert describe_fault(caught.value) == DISK_FULL

    shown = _collect_errors(monkeypatch)
    faults.run_page(_Page(lambda: import_file(full, "wellness_checkins", csv, create_athletes=True, team="Full FC")))
    assert shown == [DISK_FULL]

    monkeypatch.setattr(data.cli, "make_engine", lambda url=None: _size_limited(sqlite_url, spare_pages=4))
    capsys.readouterr()
    code = data.cli.main(["import", str(csv), "--kind", "wellness_checkins", "--create-athletes", "--team", "Full FC"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip() == f"error: {DISK_FULL}"
    assert "Traceback" not in err
    full.dispose()
    after = fingerprint(make_engine(sqlite_url))
    record_figures(
        "full_disk[sqlite]", faults_injected=3, plain_message=shown == [DISK_FULL], database_unchanged=after == before
    )
    assert after == before


@pytest.mark.postgres
def test_dropped_postgres_connection_mid_session_gives_a_plain_sentence(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.conftest import empty_postgres, postgres_url

    engine = empty_postgres(postgres_url())
    from data.schema import upgrade

    upgrade(engine)
    team = create_team(engine, "Dropped FC")
    athlete = create_athlete(engine, team, "Dee", "D-1")
    before = fingerprint(engine)
    killer = make_engine(postgres_url())

    def drop(pid: int) -> None:
        with killer.begin() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    injected = survived = 0
    # 1. a write transaction whose connection is dropped half-way: nothing of it stays
    with pytest.raises(OperationalError) as caught, write_transaction(engine) as connection:
        connection.execute(text("INSERT INTO teams (name, sport, timezone) VALUES ('Half', '', 'UTC')"))
        drop(connection.scalar(text("SELECT pg_backend_pid()")))
        injected += 1
        connection.execute(text("INSERT INTO teams (name, sport, timezone) VALUES ('Other half', '', 'UTC')"))
    assert describe_fault(caught.value) == CONNECTION_LOST
    survived += fingerprint(engine) == before

    # 2. a page whose session loses its connection between two queries: st.error, traceback logged
    shown = _collect_errors(monkeypatch)

    def page_body() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT count(*) FROM athletes"))
            drop(connection.scalar(text("SELECT pg_backend_pid()")))
            connection.execute(text("SELECT count(*) FROM wellness_checkins"))

    with caplog.at_level(logging.ERROR, logger="fascia.faults"):
        faults.run_page(_Page(page_body))
    injected += 1
    survived += shown == [CONNECTION_LOST]
    assert shown == [CONNECTION_LOST]
    assert any(record.exc_info for record in caplog.records)

    # 3. the next save reconnects and works
    save_checkin(engine, athlete, dt.date(2026, 3, 2), {"fatigue": 3, "readiness": 5}, [])
    record_figures("dropped_connection[postgresql]", faults_injected=injected, faults_survived=survived)
    assert survived == injected
    killer.dispose()
    engine.dispose()


@pytest.mark.postgres
def test_unreachable_postgres_gives_a_plain_sentence_in_the_cli(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import postgres_url

    url = re.sub(r"@([^/:]+)(:\d+)?/", r"@\1:1/", postgres_url())  # nothing listens on port 1
    with pytest.raises(OperationalError) as caught, make_engine(url).connect():
        pass
    assert describe_fault(caught.value) == UNREACHABLE
    assert data.cli.main(["--database-url", url, "stats"]) == 1
    assert capsys.readouterr().err.strip() == f"error: {UNREACHABLE}"


def test_unopenable_sqlite_file_gives_a_plain_sentence(tmp_path: Path) -> None:
    with pytest.raises(OperationalError) as caught, make_engine(f"sqlite:///{tmp_path}").connect() as connection:
        connection.execute(text("SELECT 1"))
    assert describe_fault(caught.value) == UNREACHABLE


def test_locked_sqlite_database_gives_a_plain_sentence(sqlite_url: str) -> None:
    holder = make_engine(sqlite_url)
    impatient = create_engine(sqlite_url, connect_args={"timeout": 0})
    with write_transaction(holder) as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    with write_transaction(holder) as connection, pytest.raises(OperationalError) as caught:
        connection.execute(text("INSERT INTO t VALUES (1)"))
        with impatient.begin() as other:
            other.execute(text("INSERT INTO t VALUES (2)"))
    assert describe_fault(caught.value) == BUSY


def test_other_errors_are_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _collect_errors(monkeypatch)
    with pytest.raises(ZeroDivisionError):
        faults.run_page(_Page(lambda: 1 / 0))
    assert shown == []
    assert describe_fault(ValueError("not a database error")) is None
