"""The athlete's own record and their weekly health answers of the last weeks (*Daily check-in*, *Weekly
health*): who the signed-in athlete is, with their team's time zone, and one row per week of OSTRC answers
with their scores. No Streamlit here (`pages/checkin.py`, `pages/ostrc.py` draw them).

Rules: `analytics.surveillance` (OSTRC severity 0-100, problem, substantial problem; Clarsen et al. 2013,
2020).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import surveillance
from views.reader import Reader, ids
from views.weekly_health import QUESTIONS


def own_athlete(reader: Reader, athlete_id: int) -> dict[str, object] | None:
    """The athlete `athlete_id` as their own reader sees them: athlete_id, display_name, team_id, team and
    the team's timezone ("UTC" when the team is not readable); None when the reader does not hold them."""
    people = reader.athletes()
    mine = people[people["athlete_id"] == athlete_id]
    if mine.empty:
        return None
    row = mine.iloc[0]
    teams = reader.teams()
    zone = teams.loc[teams["team_id"] == int(row["team_id"]), "timezone"]
    return {
        "athlete_id": int(row["athlete_id"]),
        "display_name": str(row["display_name"]),
        "team_id": int(row["team_id"]),
        "team": str(row["team"]),
        "timezone": str(zone.iloc[0]) if not zone.empty else "UTC",
    }


def ostrc_weeks(reader: Reader, athlete_id: int, last_week: dt.date, weeks: int = 8) -> pd.DataFrame:
    """One row per week (Monday) of the `weeks` weeks up to `last_week`: week_start, answered, q1-q4,
    severity (0-100), problem, substantial. Weeks without an answer have answered=False and missing scores."""
    first = last_week - dt.timedelta(weeks=weeks - 1)
    answers = reader.ostrc(ids([athlete_id]), first, last_week)
    scores = [answers[q] for q in QUESTIONS]
    scored = answers.assign(
        severity=surveillance.ostrc_severity(*scores),
        problem=surveillance.ostrc_problem(*scores),
        substantial=surveillance.ostrc_substantial(*scores),
    ).drop(columns="athlete_id")
    calendar = pd.DataFrame({"week_start": pd.date_range(first, periods=weeks, freq="7D").astype("datetime64[ns]")})
    frame = calendar.merge(scored, on="week_start", how="left")
    frame["answered"] = frame["severity"].notna()
    frame = frame.astype(dict.fromkeys([*QUESTIONS, "severity"], "Int64"))
    return frame.astype({"problem": "boolean", "substantial": "boolean"})
