"""The coach's screens (*Team today*, *Team trends*) in AppTest, and their chart builders.

The first test signs the coach in through the form; the others start the app holding the coach's
session (as `reload` does after a sign-in), which keeps the module fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import accounts, queries, roster
from data.db import make_engine
from data.schema import upgrade
from tests.app.conftest import APP, TIMEOUT, sign_in
from ui.charts import team as charts
from ui.filters import RANGE_KEY, TEAM_KEY

StartApp = Callable[[str], AppTest]
TODAY = "pages/team_today.py"
TRENDS = "pages/team_trends.py"
ACWR_CAPTION = (
    "ACWR is descriptive, not an injury probability (Gabbett 2016 band; disputed: Impellizzeri et al. 2020); "
    "not shown before 28 days of data"
)


@pytest.fixture(scope="module")
def clinical_texts(demo_url: str) -> list[str]:
    """Every clinical note of the demo (therapy sessions and injuries): none may reach a coach."""
    engine = make_engine(demo_url)
    therapy = queries.therapy_sessions(engine, include_notes=True)["notes"]
    injured = queries.injuries(engine, include_notes=True)["notes"]
    engine.dispose()
    notes = sorted({str(n) for n in pd.concat([therapy, injured]).dropna() if str(n).strip()})
    assert notes, "the demo should hold clinical notes to check against"
    return notes


@pytest.fixture
def clear_caches() -> Iterator[None]:
    """Empty the loaders' caches around a test on its own database: they are keyed by user id, not by
    database, so frames of the shared demo must not be served for another file (and vice versa)."""
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture(scope="module")
def coach_id(demo_url: str) -> int:
    engine = make_engine(demo_url)
    users = queries.users(engine)
    engine.dispose()
    return int(users.loc[users["username"] == "coach", "user_id"].iloc[0])


@pytest.fixture
def open_as_coach(demo_url: str, coach_id: int, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """Opens a page with the demo coach signed in (one run, no sign-in form)."""
    monkeypatch.setenv("DATABASE_URL", demo_url)

    def open_page(path: str) -> AppTest:
        st.cache_data.clear()  # the loaders' cache is keyed by user, not by database
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["user_id"] = coach_id
        return at.switch_page(path).run()

    return open_page


def page_text(at: AppTest) -> str:
    """Everything the page shows: every element's message (chart specs included) and table cells."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at._tree)
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(parts)


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def assert_no_clinical_text(at: AppTest, notes: list[str]) -> None:
    shown = page_text(at)
    leaked = [n for n in notes if n in shown]
    assert not leaked, leaked[:3]
    for frame in at.dataframe:
        assert "notes" not in frame.value.columns


# --------------------------------------------------------------------------- pages


def test_team_today_is_the_coach_landing_page(app_at: StartApp, demo_url: str, clinical_texts: list[str]) -> None:
    """Signed in through the form, the coach lands on Team today."""
    at = sign_in(app_at(demo_url), "coach", "fascia-coach")
    assert not at.exception
    assert [t.value for t in at.title] == ["Team today"]
    labels = [m.label for m in at.metric]
    for label in ("Full training", "Modified", "Unavailable", "Not reported", "Today", "Last week"):
        assert label in labels
    assert any(label.startswith("This week") for label in labels)
    assert len(at.get("plotly_chart")) == 3  # availability bar, soreness heatmap, pain by region
    assert [s.value for s in at.subheader] == [
        "Squad readiness",
        "Flags",
        "Availability",
        "Check-in compliance",
        "Soreness and pain",
    ]
    board = at.dataframe[0].value  # the squad readiness board comes first: one row per active athlete
    assert {"availability", "stage_label", "wellness", "soreness", "load_7d", "flags", "checked_in"} <= set(board)
    assert board["athlete"].is_unique
    assert board["availability"].str[0].isin(["✓", "◐", "✕", "?"]).all(), "a shape beside every availability"
    groups = [e.label for e in at.expander]  # flags: one group per kind, its details on demand
    assert groups and all(g.startswith(("Red: ", "Amber: ")) and " on " in g for g in groups)
    text = captions(at)
    engine = make_engine(demo_url)
    last = queries.data_date_range(engine)[1]
    engine.dispose()
    assert f"Showing **{last:%A %d %B %Y}**, the newest day with data" in text
    assert "**Red** = a current pain or health problem" in text
    assert_no_clinical_text(at, clinical_texts)


