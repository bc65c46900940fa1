"""The team's weekly health questions (OSTRC) chart: a week still in progress is marked, never read as the
whole team, and every week says how many answered (issue 14)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ui.charts.tables import ostrc_prevalence_table
from ui.charts.team import ostrc_prevalence_lines
from views.team_trends import weeks_marked


def prevalence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "week_start": pd.to_datetime(["2026-11-16", "2026-11-23", "2026-11-30"]),
            "responders": [20, 19, 1],
            "problems": [4, 5, 1],
            "substantial": [1, 2, 0],
            "problem_prevalence": [0.2, 5 / 19, 1.0],
            "substantial_prevalence": [0.05, 2 / 19, 0.0],
        }
    )


def test_a_week_past_the_end_is_in_progress_and_a_week_ending_on_it_is_complete() -> None:
    assert weeks_marked(prevalence(), dt.date(2026, 12, 2))["complete"].tolist() == [True, True, False]
    assert weeks_marked(prevalence(), dt.date(2026, 12, 6))["complete"].tolist() == [True, True, True]


def test_the_chart_draws_the_week_in_progress_apart_and_names_n_for_every_week() -> None:
    fig = ostrc_prevalence_lines(weeks_marked(prevalence(), dt.date(2026, 12, 2)))
    names = [trace.name for trace in fig.data]
    assert "Any problem, week in progress" in names
    in_progress = next(t for t in fig.data if t.name == "Any problem, week in progress")
    assert list(in_progress.y) == [100.0] and in_progress.mode == "markers", "apart from the line"
    assert list(fig.layout.xaxis.ticktext) == ["16 Nov<br>n = 20", "23 Nov<br>n = 19", "30 Nov<br>n = 1 so far"]
    table = ostrc_prevalence_table(weeks_marked(prevalence(), dt.date(2026, 12, 2)))
    assert table["Week complete"].tolist() == ["yes", "yes", "no, in progress"]
