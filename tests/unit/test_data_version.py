"""The data version (`data.data_version`, issue 18 "replicas agree"): every committed write of the club's
data moves it on in the write's own transaction, on both backends and through every kind of write path
(SQLAlchemy statements, bulk COPY/executemany, the demo, a restore); a rolled-back write and the writes no
cached screen reads (sign-in throttle, audit log) leave it alone; another process sees the new number."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from data import data_version
from data.accounts import create_user, set_user_teams
from data.audit import audit_entry
from data.auth import record_failure
from data.backup import holds_data
from data.db import ROOT, make_engine, write_transaction
from data.demo import load_demo
from data.imports import import_file
from data.models import Team
from data.record_writes import save_checkin, save_records
from data.roster import create_athlete, create_team
from data.schema import seed_rom_norms


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_fresh_database_is_at_version_zero_and_seeding_is_not_data(db_engine: Engine) -> None:
    assert data_version.current(db_engine) >= 0
    assert not holds_data(db_engine)  # the norms seeded on start moved the version: still no data


def test_every_write_path_moves_the_version_on_once_per_transaction(db_engine: Engine, tmp_path: Path) -> None:
    versions = [data_version.current(db_engine)]

    def moved() -> int:
        versions.append(data_version.current(db_engine))
        return versions[-1] - versions[-2]

    team = create_team(db_engine, "Team A")
    assert moved() == 1
    athlete = create_athlete(db_engine, team, "Ada", "A1")
    assert moved() == 1
    coach = create_user(db_engine, "coach", "a-long-enough-password-1", "coach", team_ids=[team])
    assert moved() == 1
    set_user_teams(db_engine, coach, [])
    assert moved() == 1
    save_checkin(
        db_engine, athlete, dt.date(2026, 3, 2), {"soreness": 3}, [{"body_region": "knee", "side": "left", "pain": 4}]
    )
    assert moved() == 1  # the check-in, its pain report and its audit entry: one transaction, one step
    save_records(
        db_engine,
        "injuries",
        [
            {
                "athlete_id": athlete,
                "onset_date": "2026-03-02",
                "body_region": "thigh",
                "side": "left",
                "injury_type": "muscle_strain",
                "time_loss": True,
            }
        ],
    )
    assert moved() == 1
    csv = tmp_path / "checkins.csv"
    header = "athlete_external_id,date,fatigue,sleep_quality,soreness,stress,mood,sleep_hours,readiness,availability"
    csv.write_text(f"{header}\nA1,2026-03-03,3,4,3,4,4,7.5,7,full\nA1,2026-03-04,2,4,5,4,4,8,8,full\n")
    import_file(db_engine, "wellness_checkins", csv)  # bulk COPY (PostgreSQL) or raw executemany (SQLite)
    assert moved() == 1
    with db_engine.begin() as connection:  # a plain SQLAlchemy transaction, not write_transaction
        connection.execute(insert(Team).values(name="Team B", sport="", timezone="UTC"))
    assert moved() == 1


def test_a_rolled_back_write_and_untracked_writes_leave_the_version_alone(db_engine: Engine) -> None:
    create_team(db_engine, "Team A")
    before = data_version.current(db_engine)
    with pytest.raises(RuntimeError), write_transaction(db_engine) as connection:
        connection.execute(insert(Team).values(name="Team B", sport="", timezone="UTC"))
        raise RuntimeError("the page stopped")
    assert data_version.current(db_engine) == before
    audit_entry(db_engine, None, "sign_in", "users", None, "anna")
    record_failure(db_engine, "anna")
    seed_rom_norms(db_engine)  # already seeded: writes nothing
    assert data_version.current(db_engine) == before


def test_loading_the_demo_moves_the_version_on(empty_engine: Engine) -> None:
    from data.schema import upgrade

    upgrade(empty_engine)
    before = data_version.current(empty_engine)
    load_demo(empty_engine, athletes=4, days=40, seed=3)
    assert data_version.current(empty_engine) == before + 1


def test_another_process_sees_a_write_at_once(db_engine: Engine) -> None:
    """A write by a separate Python process (another replica) is the next version this one reads."""
    before = data_version.current(db_engine)
    script = "import sys; from data.db import make_engine; from data.roster import create_team; "
    script += "create_team(make_engine(sys.argv[1]), 'Made elsewhere')"
    subprocess.run([sys.executable, "-c", script, _url(db_engine)], cwd=ROOT, check=True, timeout=60)
    assert data_version.current(db_engine) == before + 1
    other = make_engine(_url(db_engine))
    create_team(other, "Made by a second engine")
    other.dispose()
    assert data_version.current(db_engine) == before + 2


def test_simultaneous_writers_each_move_it_on_even_the_first_two(db_engine: Engine) -> None:
    """Writers committing at the same moment (the version row not there yet) never share a number."""
    team = create_team(db_engine, "Team A")
    athletes = [create_athlete(db_engine, team, f"Athlete {n}", f"A{n}") for n in range(8)]
    with db_engine.begin() as connection:  # back to a database without the version row
        connection.exec_driver_sql(f"DELETE FROM club_settings WHERE name = '{data_version.NAME}'")
    barrier = threading.Barrier(len(athletes))
    failures: list[BaseException] = []

    def check_in(athlete: int) -> None:
        try:
            barrier.wait()
            save_checkin(db_engine, athlete, dt.date(2026, 3, 2), {"soreness": 2}, [])
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=check_in, args=(a,)) for a in athletes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    assert data_version.current(db_engine) == len(athletes)


def test_move_past_sets_a_number_past_both(db_engine: Engine) -> None:
    create_team(db_engine, "Team A")
    assert data_version.move_past(db_engine, 41) == 42
    assert data_version.current(db_engine) == 42
    assert data_version.move_past(db_engine, 3) == 43
