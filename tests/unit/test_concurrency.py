"""Two OS processes saving check-ins at the same time, one call per check-in as a user would:
none is lost and no call raises, on SQLite (WAL) and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data.models import AuditEntry, PainReport, WellnessCheckin
from data.roster import create_athlete, create_team
from tests.reliability import record_figures

#: Minutes of writing: outside the quick loop (`python -m pytest -m "not slow"`); CI runs it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ATHLETES = 10
PER_WRITER = 1_000

# One writer: waits for the start file, then saves its check-ins one call each, counting the calls
# that raised. `same_keys` makes both writers save the same athletes and days (the second one's
# values win); otherwise writer w saves the days 2*k + w, so their check-ins interleave.
WRITER = """
import datetime as dt, json, os, sys, time
from data.db import make_engine
from data.record_writes import save_checkin

url, athletes, per_writer, writer, start_file, same_keys = sys.argv[1:]
athletes = [int(a) for a in athletes.split(",")]
per_writer, writer, same_keys = int(per_writer), int(writer), same_keys == "1"
engine = make_engine(url)
while not os.path.exists(start_file):
    time.sleep(0.005)
errors = []
base = dt.date(2026, 1, 1)
for i in range(per_writer):
    athlete = athletes[i % len(athletes)]
    step = i // len(athletes)
    day = base + dt.timedelta(days=step if same_keys else 2 * step + writer)
    checkin = {"fatigue": 1 + (i + writer) % 5, "sleep_quality": 3, "soreness": 1 + writer * 3, "stress": 2,
               "mood": 4, "readiness": 7, "sleep_hours": 7.5, "availability": "full"}
    pain = [{"body_region": "knee", "side": "left", "pain": 2 + writer}]
    try:
        save_checkin(engine, athlete, day, checkin, pain, actor_id=None)
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
print(json.dumps({"attempted": per_writer, "errors": errors}))
"""


def _athletes(engine: Engine) -> list[int]:
    team = create_team(engine, "Concurrency FC")
    return [create_athlete(engine, team, f"Runner {i}", f"C{i:03d}") for i in range(ATHLETES)]


def _run_writers(engine: Engine, tmp_path: Path, per_writer: int, same_keys: bool) -> list[dict]:
    url = engine.url.render_as_string(hide_password=False)
    athletes = ",".join(map(str, _athletes(engine)))
    start = tmp_path / "start"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                url,
                athletes,
                str(per_writer),
                str(w),
                str(start),
                "1" if same_keys else "0",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(2)
    ]
    time.sleep(1.0)  # both have imported pandas and SQLAlchemy and are polling for the start file
    start.touch()
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=900)
        assert writer.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(model)))


@pytest.mark.timeout(1200)
def test_two_processes_save_1000_checkins_each_and_none_is_lost(db_engine: Engine, tmp_path: Path) -> None:
    results = _run_writers(db_engine, tmp_path, PER_WRITER, same_keys=False)
    errors = [e for r in results for e in r["errors"]]
    checkins, pains = _count(db_engine, WellnessCheckin), _count(db_engine, PainReport)
    with db_engine.connect() as connection:
        audited = connection.scalar(select(func.count()).where(AuditEntry.action == "save_checkin"))
    record_figures(
        f"concurrent_writers[{db_engine.dialect.name}]",
        processes=2,
        writes_attempted=sum(r["attempted"] for r in results),
        checkins_kept=checkins,
        pain_reports_kept=pains,
        errors_raised=len(errors),
    )
    assert errors == []
    assert checkins == 2 * PER_WRITER
    assert pains == 2 * PER_WRITER
    assert audited == 2 * PER_WRITER


@pytest.mark.timeout(1200)
def test_two_processes_saving_the_same_checkins_raise_nothing(db_engine: Engine, tmp_path: Path) -> None:
    """Both save the same athlete and day at once (an athlete and a therapist editing one check-in):
    an upsert that loses the race for the insert updates the other's row instead of failing."""
    per_writer = 100
    results = _run_writers(db_engine, tmp_path, per_writer, same_keys=True)
    errors = [e for r in results for e in r["errors"]]
    checkins, pains = _count(db_engine, WellnessCheckin), _count(db_engine, PainReport)
    record_figures(
        f"concurrent_same_keys[{db_engine.dialect.name}]",
        processes=2,
        writes_attempted=sum(r["attempted"] for r in results),
        distinct_checkins=per_writer,
        checkins_kept=checkins,
        errors_raised=len(errors),
    )
    assert errors == []
    assert checkins == per_writer
    assert pains == per_writer
    with db_engine.connect() as connection:
        soreness = set(connection.scalars(select(WellnessCheckin.soreness)).all())
    assert soreness <= {1, 4}  # each row is one writer's whole check-in, never a mix
