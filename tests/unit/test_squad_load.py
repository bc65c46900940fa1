"""*Team trends*' squad load (`views.team_trends.squad_load`): every athlete's last two weeks and ACWR at
once, the highest ratio first, worked out by hand on fixed frames (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import pytest

from views.reader import Ids
from views.team_trends import squad_load

END = dt.date(2026, 3, 31)


def of(frame: pd.DataFrame, athlete_ids: Ids) -> pd.DataFrame:
    return frame if athlete_ids is None else frame[frame["athlete_id"].isin(athlete_ids)].reset_index(drop=True)


@dataclass(frozen=True)
class Squad:
    """The reads `squad_load` makes, over fixed frames."""

    sessions: pd.DataFrame
    checked_in: pd.DataFrame

    def athletes(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"athlete_id": [1, 2, 3], "team_id": [1, 1, 1], "display_name": ["Ada", "Bo", "Cy"], "team": ["T"] * 3}
        )

    def training(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return of(self.sessions, athlete_ids)

    def checkins(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return of(self.checked_in, athlete_ids)


@pytest.fixture
def squad() -> Squad:
    """Ada trains 60 min at RPE 5 (300 AU) every day of 42 days, then doubles to 600 AU in the last 7: her
    ACWR rises above 1. Bo trains 300 AU every day throughout: ACWR about 1 (EWMA seeded with his first day).
    Cy has only check-ins in the last 3 days (rest days at 0) and no training: load 0, no ACWR yet."""
    days = pd.date_range(END - dt.timedelta(days=41), END)
    last_week = days > pd.Timestamp(END - dt.timedelta(days=7))
    rows = [
        *(
            {"athlete_id": 1, "date": d, "minutes": 120 if late else 60, "rpe": 5.0, "kind": "training"}
            for d, late in zip(days, last_week, strict=True)
        ),
        *({"athlete_id": 2, "date": d, "minutes": 60, "rpe": 5.0, "kind": "training"} for d in days),
    ]
    checked = pd.DataFrame({"athlete_id": 3, "date": pd.date_range(END - dt.timedelta(days=2), END)})
    return Squad(pd.DataFrame(rows), checked)


def test_every_athlete_with_the_highest_ratio_first(squad: Squad) -> None:
    board = squad_load(squad, 1, END, "coupled")
    assert board["name"].tolist() == ["Ada", "Bo", "Cy"]
    by_name = board.set_index("name")
    assert by_name.at["Ada", "load_7d"] == 7 * 600 and by_name.at["Ada", "load_prev_7d"] == 7 * 300
    assert by_name.at["Ada", "change"] == pytest.approx(1.0), "twice the week before"
    # coupled: acute = mean of the last 7 days (600), chronic = mean of the last 28 (7 x 600 + 21 x 300) / 28
    assert by_name.at["Ada", "acwr"] == pytest.approx(600 / ((7 * 600 + 21 * 300) / 28))
    assert by_name.at["Bo", "acwr"] == pytest.approx(1.0) and by_name.at["Bo", "change"] == pytest.approx(0.0)
    assert (
        by_name.at["Cy", "load_7d"] == 0 and pd.isna(by_name.at["Cy", "acwr"]) and pd.isna(by_name.at["Cy", "change"])
    )
    assert by_name.at["Cy", "days_with_data"] == 3


def test_the_soreness_heatmap_puts_the_most_sore_of_the_last_week_first() -> None:
    from views.team_today import most_sore_first

    days = pd.date_range("2026-03-01", periods=10)
    matrix = pd.DataFrame(
        [[5.0] * 10, [1.0] * 3 + [4.0] * 7, [float("nan")] * 10, [2.0] * 3 + [4.0] * 7],
        index=["Ada", "Bo", "Cy", "Al"],
        columns=days,
    )  # scores: higher = more sore
    assert list(most_sore_first(matrix).index) == ["Ada", "Al", "Bo", "Cy"]
