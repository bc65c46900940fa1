"""The squad readiness board (issue 14): wellness against the athlete's own usual and the 7-day load change
(`analytics.readiness`) on worked examples, and the board's words (`views.team_today.readiness_board`)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analytics.readiness import MIN_BASELINE, load_change, wellness_against_usual
from views import words
from views.return_to_sport import TeamStages
from views.team_today import READINESS_COLUMNS, readiness_board

DAY = dt.date(2026, 3, 16)


def checkin(athlete_id: int, day: dt.date, item: int | None, availability: str = "full") -> dict[str, object]:
    """A check-in with every wellness item at `item` (total 5 x item)."""
    return {
        "athlete_id": athlete_id,
        "date": pd.Timestamp(day),
        **{k: item for k in ("fatigue", "sleep_quality", "soreness", "stress", "mood")},
        "availability": availability,
    }


def checkins(rows: list[dict[str, object]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for item in ("fatigue", "sleep_quality", "soreness", "stress", "mood"):
        frame[item] = frame[item].astype("Int64")
    return frame


def baseline(athlete_id: int, items: list[int]) -> list[dict[str, object]]:
    """One check-in per day before `DAY`, the newest last."""
    return [checkin(athlete_id, DAY - dt.timedelta(days=len(items) - k), v) for k, v in enumerate(items)]


def test_wellness_lower_usual_and_higher_against_the_own_mean() -> None:
    steady = [4, 4, 3, 4, 4, 3, 4, 4]  # totals 20/15: mean 18.75, SD 2.31
    rows = (
        baseline(1, steady)
        + [checkin(1, DAY, 3)]  # 15: 3.75 below, more than one SD -> lower
        + baseline(2, steady)
        + [checkin(2, DAY, 4)]  # 20: 1.25 above, less than one SD -> usual
        + baseline(3, [3] * 8)
        + [checkin(3, DAY, 4)]  # SD 0: 5 points above, more than the 1-point floor -> higher
        + baseline(4, [4] * (MIN_BASELINE - 1))
        + [checkin(4, DAY, 4)]  # too few check-ins before today
        + baseline(5, [4] * 8)  # no check-in today
    )
    out = wellness_against_usual(checkins(rows), DAY).set_index("athlete_id")
    assert out.loc[1, "wellness_usual"] == pytest.approx(18.75)
    assert out.loc[1, "wellness_sd"] == pytest.approx(np.std([20, 20, 15, 20, 20, 15, 20, 20], ddof=1))
    assert out["wellness_trend"].dropna().to_dict() == {1: "lower", 2: "usual", 3: "higher"}
    assert out.loc[1, "wellness_change"] == pytest.approx(-3.75)
    assert out.loc[4, "baseline_n"] == MIN_BASELINE - 1 and pd.isna(out.loc[4, "wellness_change"])
    assert pd.isna(out.loc[5, "wellness_today"])


def test_the_baseline_is_the_28_days_before_today() -> None:
    old = [checkin(1, DAY - dt.timedelta(days=29), 1)]  # outside the window: ignored
    rows = old + baseline(1, [4] * 7) + [checkin(1, DAY, 4)]
    out = wellness_against_usual(checkins(rows), DAY).set_index("athlete_id")
    assert out.loc[1, "baseline_n"] == 7 and out.loc[1, "wellness_usual"] == 20


def test_load_of_the_last_7_days_against_the_7_before() -> None:
    sessions = pd.DataFrame(
        {
            "athlete_id": [1, 1, 1, 2, 3],
            "date": pd.to_datetime(["2026-03-16", "2026-03-10", "2026-03-09", "2026-03-12", "2026-03-03"]),
            "minutes": [60.0, 30.0, 60.0, 50.0, 60.0],
            "rpe": [5.0, 4.0, 5.0, 6.0, 5.0],
        }
    )
    out = load_change(sessions, DAY).set_index("athlete_id")
    # athlete 1: 16 and 10 March are in the last 7 days (300 + 120), 9 March in the 7 before (300)
    assert (out.loc[1, "load_7d"], out.loc[1, "load_previous_7d"]) == (420, 300)
    assert out.loc[1, "load_change"] == pytest.approx(0.4)
    assert out.loc[2, "load_previous_7d"] == 0 and pd.isna(out.loc[2, "load_change"])
    assert (out.loc[3, "load_7d"], out.loc[3, "load_previous_7d"]) == (0, 300)
    assert out.loc[3, "load_change"] == pytest.approx(-1.0)


def test_the_board_says_everything_in_words_never_by_colour_alone() -> None:
    board = pd.DataFrame(
        {
            "athlete_id": [1, 2],
            "athlete": ["Ada", "Bo"],
            "availability": ["modified", "unknown"],
            "why": ["Left thigh · rehab", None],
        }
    )
    rows = baseline(1, [4] * 8) + [checkin(1, DAY, 2, "modified")]
    flags = pd.DataFrame(
        {"athlete_id": [1, 1, 1], "kind": ["rom_asymmetry", "pain_spike", "rom_asymmetry"], "level": ["amber"] * 3}
    )
    stages = TeamStages(
        day=DAY,
        stages=pd.DataFrame(
            {"athlete_id": [1], "stage_label": ["Return to participation"], "restrictions": ["No sprints"]}
        ),
        forecast=pd.DataFrame(),
    )
    sessions = pd.DataFrame({"athlete_id": [1], "date": [pd.Timestamp(DAY)], "minutes": [60.0], "rpe": [5.0]})
    out = readiness_board(board, checkins(rows), sessions, flags, stages, DAY)
    assert list(out.columns) == READINESS_COLUMNS
    ada, bo = out.iloc[0], out.iloc[1]
    assert ada["availability"] == "◐ Modified · Left thigh · rehab"
    assert bo["availability"] == words.AVAILABILITY_MARKS["unknown"] == "? Not reported"
    assert (ada["stage_label"], ada["restrictions"]) == ("Return to participation", "No sprints")
    assert ada["wellness"] == "↓ 10 (usual 20)"
    assert ada["soreness"] == "2 · sorer / tighter than normal"
    assert ada["flags"] == "3 · Pain spike, ROM asymmetry"
    assert bool(ada["checked_in"]) and not bool(bo["checked_in"])
    assert ada["load_7d"] == 300 and pd.isna(ada["load_change"])
    assert pd.isna(bo["wellness"]) and pd.isna(bo["soreness"]) and pd.isna(bo["flags"])