def test_team_trends_as_coach(open_as_coach: Callable[[str], AppTest], clinical_texts: list[str]) -> None:
    at = open_as_coach(TRENDS)
    assert not at.exception
    assert [t.value for t in at.title] == ["Team trends"]
    labels = [m.label for m in at.metric]
    assert labels == ["Injuries", "Exposure", "Incidence (per 1000 h)", "Burden (days lost per 1000 h)"]
    # injuries per month, recurrence by region, soreness band, OSTRC prevalence, load and ACWR
    assert len(at.get("plotly_chart")) == 5
    text = captions(at)
    assert ACWR_CAPTION in text
    assert "ACWR method: EWMA" in text
    assert "Incidence = injuries ÷ exposure hours × 1000" in text
    assert_no_clinical_text(at, clinical_texts)


def test_acwr_method_and_soreness_grain_can_be_switched(open_as_coach: Callable[[str], AppTest]) -> None:
    at = open_as_coach(TRENDS)
    at = at.radio(key="coach_acwr_method").set_value("uncoupled").run()
    assert not at.exception
    assert "ACWR method: rolling, uncoupled" in captions(at)
    assert "Training load and ACWR (rolling, uncoupled)" in page_text(at)
    at = at.radio(key="coach_soreness_grain").set_value("day").run()
    assert not at.exception
    assert "Per day, over the athletes who checked in" in captions(at)


def test_team_and_dates_keep_their_values_between_the_two_pages(open_as_coach: Callable[[str], AppTest]) -> None:
    at = open_as_coach(TODAY)
    team = at.selectbox[0]
    assert team.label == "Team"
    picked = [t for t in team.options if t != "All teams"][0]
    at = team.select(picked).run()
    team_id = at.session_state[TEAM_KEY]
    assert team_id is not None

    at = at.switch_page(TRENDS).run()
    assert at.selectbox[0].format_func(at.selectbox[0].value) == picked
    dates = (dt.date(2026, 1, 5), dt.date(2026, 2, 15))
    at = at.date_input[0].set_value(dates).run()
    assert not at.exception

    at = at.switch_page(TODAY).run()
    assert at.session_state[TEAM_KEY] == team_id
    assert at.selectbox[0].format_func(at.selectbox[0].value) == picked

    at = at.switch_page(TRENDS).run()
    assert not at.exception
    assert at.session_state[RANGE_KEY] == dates
    assert tuple(at.date_input[0].value) == dates
    assert at.selectbox[0].format_func(at.selectbox[0].value) == picked


def test_trends_without_data_in_the_range_say_what_to_do(open_as_coach: Callable[[str], AppTest]) -> None:
    at = open_as_coach(TRENDS)
    at = at.date_input[0].set_value((dt.date(2020, 1, 1), dt.date(2020, 3, 31))).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Injuries"] == "0"
    assert metrics["Incidence (per 1000 h)"] == "–"
    shown = page_text(at)
    assert "widen the date range" in shown
    assert "Weekly health questions" in shown


@pytest.mark.parametrize(
    ("path", "names"),
    [
        (TODAY, ["availability-today", "soreness-per-athlete", "pain-by-region-today"]),
        (
            TRENDS,
            [
                "injuries-per-month",
                "recurrence-by-region",
                "team-soreness-per-week",
                "ostrc-weekly-prevalence",
                "training-load-and-acwr",
            ],
        ),
    ],
)
def test_every_chart_has_a_png_toolbar_and_a_csv_of_its_data(
    open_as_coach: Callable[[str], AppTest], path: str, names: list[str]
) -> None:
    """Each chart: plotly's toolbar with a PNG named after it, and under it a "Download data (CSV)" button
    keyed by the same name."""
    at = open_as_coach(path)
    assert not at.exception
    drawn = at.get("plotly_chart")
    buttons = [b for b in at.download_button if b.label == "Download data (CSV)"]
    assert [b.key for b in buttons] == [f"csv-{n}" for n in names]
    assert len(drawn) == len(names)
    for chart, name in zip(drawn, names, strict=True):
        assert f'"filename": "{name}"' in chart.proto.config
        assert '"displayModeBar": false' not in chart.proto.config
    assert not [b.key for b in buttons if b.disabled], "the demo has data behind every chart"


