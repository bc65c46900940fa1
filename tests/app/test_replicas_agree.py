"""Replicas agree (issue 18): a write made by another process (here: an engine of its own, which clears no
cache of the app's, as another Streamlit replica would) is seen on this process's next run, though every
frame of the first run is still cached, because the cached loaders are keyed by the data version that
the write moved on (`data.data_version`, `ui.loaders`). On both backends.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.accounts import create_user
from data.db import make_engine
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from tests.app.conftest import APP, TIMEOUT
from ui import loaders

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def elsewhere(app_database: str) -> Iterator[Engine]:
    """Another replica's engine on the same database."""
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def a_team(engine: Engine) -> tuple[int, int]:
    """(coach id, athlete id): a coach of a team with one athlete."""
    team = create_team(engine, "Team A")
    athlete = create_athlete(engine, team, "Ada", "A1")
    coach = create_user(engine, "coach", "a-long-enough-password-1", "coach", team_ids=[team])
    return coach, athlete


def insert_behind_the_versions_back(engine: Engine, athlete: int, day: dt.date) -> None:
    """A check-in written on the driver's own connection, around SQLAlchemy: it moves no data version."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        marker = "?" if engine.dialect.name == "sqlite" else "%s"
        cursor.execute(
            f"INSERT INTO wellness_checkins (athlete_id, date, soreness) VALUES ({marker}, {marker}, 2)",
            (athlete, day.isoformat() if engine.dialect.name == "sqlite" else day),
        )
        raw.commit()
    finally:
        raw.close()


def test_a_loader_serves_its_cache_until_another_process_writes(elsewhere: Engine) -> None:
    coach, athlete = a_team(elsewhere)
    assert loaders.checkins(coach).empty

    insert_behind_the_versions_back(elsewhere, athlete, DAY - dt.timedelta(days=1))
    assert loaders.checkins(coach).empty  # the cached frame: the cache is really in use

    save_checkin(elsewhere, athlete, DAY, {"soreness": 3}, [{"body_region": "knee", "side": "left", "pain": 4}])
    assert sorted(loaders.checkins(coach)["date"].dt.date) == [DAY - dt.timedelta(days=1), DAY]
    assert len(loaders.pain(coach)) == 1
    assert loaders.last_data_day() == DAY


def test_the_coachs_next_run_shows_an_athlete_added_on_another_replica(elsewhere: Engine) -> None:
    coach, _ = a_team(elsewhere)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["user_id"] = coach
    at.switch_page("pages/team_trends.py").run()
    assert not at.exception, at.exception
    options = sorted(option for box in at.selectbox for option in box.options if " · " in option)
    assert options == ["Ada · Team A"]

    create_athlete(elsewhere, create_team(elsewhere, "Team B"), "Bo", "B1")  # not the coach's team
    create_athlete(elsewhere, loaders.viewer_of(coach).team_ids[0], "Arne", "A2")  # type: ignore[union-attr]
    at.run()
    assert not at.exception, at.exception
    options = sorted(option for box in at.selectbox for option in box.options if " · " in option)
    assert options == ["Ada · Team A", "Arne · Team A"]  # the new athlete; never another scope's
