"""Every screen on the demo anchored at many days, not only the day the suite runs.

Which flags exist depends on the day the demo ends: a *Caseload* crashed on one day's flags (two ROM
flags of one athlete, region and side on one day) while the suite, anchored to the day it ran, passed.
So the screens are built on the demo anchored at a spread of end dates: 12 across a year (29 days
apart, so every weekday and month position comes up) plus today.

- For every anchor, the screen logic without a browser or Streamlit: each role's views (`views/`, with a
  `ScopedReader`), the figures and tables the pages draw, the HTML progress report, and the identity and
  widget key of every open flag (unique, so no two Close buttons collide).
- For a few anchors, every page of every role through `AppTest` (the pages' own widgets and keys).

The everyday loop (`-m "not slow"`) builds the screens on today's anchor only; the fixed anchors and the
AppTest sweep are `slow`, run by CI.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.flags import FLAG_IDENTITY
from data import access, queries
from data.db import make_engine
from data.demo import load_demo
from tests.app.conftest import APP, TIMEOUT, reload
from ui import loaders, report
from ui.charts import progress as progress_charts
from ui.charts import tables, team
from ui.filters import DEFAULT_DAYS
from ui.flag_cards import flag_key
from ui.menu import page_paths
from views.caseload import caseload
from views.my_recovery import my_recovery
from views.progress_report import progress_report
from views.reader import Reader, ScopedReader
from views.team_today import team_athletes, team_today
from views.team_trends import athlete_load, team_trends

FIRST_ANCHOR = dt.date(2025, 11, 20)
FIXED_ANCHORS = [FIRST_ANCHOR + dt.timedelta(days=29 * k) for k in range(12)]
ANCHORS = [pytest.param(day, marks=pytest.mark.slow) for day in FIXED_ANCHORS] + [dt.date.today()]
APP_ANCHORS = [
    pytest.param(day, marks=pytest.mark.slow) for day in (FIXED_ANCHORS[0], FIXED_ANCHORS[6], dt.date.today())
]
ROLES = ("admin", "coach", "therapist", "athlete")


def anchor_id(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"


def demo_at(sqlite_at_head: Path, folder: Path, end: dt.date) -> str:
    """The small demo (12 athletes, 120 days) ending `end`, in a fresh SQLite file; its URL."""
    path = folder / f"demo-{end:%Y%m%d}.db"
    shutil.copyfile(sqlite_at_head, path)
    engine = make_engine(f"sqlite:///{path}")
    load_demo(engine, athletes=12, days=120, seed=11, end=end)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture(params=ANCHORS, ids=anchor_id)
def anchored(
    request: pytest.FixtureRequest, sqlite_at_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dt.date, dict[str, access.Viewer], dict[str, Reader]]]:
    """The demo ending at one anchor, also set as the app's database for the loaders without a view;
    (anchor, role -> the demo user's Viewer, role -> their `ScopedReader`)."""
    url = demo_at(sqlite_at_head, tmp_path, request.param)
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    engine = make_engine(url)
    users = queries.users(engine)
    viewers: dict[str, access.Viewer] = {}
    for role in ROLES:
        viewer = access.viewer(engine, int(users.loc[users["username"] == role, "user_id"].iloc[0]))
        assert viewer is not None
        viewers[role] = viewer
    yield request.param, viewers, {role: ScopedReader(engine, viewer) for role, viewer in viewers.items()}
    engine.dispose()
    st.cache_data.clear()


def assert_flags_have_unique_identities(flags: pd.DataFrame) -> None:
    """Each open flag is one identity and one widget key."""
    assert not flags.duplicated(list(FLAG_IDENTITY)).any()
    keys = [flag_key(flag) for flag in flags.to_dict("records")]
    assert len(set(keys)) == len(keys)


def figures_draw(*figures: go.Figure) -> None:
    for figure in figures:
        assert isinstance(figure, go.Figure)
        figure.to_json()  # what Streamlit sends to the browser


def coach_screens(reader: Reader, day: dt.date) -> None:
    """*Team today* and *Team trends* for each of the coach's teams (and all of them together)."""
    start = day - dt.timedelta(days=DEFAULT_DAYS - 1)
    for team_id in [None, *reader.teams()["team_id"].astype(int)]:
        athletes = team_athletes(reader, team_id)
        today = team_today(reader, team_id, day)
        figures_draw(
            team.availability_bar(today.counts),
            team.soreness_heatmap(today.soreness),
            team.region_pain_bars(today.pain_today, "today"),
            team.region_pain_bars(today.pain_week, "this week"),
        )
        tables.availability_table(today.counts)
        tables.soreness_matrix_table(today.soreness)
        tables.region_share_table(today.pain_week)
        trends = team_trends(reader, team_id, start, day)
        figures_draw(
            team.injuries_per_month_bars(trends.per_month),
            team.recurrence_by_region_bars(trends.by_region),
            team.soreness_band(trends.soreness_weekly, per="week"),
            team.soreness_band(trends.soreness, per="day"),
            team.ostrc_prevalence_lines(trends.ostrc),
        )
        tables.injuries_per_month_table(trends.per_month)
        tables.recurrence_table(trends.by_region)
        tables.ostrc_prevalence_table(trends.ostrc)
        for athlete in athletes.head(3).itertuples():
            load = athlete_load(reader, int(athlete.athlete_id), start, day, "ewma").load
            figures_draw(team.load_acwr_chart(load, athlete.display_name, "EWMA"))
            tables.load_table(load, "EWMA")


def progress_screen(reader: Reader, athlete_id: int, day: dt.date, include_notes: bool) -> None:
    """*Athlete progress* (or *My recovery*) of one athlete, with its HTML report."""
    start = day - dt.timedelta(days=DEFAULT_DAYS - 1)
    printed = progress_report(reader, athlete_id, start, day)
    view = printed.progress
    assert_flags_have_unique_identities(view.flags)
    figures_draw(
        progress_charts.km_chart(view.km_curves),
        progress_charts.treatment_chart(view.treatment),
    )
    tables.pain_table(view.trend, view.sessions)
    tables.km_table(view.km_curves)
    tables.treatment_table(view.treatment)
    people = reader.athletes()
    athlete = people[people["athlete_id"] == athlete_id].iloc[0]
    html = report.progress_report_html(
        athlete.to_dict(),
        printed,
        generated=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        include_notes=include_notes,
    )
    assert html.startswith("<!DOCTYPE html>") and str(athlete["display_name"]) in html


def test_every_screen_builds_on_the_demo_at_this_anchor(
    anchored: tuple[dt.date, dict[str, access.Viewer], dict[str, Reader]],
) -> None:
    anchor, viewer, reader = anchored
    day = reader["admin"].newest_day()
    assert day == anchor

    coach_screens(reader["coach"], day)

    seen = caseload(reader["therapist"])
    assert_flags_have_unique_identities(seen.flags)
    assert set(seen.flags["athlete_id"]) <= set(seen.board["athlete_id"])
    for athlete_id in seen.board["athlete_id"].head(4).astype(int):
        progress_screen(reader["therapist"], athlete_id, day, include_notes=True)

    me = reader["athlete"].athletes()
    assert len(me) == 1
    start = day - dt.timedelta(days=DEFAULT_DAYS - 1)
    mine = my_recovery(reader["athlete"], start, day)
    assert_flags_have_unique_identities(mine.flags)
    progress_screen(reader["athlete"], int(me["athlete_id"].iloc[0]), day, include_notes=False)

    # the loaders without a view (the OSTRC form's weeks, the admin's overview)
    monday = day - dt.timedelta(days=day.weekday())
    weeks = loaders.ostrc_weeks(viewer["athlete"].user_id, int(me["athlete_id"].iloc[0]), monday, 8)
    tables.ostrc_weeks_table(weeks)
    loaders.scope_counts(viewer["admin"].user_id)
    loaders.recent_checkin_summary(viewer["admin"].user_id)


@pytest.fixture(scope="module", params=APP_ANCHORS, ids=anchor_id)
def app_demo(request: pytest.FixtureRequest, sqlite_at_head: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return demo_at(sqlite_at_head, tmp_path_factory.mktemp("app"), request.param)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_renders_at_this_anchor(
    app_demo: str, role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", app_demo)
    st.cache_data.clear()
    engine = make_engine(app_demo)
    users = queries.users(engine)
    engine.dispose()
    signed_in = AppTest.from_file(APP, default_timeout=TIMEOUT)
    signed_in.session_state["user_id"] = int(users.loc[users["username"] == role, "user_id"].iloc[0])
    for path in page_paths(role):
        at = reload(signed_in)
        at.switch_page(path).run()
        assert not at.exception, f"{role} {path}: {[e.message for e in at.exception]}"
        assert at.title, f"{role} {path}: no title"
