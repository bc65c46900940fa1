"""`views.words`, the one vocabulary: every code has a word, and the formatters say what they say."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from analytics import vocabulary as V
from analytics.availability import AVAILABILITY_ORDER
from analytics.flags import FLAG_LEVEL
from analytics.schemas import RECURRENCE_CATEGORIES
from data.db import ROOT
from data.imports import KINDS
from data.records import RECORD_KINDS
from views import words

#: (vocabulary codes, the table that names them).
TABLES = [
    (V.ROLES, words.ROLES),
    (V.BODY_REGIONS, words.BODY_REGIONS),
    (V.SIDES, words.SIDES),
    (V.LIMB_SIDES, words.SIDES),
    (V.DOMINANT_SIDES, words.DOMINANT_SIDES),
    (V.TECHNIQUES, words.TECHNIQUES),
    (V.INJURY_TYPES, words.INJURY_TYPES),
    (V.INJURY_TYPES, words.INJURY_SHORT),
    (V.ONSET_MODES, words.ONSET_MODES),
    (V.AVAILABILITY, words.AVAILABILITY),
    (AVAILABILITY_ORDER, words.AVAILABILITY),
    (("acute", "rehab", "pain"), words.INJURY_STATUS),
    (V.TRAINING_KINDS, words.TRAINING_KINDS),
    (V.ROM_CONTEXTS, words.ROM_CONTEXTS),
    (V.ROM_UNITS, words.UNITS),
    (V.WELLNESS_ITEMS, words.WELLNESS_ITEMS),
    (V.WELLNESS_ITEMS, words.WELLNESS_ANSWERS),
    (tuple(m for _, m, _, _ in V.ROM_MEASURES), words.MOVEMENTS),
    (tuple(method for _, _, _, method in V.ROM_MEASURES), words.ROM_METHODS),
    (RECURRENCE_CATEGORIES, words.RECURRENCE),
    (RECURRENCE_CATEGORIES, words.RECURRENCE_RULES),
    (tuple(FLAG_LEVEL), words.FLAGS),
    (tuple(FLAG_LEVEL), words.FLAG_MESSAGES),
    (tuple(sorted(set(FLAG_LEVEL.values()))), words.FLAG_LEVELS),
    (tuple(RECORD_KINDS), words.RECORD_KINDS),
    (KINDS, words.RECORD_KINDS),
    (V.PROBLEM_TYPES, words.PROBLEM_TYPES),
    (V.CONTACTS, words.CONTACTS),
    (V.ACTIVITIES, words.ACTIVITIES),
    (V.BODY_AREAS, words.BODY_AREAS),
    (tuple(set(V.BODY_AREA_REGIONS.values())), words.BODY_AREA_REGIONS),
    (V.TISSUES, words.TISSUES),
    (V.PATHOLOGIES, words.PATHOLOGIES),
    (V.ORGAN_SYSTEMS, words.ORGAN_SYSTEMS),
    (V.ILLNESS_CAUSES, words.ILLNESS_CAUSES),
    (V.RTS_STAGES, words.RTS_STAGES),
    (V.RTS_STAGES, words.RTS_STAGE_MEANINGS),
    (("automatic", "clinician"), words.SUBSEQUENT_BY),
]
#: An audit call with a literal action (and table): ``audit(connection, actor_id, "create", "teams", ...)``.
AUDIT_CALL = re.compile(
    r'\baudit(?:_entry)?\(\s*[\w.()]+,\s*[\w.]+,\s*"([a-z_]+)"(?:\s+if\s+\w+\s+else\s+"([a-z_]+)")?,\s*(?:"([a-z_]+)")?',
    re.S,
)


@pytest.mark.parametrize(("codes", "table"), TABLES, ids=[f"{i}" for i in range(len(TABLES))])
def test_every_code_has_a_word(codes: tuple[str, ...], table: dict[str, object]) -> None:
    missing = [code for code in codes if code not in table]
    assert not missing, f"no word for {missing}"
    for code in codes:
        shown = table[code] if isinstance(table[code], str) else ""
        assert "_" not in shown, f"{code!r} reads {shown!r}"


def test_every_field_a_refusal_names_has_a_word() -> None:
    """`ui.forms.field_name` names a refused field from `FIELDS`: every field of every record kind."""
    fields = {field.name for kind in RECORD_KINDS.values() for field in kind.fields}
    assert not fields - set(words.FIELDS)


def test_every_audited_action_and_table_has_a_word() -> None:
    actions, tables = set(), set()
    for folder in ("data", "ui", "pages"):
        for path in (ROOT / folder).glob("*.py"):
            for call in AUDIT_CALL.finditer(Path(path).read_text()):
                actions |= {a for a in call.groups()[:2] if a}
                tables |= {call.group(3)} if call.group(3) else set()
    assert {"create", "sign_in", "export", "erase", "record_stage"} <= actions  # the scan finds the calls
    assert not actions - set(words.AUDIT_ACTIONS)
    assert not tables - set(words.RECORD_KINDS)


def test_every_ostrc_question_answers_every_score() -> None:
    for _question, answers in words.OSTRC_QUESTIONS.values():
        assert tuple(answers) == V.OSTRC_SCORES


def test_wellness_answers_cover_the_scale() -> None:
    for answers in words.WELLNESS_ANSWERS.values():
        assert tuple(answers) == (1, 2, 3, 4, 5)


def test_a_region_reads_the_same_everywhere() -> None:
    assert words.region_label("hip_groin") == "Hip / groin"
    assert words.where_words("hip_groin", "left") == "left hip / groin"
    assert words.where_label("hip_groin", "left") == "Left hip / groin"
    assert words.where_label("lower_leg_achilles", "right") == "Right lower leg / Achilles"
    assert words.where_words("lower_back", "central") == "lower back"
    assert words.where_label("knee", "bilateral") == "Knee (both sides)"
    assert words.where_words(None) == "" and words.where_words(float("nan"), "left") == ""
    assert list(words.where_column(["thigh", None], ["left", None])) == ["left thigh", ""]


def test_injuries_and_why_in_words() -> None:
    assert words.injury_words("thigh", "left", "muscle_strain") == "left thigh muscle strain"
    assert words.why_label("thigh", "left", "rehab") == "Left thigh · rehab"
    assert words.why_label("lower_back", "central", "pain") == "Lower back · pain today"
    assert words.why_label(None, None, None) is None


def test_measures_are_joint_and_movement_in_words() -> None:
    assert words.measure_words("shoulder", "internal_rotation") == "shoulder internal rotation"
    assert words.measure_words("ankle", "dorsiflexion_lunge") == "ankle dorsiflexion (knee-to-wall lunge)"
    assert words.measure_label("hip", "straight_leg_raise") == "Straight leg raise"
    assert words.measure_option("hip", "internal_rotation", "deg") == "Hip internal rotation (°)"
    assert words.measure_option("ankle", "dorsiflexion_lunge", "cm") == "Ankle dorsiflexion (knee-to-wall lunge) (cm)"
    assert words.outcome_label("pain_relief") == "Pain relief"
    assert words.outcome_label("knee flexion") == "Knee flexion"
    assert words.contexts_words("baseline, pre_session") == "baseline, before a session"


def test_rom_changes_in_words() -> None:
    """A change is a gain or a loss only beyond the MDC (``change_real``); no change yet is the first
    measurement of a history, or a measure not re-measured since its baseline."""
    change = pd.Series([float("nan"), 3.0, 6.0, -7.0])
    real = pd.Series([False, False, True, True])
    said = ["first measurement", "within measurement error", "gain", "loss"]
    assert list(words.rom_change_words(change, real)) == said
    assert words.rom_change_words(change, real, unmeasured="not re-measured")[0] == "not re-measured"
    assert list(words.rom_change_words(pd.Series([], dtype=float), pd.Series([], dtype=bool))) == []


def test_one_unit_formatter() -> None:
    assert words.amount(38.0, "deg") == "38°"
    assert words.amount(38.5, "deg") == "38.5°"
    assert words.amount(9.5, "cm") == "9.5 cm"
    assert words.amount(3, "deg", signed=True) == "+3°"
    assert words.amount(-1.25, "cm", digits=1, signed=True) == "-1.2 cm"
    assert words.unit_suffix("deg") == "°" and words.unit_suffix("cm") == " cm"


def test_one_day_formatter_family() -> None:
    day = dt.date(2026, 11, 2)
    assert words.short_day(day) == "2 Nov"
    assert words.short_day(day, reference=dt.date(2027, 1, 5)) == "2 Nov 2026"
    assert words.short_day(pd.Timestamp(day), with_year=True) == "2 Nov 2026"
    assert words.short_day(None) == "" and words.short_day(pd.NaT) == ""
    assert words.weekday_day(day) == "Mon 2 Nov"
    assert words.long_day(day) == "2 November 2026"
    assert words.long_day(day, weekday=True, with_year=False) == "Monday 2 November"
    assert words.day_words(day) == "2 November"
    assert words.day_words(day, reference=dt.date(2027, 1, 1)) == "2 November 2026"
    assert words.iso_day(pd.Timestamp("2026-11-02 13:00")) == "2026-11-02"


def test_one_timestamp_formatter() -> None:
    assert words.timestamp(pd.Timestamp("2026-11-02 14:05:33")) == "2026-11-02 14:05 UTC"
    assert words.timestamp(pd.Timestamp("2026-11-02 15:05", tz="Europe/Oslo")) == "2026-11-02 14:05 UTC"
    assert words.timestamp(None) == ""


def test_a_code_without_a_word_never_shows_as_a_code() -> None:
    assert words.word(words.TECHNIQUES, "new_technique") == "New technique"
    assert words.word(words.TECHNIQUES, None) == ""
    assert words.lower_first("Hip / groin") == "hip / groin"
    assert words.lower_first("OSTRC substantial problem") == "OSTRC substantial problem"
    assert words.upper_first("left lower leg / Achilles") == "Left lower leg / Achilles"


def test_the_codes_inside_a_flags_values_read_as_words() -> None:
    assert words.values_words("hip_groin left: NPRS >= 3 on 5 consecutive reports") == (
        "left hip / groin: NPRS >= 3 on 5 consecutive reports"
    )
    assert words.values_words("lower_back central: pain 6; injury 4 (muscle_strain, onset 2026-01-01)") == (
        "lower back: pain 6; injury 4 (muscle strain, onset 2026-01-01)"
    )
    assert words.values_words("total 14 vs mean 19") == "total 14 vs mean 19"
    assert words.values_words("hip/internal_rotation: left 40 deg, right 34 deg; LSI 85 %") == (
        "hip internal rotation: left 40 deg, right 34 deg; LSI 85 %"
    )
    assert (
        words.values_words("ankle/dorsiflexion_lunge: left 9 cm")
        == "ankle dorsiflexion (knee-to-wall lunge): left 9 cm"
    )
    assert words.values_words(None) == ""
