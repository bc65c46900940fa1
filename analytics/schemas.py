"""The column contract of every frame that crosses the analytics boundary.

Input frames are what `data/queries.py` returns; output frames are what the
public analytics functions return. Validation happens at the public functions'
boundaries (`analytics.validation.checked`, which ``Schema.validate(df)`` also is), not inside every
helper. Extra columns are
allowed everywhere (``strict = False``); rows may come in any order.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Int64, Series

from analytics.validation import checked
from analytics.vocabulary import (
    AVAILABILITY,
    BODY_REGIONS,
    ILLNESS_CAUSES,
    INJURY_TYPES,
    LIMB_SIDES,
    ORGAN_SYSTEMS,
    OSTRC_SCORES,
    PROBLEM_TYPES,
    SIDES,
    TECHNIQUES,
)


class _Frame(pa.DataFrameModel):
    class Config:
        strict = False
        coerce = True

    @classmethod
    def validate(cls, check_obj: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:  # type: ignore[override]
        """pandera's validation through the one checker (`analytics.validation.checked`): the same
        verdict and errors, without pandera's fixed cost when the frame passes as it is."""
        if args or kwargs:
            return super().validate(check_obj, *args, **kwargs)
        return checked(check_obj, cls)


# --------------------------------------------------------------------------- inputs


class Athletes(_Frame):
    athlete_id: Series[int]
    team_id: Series[int]
    team: Series[str]
    display_name: Series[str]
    external_id: Series[str]
    position: Series[str] = pa.Field(nullable=True)
    dominant_side: Series[str] = pa.Field(nullable=True)
    active: Series[bool]


class TrainingSessions(_Frame):
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    minutes: Series[float] = pa.Field(gt=0)
    rpe: Series[float] = pa.Field(ge=0, le=10)


class DailyLoad(_Frame):
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    load: Series[float] = pa.Field(ge=0, nullable=True)


class WellnessCheckins(_Frame):
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    fatigue: Series[Int64] = pa.Field(ge=1, le=5, nullable=True)
    sleep_quality: Series[Int64] = pa.Field(ge=1, le=5, nullable=True)
    soreness: Series[Int64] = pa.Field(ge=1, le=5, nullable=True)
    stress: Series[Int64] = pa.Field(ge=1, le=5, nullable=True)
    mood: Series[Int64] = pa.Field(ge=1, le=5, nullable=True)
    sleep_hours: Series[float] = pa.Field(ge=0, le=24, nullable=True)
    readiness: Series[Int64] = pa.Field(ge=0, le=10, nullable=True)
    availability: Series[str] = pa.Field(isin=list(AVAILABILITY), nullable=True)


class PainReports(_Frame):
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    body_region: Series[str] = pa.Field(isin=list(BODY_REGIONS))
    side: Series[str] = pa.Field(isin=list(SIDES))
    pain: Series[int] = pa.Field(ge=0, le=10)


class Injuries(_Frame):
    injury_id: Series[int]
    athlete_id: Series[int]
    onset_date: Series[pa.DateTime]
    body_region: Series[str] = pa.Field(isin=list(BODY_REGIONS))
    side: Series[str] = pa.Field(isin=list(SIDES))
    injury_type: Series[str] = pa.Field(isin=list(INJURY_TYPES))
    return_date: Series[pa.DateTime] = pa.Field(nullable=True)


class TherapySessions(_Frame):
    session_id: Series[int]
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    technique: Series[str] = pa.Field(isin=list(TECHNIQUES))
    body_region: Series[str] = pa.Field(isin=list(BODY_REGIONS))
    side: Series[str] = pa.Field(isin=list(SIDES))
    minutes: Series[float] = pa.Field(gt=0)
    pain_before: Series[Int64] = pa.Field(ge=0, le=10, nullable=True)
    pain_after: Series[Int64] = pa.Field(ge=0, le=10, nullable=True)
    discomfort: Series[Int64] = pa.Field(ge=0, le=10, nullable=True)
    injury_id: Series[Int64] = pa.Field(nullable=True)


