"""One athlete's progress page and one team's overview, timed as the dashboard computes them.

By calling the functions: the very loaders of `ui/loaders.py` that pages/athlete_progress.py and
pages/team_today.py call, in the order the pages call them (each screen's loader is its view,
`views/`, on the cached reader), so the figure is their queries plus their analytics. Cold = `st.cache_data.clear()` before each run (what a page costs after a write or
when the 5-minute cache expired); warm = the cache filled by the warm-up (a rerun of the page).
Through AppTest: the whole page script (the dashboard shell, the page, its charts) run by
`streamlit.testing.v1.AppTest` with the coach signed in, cold and warm the same way.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.timing import Timing, measure
from data import queries
from data.db import ROOT
from views.athlete_progress import AthleteProgress
from views.team_today import TeamToday

APP = str(ROOT / "dashboard.py")
#: The team overview of the budget is for a team of about this many athletes.
TEAM_SIZE = 40
#: The progress page's default dates: the 90 days up to the newest data (ui/filters.py).
PROGRESS_DAYS = 90


@dataclass(frozen=True)
class Subjects:
    """Who the page timings look at in one organisation."""

    coach_id: int
    therapist_id: int
    athlete_id: int  # the demo athlete: the one with the most treated injury sessions
    team_id: int  # the team whose size is nearest `TEAM_SIZE` (lowest id on a tie)
    team_athletes: int
    day: dt.date  # the newest data day


def use_database(url: str) -> None:
    """Point the dashboard's engine (`ui.session.engine`, from DATABASE_URL) at `url`, with an empty cache."""
    os.environ["DATABASE_URL"] = url
    st.cache_data.clear()


def subjects() -> Subjects:
    from ui.session import engine

    users = queries.users(engine())
    by_name = dict(zip(users["username"], users["user_id"], strict=True))
    athlete_id = users.loc[users["username"] == "athlete", "athlete_id"].iloc[0]
    athletes = queries.athletes(engine(), active_only=True)
    sizes = athletes.groupby("team_id").size()
    team_id = int(min(sizes.index, key=lambda t: (abs(int(sizes[t]) - TEAM_SIZE), int(t))))
    day = queries.data_date_range(engine())[1]
    assert day is not None, "the benchmark organisation holds no data"
    return Subjects(
        coach_id=int(by_name["coach"]),
        therapist_id=int(by_name["therapist"]),
        athlete_id=int(athlete_id),
        team_id=team_id,
        team_athletes=int(sizes[team_id]),
        day=day,
    )


def athlete_page(who: Subjects, runs: int) -> Timing:
    """pages/athlete_progress.py's loaders for the therapist on the demo athlete, default dates, cold."""
    from ui import loaders

    start = who.day - dt.timedelta(days=PROGRESS_DAYS - 1)

    def page() -> AthleteProgress:
        loaders.scope_athletes(who.therapist_id)
        loaders.last_data_day()
        return loaders.athlete_progress(who.therapist_id, who.athlete_id, start, who.day)

    return measure(page, runs=runs, before=st.cache_data.clear)


def team_overview(who: Subjects, runs: int) -> tuple[Timing, Timing]:
    """pages/team_today.py's loaders for the coach on one team: (cold, warm)."""
    from ui import loaders

    def page() -> TeamToday:
        loaders.scope_teams(who.coach_id)
        loaders.coach_team_athletes(who.coach_id, who.team_id)
        day = loaders.last_data_day()
        assert day is not None, "the benchmark organisation holds no data"
        return loaders.team_today(who.coach_id, who.team_id, day)

    cold = measure(page, runs=runs, before=st.cache_data.clear)
    st.cache_data.clear()
    warm = measure(page, runs=runs)
    return cold, warm


def team_overview_apptest(who: Subjects, runs: int) -> tuple[Timing, Timing]:
    """The Team today page run by AppTest, the coach signed in, one team picked: (cold, warm).

    One AppTest is made, and every timed run (after the warm-up) is a rerun of it, as a browser
    rerun is on the server: a new AppTest scans every installed package for Streamlit components (a
    few hundred ms) on its first run, which `streamlit run` does once when the server starts.
    """
    from ui.filters import TEAM_KEY

    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["user_id"] = who.coach_id
    at.session_state[TEAM_KEY] = who.team_id

    def run() -> AppTest:
        at.run()
        if at.exception:
            raise RuntimeError(f"Team today failed under AppTest: {at.exception[0].message}")
        if not any(t.value == "Team today" for t in at.title):
            raise RuntimeError("AppTest did not land on Team today as the coach")
        return at

    cold = measure(run, runs=runs, before=st.cache_data.clear)  # its warm-up is the AppTest's first run
    warm = measure(run, runs=runs)
    return cold, warm
