"""The injury and illness surveillance report of a team and a period (Bahr et al. 2020, IOC consensus, and its
reporting guideline STROBE-SIIS): the population, the exposure, the problems that began in the period, their
incidence and burden per 1000 h with 95 % intervals (training, match, all), by body area, tissue, mode of onset
and activity, the severity groups, the subsequent problems and the risk matrix.

Rules: `analytics.surveillance` (days lost, rates, intervals, risk matrix, OSTRC-O2 prevalence) and
`analytics.recurrence.classify_problems` (categories, with the clinician's own choice of index problem). Words:
`views.words`. The clinical columns (tissue, organ system, cause) are in the reader's frames only for
therapists and admins, the report's readers; without them those groupings are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from analytics import recurrence, surveillance
from analytics.vocabulary import PROBLEM_TYPES
from views import words
from views.reader import Reader, ids

#: The groupings of each problem type, in the report's order (those whose column the frame lacks are left out).
GROUPINGS: dict[str, tuple[str, ...]] = {
    "injury": ("body_area", "tissue", "onset_mode", "activity"),
    "illness": ("organ_system", "illness_cause", "onset_mode", "activity"),
}
#: The risk matrix's groups: body area for injuries, organ system for illnesses.
RISK_GROUP: dict[str, str] = {"injury": "body_area", "illness": "organ_system"}


@dataclass(frozen=True)
class SurveillanceReport:
    """What the surveillance report shows for one team (or every team in scope) and period."""

    team: str  # the team's name, or "All teams"
    start: dt.date
    end: dt.date
    athletes: int  # the population: athletes of the team in the reader's scope
    athletes_with_exposure: int
    athletes_with_problems: int
    exposure: pd.DataFrame  # per exposure (training, match, all): exposure, label, sessions, hours
    problems: pd.DataFrame  # the problems that began in the period, with days_lost, severity and category
    rates: pd.DataFrame  # per problem type and exposure: `analytics.surveillance.rates` plus labels
    by_group: pd.DataFrame  # per problem type, grouping and value: the rates of all exposure
    severity: pd.DataFrame  # per problem type and severity group: problems
    subsequent: pd.DataFrame  # per problem type, category and who decided it: problems
    risk: pd.DataFrame  # per problem type and group: `analytics.surveillance.risk_matrix` plus labels
    ostrc: pd.DataFrame  # OSTRC-O2 weekly prevalence in the period
    clinical: bool  # whether the clinical groupings (tissue, organ system, cause) could be made


def surveillance_report(reader: Reader, team_id: int | None, start: dt.date, end: dt.date) -> SurveillanceReport:
    """The surveillance report of team `team_id` (None: every team in the reader's scope) from `start` to `end`.

    Choices: a problem counts when its onset is in the period (its category is worked out from the athlete's
    whole history first); days lost run to the end of the period for problems still open then
    (`analytics.surveillance.days_lost` with ``as_of=end``); exposure is the training log of the period."""
    people = reader.athletes()
    if team_id is not None:
        people = people[people["team_id"] == team_id]
    teams = reader.teams()
    named = teams.loc[teams["team_id"] == team_id, "name"] if team_id is not None else pd.Series(dtype=object)
    team = str(named.iloc[0]) if not named.empty else "All teams"
    athlete_ids = ids(people["athlete_id"])
    history = reader.health_problems(athlete_ids)
    sessions = reader.training(athlete_ids, start, end)
    clinical = "organ_system" in history.columns

    classified = recurrence.classify_problems(history) if not history.empty else _no_problems(history)
    onset = classified["onset_date"]
    in_period = classified[(onset >= pd.Timestamp(start)) & (onset <= pd.Timestamp(end))]
    problems = surveillance.days_lost(in_period, as_of=pd.Timestamp(end))
    time_loss = problems["time_loss"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    problems = problems.assign(
        severity=surveillance.severity_group(problems["days_lost"]).where(time_loss, "none"),
        category_label=[words.word(words.RECURRENCE, c) for c in problems["category"]],
    ).sort_values(["onset_date", "injury_id"], ignore_index=True)

    answers = reader.ostrc(athlete_ids, start, end)
    return SurveillanceReport(
        team=team,
        start=start,
        end=end,
        athletes=len(people),
        athletes_with_exposure=int(sessions["athlete_id"].nunique()),
        athletes_with_problems=int(problems["athlete_id"].nunique()),
        exposure=_exposure(sessions),
        problems=problems,
        rates=_rates(problems, sessions, end),
        by_group=_by_group(problems, sessions, end),
        severity=_severity(problems),
        subsequent=_subsequent(problems),
        risk=_risk(problems, sessions, end),
        ostrc=surveillance.weekly_prevalence(answers) if not answers.empty else pd.DataFrame(),
        clinical=clinical,
    )


def _no_problems(history: pd.DataFrame) -> pd.DataFrame:
    """An empty classified frame with the history's columns."""
    return history.assign(
        category=pd.Series(dtype=object),
        index_injury_id=pd.Series(dtype="Int64"),
        classified_by=pd.Series(dtype=object),
    )


def _exposure(sessions: pd.DataFrame) -> pd.DataFrame:
    """Sessions and hours of training, of matches and of both."""
    rows = []
    for kind in surveillance.EXPOSURES:
        chosen = sessions if kind == "all" else sessions[sessions["kind"] == kind]
        rows.append((kind, words.SURVEILLANCE_EXPOSURES[kind], len(chosen), float(chosen["minutes"].sum()) / 60))
    return pd.DataFrame(rows, columns=["exposure", "label", "sessions", "hours"])


def _rates(problems: pd.DataFrame, sessions: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """`analytics.surveillance.rates` of each problem type (three rows each, even without problems)."""
    frames = [
        surveillance.rates(problems[problems["problem_type"] == kind], sessions, as_of=pd.Timestamp(end)).assign(
            problem_type=kind
        )
        for kind in PROBLEM_TYPES
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.assign(
        problem_label=out["problem_type"].map(words.SURVEILLANCE_PROBLEMS),
        exposure_label=out["exposure"].map(words.SURVEILLANCE_EXPOSURES),
    )


def _by_group(problems: pd.DataFrame, sessions: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """Per problem type, grouping and value: the rates against all exposure, most cases first."""
    frames = []
    for kind, columns in GROUPINGS.items():
        of_kind = problems[problems["problem_type"] == kind]
        for column in columns:
            if of_kind.empty or column not in of_kind.columns:
                continue
            every = surveillance.rates(of_kind, sessions, by=column, as_of=pd.Timestamp(end))
            every = every[every["exposure"] == "all"].rename(columns={column: "value"})
            frames.append(every.assign(problem_type=kind, grouping=column))
    if not frames:
        return pd.DataFrame(columns=["problem_type", "grouping", "grouping_label", "value", "value_label", "cases"])
    out = pd.concat(frames, ignore_index=True)
    out = out.assign(
        grouping_label=out["grouping"].map(words.SURVEILLANCE_GROUPINGS),
        value_label=[words.surveillance_value(g, v) for g, v in zip(out["grouping"], out["value"], strict=True)],
    )
    order = {(kind, column): i for i, (kind, column) in enumerate((k, c) for k, cs in GROUPINGS.items() for c in cs)}
    position = pd.Series([order[key] for key in zip(out["problem_type"], out["grouping"], strict=True)], out.index)
    out = out.assign(position=position).sort_values(["position", "cases"], ascending=[True, False], kind="stable")
    return out.drop(columns="position").reset_index(drop=True)


def _severity(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems per type and severity group (every group, 0 where none), in the groups' order."""
    groups = [*words.SEVERITY_GROUPS]
    rows = [
        (kind, group, int(((problems["problem_type"] == kind) & (problems["severity"] == group)).sum()))
        for kind in PROBLEM_TYPES
        for group in groups
    ]
    out = pd.DataFrame(rows, columns=["problem_type", "severity", "problems"])
    return out.assign(
        problem_label=out["problem_type"].map(words.SURVEILLANCE_PROBLEMS),
        severity_label=out["severity"].map(words.SEVERITY_GROUPS),
    )


def _subsequent(problems: pd.DataFrame) -> pd.DataFrame:
    """Problems per type, recurrence category and who decided it."""
    counted = problems.groupby(["problem_type", "category", "classified_by"], as_index=False).size()
    counted = counted.rename(columns={"size": "problems"})
    return counted.assign(
        problem_label=counted["problem_type"].map(words.SURVEILLANCE_PROBLEMS),
        category_label=counted["category"].map(words.RECURRENCE_RULES),
        classified_label=counted["classified_by"].map(words.CLASSIFIED_BY),
    )


def _risk(problems: pd.DataFrame, sessions: pd.DataFrame, end: dt.date) -> pd.DataFrame:
    """The risk matrix of injuries by body area and of illnesses by organ system."""
    frames = []
    for kind, column in RISK_GROUP.items():
        of_kind = problems[problems["problem_type"] == kind]
        if of_kind.empty or column not in of_kind.columns:
            continue
        matrix = surveillance.risk_matrix(of_kind, sessions, by=column, as_of=pd.Timestamp(end))
        frames.append(
            matrix.rename(columns={column: "value"}).assign(
                problem_type=kind,
                grouping=column,
                value_label=[words.surveillance_value(column, v) for v in matrix[column]],
            )
        )
    if not frames:
        return pd.DataFrame(columns=["problem_type", "grouping", "value", "value_label", "cases", "incidence"])
    return pd.concat(frames, ignore_index=True)