class RomMeasurements(_Frame):
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    joint: Series[str]
    movement: Series[str]
    side: Series[str] = pa.Field(isin=list(LIMB_SIDES))
    value: Series[float]
    unit: Series[str] = pa.Field(isin=["deg", "cm"])
    method: Series[str]
    context: Series[str]


class OstrcResponses(_Frame):
    athlete_id: Series[int]
    week_start: Series[pa.DateTime]
    q1: Series[int] = pa.Field(isin=list(OSTRC_SCORES))
    q2: Series[int] = pa.Field(isin=list(OSTRC_SCORES))
    q3: Series[int] = pa.Field(isin=list(OSTRC_SCORES))
    q4: Series[int] = pa.Field(isin=list(OSTRC_SCORES))


class RomNorms(_Frame):
    joint: Series[str]
    movement: Series[str]
    unit: Series[str] = pa.Field(isin=["deg", "cm"])
    normal_value: Series[float]
    mdc: Series[float] = pa.Field(gt=0)
    method: Series[str]
    source: Series[str]


# --------------------------------------------------------------------------- outputs: workload, recurrence, surveillance

#: Fuller et al. (2006, 2007) categories of an injury relative to earlier ones at the same site.
RECURRENCE_CATEGORIES: tuple[str, ...] = (
    "new",
    "exacerbation",
    "recurrent_early",
    "recurrent_late",
    "recurrent_delayed",
)


class _Uncoerced(_Frame):
    """Outputs are built with the right dtypes: checked, not coerced (coercion would hide a bug and copy)."""

    class Config:
        coerce = False


class Acwr(_Uncoerced):
    """`analytics.workload.acwr`: one row per athlete and calendar day."""

    athlete_id: Series[int]
    date: Series[pa.DateTime]
    acute: Series[float] = pa.Field(ge=0, nullable=True)
    chronic: Series[float] = pa.Field(ge=0, nullable=True)
    acwr: Series[float] = pa.Field(ge=0, nullable=True)


class MonotonyStrain(_Uncoerced):
    """`analytics.workload.monotony_strain`: one row per athlete and Monday-to-Sunday week."""

    athlete_id: Series[int]
    week_start: Series[pa.DateTime]
    load: Series[float] = pa.Field(ge=0, nullable=True)
    days: Series[int] = pa.Field(ge=0, le=7)
    monotony: Series[float] = pa.Field(ge=0, nullable=True)
    strain: Series[float] = pa.Field(ge=0, nullable=True)


class ClassifiedInjuries(Injuries):
    """`analytics.recurrence.classify_injuries`: the injuries plus their Fuller category.

    Coerced like the inputs: it is also the input check of `recurrence_rate` and
    `time_between_episodes`, which accept a classified frame from anywhere.
    """

    category: Series[str] = pa.Field(isin=list(RECURRENCE_CATEGORIES))
    index_injury_id: Series[Int64] = pa.Field(nullable=True)


class RecurrenceRate(_Uncoerced):
    """`analytics.recurrence.recurrence_rate`: one row per group (grouping columns vary)."""

    injuries: Series[int] = pa.Field(ge=1)
    recurrences: Series[int] = pa.Field(ge=0)
    exacerbations: Series[int] = pa.Field(ge=0)
    recurrence_rate: Series[float] = pa.Field(ge=0, le=1)


class EpisodeIntervals(_Uncoerced):
    """`analytics.recurrence.time_between_episodes`: one row per injury that repeats an earlier one."""

    injury_id: Series[int]
    athlete_id: Series[int]
    index_injury_id: Series[int]
    category: Series[str] = pa.Field(isin=list(RECURRENCE_CATEGORIES[1:]))
    onset_date: Series[pa.DateTime]
    days_between: Series[int] = pa.Field(ge=0)
    days_from_index_onset: Series[int] = pa.Field(ge=0)
    days_from_index_return: Series[Int64] = pa.Field(ge=0, nullable=True)


class ExposureHours(_Uncoerced):
    """`analytics.surveillance.exposure_hours(..., by=...)`: grouping columns plus the hours."""

    exposure_hours: Series[float] = pa.Field(ge=0)


