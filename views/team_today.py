"""*Team today* (coach): one team's availability board, open flags, check-in compliance, the 28-day soreness
matrix and where it hurts today and this week, on one day.

Rules: `analytics.availability` (board, counts, compliance), `analytics.soreness` (matrix, regional pain
share), `views.flags` (open flags), `views.return_to_sport` (stages, restrictions and the return forecast).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import availability, soreness
from views import words
from views.flags import open_flags_on
from views.reader import Reader, ids
from views.return_to_sport import TeamStages

#: Days of check-ins and pain read before the day (the 28-day soreness matrix and this week fit in it).
LOOKBACK_DAYS = 120


@dataclass(frozen=True)
class TeamToday:
    """Everything *Team today* shows for one team on `day`."""

    day: dt.date
    board: pd.DataFrame  # `analytics.availability.availability_board` with ``why`` in words
    counts: dict[str, int]  # athletes per availability
    flags: pd.DataFrame  # `analytics.availability.flag_board` of the open flags, ``where`` and ``values`` in words
    flag_counts: dict[str, int]  # red, amber, athletes
    compliance: dict[str, object]  # `analytics.availability.compliance_summary`
    soreness: pd.DataFrame  # athlete x day soreness scores, 28 days, athletes named, most sore lately first
    pain_today: pd.DataFrame  # `analytics.soreness.region_pain_share` of the day
    pain_week: pd.DataFrame  # the same for the week from Monday
    attention: pd.DataFrame  # the board's rows to look at: modified, unavailable, or not reported with a reason
    not_reported: list[str]  # athletes without a check-in today and nothing that explains it


def team_athletes(reader: Reader, team_id: int | None) -> pd.DataFrame:
    """The athletes of one team in the viewer's scope (every team in scope when `team_id` is None)."""
    athletes = reader.athletes()
    if team_id is None:
        return athletes
    return athletes[athletes["team_id"] == team_id].reset_index(drop=True)


def team_today(reader: Reader, team_id: int | None, day: dt.date) -> TeamToday:
    """*Team today* for one team (None = every team in scope) on `day`; closed flags left out."""
    athletes = team_athletes(reader, team_id)
    team = ids(athletes["athlete_id"])
    first = day - dt.timedelta(days=LOOKBACK_DAYS)
    wellness = reader.checkins(team, first, day)
    reports = reader.pain(team, first, day)
    board = availability.availability_board(wellness, athletes, reader.injuries(team), reports, day)
    board["why"] = [
        words.why_label(r, s, t) for r, s, t in zip(board["body_region"], board["side"], board["status"], strict=True)
    ]
    board_flags = availability.flag_board(open_flags_on(reader, team, day), athletes)
    board_flags["where"] = [
        words.where_label(r, s) or None for r, s in zip(board_flags["body_region"], board_flags["side"], strict=True)
    ]
    board_flags["values"] = board_flags["values"].map(words.values_words).astype(object)
    unknown = board["availability"] == "unknown"
    explained = board["status"].notna()
    monday = day - dt.timedelta(days=day.weekday())
    daily = soreness.region_pain_share(reports, wellness, freq="D")
    weekly = soreness.region_pain_share(reports, wellness, freq="W")
    return TeamToday(
        day=day,
        board=board,
        counts=availability.availability_counts(board),
        flags=board_flags,
        flag_counts=availability.flag_counts(board_flags),
        compliance=availability.compliance_summary(wellness, athletes, day),
        soreness=most_sore_first(
            availability.named_matrix(soreness.soreness_matrix(wellness, 28, day, athletes), athletes)
        ),
        pain_today=daily[daily["period_start"] == pd.Timestamp(day)].reset_index(drop=True),
        pain_week=weekly[weekly["period_start"] == pd.Timestamp(monday)].reset_index(drop=True),
        attention=board[board["availability"].isin(["unavailable", "modified"]) | (unknown & explained)].assign(
            availability=lambda rows: rows["availability"].map(words.AVAILABILITY)
        ),
        not_reported=board.loc[unknown & ~explained, "athlete"].tolist(),
    )


#: The days whose soreness orders the heatmap's rows (`most_sore_first`).
RECENT_SORENESS_DAYS = 7


def most_sore_first(matrix: pd.DataFrame) -> pd.DataFrame:
    """The athlete x day soreness matrix (scores: higher = more sore) with its rows in the order a coach looks
    at them: the highest mean score of the last `RECENT_SORENESS_DAYS` days first, then by name; athletes
    without a check-in in those days last."""
    if matrix.empty:
        return matrix
    recent = matrix.iloc[:, -RECENT_SORENESS_DAYS:].mean(axis=1, skipna=True)
    order = pd.DataFrame({"recent": recent.to_numpy(), "name": matrix.index.astype(str)}, index=range(len(matrix)))
    ranked = order.sort_values(["recent", "name"], ascending=[False, True], na_position="last").index
    return matrix.iloc[ranked]


#: The columns `attention_with_stages` adds to the attention rows.
STAGE_COLUMNS = ["stage_label", "restrictions", "next_stage_label", "expected_next_date"]


def attention_with_stages(today: TeamToday, stages: TeamStages) -> pd.DataFrame:
    """The board's rows to look at (`TeamToday.attention`) with each athlete's return-to-sport stage, its
    restrictions in plain words, the next stage and the day it is expected (`views.return_to_sport.team_stages`:
    never a diagnosis, a rationale or a note); missing for an athlete without a staged problem."""
    staged = stages.stages[["athlete_id", *STAGE_COLUMNS]]
    return today.attention.merge(staged, on="athlete_id", how="left").reset_index(drop=True)
