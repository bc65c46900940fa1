"""*Team today* (coach): the squad readiness board first, then one team's availability, open flags, check-in
compliance, the 28-day soreness matrix and where it hurts today and this week, on one day.

Rules: `analytics.availability` (board, counts, compliance), `analytics.readiness` (wellness against the
athlete's usual, 7-day load and its change), `analytics.soreness` (matrix, regional pain share), `views.flags`
(open flags), `views.return_to_sport` (stages, restrictions and the return forecast).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import availability, readiness, soreness
from analytics.flags import FLAG_LEVEL
from views import words
from views.flags import open_flags_on
from views.reader import Reader, ids
from views.return_to_sport import TeamStages, team_stages

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
    not_reported: list[str]  # athletes without a check-in today and nothing that explains it
    stages: TeamStages  # return-to-sport stages and who is expected back, on `stages_on`
    readiness: pd.DataFrame  # the squad readiness board, one row per active athlete (`readiness_board`)


def team_athletes(reader: Reader, team_id: int | None) -> pd.DataFrame:
    """The athletes of one team in the viewer's scope (every team in scope when `team_id` is None)."""
    athletes = reader.athletes()
    if team_id is None:
        return athletes
    return athletes[athletes["team_id"] == team_id].reset_index(drop=True)


def team_today(reader: Reader, team_id: int | None, day: dt.date, stages_on: dt.date | None = None) -> TeamToday:
    """*Team today* for one team (None = every team in scope) on `day`; closed flags left out. The
    return-to-sport stages are those holding on `stages_on` (default `day`): a stage holds from the day it is
    decided, which may be after the newest data day."""
    athletes = team_athletes(reader, team_id)
    team = ids(athletes["athlete_id"])
    first = day - dt.timedelta(days=LOOKBACK_DAYS)
    wellness = reader.checkins(team, first, day)
    stages = team_stages(reader, team_id, stages_on or day)
    training = reader.training(team, day - dt.timedelta(days=2 * readiness.LOAD_DAYS - 1), day)
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
        not_reported=board.loc[unknown & ~explained, "athlete"].tolist(),
        stages=stages,
        readiness=readiness_board(board, wellness, training, board_flags, stages, day),
    )


#: The columns of the readiness board, in order.
READINESS_COLUMNS = [
    "athlete_id",
    "athlete",
    "availability",
    "stage_label",
    "restrictions",
    "wellness",
    "soreness",
    "load_7d",
    "load_change",
    "flags",
    "checked_in",
]


def readiness_board(
    board: pd.DataFrame,
    wellness: pd.DataFrame,
    training: pd.DataFrame,
    flags: pd.DataFrame,
    stages: TeamStages,
    day: dt.date,
) -> pd.DataFrame:
    """The squad readiness board: one row per active athlete of the availability `board`, in its order
    (unavailable, modified, not reported, full; then by name), in words.

    Columns (`READINESS_COLUMNS`): ``availability`` with a shape beside the word and why ("✕ Unavailable ·
    Left thigh · rehab"); the return-to-sport ``stage_label`` and ``restrictions`` of a staged open problem;
    ``wellness`` today against the athlete's usual in arrows and numbers
    (`analytics.readiness.wellness_against_usual`); today's ``soreness`` answer in words (1 = very sore … 5 =
    not sore); ``load_7d`` (AU) and ``load_change`` (% against the 7 days before,
    `analytics.readiness.load_change`); the open ``flags`` (count and kinds, level in words); ``checked_in``
    today."""
    rows = board[["athlete_id", "athlete", "availability", "why"]].copy()
    marks = rows["availability"].map(words.AVAILABILITY_MARKS)
    rows["availability"] = [m if pd.isna(w) else f"{m} · {w}" for m, w in zip(marks, rows["why"], strict=True)]
    staged = stages.stages[["athlete_id", "stage_label", "restrictions"]]
    rows = rows.merge(staged, on="athlete_id", how="left")
    usual = readiness.wellness_against_usual(wellness, day)
    rows = rows.merge(usual, on="athlete_id", how="left")
    rows["wellness"] = [
        words.wellness_words(t, u, trend)
        for t, u, trend in zip(rows["wellness_today"], rows["wellness_usual"], rows["wellness_trend"], strict=True)
    ]
    today = wellness[wellness["date"].dt.normalize() == pd.Timestamp(day)].drop_duplicates("athlete_id")
    answered = today.set_index("athlete_id")["soreness"]
    rows["soreness"] = rows["athlete_id"].map(answered).map(words.soreness_words).astype(object)
    rows["checked_in"] = rows["athlete_id"].isin(today["athlete_id"])
    loads = readiness.load_change(training, day)
    rows = rows.merge(loads, on="athlete_id", how="left")
    rows["load_change"] = rows["load_change"] * 100
    kinds = flags.groupby("athlete_id")["kind"].agg(lambda k: [c for c in FLAG_LEVEL if c in set(k)])
    counts = flags.groupby("athlete_id").size()
    rows["flags"] = [words.flag_kinds_words(int(counts.get(a, 0)), kinds.get(a, [])) for a in rows["athlete_id"]]
    return rows[READINESS_COLUMNS].astype({"flags": object, "wellness": object}).reset_index(drop=True)


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