class InjuryIncidence(_Uncoerced):
    """`analytics.surveillance.incidence` with an exposure frame: per group, injuries per 1000 h."""

    exposure_hours: Series[float] = pa.Field(ge=0)
    injuries: Series[int] = pa.Field(ge=0)
    incidence: Series[float] = pa.Field(ge=0, nullable=True)


class InjuryBurden(_Uncoerced):
    """`analytics.surveillance.burden` with an exposure frame: per group, days lost per 1000 h."""

    exposure_hours: Series[float] = pa.Field(ge=0)
    days_lost: Series[float] = pa.Field(ge=0)
    burden: Series[float] = pa.Field(ge=0, nullable=True)


class OstrcWeeklyPrevalence(_Uncoerced):
    """`analytics.surveillance.weekly_prevalence`: one row per week (and team)."""

    week_start: Series[pa.DateTime]
    responders: Series[int] = pa.Field(ge=1)
    problems: Series[int] = pa.Field(ge=0)
    substantial: Series[int] = pa.Field(ge=0)
    problem_prevalence: Series[float] = pa.Field(ge=0, le=1)
    substantial_prevalence: Series[float] = pa.Field(ge=0, le=1)


# --------------------------------------------------------------------------- outputs: recovery, rom, soreness, flags


class PainTrend(_Uncoerced):
    """`analytics.recovery.pain_trend`: per athlete, region, side and report date."""

    athlete_id: Series[int]
    body_region: Series[str]
    side: Series[str]
    date: Series[pa.DateTime]
    pain: Series[int] = pa.Field(ge=0, le=10)
    pain_rolling_mean: Series[float] = pa.Field(ge=0, le=10)
    rolling_n: Series[int] = pa.Field(ge=1)


class EpisodePain(_Uncoerced):
    """`analytics.recovery.episode_pain`: per injury episode and report day."""

    injury_id: Series[int]
    athlete_id: Series[int]
    body_region: Series[str]
    side: Series[str]
    onset_date: Series[pa.DateTime]
    date: Series[pa.DateTime]
    day: Series[int] = pa.Field(ge=0)
    pain: Series[int] = pa.Field(ge=0, le=10)
    pain_rolling_mean: Series[float] = pa.Field(ge=0, le=10)
    baseline_pain: Series[float] = pa.Field(ge=0, le=10, nullable=True)
    change: Series[float] = pa.Field(ge=-10, le=10, nullable=True)
    pct_change: Series[float] = pa.Field(nullable=True)
    important_improvement: Series[bool]


class RecoveryEpisodes(_Uncoerced):
    """`analytics.recovery.recovery_episodes`: one row per injury, with censoring for Kaplan-Meier."""

    injury_id: Series[int]
    athlete_id: Series[int]
    body_region: Series[str]
    side: Series[str]
    injury_type: Series[str]
    onset_date: Series[pa.DateTime]
    end_date: Series[pa.DateTime]
    n_reports: Series[int] = pa.Field(ge=0)
    baseline_pain: Series[float] = pa.Field(ge=0, le=10, nullable=True)
    last_pain: Series[float] = pa.Field(ge=0, le=10, nullable=True)
    improvement_date: Series[pa.DateTime] = pa.Field(nullable=True)
    resolution_date: Series[pa.DateTime] = pa.Field(nullable=True)
    resolved: Series[bool]
    days_to_resolution: Series[float] = pa.Field(ge=0, nullable=True)
    resolution_time: Series[float] = pa.Field(ge=0)
    return_date: Series[pa.DateTime] = pa.Field(nullable=True)
    returned: Series[bool]
    days_to_return: Series[float] = pa.Field(ge=0, nullable=True)
    return_time: Series[float] = pa.Field(ge=0)
    team_id: Series[pa.INT64] = pa.Field(nullable=True)
    team: Series[str] = pa.Field(nullable=True)
    technique: Series[str] = pa.Field(nullable=True)


class KmCurve(_Uncoerced):
    """`analytics.recovery.km_curves`: Kaplan-Meier estimate per group and time point."""

    group: Series[str]
    days: Series[float] = pa.Field(ge=0)
    survival: Series[float] = pa.Field(ge=0, le=1)
    ci_lower: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    ci_upper: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    at_risk: Series[int] = pa.Field(ge=0)
    events: Series[int] = pa.Field(ge=0)
    censored: Series[int] = pa.Field(ge=0)


