"""The return-to-sport continuum on the screens: each problem's stage history and current stage (*Health
problems*, therapist), the stages and restrictions on the availability board and who is expected back
(*Team today*, coach), the athlete's own stage and what the next one takes (*My recovery*), and the stages
along the pain and ROM timeline (*Athlete progress*).

Rules: the continuum of Ardern et al. 2016 (BJSM 50:853-864), `analytics.vocabulary.RTS_STAGES`; a stage
holds from its decision's date until the next decision; the return date (return to full participation) is
derived from the stages (`data.health_problems.derived_return_date`). The reader cuts what each viewer
reads (`data.scoped.rts_stages`): a coach and an athlete never get the rationale, who decided or the criteria
met. Words: `views.words`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.vocabulary import RTS_FULL_PARTICIPATION, RTS_STAGE_AVAILABILITY, RTS_STAGES
from views import words
from views.reader import Reader, ids

#: Days ahead the coach's availability forecast looks.
FORECAST_DAYS = 14

#: The columns of `stage_history`, in order (the clinical ones only when the reader reads them).
HISTORY_COLUMNS = [
    "stage_id",
    "injury_id",
    "athlete_id",
    "date",
    "stage",
    "stage_label",
    "restrictions",
    "expected_next_date",
]
HISTORY_CLINICAL = ["decided_by_name", "decided_role", "criteria_met", "criteria_words", "agreed", "rationale"]

#: The columns of `current_stages`, in order.
CURRENT_COLUMNS = [
    "injury_id",
    "athlete_id",
    "since",
    "stage",
    "stage_label",
    "availability",
    "restrictions",
    "expected_next_date",
    "next_stage",
    "next_stage_label",
]


def next_stage(stage: str | None) -> str | None:
    """The stage after `stage` on the continuum (the first one before any decision; None after the last)."""
    if stage is None or (not isinstance(stage, str) and pd.isna(stage)):
        return RTS_STAGES[0]
    at = RTS_STAGES.index(stage)
    return RTS_STAGES[at + 1] if at + 1 < len(RTS_STAGES) else None


def stage_history(stages: pd.DataFrame) -> pd.DataFrame:
    """The stage decisions (`data.scoped.rts_stages`) with their words: ``stage_label`` and, where the reader
    holds them, ``criteria_words`` (the criteria met, one line) and ``agreed`` (agreed, did not agree, not
    asked). Oldest first per problem."""
    clinical = "rationale" in stages.columns
    columns = HISTORY_COLUMNS + (HISTORY_CLINICAL if clinical else [])
    out = stages.assign(stage_label=stages["stage"].map(words.RTS_STAGES))
    if clinical:
        out["criteria_words"] = out["criteria_met"].map(lambda met: "; ".join(met) if len(met) else "–")
        agreed = [words.NOT_ASKED if pd.isna(a) else words.ATHLETE_AGREED[bool(a)] for a in out["athlete_agreed"]]
        out["agreed"] = pd.Series(agreed, index=out.index, dtype=object)
        out["decided_role"] = out["decided_role"].map(words.ROLES)
    return out.sort_values(["athlete_id", "injury_id", "date"])[columns].reset_index(drop=True)


def current_stages(stages: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """Each problem's stage on `day` (`CURRENT_COLUMNS`): its latest decision on or before `day`, since when,
    the availability it means, its restrictions, the next stage and the date it is expected."""
    decided = stages[stages["date"] <= pd.Timestamp(day)].sort_values(["injury_id", "date"])
    latest = decided.groupby("injury_id", sort=False).tail(1)
    out = latest.rename(columns={"date": "since"}).assign(
        stage_label=lambda rows: rows["stage"].map(words.RTS_STAGES),
        availability=lambda rows: rows["stage"].map(RTS_STAGE_AVAILABILITY),
        next_stage=lambda rows: rows["stage"].map(next_stage).astype(object),
    )
    out["next_stage_label"] = out["next_stage"].map(words.RTS_STAGES, na_action="ignore")
    return out[CURRENT_COLUMNS].reset_index(drop=True)


def problem_stages(reader: Reader, athlete_id: int) -> pd.DataFrame:
    """*Health problems*: the `stage_history` of one athlete's problems, as the viewer may read it."""
    return stage_history(reader.rts_stages(ids([athlete_id])))


@dataclass(frozen=True)
class TeamStages:
    """The return-to-sport part of *Team today* for one team on `day`."""

    day: dt.date
    stages: pd.DataFrame  # per athlete with an open problem that has a stage: athlete_id, stage_label, since,
    # restrictions, next_stage_label, expected_next_date (the latest-decided problem when there are several)
    forecast: pd.DataFrame  # athletes expected back to full participation within FORECAST_DAYS: athlete,
    # stage_label, expected_next_date, days_to_go, restrictions


