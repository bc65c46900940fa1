"""The athlete's own record and their last weeks of OSTRC answers (`views.ostrc_history`), read as the demo
athlete through their scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, delete

from analytics import surveillance
from data import access, queries
from data.demo import load_demo
from data.models import OstrcResponse
from views.ostrc_history import ostrc_weeks, own_athlete
from views.reader import ScopedReader
from views.weekly_health import QUESTIONS

END = dt.date(2026, 3, 29)  # a Sunday: the demo's last week is whole


def athlete_reader(engine: Engine) -> tuple[ScopedReader, int]:
    load_demo(engine, athletes=6, days=120, seed=5, end=END)
    users = queries.users(engine)
    row = users[users["username"] == "athlete"].iloc[0]
    viewer = access.viewer(engine, int(row["user_id"]))
    assert viewer is not None
    return ScopedReader(engine, viewer), int(row["athlete_id"])


def test_the_athlete_reads_their_own_record_with_the_teams_time_zone_and_no_one_elses(db_engine: Engine) -> None:
    reader, athlete_id = athlete_reader(db_engine)
    me = own_athlete(reader, athlete_id)
    assert me is not None
    athletes = queries.athletes(db_engine, athlete_ids=[athlete_id])
    teams = queries.teams(db_engine, team_ids=[int(athletes["team_id"].iloc[0])])
    assert me == {
        "athlete_id": athlete_id,
        "display_name": athletes["display_name"].iloc[0],
        "team_id": int(athletes["team_id"].iloc[0]),
        "team": athletes["team"].iloc[0],
        "timezone": teams["timezone"].iloc[0],
    }
    someone_else = int(queries.athletes(db_engine).query("athlete_id != @athlete_id")["athlete_id"].iloc[0])
    assert own_athlete(reader, someone_else) is None


def test_each_of_the_weeks_has_its_answers_and_scores_and_a_missing_week_says_so(db_engine: Engine) -> None:
    reader, athlete_id = athlete_reader(db_engine)
    last_monday = END - dt.timedelta(days=END.weekday())
    answers = queries.ostrc_responses(db_engine, athlete_ids=[athlete_id])
    skipped = pd.Timestamp(last_monday - dt.timedelta(weeks=2))
    with db_engine.begin() as connection:  # one week unanswered
        connection.execute(
            delete(OstrcResponse).where(
                OstrcResponse.athlete_id == athlete_id, OstrcResponse.week_start == skipped.date()
            )
        )
    weeks = ostrc_weeks(reader, athlete_id, last_monday, 8)
    assert weeks["week_start"].tolist() == list(pd.date_range(end=pd.Timestamp(last_monday), periods=8, freq="7D"))
    gone = weeks[weeks["week_start"] == skipped].iloc[0]
    assert not gone["answered"] and pd.isna(gone["severity"])
    for week in weeks[weeks["answered"]].itertuples(index=False):
        given = answers[answers["week_start"] == week.week_start].iloc[0]
        scores = [pd.Series([given[q]]) for q in QUESTIONS]
        assert [getattr(week, q) for q in QUESTIONS] == [int(given[q]) for q in QUESTIONS]
        assert week.severity == surveillance.ostrc_severity(*scores).iloc[0]
        assert week.substantial == bool(surveillance.ostrc_substantial(*scores).iloc[0])
    assert weeks["answered"].sum() >= 6