class KmMedian(_Uncoerced):
    """`analytics.recovery.km_medians`: Kaplan-Meier median per group (missing when not reached)."""

    group: Series[str]
    n: Series[int] = pa.Field(ge=1)
    events: Series[int] = pa.Field(ge=0)
    censored: Series[int] = pa.Field(ge=0)
    median_days: Series[float] = pa.Field(ge=0, nullable=True)
    median_ci_lower: Series[float] = pa.Field(ge=0, nullable=True)
    median_ci_upper: Series[float] = pa.Field(ge=0, nullable=True)


class SessionResponse(_Uncoerced):
    """`analytics.recovery.session_response`: per therapy session."""

    session_id: Series[int]
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    technique: Series[str]
    body_region: Series[str]
    side: Series[str]
    injury_id: Series[pa.INT64] = pa.Field(nullable=True)
    pain_before: Series[pa.INT64] = pa.Field(ge=0, le=10, nullable=True)
    pain_after: Series[pa.INT64] = pa.Field(ge=0, le=10, nullable=True)
    pain_relief: Series[float] = pa.Field(ge=-10, le=10, nullable=True)
    next_date: Series[pa.DateTime] = pa.Field(nullable=True)
    next_pain: Series[float] = pa.Field(ge=0, le=10, nullable=True)
    held: Series[pa.BOOL] = pa.Field(nullable=True)  # pandas "boolean": True / False / <NA>


class SessionRomChange(_Uncoerced):
    """`analytics.recovery.session_rom_change`: ROM post - pre per session, measure and side."""

    session_id: Series[int]
    athlete_id: Series[int]
    date: Series[pa.DateTime]
    joint: Series[str]
    movement: Series[str]
    side: Series[str]
    unit: Series[str] = pa.Field(isin=["deg", "cm"])
    pre: Series[float]
    post: Series[float]
    change: Series[float]
    mdc: Series[float] = pa.Field(gt=0)
    real_change: Series[bool]


class TreatmentSummary(_Uncoerced):
    """`analytics.recovery.treatment_summary`: per group (default technique, body_region) and outcome."""

    outcome: Series[str]
    unit: Series[str]
    n: Series[int] = pa.Field(ge=1)
    mean: Series[float]
    sd: Series[float] = pa.Field(ge=0, nullable=True)
    ci_lower: Series[float] = pa.Field(nullable=True)
    ci_upper: Series[float] = pa.Field(nullable=True)
    n_held_known: Series[int] = pa.Field(ge=0)
    n_held: Series[int] = pa.Field(ge=0)
    share_held: Series[float] = pa.Field(ge=0, le=1, nullable=True)


class ChronicPain(_Uncoerced):
    """`analytics.recovery.chronic_pain`: per athlete, region and side over the last 12 weeks."""

    athlete_id: Series[int]
    body_region: Series[str]
    side: Series[str]
    weeks: Series[int] = pa.Field(ge=1)
    weeks_with_pain: Series[int] = pa.Field(ge=1)
    n_reports: Series[int] = pa.Field(ge=1)
    mean_pain: Series[float] = pa.Field(ge=0, le=10)
    max_pain: Series[int] = pa.Field(ge=0, le=10)
    first_date: Series[pa.DateTime]
    last_date: Series[pa.DateTime]
    chronic: Series[bool]


class RomStatus(_Uncoerced):
    """`analytics.rom.rom_status`: baseline, latest and change per athlete, measure and side."""

    athlete_id: Series[int]
    joint: Series[str]
    movement: Series[str]
    side: Series[str] = pa.Field(isin=["left", "right"])
    unit: Series[str] = pa.Field(isin=["deg", "cm"])
    method: Series[str]
    baseline_date: Series[pa.DateTime]
    baseline_value: Series[float]
    baseline_context: Series[str] = pa.Field(isin=["baseline", "first"])
    latest_date: Series[pa.DateTime]
    latest_value: Series[float]
    n_dates: Series[int] = pa.Field(ge=1)
    change: Series[float] = pa.Field(nullable=True)
    mdc: Series[float] = pa.Field(gt=0)
    change_real: Series[bool]
    normal_value: Series[float] = pa.Field(nullable=True)
    pct_of_norm: Series[float] = pa.Field(nullable=True)