def team_stages(reader: Reader, team_id: int | None, day: dt.date) -> TeamStages:
    """*Team today*'s stages and forecast for one team (None = every team in scope) on `day`: each open
    problem's current stage and restrictions, and who is expected back to full participation (the next stage
    is return to sport) within `FORECAST_DAYS` days, soonest first. Never a diagnosis or a note: the reader
    gives a coach none."""
    athletes = reader.athletes()
    if team_id is not None:
        athletes = athletes[athletes["team_id"] == team_id]
    team = ids(athletes["athlete_id"])
    current = current_stages(reader.rts_stages(team), day)
    open_now = current[current["availability"] != "full"]
    names = athletes.set_index("athlete_id")["display_name"]
    per_athlete = open_now.sort_values(["athlete_id", "since"]).groupby("athlete_id", sort=False).tail(1)
    stages = per_athlete.assign(athlete=per_athlete["athlete_id"].map(names)).reset_index(drop=True)
    horizon = pd.Timestamp(day + dt.timedelta(days=FORECAST_DAYS))
    coming = open_now[
        (open_now["next_stage"] == RTS_FULL_PARTICIPATION)
        & open_now["expected_next_date"].notna()
        & (open_now["expected_next_date"] >= pd.Timestamp(day))
        & (open_now["expected_next_date"] <= horizon)
    ]
    forecast = coming.assign(
        athlete=coming["athlete_id"].map(names),
        days_to_go=(coming["expected_next_date"] - pd.Timestamp(day)).dt.days.astype("int64"),
    ).sort_values(["expected_next_date", "athlete"])
    columns = ["athlete_id", "athlete", "stage_label", "expected_next_date", "days_to_go", "restrictions"]
    return TeamStages(day=day, stages=stages, forecast=forecast[columns].reset_index(drop=True))


@dataclass(frozen=True)
class MyStage:
    """An athlete's own stage on one problem, in plain words (*My recovery*)."""

    injury_id: int
    stage_label: str
    meaning: str  # the stage in one plain line
    since: dt.date
    restrictions: str | None
    next_label: str | None  # None at the last stage
    next_meaning: str | None
    next_criteria: list[str]  # the club's checklist of the next stage, in order
    expected: dt.date | None  # the date the next stage is expected


def my_stages(reader: Reader, athlete_id: int, day: dt.date) -> list[MyStage]:
    """*My recovery*: the athlete's stage on each of their problems on `day` that has not reached return to
    performance, what is next and what it takes (the club's checklist of the next stage), newest decision
    first."""
    checklist = reader.rts_criteria()
    current = current_stages(reader.rts_stages(ids([athlete_id])), day)
    current = current[current["next_stage"].notna()].sort_values("since", ascending=False)
    out = []
    for row in current.itertuples(index=False):
        following = row.next_stage
        items = checklist.loc[checklist["stage"] == following, "text"].tolist()
        out.append(
            MyStage(
                injury_id=int(row.injury_id),
                stage_label=row.stage_label,
                meaning=words.RTS_STAGE_MEANINGS[row.stage],
                since=row.since.date(),
                restrictions=None if pd.isna(row.restrictions) else row.restrictions,
                next_label=words.RTS_STAGES[following],
                next_meaning=words.RTS_STAGE_MEANINGS[following],
                next_criteria=items,
                expected=None if pd.isna(row.expected_next_date) else row.expected_next_date.date(),
            )
        )
    return out


def progress_stages(reader: Reader, athlete_id: int, start: dt.date, end: dt.date) -> pd.DataFrame:
    """*Athlete progress*: the stage decisions of one athlete's problems that hold within `start`..`end` (a
    decision before `start` still holding at `start` included), each with the day it ends (the next decision
    on the problem, or `end`): injury_id, date, until, stage, stage_label."""
    decisions = reader.rts_stages(ids([athlete_id]))  # oldest first per problem (`data.health_problems`)
    problem = decisions["injury_id"].to_numpy()
    date = decisions["date"].to_numpy()
    last = np.ones(len(date), dtype=bool)  # the problem's latest decision
    last[:-1] = problem[1:] != problem[:-1]
    last_day = np.datetime64(end, "ns")
    until = np.minimum(np.where(last, last_day, np.roll(date, -1)), last_day)
    held = (date <= last_day) & (until >= np.datetime64(start, "ns"))
    stage = decisions["stage"].to_numpy(dtype=object)[held]
    return pd.DataFrame(
        {
            "injury_id": problem[held],
            "date": date[held],
            "until": until[held],
            "stage": stage,
            "stage_label": np.array([words.RTS_STAGES[s] for s in stage], dtype=object),
        }
    )


def with_current_stage(register: pd.DataFrame, history: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """A problem register (`views.injuries.problem_register`) with each problem's current stage on `day`
    (``stage``, ``stage_label``, ``next_stage``, ``expected_next_date``; missing before any decision) and
    ``stageable``: the problem can take a next decision (open, or at return to sport, short of return to
    performance)."""
    current = current_stages(history, day)[["injury_id", "stage", "stage_label", "next_stage", "expected_next_date"]]
    out = register.merge(current, on="injury_id", how="left")
    out["stageable"] = out["open"].astype(bool) | (out["stage"] == RTS_FULL_PARTICIPATION)
    return out
