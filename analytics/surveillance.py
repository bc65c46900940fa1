"""Injury and illness surveillance: exposure, days lost, incidence and burden per 1000 h with their
intervals, the risk matrix, and the OSTRC-O2 questionnaire.

- Exposure hours = training and match minutes / 60 (DESIGN.md, "Domain model").
- Incidence = cases / exposure hours x 1000; burden = days lost / exposure hours x 1000
  (Bahr et al. 2020, IOC consensus, "Expressing risk" and "Burden of health problems"; DESIGN.md,
  "Surveillance"). 95 % limits: exact Poisson (Garwood 1936), see `poisson_limits`.
- Days lost: Bahr et al. 2020, Table 10 ("Practical examples of how to calculate time loss"): neither
  the day of onset nor the day of return counts, see `days_lost`. Severity groups: `severity_group`.
- Risk matrix: incidence against mean severity (days lost per case), whose product is the burden
  (Bahr, Clarsen & Ekstrand 2018, BJSM 52:1018).
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
    ProblemRates,
    RiskMatrix,
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

    Every injury row counts: filter the period, the time-loss flag or the onset mode before
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
    """The problems with ``days_lost``: the days the athlete was unable to take full part in training and
    competition (Bahr et al. 2020, IOC consensus, "Severity of health problems" and Table 10).

    The rule, read from the consensus's worked examples (Table 10): neither the day of onset nor the day
    of return to full participation counts, so days lost = ``return_date - onset_date - 1``, and 0 when
    the athlete is back the same day or the next:
    - a hamstring strain in training on a Monday, back to normal training on Monday of the following
      week: 6 days (Fuller et al. 2006 counted ``return - onset`` = 7);
    - a player substituted in a match, back in another match the same day: 0;
    - a cyclist who stops a session with diarrhoea and trains normally the next day: 0;
    - a shoulder injured in a Saturday match, able to train normally on the Tuesday: 2.
    The consensus's "delayed" (time loss starting days after onset) and "intermittent" (single days
    missed) examples need the days missed, which Fascia does not record: the count runs from onset.

    Choices:
    - Only time-loss problems (``time_loss`` true) lose days; the others count 0 even when they have
      a return date. The ``time_loss`` column is required.
    - ``as_of`` (a date, e.g. the end of the reporting period) caps the count: a problem still open
      (no ``return_date``) or returning after ``as_of`` counts the days after onset up to and including
      ``as_of`` (the athlete is still out that day), one starting after ``as_of`` counts 0. Without
      ``as_of`` open problems count 0 (their days are not known yet): pass ``as_of`` whenever open
      problems matter.
    """
    injuries = _with_checked(injuries, Injuries, ("injury_id", "athlete_id", "onset_date", "return_date"))
    if "time_loss" not in injuries.columns:
        raise ValueError("days_lost needs the injuries' time_loss column")
    time_loss = injuries["time_loss"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    last_day_out = injuries["return_date"] - pd.Timedelta(days=1)
    if as_of is not None:
        cutoff = pd.Timestamp(as_of).normalize()
        last_day_out = last_day_out.fillna(cutoff).clip(upper=cutoff)
    days = (last_day_out - injuries["onset_date"]).dt.days.clip(lower=0).fillna(0)
    return injuries.assign(days_lost=np.where(time_loss, days, 0.0).astype("float64"))


#: Severity groups by days lost: (code, fewest days, most days) — Fuller et al. 2006 (slight 0 days,
#: minimal 1-3, mild 4-7, moderate 8-28, severe > 28), the groups the IOC 2020 consensus builds on.
SEVERITY_GROUPS: tuple[tuple[str, float, float], ...] = (
    ("slight", 0, 0),
    ("minimal", 1, 3),
    ("mild", 4, 7),
    ("moderate", 8, 28),
    ("severe", 29, float("inf")),
)


def severity_group(days: Any) -> Any:
    """The severity group of a number of days lost (`SEVERITY_GROUPS`, Fuller et al. 2006): ``slight`` (0
    days), ``minimal`` (1-3), ``mild`` (4-7), ``moderate`` (8-28), ``severe`` (more than 28).

    A scalar gives its code (None when missing); a Series gives a Series of codes (missing where the days
    are). Negative days raise ``ValueError``."""
    values = pd.Series([days] if np.ndim(days) == 0 else days, dtype="float64")
    if (values < 0).any():
        raise ValueError(f"days lost must be >= 0, got {values[values < 0].tolist()}")
    upper = np.array([high for _, _, high in SEVERITY_GROUPS])
    codes = np.array([code for code, _, _ in SEVERITY_GROUPS], dtype=object)
    picked = codes[np.searchsorted(upper, values.fillna(0).to_numpy(), side="left")]
    groups = pd.Series(np.where(values.isna(), None, picked), dtype=object)
    if np.ndim(days) == 0:
        return groups.iloc[0]
    return groups.set_axis(days.index) if isinstance(days, pd.Series) else groups


# --------------------------------------------------------------------------- intervals, rates, risk matrix

#: Exposure kinds of the rates (training_sessions.kind) and "all" (training and match together).
EXPOSURES: tuple[str, ...] = ("training", "match", "all")


def poisson_limits(count: Any, hours: Any, level: float = 0.95) -> tuple[Any, Any]:
    """Exact Poisson limits of a rate per 1000 h: (low, high) for `count` events in `hours` (Garwood 1936).

    low = chi2.ppf(a / 2, 2k) / 2 / hours x 1000 (0 when k = 0), high = chi2.ppf(1 - a / 2, 2k + 2) / 2 /
    hours x 1000, a = 1 - `level`: the interval the IOC 2020 consensus's rates are reported with when
    no model is fitted (the consensus's own recommendation could not be read; exact Poisson is the
    usual choice for a count over person-time). Example: 5 cases in 1000 h -> 1.62 to 11.67 per 1000 h.
    Burden uses it with the days lost as the count (days treated as Poisson events, which ignores that
    they come in clusters: the interval is too narrow when a few long absences dominate).

    Scalars give floats; arrays or Series give arrays. Hours of 0 give NaN limits.
    """
    from scipy import stats  # here, not at the top: scipy.stats costs the first page 0.7-1 s to import

    k = np.asarray(count, dtype="float64")
    h = np.asarray(hours, dtype="float64")
    alpha = 1 - level
    low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(h > 0, 1000 / np.where(h > 0, h, 1), np.nan)
    low, high = low * per, high * per
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def rates(
    problems: pd.DataFrame,
    training_sessions: pd.DataFrame,
    by: str | Sequence[str] = (),
    as_of: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Incidence and burden per 1000 h for training, match and all exposure, each with exact Poisson 95 %
    limits and the cases and hours beside it (Bahr et al. 2020, "Expressing risk").

    - ``problems``: the problems to count (filter the period and the problem type first), with
      ``injury_id, athlete_id, onset_date, return_date, time_loss`` and ``activity`` (what the athlete
      was doing when the problem began; ``training`` and ``match`` count against their own exposure,
      the others only against all exposure), plus the ``by`` columns.
    - ``training_sessions``: the exposure (``minutes``, ``kind`` = training | match).
    - Output: the ``by`` columns, ``exposure`` (training, match, all), ``cases``, ``hours``,
      ``incidence``, ``incidence_low``, ``incidence_high``, ``days_lost`` (`days_lost` with ``as_of``),
      ``burden``, ``burden_low``, ``burden_high``. Without ``by``: three rows, even with no problems.
      With ``by``: only the groups with a problem (a missing group value is a group of its own), each
      against the whole exposure of its kind (the exposure is not split by body area or tissue).
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [c for c in ("activity", *keys) if c not in problems.columns]
    if missing:
        raise ValueError(f"rates needs the problems' {missing} column(s)")
    lost = days_lost(problems, as_of=as_of)
    hours = _hours_by_kind(training_sessions)
    counts = _counts(lost, keys, {kind: lost["activity"] == kind for kind in EXPOSURES[:2]})
    frames = [
        counts[[*keys, f"cases_{kind}", f"days_{kind}"]]
        .rename(columns={f"cases_{kind}": "cases", f"days_{kind}": "days_lost"})
        .assign(exposure=kind, hours=hours[kind])
        for kind in EXPOSURES
    ]
    out = _with_rates(pd.concat(frames, ignore_index=True))
    return checked(out[[*keys, *ProblemRates.to_schema().columns]], ProblemRates)


def risk_matrix(
    problems: pd.DataFrame,
    training_sessions: pd.DataFrame,
    by: str | Sequence[str],
    as_of: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """The risk matrix (Bahr, Clarsen & Ekstrand 2018; Bahr et al. 2020, "Burden of health problems"): per
    group, incidence per 1000 h of all exposure (with exact Poisson limits) against mean severity = days
    lost per case (`days_lost` with ``as_of``; cases without time loss count 0 days, so incidence x mean
    severity = burden).

    Output: the ``by`` columns, ``cases``, ``hours``, ``incidence``, ``incidence_low``,
    ``incidence_high``, ``days_lost``, ``mean_severity``, ``burden``; one row per group with a case,
    sorted by burden, largest first.
    """
    keys = [by] if isinstance(by, str) else list(by)
    lost = days_lost(problems, as_of=as_of)
    counts = _counts(lost, keys, {}).rename(columns={"cases_all": "cases", "days_all": "days_lost"})
    matrix = _with_rates(counts[counts["cases"] > 0].assign(hours=_hours_by_kind(training_sessions)["all"]))
    matrix = matrix.assign(mean_severity=matrix["days_lost"] / matrix["cases"])
    matrix = matrix.sort_values(["burden", "cases"], ascending=False, kind="stable", na_position="last")
    return checked(matrix[[*keys, *RiskMatrix.to_schema().columns]].reset_index(drop=True), RiskMatrix)


def _hours_by_kind(training_sessions: pd.DataFrame) -> dict[str, float]:
    """Exposure hours of training, of matches and of both (`EXPOSURES`), from the sessions' minutes."""
    sessions = _with_checked(training_sessions, TrainingSessions, ("athlete_id", "minutes"))
    if "kind" not in sessions.columns:
        raise ValueError("the training sessions need their kind column (training | match)")
    minutes = sessions.groupby("kind", observed=True)["minutes"].sum()
    hours = {kind: float(minutes.get(kind, 0)) / 60 for kind in EXPOSURES[:2]}
    return {**hours, "all": float(minutes.sum()) / 60}


