"""What each per-athlete, dated table reads as: its columns and their dtypes, the date a range filters,
and the clinical free text only therapists and admins read.

One entry per table drives the one reader of `data.queries.records`, which `data.scoped.records`
cuts to the viewer's scope; the names `data.queries.pain_reports`, `data.scoped.checkins` and so on
are that reader bound to one table. Column names are the contract of `analytics/schemas.py`; dtypes
are those of `data.bulk.typed_frame` (``datetime`` = a day as ``datetime64[ns]``, None = the type
pandas infers, for timestamps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.models import (
    FlagReview,
    Injury,
    OstrcResponse,
    PainReport,
    RomMeasurement,
    TherapySession,
    TrainingSession,
    WellnessCheckin,
)


@dataclass(frozen=True)
class TimeSeries:
    """One table as pages read it: `columns` (frame name -> dtype, in frame order) after the row id
    labelled `id_column` (when the frame carries it), then the `clinical` columns (name -> dtype) for
    readers who may see clinical notes. Rows come ordered by athlete and `date_column`, which a date
    range filters. `table` names the series; `model` is the table it reads."""

    table: str
    model: Any
    columns: dict[str, str | None]
    description: str
    id_column: str | None = None
    date_column: str = "date"
    clinical: dict[str, str | None] | None = None
    #: Only the rows whose column has this value (column -> value), for a series that is part of a table.
    only: dict[str, str] | None = None

    def dtypes(self, include_notes: bool) -> dict[str, str | None]:
        """Every column of the frame, in order, with its dtype."""
        identity = {self.id_column: "int64"} if self.id_column else {}
        notes = self.clinical if include_notes and self.clinical else {}
        return {**identity, **self.columns, **notes}


def _same(dtype: str, *names: str) -> dict[str, str | None]:
    return dict.fromkeys(names, dtype)


TIME_SERIES: dict[str, TimeSeries] = {
    series.table: series
    for series in (
        TimeSeries(
            "wellness_checkins",
            WellnessCheckin,
            {
                "athlete_id": "int64",
                "date": "datetime",
                **_same("Int64", "fatigue", "sleep_quality", "soreness", "stress", "mood"),
                "sleep_hours": "float64",
                "readiness": "Int64",
                "availability": "str",
            },
            "athlete_id, date, fatigue, sleep_quality, soreness, stress, mood (1-5, 5 best), sleep_hours, "
            "readiness, availability.",
        ),
        TimeSeries(
            "pain_reports",
            PainReport,
            {"athlete_id": "int64", "date": "datetime", "body_region": "str", "side": "str", "pain": "int64"},
            "athlete_id, date, body_region, side, pain (NPRS 0-10).",
        ),
        TimeSeries(
            "therapy_sessions",
            TherapySession,
            {
                "athlete_id": "int64",
                "therapist_id": "Int64",
                "date": "datetime",
                **_same("str", "technique", "body_region", "side"),
                "minutes": "int64",
                **_same("Int64", "pain_before", "pain_after", "discomfort", "injury_id"),
            },
            "session_id, athlete_id, therapist_id, date, technique, body_region, side, minutes, pain_before, "
            "pain_after, discomfort, injury_id, and `notes` (clinical) only for therapists and admins.",
            id_column="session_id",
            clinical={"notes": "str"},
        ),
        TimeSeries(
            "rom_measurements",
            RomMeasurement,
            {
                "athlete_id": "int64",
                "date": "datetime",
                **_same("str", "joint", "movement", "side"),
                "value": "float64",
                **_same("str", "unit", "method", "context"),
                "session_id": "Int64",
            },
            "measurement_id, athlete_id, date, joint, movement, side, value, unit, method, context, session_id.",
            id_column="measurement_id",
        ),
        TimeSeries(
            "injuries",
            Injury,
            {
                "athlete_id": "int64",
                "onset_date": "datetime",
                **_same("str", "body_region", "side", "injury_type", "onset_mode"),
                "time_loss": "bool",
                "return_date": "datetime",
            },
            "The health problems of type injury: injury_id, athlete_id, onset_date, body_region, side, injury_type, "
            "onset_mode, time_loss, return_date (NaT while not returned), and `notes` (clinical) only for "
            "therapists and admins. The range filters the onset date.",
            id_column="injury_id",
            date_column="onset_date",
            clinical={"notes": "str"},
            only={"problem_type": "injury"},
        ),
        TimeSeries(
            "health_problems",
            Injury,
            {
                "athlete_id": "int64",
                "problem_type": "str",
                "onset_date": "datetime",
                **_same("str", "body_region", "side", "injury_type", "onset_mode", "contact", "activity"),
                "training_session_id": "Int64",
                "body_area": "str",
                "time_loss": "bool",
                "return_date": "datetime",
                "index_problem_id": "Int64",
                "index_by_clinician": "bool",
            },
            "Every health problem (IOC 2020), injuries and illnesses: injury_id, athlete_id, problem_type, "
            "onset_date, body_region, side, injury_type (injuries only), onset_mode, contact, activity, "
            "training_session_id, body_area, time_loss, return_date, index_problem_id, index_by_clinician; and, "
            "only for therapists and admins, the diagnosis (tissue, pathology, organ_system, illness_cause, "
            "osiics_code, diagnosis) and the notes. The range filters the onset date.",
            id_column="injury_id",
            date_column="onset_date",
            clinical={
                **_same("str", "tissue", "pathology", "organ_system", "illness_cause", "osiics_code", "diagnosis"),
                "notes": "str",
            },
        ),
        TimeSeries(
            "training_sessions",
            TrainingSession,
            {"athlete_id": "int64", "date": "datetime", "minutes": "int64", "rpe": "float64", "kind": "str"},
            "training_id, athlete_id, date, minutes, rpe (CR-10), kind (training | match).",
            id_column="training_id",
        ),
        TimeSeries(
            "ostrc_responses",
            OstrcResponse,
            {"athlete_id": "int64", "week_start": "datetime", **_same("int64", "q1", "q2", "q3", "q4")},
            "athlete_id, week_start (Monday), q1, q2, q3, q4 (scores 0/8/17/25). The range filters week_start.",
            date_column="week_start",
        ),
        TimeSeries(
            "flag_reviews",
            FlagReview,
            {
                "athlete_id": "int64",
                "date": "datetime",
                **_same("str", "kind", "body_region", "side", "measure"),
                "closed_by": "Int64",
                "closed_at": None,
            },
            "The flags a therapist has closed: athlete_id, date, kind, body_region, side, measure, closed_by, "
            "closed_at, and the closing `note` (clinical) only for therapists and admins. The first six are the "
            'flag\'s identity (`analytics.flags.FLAG_IDENTITY`); `body_region` and `side` are "" for flags '
            'that are not about a region, `measure` is "" for flags that are not about a ROM measure.',
            clinical={"note": "str"},
        ),
    )
}