def test_a_new_team_without_records_gets_next_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clear_caches: None
) -> None:
    """A team with one athlete and no records yet: Team today says what to do; Team trends draws its
    empty charts, each with a next step, and raises nothing."""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    engine = make_engine(url)
    upgrade(engine)
    team_id = roster.create_team(engine, "Juniors", "soccer", "Europe/Oslo")
    roster.create_athlete(engine, team_id, "Nora Lie", "J-001")
    coach_id = accounts.create_user(engine, "junior-coach", "correct-horse", "coach", team_ids=[team_id])
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["user_id"] = coach_id
    at = at.switch_page(TODAY).run()
    assert not at.exception
    assert "Athletes record their check-in and pain on *Daily check-in*" in "\n".join(i.value for i in at.info)
    at = at.switch_page(TRENDS).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Incidence (per 1000 h)"] == "–"
    assert len(at.get("plotly_chart")) == 5
    assert "No check-ins in these dates" in page_text(at)


# --------------------------------------------------------------------------- chart builders


def axis_titles(fig: go.Figure) -> tuple[str, str]:
    return fig.layout.xaxis.title.text or "", fig.layout.yaxis.title.text or ""


def test_availability_bar() -> None:
    fig = charts.availability_bar({"full": 8, "modified": 1, "unavailable": 1, "unknown": 2})
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text == "Availability today"
    assert axis_titles(fig)[0] == "Athletes (n)"
    assert [t.name for t in fig.data] == ["Unavailable", "Modified", "Not reported", "Full training"]
    assert fig.data[3].marker.color == charts.AVAILABILITY_COLOURS["full"]


def test_soreness_heatmap_names_grey_missing_and_pain_scale() -> None:
    dates = pd.date_range("2026-01-01", periods=3)
    matrix = pd.DataFrame([[1.0, np.nan, 5.0], [2.0, 3.0, np.nan]], index=["Ada", "Bo"], columns=dates)
    fig = charts.soreness_heatmap(matrix)
    assert fig.layout.title.text == "Soreness per athlete, last 28 days"
    assert axis_titles(fig) == ("Date", "Athlete")
    missing, values = fig.data
    assert list(values.y) == ["Ada", "Bo"]
    assert (values.zmin, values.zmax) == (1, 5)
    # shown as the athletes answered (score 5 = item 1, very sore), darkest for the most sore
    assert list(values.z[0][::2]) == [5.0, 1.0]
    assert [c[1] for c in values.colorscale] == [c[1] for c in reversed(charts.PAIN_SCALE)]
    assert "1 = very sore" in values.hovertemplate and "%{x|" in values.hovertemplate
    assert np.isnan(missing.z[0][0]) and missing.z[0][1] == 1.0  # the missing check-in is the grey cell
    assert "no check-in" in missing.hovertemplate


def test_region_pain_bars_readable_labels_and_percent() -> None:
    share = pd.DataFrame(
        {
            "period_start": pd.Timestamp("2026-01-07"),
            "body_region": ["hip_groin", "knee", "foot"],
            "n_with_pain": [2, 1, 0],
            "n_checked_in": [10, 10, 10],
            "share": [0.2, 0.1, 0.0],
        }
    )
    fig = charts.region_pain_bars(share, "today")
    assert fig.layout.title.text == "Athletes with pain by body region, today"
    assert axis_titles(fig) == ("Athletes who checked in (%)", "Body region")
    assert list(fig.data[0].y) == ["Knee", "Hip / groin"]  # foot (no pain) left out; largest on top
    assert list(fig.data[0].x) == pytest.approx([10.0, 20.0])


def test_soreness_band_median_inside_interquartile_band() -> None:
    daily = pd.DataFrame(
        {
            "date": pd.date_range("2026-01-01", periods=2),
            "n_checkins": [5, 6],
            "soreness_score_median": [2.0, 3.0],
            "soreness_score_q1": [1.5, 2.0],
            "soreness_score_q3": [3.0, 4.0],
            "n_sore": [1, 2],
            "share_sore": [0.2, 0.33],
        }
    )
    fig = charts.soreness_band(daily, per="day")
    assert "Team soreness per day" in fig.layout.title.text
    assert axis_titles(fig) == ("Date", charts.SORENESS_AXIS)
    assert [t.name for t in fig.data[1:]] == ["Middle half of the athletes (25th-75th percentile)", "Median"]
    assert fig.data[1].fill == "tonexty"
    weekly = pd.DataFrame(
        {
            "week_start": [pd.Timestamp("2026-01-05")],
            "n_athletes": [4],
            "n_checkins": [20],
            "soreness_score_median": [2.0],
            "soreness_score_q1": [1.5],
            "soreness_score_q3": [3.0],
        }
    )
    assert axis_titles(charts.soreness_band(weekly, per="week"))[0] == "Week starting (Monday)"