def _counts(lost: pd.DataFrame, keys: list[str], subsets: dict[str, pd.Series]) -> pd.DataFrame:
    """Per group of `keys` (one row without keys, even with no problems): ``cases_all`` and ``days_all``
    over every problem of `lost`, and ``cases_<name>`` / ``days_<name>`` over each subset (a mask)."""
    masks = {"all": pd.Series(True, index=lost.index), **subsets}
    columns: dict[str, pd.Series] = {}
    for name, mask in masks.items():
        columns[f"cases_{name}"] = mask.astype("int64")
        columns[f"days_{name}"] = lost["days_lost"].where(mask, 0.0)
    work = pd.DataFrame(columns, index=lost.index)
    if not keys:
        return work.sum().to_frame().T.astype({c: "int64" for c in columns if c.startswith("cases_")})
    work[keys] = lost[keys]
    return work.groupby(keys, dropna=False, observed=True, as_index=False)[list(columns)].sum()


def _with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (``cases``, ``days_lost``, ``hours``) plus incidence and burden per 1000 h and their limits."""
    hours = frame["hours"]
    incidence_low, incidence_high = poisson_limits(frame["cases"], hours)
    burden_low, burden_high = poisson_limits(frame["days_lost"], hours)
    return frame.astype({"cases": "int64", "days_lost": "float64", "hours": "float64"}).assign(
        incidence=_per_1000(frame["cases"].astype("float64"), hours),
        incidence_low=incidence_low,
        incidence_high=incidence_high,
        burden=_per_1000(frame["days_lost"].astype("float64"), hours),
        burden_low=burden_low,
        burden_high=burden_high,
    )


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
