"""*Team trends* (coach): one team's soreness, injuries per month and recurrence, incidence and burden,
OSTRC weekly prevalence over a date range, and one athlete's training load and ACWR.

Rules: `analytics.availability` (season helpers, surveillance summary, load and ACWR),
`analytics.recurrence` (Fuller et al. 2006 categories, on each athlete's whole injury history),
`analytics.surveillance` (OSTRC-O2 prevalence, Clarsen et al. 2013, 2020).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import availability, recurrence, soreness, surveillance
from analytics.workload import Method
from views.reader import Reader, ids
from views.team_today import team_athletes

#: Days of training read before the first day of the load chart, so its first ACWR windows are full.
LOAD_LEAD_DAYS = 27


@dataclass(frozen=True)
class TeamTrends:
    """Everything *Team trends* shows for one team and date range, except the per-athlete load."""

    soreness: pd.DataFrame  # per day: median and quartiles of the soreness score
    soreness_weekly: pd.DataFrame  # per week: the same over each athlete's weekly mean
    per_month: pd.DataFrame  # injuries per month and recurrence category
    by_region: pd.DataFrame  # recurrence rate per body region
    surveillance: dict[str, float]  # injuries, exposure, incidence, burden, days lost
    ostrc: pd.DataFrame  # OSTRC weekly prevalence (empty without answers)


@dataclass(frozen=True)
class AthleteLoad:
    """One athlete's daily load (AU) and ACWR, for the load chart of *Team trends*."""

    athlete_id: int
    method: Method
    load: pd.DataFrame  # `analytics.availability.load_and_acwr`


def team_trends(reader: Reader, team_id: int | None, start: dt.date, end: dt.date) -> TeamTrends:
    """*Team trends* for one team (None = every team in scope) from `start` to `end`. Injuries are
    classified on the full history, then filtered to the dates."""
    team = ids(team_athletes(reader, team_id)["athlete_id"])
    classified = recurrence.classify_injuries(reader.injuries(team))
    in_range = availability.injuries_between(classified, start, end)
    answers = reader.ostrc(team, start, end)
    wellness = reader.checkins(team, start, end)
    return TeamTrends(
        soreness=soreness.team_soreness(wellness),
        soreness_weekly=availability.weekly_soreness(wellness),
        per_month=availability.injuries_per_month(classified, start, end),
        by_region=recurrence.recurrence_rate(in_range, by=["body_region"]),
        surveillance=availability.surveillance_summary(classified, reader.training(team, start, end), start, end),
        ostrc=surveillance.weekly_prevalence(answers) if not answers.empty else pd.DataFrame(),
    )


def athlete_load(reader: Reader, athlete_id: int, start: dt.date, end: dt.date, method: Method) -> AthleteLoad:
    """One athlete's daily load and ACWR by `method` from `start` to `end`, read from `LOAD_LEAD_DAYS`
    before `start` so the first day's windows are full (check-in days are rest days at 0)."""
    first = start - dt.timedelta(days=LOAD_LEAD_DAYS)
    who = ids([athlete_id])
    sessions = reader.training(who, first, end)
    load = availability.load_and_acwr(sessions, reader.checkins(who, first, end), start, end, method)
    return AthleteLoad(athlete_id=athlete_id, method=method, load=load)