def test_injuries_per_month_stacked_in_recurrence_colours() -> None:
    per_month = pd.DataFrame(
        {
            "month": [pd.Timestamp("2026-01-01")] * 2 + [pd.Timestamp("2026-02-01")] * 2,
            "category": ["new", "recurrent_early"] * 2,
            "injuries": [2, 0, 1, 1],
            "recurrent": [False, True] * 2,
        }
    )
    fig = charts.injuries_per_month_bars(per_month)
    assert fig.layout.barmode == "stack"
    assert fig.layout.title.text == "Injuries per month, new and recurrent"
    assert axis_titles(fig) == ("Onset month", "Injuries (n)")
    assert [t.marker.color for t in fig.data] == [
        charts.RECURRENCE_COLOURS["new"],
        charts.RECURRENCE_COLOURS["recurrent_early"],
    ]


def test_recurrence_by_region_bars() -> None:
    rates = pd.DataFrame(
        {"body_region": ["thigh", "knee"], "injuries": [4, 2], "recurrences": [3, 0], "exacerbations": [0, 0]}
    ).assign(recurrence_rate=[0.75, 0.0])
    fig = charts.recurrence_by_region_bars(rates)
    assert axis_titles(fig) == ("Injuries that were recurrences (%)", "Body region")
    assert list(fig.data[0].text) == ["0 of 2", "3 of 4"]


def test_ostrc_prevalence_lines_amber_and_red() -> None:
    prevalence = pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-01-05", "2026-01-12"]),
            "responders": [10, 8],
            "problems": [3, 2],
            "substantial": [1, 0],
            "problem_prevalence": [0.3, 0.25],
            "substantial_prevalence": [0.1, 0.0],
            "complete": [True, True],
        }
    )
    fig = charts.ostrc_prevalence_lines(prevalence)
    assert axis_titles(fig) == ("Week starting (Monday); n = athletes who answered", "Athletes who answered (%)")
    assert [t.name for t in fig.data] == ["Any problem", "Substantial problem"]
    assert [t.line.color for t in fig.data] == [charts.FLAG_AMBER, charts.FLAG_RED]
    assert list(fig.data[0].y) == pytest.approx([30.0, 25.0])


def test_load_acwr_chart_shows_the_disputed_heuristic_labelled() -> None:
    load = pd.DataFrame(
        {
            "athlete_id": 1,
            "date": pd.date_range("2026-01-01", periods=3),
            "load": [300.0, 0.0, 450.0],
            "acute": [300.0, 250.0, 280.0],
            "chronic": [300.0, 290.0, 295.0],
            "acwr": [np.nan, 0.86, 0.95],
        }
    )
    fig = charts.load_acwr_chart(load, "Ada", "EWMA")
    assert fig.layout.title.text == "Training load and ACWR (EWMA): Ada"
    assert axis_titles(fig) == ("Date", "Daily load (AU = RPE × minutes)")
    assert fig.layout.yaxis2.title.text == "ACWR (acute ÷ chronic, ratio)"
    assert [t.name for t in fig.data] == ["Daily load (AU)", "ACWR (EWMA)"]
    labels = [a.text for a in fig.layout.annotations]
    assert all("disputed" in label for label in labels) and len(labels) == 2
    band = [s for s in fig.layout.shapes if s.type == "rect"][0]
    assert (band.y0, band.y1, band.yref) == (0.8, 1.3, "y2")
    assert [s.y0 for s in fig.layout.shapes if s.type == "line"] == [1.5]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: charts.soreness_heatmap(pd.DataFrame()), "Users and teams"),
        (
            lambda: charts.region_pain_bars(pd.DataFrame({"n_with_pain": [], "share": [], "body_region": []}), "today"),
            "Nobody reported pain",
        ),
        (lambda: charts.soreness_band(pd.DataFrame()), "widen the date range"),
        (lambda: charts.injuries_per_month_bars(pd.DataFrame()), "widen the date range"),
        (lambda: charts.recurrence_by_region_bars(pd.DataFrame()), "widen the date range"),
        (lambda: charts.ostrc_prevalence_lines(pd.DataFrame()), "Weekly health questions"),
        (lambda: charts.load_acwr_chart(pd.DataFrame({"load": [], "acwr": []}), "Ada", "EWMA"), "widen the date range"),
    ],
)
def test_empty_charts_say_what_to_do_next(build: Callable[[], go.Figure], message: str) -> None:
    fig = build()
    assert isinstance(fig, go.Figure)
    assert fig.layout.title.text
    assert message in fig.layout.annotations[0].text
