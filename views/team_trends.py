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
from analytics import schemas as S
from analytics.validation import checked_frame
from analytics.workload import Method
from views.reader import Reader, ids
from views.team_today import team_athletes

#: The check-in columns both soreness summaries read.
SORENESS_COLUMNS = ("athlete_id", "date", "soreness")
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
    ostrc: pd.DataFrame  # OSTRC weekly prevalence and whether each week is complete (empty without answers)


@dataclass(frozen=True)
class AthleteLoad:
    """One athlete's daily load (AU) and ACWR, for the load chart of *Team trends*."""

    athlete_id: int
    method: Method
    load: pd.DataFrame  # `analytics.availability.load_and_acwr`


def team_trends(reader: Reader, team_id: int | None, start: dt.date, end: dt.date) -> TeamTrends:
    """*Team trends* for one team (None = every team in scope) from `start` to `end`. Injuries are
    classified on the full history (a clinician's choice of index problem overrides the automatic rule),
    then filtered to the dates."""
    team = ids(team_athletes(reader, team_id)["athlete_id"])
    problems = reader.health_problems(team)
    # injuries by the Fuller categories, the clinician's own choice of index problem first (Bahr et al. 2020)
    classified = recurrence.classify_problems(problems[problems["problem_type"] == "injury"].reset_index(drop=True))
    in_range = availability.injuries_between(classified, start, end)
    answers = reader.ostrc(team, start, end)
    # checked once for both soreness summaries (`analytics.validation.checked_frame`)
    wellness = checked_frame(reader.checkins(team, start, end), S.WellnessCheckins, SORENESS_COLUMNS)
    return TeamTrends(
        soreness=soreness.team_soreness(wellness),
        soreness_weekly=availability.weekly_soreness(wellness),
        per_month=availability.injuries_per_month(classified, start, end),
        by_region=recurrence.recurrence_rate(in_range, by=["body_region"]),
        surveillance=availability.surveillance_summary(classified, reader.training(team, start, end), start, end),
        ostrc=weeks_marked(surveillance.weekly_prevalence(answers), end) if not answers.empty else pd.DataFrame(),
    )


def weeks_marked(prevalence: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """The OSTRC weekly prevalence with ``complete``: False for a week (Monday to Sunday) that goes past
    `end`, whose answers are still coming in (one early answer is not "100 % of the team")."""
    last_day = prevalence["week_start"] + pd.Timedelta(days=6)
    return prevalence.assign(complete=last_day <= pd.Timestamp(end))


def athlete_load(reader: Reader, athlete_id: int, start: dt.date, end: dt.date, method: Method) -> AthleteLoad:
    """One athlete's daily load and ACWR by `method` from `start` to `end`, read from `LOAD_LEAD_DAYS`
    before `start` so the first day's windows are full (check-in days are rest days at 0)."""
    first = start - dt.timedelta(days=LOAD_LEAD_DAYS)
    who = ids([athlete_id])
    sessions = reader.training(who, first, end)
    load = availability.load_and_acwr(sessions, reader.checkins(who, first, end), start, end, method)
    return AthleteLoad(athlete_id=athlete_id, method=method, load=load)


def squad_load(reader: Reader, team_id: int | None, end: dt.date, method: Method) -> pd.DataFrame:
    """Every athlete of the team at once, the one needing a look first: ``athlete_id, name, load_7d`` (AU,
    the 7 days up to `end`), ``load_prev_7d`` (the 7 before), ``change`` (``load_7d`` ÷ ``load_prev_7d`` - 1;
    missing when the week before had no load), ``acwr`` (by `method`, on the newest day that has one in the
    7 days; missing before 28 days of data) and ``days_with_data`` (of the 7). Sorted by ACWR, highest
    first, athletes without one last.

    Rules: `analytics.availability.load_and_acwr` (daily load = RPE x minutes, Foster et al. 2001; a
    check-in day without training is a rest day at 0; ACWR, Williams et al. 2017)."""
    athletes = team_athletes(reader, team_id)
    team = ids(athletes["athlete_id"])
    first = end - dt.timedelta(days=13)
    lead = first - dt.timedelta(days=LOAD_LEAD_DAYS)
    daily = availability.load_and_acwr(
        reader.training(team, lead, end), reader.checkins(team, lead, end), first, end, method
    )
    this_week = daily["date"] > pd.Timestamp(end - dt.timedelta(days=7))
    per_athlete = pd.DataFrame(
        {
            "load_7d": daily[this_week].groupby("athlete_id")["load"].sum(min_count=1),
            "load_prev_7d": daily[~this_week].groupby("athlete_id")["load"].sum(min_count=1),
            "acwr": daily[this_week].dropna(subset=["acwr"]).groupby("athlete_id")["acwr"].last(),
            "days_with_data": daily[this_week].groupby("athlete_id")["load"].count(),
        }
    )
    board = athletes[["athlete_id", "display_name"]].rename(columns={"display_name": "name"})
    board = board.merge(per_athlete, left_on="athlete_id", right_index=True, how="left")
    previous = board["load_prev_7d"].where(board["load_prev_7d"] > 0)
    board["change"] = board["load_7d"] / previous - 1
    board["days_with_data"] = board["days_with_data"].fillna(0).astype("int64")
    columns = ["athlete_id", "name", "load_7d", "load_prev_7d", "change", "acwr", "days_with_data"]
    return board.sort_values(["acwr", "name"], ascending=[False, True], na_position="last")[columns].reset_index(
        drop=True
    )