class RomSymmetry(_Uncoerced):
    """`analytics.rom.rom_symmetry`: left vs right per athlete, measure and day with both sides."""

    athlete_id: Series[int]
    joint: Series[str]
    movement: Series[str]
    unit: Series[str] = pa.Field(isin=["deg", "cm"])
    date: Series[pa.DateTime]
    left: Series[float]
    right: Series[float]
    abs_diff: Series[float] = pa.Field(ge=0)
    larger: Series[float] = pa.Field(ge=0)
    mdc: Series[float] = pa.Field(gt=0)
    exceeds_mdc: Series[bool]
    exceeds_fraction: Series[bool]
    asymmetric: Series[bool]
    involved_side: Series[str] = pa.Field(nullable=True)
    involved_basis: Series[str] = pa.Field(isin=["injury", "smaller", "equal"])
    injury_id: Series[pa.INT64] = pa.Field(nullable=True)
    lsi: Series[float] = pa.Field(ge=0, nullable=True)


class TeamSoreness(_Uncoerced):
    """`analytics.soreness.team_soreness`: daily distribution of soreness_score = 6 - soreness."""

    date: Series[pa.DateTime]
    n_checkins: Series[int] = pa.Field(ge=1)
    soreness_score_median: Series[float] = pa.Field(ge=1, le=5)
    soreness_score_q1: Series[float] = pa.Field(ge=1, le=5)
    soreness_score_q3: Series[float] = pa.Field(ge=1, le=5)
    n_sore: Series[int] = pa.Field(ge=0)
    share_sore: Series[float] = pa.Field(ge=0, le=1)


class RegionPainShare(_Uncoerced):
    """`analytics.soreness.region_pain_share`: per period and body region."""

    period_start: Series[pa.DateTime]
    body_region: Series[str] = pa.Field(isin=list(BODY_REGIONS))
    n_with_pain: Series[int] = pa.Field(ge=0)
    n_checked_in: Series[int] = pa.Field(ge=1)
    share: Series[float] = pa.Field(ge=0, le=1)


class DailyCompliance(_Uncoerced):
    """`analytics.soreness.daily_compliance`: active athletes who checked in / active athletes."""

    date: Series[pa.DateTime]
    n_checked_in: Series[int] = pa.Field(ge=0)
    n_active: Series[int] = pa.Field(ge=0)
    compliance: Series[float] = pa.Field(ge=0, le=1, nullable=True)


class WeeklyCompliance(_Uncoerced):
    """`analytics.soreness.weekly_compliance`: per Monday-to-Sunday week."""

    week_start: Series[pa.DateTime]
    days: Series[int] = pa.Field(ge=1, le=7)
    n_active: Series[int] = pa.Field(ge=0)
    n_checkins: Series[int] = pa.Field(ge=0)
    athlete_days: Series[int] = pa.Field(ge=0)
    compliance: Series[float] = pa.Field(ge=0, le=1, nullable=True)
    n_athletes_any: Series[int] = pa.Field(ge=0)
    share_any: Series[float] = pa.Field(ge=0, le=1, nullable=True)


class Flags(_Uncoerced):
    """`analytics.flags`: one row per flag, with its rule, the values that tripped it and the baseline size.

    One row per identity (`analytics.flags.FLAG_IDENTITY`: athlete, date, kind, region, side, measure);
    ``body_region`` and ``side`` are missing for kinds not about a region, ``measure`` is the ROM measure's
    ``joint/movement`` for ``rom_asymmetry`` and ``""`` for every other kind."""

    athlete_id: Series[int]
    date: Series[pa.DateTime]
    kind: Series[str] = pa.Field(
        isin=[
            "pain_spike",
            "persistent_pain",
            "new_pain_injured_region",
            "rom_asymmetry",
            "wellness_drop",
            "missing_checkin",
            "ostrc_substantial",
        ]
    )
    rule: Series[str]
    values: Series[str]
    baseline_n: Series[pa.INT64] = pa.Field(ge=0, nullable=True)
    body_region: Series[str] = pa.Field(nullable=True)
    side: Series[str] = pa.Field(nullable=True)
    measure: Series[str]


