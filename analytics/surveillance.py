"""Injury surveillance: exposure, incidence and burden per 1000 h, and the OSTRC-O2 questionnaire.

- Exposure hours = training and match minutes / 60 (DESIGN.md, "Domain model").
- Incidence = injuries / exposure hours x 1000; burden = days lost / exposure hours x 1000
  (Bahr et al. 2020, IOC consensus; DESIGN.md, "Surveillance").
- OSTRC-O2 (Clarsen et al. 2013, 2020): four answers scored 0 / 8 / 17 / 25; severity = their
  sum (0-100); a *problem* is any answer other than the first option (score 0: full
  participation / no reduction / no effect / no symptoms); a *substantial problem* is Q1 = 25
  (cannot participate) or Q2 >= 17 or Q3 >= 17 (moderate or major reduction in training volume
  or performance); weekly prevalence counts each athlete once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from analytics.schemas import (
    Athletes,
    ExposureHours,
    Injuries,
    InjuryBurden,
    InjuryIncidence,
    OstrcResponses,
    OstrcWeeklyPrevalence,
    TrainingSessions,
)
from analytics.validation import checked
from analytics.vocabulary import OSTRC_SCORES

#: One OSTRC-O2 answer score, or a column of them (None / NaN / pd.NA = not answered).
Answer = int | float | None | pd.Series | np.ndarray | Sequence[int | float | None]


def _with_checked(frame: pd.DataFrame, model: type[pa.DataFrameModel], columns: Sequence[str]) -> pd.DataFrame:
    """`frame` with `columns` checked (and coerced) against `model`; its other columns kept, for the
    groups a caller may name."""
    return frame.assign(**dict(checked(frame, model, columns).items()))


# --------------------------------------------------------------------------- exposure, incidence, burden


def exposure_hours(training_sessions: pd.DataFrame, by: str | Sequence[str] | None = None) -> float | pd.DataFrame:
    """Exposure hours = sum of session minutes / 60 (DESIGN.md), in total or per group.

    ``by=None`` returns the total as a float; ``by="athlete_id"`` (or any session columns, e.g.
    ``["athlete_id", "kind"]`` for match vs training exposure) returns a frame of the ``by``
    columns plus ``exposure_hours``, one row per group present. Every session row counts
    (duplicate rows are separate sessions).
    """
    sessions = _with_checked(training_sessions, TrainingSessions, ("athlete_id", "minutes"))
    if by is None:
        return float(sessions["minutes"].sum() / 60)
    keys = [by] if isinstance(by, str) else list(by)
    hours = sessions.groupby(keys, as_index=False, observed=True)["minutes"].sum()
    hours = hours.assign(exposure_hours=hours["minutes"] / 60).drop(columns="minutes")
    return checked(hours, ExposureHours)


def incidence(injuries: pd.DataFrame, exposure_hours: float | pd.DataFrame) -> float | pd.DataFrame:
    """Injury incidence = injuries / exposure hours x 1000 (per 1000 h; Bahr et al. 2020).

    Every injury row counts: filter the period, the time-loss flag or the mechanism before
    calling. ``exposure_hours`` is either
    - a number: returns a float (NaN when the exposure is 0), or
    - a frame of group columns plus ``exposure_hours`` (e.g. `exposure_hours` with
      ``by="athlete_id"``): returns that frame plus ``injuries`` and ``incidence``. Injuries are
      counted on the group columns, which the injuries must have; a group without injuries
      gets 0, and injuries of a group without exposure are left out (no denominator).
    """
    counted = _with_checked(injuries, Injuries, ("injury_id", "athlete_id"))
    if _is_number(exposure_hours):
        return _per_1000(len(counted), _hours(exposure_hours))
    exposure, keys = _exposure_frame(exposure_hours, counted)
    counts = counted.groupby(keys, observed=True).size().rename("injuries").reset_index()
    rates = exposure.merge(counts, on=keys, how="left")
    rates["injuries"] = rates["injuries"].fillna(0).astype("int64")
    rates["incidence"] = _per_1000(rates["injuries"], rates["exposure_hours"])
    return checked(rates, InjuryIncidence)


def burden(
    injuries: pd.DataFrame,
    exposure_hours: float | pd.DataFrame,
    as_of: pd.Timestamp | str | None = None,
) -> float | pd.DataFrame:
    """Injury burden = days lost / exposure hours x 1000 (days lost per 1000 h; Bahr et al. 2020).

    Days lost are those of `days_lost` (time-loss injuries only; see its rules for open
    injuries and ``as_of``). ``exposure_hours`` is a number (returns a float, NaN when 0) or a
    frame of group columns plus ``exposure_hours`` (returns it plus ``days_lost`` and
    ``burden``; groups as in `incidence`).
    """
    lost = days_lost(injuries, as_of=as_of)
    if _is_number(exposure_hours):
        return _per_1000(float(lost["days_lost"].sum()), _hours(exposure_hours))
    exposure, keys = _exposure_frame(exposure_hours, lost)
    totals = lost.groupby(keys, observed=True)["days_lost"].sum().reset_index()
    rates = exposure.merge(totals, on=keys, how="left")
    rates["days_lost"] = rates["days_lost"].fillna(0.0).astype("float64")
    rates["burden"] = _per_1000(rates["days_lost"], rates["exposure_hours"])
    return checked(rates, InjuryBurden)


def days_lost(injuries: pd.DataFrame, as_of: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The injuries with ``days_lost``: days from onset to return to full participation (Fuller et al. 2006).

    Rules and choices:
    - Only time-loss injuries (``time_loss`` true) lose days; the others count 0 even when
      they have a return date. The ``time_loss`` column is required.
    - days lost = ``return_date - onset_date`` in days (the return day itself is not lost).
    - ``as_of`` (a date, e.g. the end of the reporting period) caps the count: an injury still
      open (no ``return_date``) counts up to ``as_of``, one returning after ``as_of`` counts up to
      ``as_of``, one starting after ``as_of`` counts 0. Without ``as_of`` open injuries count 0
      (their days are not known yet): pass ``as_of`` whenever open injuries matter.
    """
    injuries = _with_checked(injuries, Injuries, ("injury_id", "athlete_id", "onset_date", "return_date"))
    if "time_loss" not in injuries.columns:
        raise ValueError("days_lost needs the injuries' time_loss column")
    time_loss = injuries["time_loss"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    end = injuries["return_date"]
    if as_of is not None:
        cutoff = pd.Timestamp(as_of).normalize()
        end = end.fillna(cutoff).clip(upper=cutoff)
    days = (end - injuries["onset_date"]).dt.days.clip(lower=0).fillna(0)
    return injuries.assign(days_lost=np.where(time_loss, days, 0.0).astype("float64"))


# --------------------------------------------------------------------------- OSTRC-O2


def ostrc_severity(q1: Answer, q2: Answer, q3: Answer, q4: Answer) -> Any:
    """OSTRC-O2 severity score = Q1 + Q2 + Q3 + Q4, each scored 0/8/17/25, so 0-100 (Clarsen et al. 2013, 2020).

    Scalars give an ``int`` (``pd.NA`` if any answer is missing); Series (or arrays) give an
    ``Int64`` Series aligned on the index, missing where any answer is missing. A score that is
    not 0, 8, 17 or 25 raises ``ValueError``. Example: (17, 25, 25, 25) -> 92.
    """
    answers, scalar = _answers(q1, q2, q3, q4)
    severity = answers.sum(axis=1, min_count=4).astype("Int64")  # missing unless all four answered
    if scalar:
        return pd.NA if pd.isna(severity.iloc[0]) else int(severity.iloc[0])
    return severity


def ostrc_substantial(q1: Answer, q2: Answer, q3: Answer, q4: Answer) -> Any:
    """OSTRC-O2 substantial problem: Q1 == 25 or Q2 >= 17 or Q3 >= 17 (Clarsen et al. 2013, 2020).

    Q1 = 25: cannot participate; Q2 / Q3 >= 17: moderate or major reduction in training volume /
    performance. Q4 (symptoms) does not enter. Scalars give a ``bool``, Series a bool Series.
    A missing answer does not meet its condition (the result is False unless another answer
    meets its own); it is never missing.
    """
    answers, scalar = _answers(q1, q2, q3, q4)
    substantial = (answers["q1"] == 25) | (answers["q2"] >= 17) | (answers["q3"] >= 17)
    substantial = substantial.fillna(False).astype(bool)
    return bool(substantial.iloc[0]) if scalar else substantial


def ostrc_problem(q1: Answer, q2: Answer, q3: Answer, q4: Answer) -> Any:
    """OSTRC-O2 problem: any answer other than the first option, i.e. any score above 0 (Clarsen et al. 2013).

    Reading: the first option of every question (full participation without health problems,
    no reduction, no effect, no symptoms) scores 0; any other answer is a problem. Missing
    answers do not count; scalars give a ``bool``, Series a bool Series.
    """
    answers, scalar = _answers(q1, q2, q3, q4)
    problem = answers.gt(0).any(axis=1).astype(bool)
    return bool(problem.iloc[0]) if scalar else problem


def weekly_prevalence(ostrc_responses: pd.DataFrame, athletes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly prevalence of OSTRC-O2 problems and substantial problems (Clarsen et al. 2013, 2020).

    Output, per ``week_start`` (a Monday) and, when ``athletes`` is given, per ``team_id`` and
    ``team``: ``responders`` (athletes who answered that week), ``problems`` and
    ``substantial`` (athletes with one), ``problem_prevalence = problems / responders`` and
    ``substantial_prevalence = substantial / responders``.

    Choices:
    - Each athlete counts once per week: with several responses in a week, the athlete has a
      problem (a substantial problem) if any of those responses shows one.
    - The denominator is the responders, as in Clarsen et al. (not the squad size).
    - ``week_start`` is moved back to its Monday if it is another day.
    - With ``athletes``, responses of athletes not in it are left out (inner join).
    - Sorted by week (and team).
    """
    responses = checked(ostrc_responses, OstrcResponses)
    week_start = responses["week_start"].dt.normalize()
    responses = responses.assign(
        week_start=week_start - pd.to_timedelta(week_start.dt.day_of_week, unit="D"),
        problem=ostrc_problem(responses["q1"], responses["q2"], responses["q3"], responses["q4"]),
        substantial=ostrc_substantial(responses["q1"], responses["q2"], responses["q3"], responses["q4"]),
    )
    keys = ["week_start"]
    if athletes is not None:
        teams = checked(athletes, Athletes, ("athlete_id", "team_id", "team")).drop_duplicates("athlete_id")
        responses = responses.merge(teams, on="athlete_id", how="inner")
        keys = ["week_start", "team_id", "team"]
    per_athlete = responses.groupby([*keys, "athlete_id"], as_index=False).agg(
        problem=("problem", "max"), substantial=("substantial", "max")
    )
    weekly = per_athlete.groupby(keys, as_index=False).agg(
        responders=("athlete_id", "size"), problems=("problem", "sum"), substantial=("substantial", "sum")
    )
    weekly = weekly.astype({"responders": "int64", "problems": "int64", "substantial": "int64"})
    weekly["problem_prevalence"] = weekly["problems"] / weekly["responders"]
    weekly["substantial_prevalence"] = weekly["substantial"] / weekly["responders"]
    return checked(weekly.sort_values(keys).reset_index(drop=True), OstrcWeeklyPrevalence)


# --------------------------------------------------------------------------- helpers


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _hours(value: float) -> float:
    hours = float(value)
    if not hours >= 0:
        raise ValueError(f"exposure hours must be a number >= 0, got {value!r}")
    return hours


def _per_1000(count: Any, hours: Any) -> Any:
    """count / hours x 1000, NaN (never inf) where hours is 0."""
    if np.ndim(hours) == 0:
        return float("nan") if hours == 0 else float(count) / hours * 1000
    return (count / hours.where(hours > 0)) * 1000


def _exposure_frame(exposure: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Validate a per-group exposure frame; its group columns must also be columns of ``events``."""
    if not isinstance(exposure, pd.DataFrame):
        raise TypeError("exposure_hours must be a number or a DataFrame with an exposure_hours column")
    exposure = checked(exposure, ExposureHours)
    keys = [c for c in exposure.columns if c != "exposure_hours"]
    if not keys:
        raise ValueError("a per-group exposure frame needs group columns besides exposure_hours")
    missing = [c for c in keys if c not in events.columns]
    if missing:
        raise ValueError(f"the injuries have no {missing} column(s) to match the exposure groups on")
    return exposure, keys


def _answers(q1: Answer, q2: Answer, q3: Answer, q4: Answer) -> tuple[pd.DataFrame, bool]:
    """The four answers as a float frame (NaN = missing), checked against the OSTRC scores."""
    raw = {"q1": q1, "q2": q2, "q3": q3, "q4": q4}
    scalar = all(np.ndim(q) == 0 and not isinstance(q, pd.Series) for q in raw.values())
    frame = pd.DataFrame(raw, index=[0]) if scalar else pd.DataFrame(raw)
    answers = frame.apply(lambda column: pd.to_numeric(column, errors="raise")).astype("float64")
    bad = answers.notna() & ~answers.isin(OSTRC_SCORES)
    if bad.to_numpy().any():
        values = sorted(set(answers.to_numpy()[bad.to_numpy()].tolist()))
        raise ValueError(f"OSTRC-O2 answers must be scored {OSTRC_SCORES}, got {values}")
    return answers, scalar
