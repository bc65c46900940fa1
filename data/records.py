"""What a valid record of each kind looks like: fields, types, bounds and natural keys.

One spec serves the entry forms, the CLI and the imports, and mirrors the CHECK
constraints of `data/models.py` so a bad value is refused with a message that
names the row and the field before the database ever sees it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from analytics.vocabulary import (
    ACTIVITIES,
    AVAILABILITY,
    BODY_AREAS,
    BODY_REGIONS,
    CONTACTS,
    ILLNESS_CAUSES,
    INJURY_TYPES,
    LIMB_SIDES,
    ONSET_MODES,
    ORGAN_SYSTEMS,
    OSTRC_SCORES,
    PATHOLOGIES,
    PROBLEM_TYPES,
    ROM_CONTEXTS,
    ROM_UNITS,
    SIDES,
    TECHNIQUES,
    TISSUES,
    TRAINING_KINDS,
)
from data.models import (
    Injury,
    OstrcResponse,
    PainReport,
    RomMeasurement,
    TherapySession,
    TrainingSession,
    WellnessCheckin,
)

Kind = Literal["int", "float", "str", "date", "bool"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = True
    low: float | None = None
    high: float | None = None
    above: float | None = None
    choices: tuple[Any, ...] | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class RecordKind:
    """A kind of record: its model, its fields, and the natural key a saved or imported record is matched
    on to update the stored one (None: never matched, always inserted). The key is NULL-safe: a missing
    value matches a missing value, so a health problem's key holds the fields of both an injury (region,
    side, type) and an illness (organ system), each blank for the other."""

    name: str
    model: Any
    fields: tuple[Field, ...]
    natural_key: tuple[str, ...] | None

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_key(self) -> list[str]:
        """The natural key's fields every record has: a row missing one of them is refused already, and
        is not compared with the others."""
        required = {f.name for f in self.fields if f.required}
        return [k for k in self.natural_key or () if k in required]


def _score(name: str, low: int, high: int, required: bool = False) -> Field:
    return Field(name, "int", required=required, low=low, high=high)


ATHLETE = Field("athlete_id", "int")
#: The longest OSIICS code taken (OSIICS codes are four to six characters; a little room for local use).
OSIICS_MAX_LENGTH = 8

RECORD_KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            "wellness_checkins",
            WellnessCheckin,
            (
                ATHLETE,
                Field("date", "date"),
                _score("fatigue", 1, 5),
                _score("sleep_quality", 1, 5),
                _score("soreness", 1, 5),
                _score("stress", 1, 5),
                _score("mood", 1, 5),
                Field("sleep_hours", "float", required=False, low=0, high=24),
                _score("readiness", 0, 10),
                Field("availability", "str", required=False, choices=AVAILABILITY),
            ),
            ("athlete_id", "date"),
        ),
        RecordKind(
            "pain_reports",
            PainReport,
            (
                ATHLETE,
                Field("date", "date"),
                Field("body_region", "str", choices=BODY_REGIONS),
                Field("side", "str", choices=SIDES),
                _score("pain", 0, 10, required=True),
            ),
            ("athlete_id", "date", "body_region", "side"),
        ),
        RecordKind(
            "therapy_sessions",
            TherapySession,
            (
                ATHLETE,
                Field("therapist_id", "int", required=False),
                Field("date", "date"),
                Field("technique", "str", choices=TECHNIQUES),
                Field("body_region", "str", choices=BODY_REGIONS),
                Field("side", "str", choices=SIDES),
                Field("minutes", "int", above=0, high=600),
                _score("pain_before", 0, 10),
                _score("pain_after", 0, 10),
                _score("discomfort", 0, 10),
                Field("injury_id", "int", required=False),
                Field("notes", "str", required=False, max_length=4000),
            ),
            ("athlete_id", "date", "technique", "body_region", "side"),
        ),
        RecordKind(
            "rom_measurements",
            RomMeasurement,
            (
                ATHLETE,
                Field("date", "date"),
                Field("joint", "str", max_length=32),
                Field("movement", "str", max_length=48),
                Field("side", "str", choices=LIMB_SIDES),
                Field("value", "float", low=-40, high=200),
                Field("unit", "str", choices=ROM_UNITS),
                Field("method", "str", max_length=32),
                Field("context", "str", choices=ROM_CONTEXTS),
                Field("session_id", "int", required=False),
                Field("measured_by", "int", required=False),
            ),
            ("athlete_id", "date", "joint", "movement", "side", "context"),
        ),
        RecordKind(
            "injuries",
            Injury,
            (
                ATHLETE,
                Field("problem_type", "str", required=False, choices=PROBLEM_TYPES),
                Field("onset_date", "date"),
                Field("body_region", "str", required=False, choices=BODY_REGIONS),
                Field("side", "str", required=False, choices=SIDES),
                Field("injury_type", "str", required=False, choices=INJURY_TYPES),
                Field("onset_mode", "str", required=False, choices=ONSET_MODES),
                Field("contact", "str", required=False, choices=CONTACTS),
                Field("activity", "str", required=False, choices=ACTIVITIES),
                Field("training_session_id", "int", required=False),
                Field("body_area", "str", required=False, choices=BODY_AREAS),
                Field("tissue", "str", required=False, choices=TISSUES),
                Field("pathology", "str", required=False, choices=PATHOLOGIES),
                Field("organ_system", "str", required=False, choices=ORGAN_SYSTEMS),
                Field("illness_cause", "str", required=False, choices=ILLNESS_CAUSES),
                Field("osiics_code", "str", required=False, max_length=OSIICS_MAX_LENGTH),
                Field("diagnosis", "str", required=False, max_length=200),
                Field("time_loss", "bool"),
                Field("return_date", "date", required=False),
                Field("notes", "str", required=False, max_length=4000),
            ),
            # NULL-safe: an illness has no region, side or type, an injury no organ system (None == None)
            ("athlete_id", "onset_date", "problem_type", "body_region", "side", "injury_type", "organ_system"),
        ),
        RecordKind(
            "training_sessions",
            TrainingSession,
            (
                ATHLETE,
                Field("date", "date"),
                Field("minutes", "int", above=0, high=1440),
                Field("rpe", "float", low=0, high=10),
                Field("kind", "str", choices=TRAINING_KINDS),
            ),
            None,
        ),
        RecordKind(
            "ostrc_responses",
            OstrcResponse,
            (
                ATHLETE,
                Field("week_start", "date"),
                *(Field(q, "int", choices=OSTRC_SCORES) for q in ("q1", "q2", "q3", "q4")),
            ),
            ("athlete_id", "week_start"),
        ),
    )
}