# --------------------------------------------------------------------------- health problems (IOC 2020; issue 13)

#: Who decided a problem's recurrence category: the Fuller rule (`analytics.recurrence.classify_injuries`)
#: or the clinician's own choice of index problem (``index_by_clinician``).
CLASSIFIED_BY: tuple[str, ...] = ("automatic", "clinician")


class HealthProblems(_Frame):
    """Health problems (Bahr et al. 2020): injuries and illnesses, `data.time_series` "health_problems".

    Injuries carry region, side and type (the Fuller rule's site); illnesses the organ system and cause
    (clinical columns: only in a therapist's or admin's frame)."""

    injury_id: Series[int]
    athlete_id: Series[int]
    problem_type: Series[str] = pa.Field(isin=list(PROBLEM_TYPES))
    onset_date: Series[pa.DateTime]
    return_date: Series[pa.DateTime] = pa.Field(nullable=True)
    body_region: Series[str] = pa.Field(isin=list(BODY_REGIONS), nullable=True)
    side: Series[str] = pa.Field(isin=list(SIDES), nullable=True)
    injury_type: Series[str] = pa.Field(isin=list(INJURY_TYPES), nullable=True)
    organ_system: Series[str] = pa.Field(isin=list(ORGAN_SYSTEMS), nullable=True)
    illness_cause: Series[str] = pa.Field(isin=list(ILLNESS_CAUSES), nullable=True)
    index_problem_id: Series[Int64] = pa.Field(nullable=True)
    index_by_clinician: Series[bool]


class ClassifiedProblems(_Frame):
    """`analytics.recurrence.classify_problems`: the problems plus their category, its index problem and
    who decided it."""

    injury_id: Series[int]
    athlete_id: Series[int]
    problem_type: Series[str] = pa.Field(isin=list(PROBLEM_TYPES))
    onset_date: Series[pa.DateTime]
    return_date: Series[pa.DateTime] = pa.Field(nullable=True)
    category: Series[str] = pa.Field(isin=list(RECURRENCE_CATEGORIES))
    index_injury_id: Series[Int64] = pa.Field(nullable=True)
    classified_by: Series[str] = pa.Field(isin=list(CLASSIFIED_BY))


class ProblemRates(_Uncoerced):
    """`analytics.surveillance.rates`: per group and exposure (training, match, all), the cases and hours,
    incidence and burden per 1000 h with exact Poisson 95 % limits."""

    exposure: Series[str] = pa.Field(isin=["training", "match", "all"])
    cases: Series[int] = pa.Field(ge=0)
    hours: Series[float] = pa.Field(ge=0)
    incidence: Series[float] = pa.Field(ge=0, nullable=True)
    incidence_low: Series[float] = pa.Field(ge=0, nullable=True)
    incidence_high: Series[float] = pa.Field(ge=0, nullable=True)
    days_lost: Series[float] = pa.Field(ge=0)
    burden: Series[float] = pa.Field(ge=0, nullable=True)
    burden_low: Series[float] = pa.Field(ge=0, nullable=True)
    burden_high: Series[float] = pa.Field(ge=0, nullable=True)


class RiskMatrix(_Uncoerced):
    """`analytics.surveillance.risk_matrix`: per group, incidence (all exposure) and mean severity."""

    cases: Series[int] = pa.Field(ge=1)
    hours: Series[float] = pa.Field(ge=0)
    incidence: Series[float] = pa.Field(ge=0, nullable=True)
    incidence_low: Series[float] = pa.Field(ge=0, nullable=True)
    incidence_high: Series[float] = pa.Field(ge=0, nullable=True)
    days_lost: Series[float] = pa.Field(ge=0)
    mean_severity: Series[float] = pa.Field(ge=0)
    burden: Series[float] = pa.Field(ge=0, nullable=True)
