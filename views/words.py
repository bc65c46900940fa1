"""The one vocabulary: every word and formatter a person reads, keyed by the codes of `analytics.vocabulary`.

Pages, charts, export headers, forms, views and the HTML report take their words from here and nowhere
else; no module keeps a label table of its own. No Streamlit here.

Conventions (issue 12, "One house"):

- A *label* starts with a capital ("Hip / groin", "Left hip / groin", "Shoulder internal rotation");
  the same words *in a sentence* are lower case ("your left hip / groin", "shoulder internal rotation"),
  from the ``*_words`` functions; `upper_first` turns the one into the other.
- A region with a side: left/right before the region ("left thigh"); ``central`` (or none) gives the
  region alone; ``bilateral`` adds "(both sides)".
- Units: ``deg`` -> "°" straight after the number ("38°"), ``cm`` after a space ("9.5 cm"): `amount`.
- Days: `short_day` "3 Oct" (tables, lists; the year when it differs), `weekday_day` "Mon 2 Nov",
  `day_words` "2 November" (sentences), `long_day` "2 November 2026" / "Monday 2 November 2026",
  `iso_day` "2026-11-02" (chart hover text, file names); timestamps: `timestamp` "2026-11-02 14:05 UTC".
- A code no table knows reads as words (`word`), never as the code.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

# --------------------------------------------------------------------------- tables (code -> label)

#: `analytics.vocabulary.ROLES`.
ROLES: dict[str, str] = {"admin": "Admin", "coach": "Coach", "therapist": "Therapist", "athlete": "Athlete"}

#: `analytics.vocabulary.BODY_REGIONS` (Fuller et al. 2006; Bahr et al. 2020).
BODY_REGIONS: dict[str, str] = {
    "head": "Head",
    "neck": "Neck",
    "shoulder": "Shoulder",
    "upper_arm": "Upper arm",
    "elbow": "Elbow",
    "forearm": "Forearm",
    "wrist": "Wrist",
    "hand": "Hand",
    "chest": "Chest",
    "upper_back": "Upper back",
    "lower_back": "Lower back",
    "abdomen": "Abdomen",
    "pelvis_sacrum": "Pelvis / sacrum",
    "hip_groin": "Hip / groin",
    "thigh": "Thigh",
    "knee": "Knee",
    "lower_leg_achilles": "Lower leg / Achilles",
    "ankle": "Ankle",
    "foot": "Foot",
}

#: `analytics.vocabulary.SIDES` (also `LIMB_SIDES`; `DOMINANT_SIDES` adds "both").
SIDES: dict[str, str] = {"left": "Left", "right": "Right", "central": "Middle", "bilateral": "Both sides"}
DOMINANT_SIDES: dict[str, str] = {"left": "Left", "right": "Right", "both": "Both"}

#: `analytics.vocabulary.TECHNIQUES`.
TECHNIQUES: dict[str, str] = {
    "active_release": "Active release",
    "myofascial_release": "Myofascial release",
    "deep_tissue": "Deep tissue",
    "trigger_point": "Trigger point",
    "instrument_assisted": "Instrument-assisted",
    "stretching": "Stretching",
    "other": "Other",
}

#: `analytics.vocabulary.INJURY_TYPES`.
INJURY_TYPES: dict[str, str] = {
    "muscle_strain": "Muscle strain",
    "tendinopathy": "Tendinopathy",
    "ligament_sprain": "Ligament sprain",
    "contusion": "Contusion",
    "joint_cartilage": "Joint / cartilage",
    "bone_stress": "Bone stress",
    "other": "Other injury",
}

#: `analytics.vocabulary.MECHANISMS`.
MECHANISMS: dict[str, str] = {"acute": "Acute", "gradual": "Gradual"}

#: `analytics.vocabulary.AVAILABILITY`, plus ``unknown`` (no answer today, never assumed full).
AVAILABILITY: dict[str, str] = {
    "full": "Full training",
    "modified": "Modified",
    "unavailable": "Unavailable",
    "unknown": "Not reported",
}

#: Why an athlete is not at full training, `analytics.availability.availability_board`'s ``status``.
INJURY_STATUS: dict[str, str] = {"acute": "Acute", "rehab": "Rehab", "pain": "Pain today"}

#: `analytics.vocabulary.TRAINING_KINDS`.
TRAINING_KINDS: dict[str, str] = {"training": "Training", "match": "Match"}

#: `analytics.vocabulary.ROM_CONTEXTS`.
ROM_CONTEXTS: dict[str, str] = {
    "screening": "Screening",
    "baseline": "Baseline",
    "pre_session": "Before a session",
    "post_session": "After a session",
    "follow_up": "Follow-up",
}

#: `analytics.vocabulary.ROM_UNITS`, as written after a number (see `amount`).
UNITS: dict[str, str] = {"deg": "°", "cm": "cm"}

#: ROM methods (`analytics.vocabulary.ROM_MEASURES`, fourth field).
ROM_METHODS: dict[str, str] = {"goniometer": "Goniometer", "inclinometer": "Inclinometer", "tape": "Tape measure"}

#: ROM movements (`analytics.vocabulary.ROM_MEASURES`, second field), in a sentence.
MOVEMENTS: dict[str, str] = {
    "internal_rotation": "internal rotation",
    "external_rotation": "external rotation",
    "straight_leg_raise": "straight leg raise",
    "flexion": "flexion",
    "dorsiflexion_lunge": "dorsiflexion (knee-to-wall lunge)",
}

#: Outcomes of `analytics.recovery.treatment_summary` other than a ROM measure.
OUTCOMES: dict[str, str] = {"pain_relief": "Pain relief"}

#: Measures whose name is not "joint movement" (`measure_words`).
_MEASURE_NAMES: dict[tuple[str, str], str] = {
    ("hip", "straight_leg_raise"): "straight leg raise",
    ("ankle", "dorsiflexion_lunge"): "ankle dorsiflexion (knee-to-wall lunge)",
}

#: `analytics.vocabulary.WELLNESS_ITEMS` (McLean et al. 2010).
WELLNESS_ITEMS: dict[str, str] = {
    "fatigue": "Fatigue",
    "sleep_quality": "Sleep quality",
    "soreness": "Muscle soreness",
    "stress": "Stress",
    "mood": "Mood",
}

#: The words of each wellness item's 1-5 answers (McLean et al. 2010; 5 = best).
WELLNESS_ANSWERS: dict[str, dict[int, str]] = {
    "fatigue": {1: "very tired", 2: "more tired than normal", 3: "normal", 4: "fresh", 5: "very fresh"},
    "sleep_quality": {1: "insomnia", 2: "restless sleep", 3: "difficulty falling asleep", 4: "good", 5: "very restful"},
    "soreness": {
        1: "very sore",
        2: "sorer / tighter than normal",
        3: "normal",
        4: "feeling good",
        5: "not sore at all",
    },
    "stress": {1: "very stressed", 2: "feeling stressed", 3: "normal", 4: "relaxed", 5: "very relaxed"},
    "mood": {
        1: "annoyed, irritable or down",
        2: "snappy with others",
        3: "less interested than usual",
        4: "good",
        5: "very positive",
    },
}

#: Recurrence categories of `analytics.recurrence` (Fuller et al. 2006, 2007): the label.
RECURRENCE: dict[str, str] = {
    "new": "New",
    "exacerbation": "Exacerbation",
    "recurrent_early": "Early recurrence",
    "recurrent_late": "Late recurrence",
    "recurrent_delayed": "Delayed recurrence",
}
#: The same categories with their rule, for chart legends and tables that explain them.
RECURRENCE_RULES: dict[str, str] = {
    "new": "New",
    "exacerbation": "Exacerbation (not yet returned)",
    "recurrent_early": "Early recurrence (≤ 2 months)",
    "recurrent_late": "Late recurrence (2-12 months)",
    "recurrent_delayed": "Delayed recurrence (> 12 months)",
}

#: Flag kinds of `analytics.flags` (their level: `analytics.flags.FLAG_LEVEL`).
FLAGS: dict[str, str] = {
    "pain_spike": "Pain spike",
    "persistent_pain": "Persistent pain",
    "new_pain_injured_region": "New pain where injured before",
    "ostrc_substantial": "OSTRC substantial problem",
    "rom_asymmetry": "ROM asymmetry",
    "wellness_drop": "Wellness drop",
    "missing_checkin": "No check-in",
}

#: Flag levels (`analytics.flags.FLAG_LEVEL`), written beside their colour so colour is never the only cue.
FLAG_LEVELS: dict[str, str] = {"red": "Red", "amber": "Amber"}

_PROBLEMS = "injury or pain problems"
#: The OSTRC-O2 questions, (question, {score: answer}) each; scores `analytics.vocabulary.OSTRC_SCORES`
#: (Clarsen et al. 2013, 2020).
OSTRC_QUESTIONS: dict[str, tuple[str, dict[int, str]]] = {
    "q1": (
        f"Have you had any difficulties participating in training and competition due to {_PROBLEMS} "
        "during the past 7 days?",
        {
            0: "Full participation without problems",
            8: "Full participation, but with problems",
            17: "Reduced participation due to problems",
            25: "Could not participate due to problems",
        },
    ),
    "q2": (
        f"To what extent have you modified your training or competition due to {_PROBLEMS} during the past 7 days?",
        {0: "No modification", 8: "To a minor extent", 17: "To a moderate extent", 25: "To a major extent"},
    ),
    "q3": (
        f"To what extent have {_PROBLEMS} affected your performance during the past 7 days?",
        {0: "No effect", 8: "To a minor extent", 17: "To a moderate extent", 25: "To a major extent"},
    ),
    "q4": (
        "To what extent have you experienced pain related to your sport during the past 7 days?",
        {0: "No pain", 8: "Mild pain", 17: "Moderate pain", 25: "Severe pain"},
    ),
}

#: Record kinds (`data.records.RECORD_KINDS` and the other tables people export or count).
RECORD_KINDS: dict[str, str] = {
    "teams": "Teams",
    "athletes": "Athletes",
    "users": "Users",
    "therapy_sessions": "Therapy sessions",
    "rom_measurements": "ROM measurements",
    "wellness_checkins": "Check-ins",
    "pain_reports": "Pain reports",
    "injuries": "Injuries",
    "training_sessions": "Training sessions",
    "ostrc_responses": "OSTRC responses",
    "flag_reviews": "Flag reviews",
    "user_teams": "Team assignments",
    "all": "All records",
}

#: Record fields as the forms and their refusals name them (``rom.value`` -> "Value").
FIELDS: dict[str, str] = {
    "athlete_id": "Athlete",
    "therapist_id": "Therapist",
    "date": "Date",
    "technique": "Technique",
    "body_region": "Body region",
    "side": "Side",
    "minutes": "Minutes",
    "pain_before": "Pain before",
    "pain_after": "Pain after",
    "discomfort": "Discomfort during",
    "injury_id": "Injury treated",
    "notes": "Notes",
    "joint": "Measure",
    "movement": "Measure",
    "unit": "Unit",
    "value": "Value",
    "method": "Method",
    "context": "Context",
    "onset_date": "Onset date",
    "injury_type": "Injury type",
    "mechanism": "Mechanism",
    "time_loss": "Time-loss",
    "return_date": "Return to full participation",
    "fatigue": "Fatigue",
    "sleep_quality": "Sleep quality",
    "soreness": "Muscle soreness",
    "stress": "Stress",
    "mood": "Mood",
    "sleep_hours": "Sleep (hours)",
    "readiness": "Readiness",
    "availability": "Availability",
    "pain": "Pain",
    "session_id": "Session",
    "measured_by": "Measured by",
    "rpe": "RPE",
    "kind": "Kind",
    "week_start": "Week",
    "q1": "Question 1",
    "q2": "Question 2",
    "q3": "Question 3",
    "q4": "Question 4",
}

#: Audit actions (``audit_log.action``; written by `data.audit` and `data.access`).
AUDIT_ACTIONS: dict[str, str] = {
    "create": "Created",
    "save": "Saved",
    "update": "Changed",
    "delete": "Deleted",
    "replace_day": "Replaced a day",
    "save_session": "Saved a session",
    "save_checkin": "Saved a check-in",
    "close_flag": "Closed a flag",
    "import": "Imported",
    "import_pmsys": "Imported from PMSys",
    "export": "Exported",
    "download": "Downloaded",
    "erase": "Erased an athlete",
    "activate": "Activated an account",
    "deactivate": "Deactivated an account",
    "assign_teams": "Assigned teams",
    "reset_password": "Reset a password",
    "set_email": "Set an e-mail address",
    "set_role": "Changed a role",
    "clear_sign_in_lock": "Cleared a sign-in lock",
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "sign_in_refused": "Sign-in refused (locked)",
    "session_resumed": "Session resumed",
}


# --------------------------------------------------------------------------- words of one code


def upper_first(text: str) -> str:
    """``left lower leg / Achilles`` -> ``Left lower leg / Achilles`` (unlike str.capitalize, keeps the rest)."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """``Hip / groin`` -> ``hip / groin``; keeps words that stay capitalised (``Achilles``, ``OSTRC``, ``ROM``)."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def word(table: dict[str, str], code: object) -> str:
    """The label of `code` in `table`; a code the table lacks reads as words, never as a code name."""
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return ""
    text = str(code)
    return table.get(text, upper_first(text.replace("_", " ")))


def region_label(body_region: object) -> str:
    """``hip_groin`` -> ``Hip / groin``."""
    return word(BODY_REGIONS, body_region)


def where_words(body_region: object, side: object = None) -> str:
    """A region and its side in a sentence: ``("hip_groin", "left")`` -> "left hip / groin",
    ``("lower_back", "central")`` -> "lower back", ``("knee", "bilateral")`` -> "knee (both sides)"."""
    region = region_label(body_region)
    if not region:
        return ""
    region = lower_first(region)
    if side in ("left", "right"):
        return f"{side} {region}"
    if side == "bilateral":
        return f"{region} (both sides)"
    return region


def where_label(body_region: object, side: object = None) -> str:
    """`where_words` at the start of a label: ``("hip_groin", "left")`` -> "Left hip / groin"."""
    return upper_first(where_words(body_region, side))


def why_label(body_region: object, side: object, status: object) -> str | None:
    """The availability board's "why in one word": "Left thigh · rehab", "Lower back · pain today";
    None when no region explains it."""
    if body_region is None or pd.isna(body_region) or body_region == "":
        return None
    return f"{where_label(body_region, side)} · {lower_first(word(INJURY_STATUS, status))}"


def injury_words(body_region: object, side: object, injury_type: object) -> str:
    """An injury in a sentence: "left thigh muscle strain"."""
    kind = lower_first(word(INJURY_TYPES, injury_type))
    return f"{where_words(body_region, side)} {kind}".strip()


def measure_words(joint: object, movement: object) -> str:
    """A ROM measure in a sentence: ``("shoulder", "internal_rotation")`` -> "shoulder internal rotation",
    ``("ankle", "dorsiflexion_lunge")`` -> "ankle dorsiflexion (knee-to-wall lunge)"."""
    special = _MEASURE_NAMES.get((str(joint), str(movement)))
    if special is not None:
        return special
    return f"{joint} {MOVEMENTS.get(str(movement), str(movement).replace('_', ' '))}"


def measure_label(joint: object, movement: object) -> str:
    """`measure_words` at the start of a label: "Shoulder internal rotation"."""
    return upper_first(measure_words(joint, movement))


def measure_option(joint: object, movement: object, unit: object) -> str:
    """A ROM measure with its unit, as a choice or a column: "Hip internal rotation (°)"."""
    return f"{measure_label(joint, movement)} ({unit_symbol(unit)})"


def contexts_words(codes: object) -> str:
    """A day's ROM contexts, comma-separated codes, in a sentence: "baseline, pre_session" -> "baseline,
    before a session"."""
    return ", ".join(lower_first(word(ROM_CONTEXTS, c)) for c in str(codes).split(", ") if c)


def rom_change_words(change: pd.Series, change_real: pd.Series, unmeasured: str = "first measurement") -> np.ndarray:
    """Each ROM change (`analytics.caseload.rom_history`, `analytics.rom.rom_status`) in words: "gain" or
    "loss" when it is real (beyond the MDC), else "within measurement error"; `unmeasured` where there is
    no change ("first measurement" in a history, "not re-measured" in a status)."""
    values = pd.to_numeric(change).to_numpy(dtype=float)
    real = change_real.to_numpy(dtype=bool)
    return np.select(
        [np.isnan(values), real & (values > 0), real], [unmeasured, "gain", "loss"], "within measurement error"
    ).astype(object)


def outcome_label(outcome: object) -> str:
    """An outcome of `analytics.recovery.treatment_summary`: ``pain_relief`` -> "Pain relief", a ROM
    measure ("hip internal_rotation", joint and movement) -> "Hip internal rotation"."""
    text = str(outcome)
    if text in OUTCOMES:
        return OUTCOMES[text]
    joint, _, movement = text.partition(" ")
    return measure_label(joint, movement)


_REGION_SIDE = re.compile(r"\b([a-z]+(?:_[a-z]+)*) (left|right|central|bilateral)\b")
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def values_words(text: object) -> str:
    """The codes inside a flag's ``values`` (`analytics.flags`) in words: "hip_groin left: pain 7 vs mean
    2; injury 4 (muscle_strain, ...)" -> "left hip / groin: pain 7 vs mean 2; injury 4 (muscle strain, ...)"."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""

    def pair(match: re.Match[str]) -> str:
        region, side = match.groups()
        return where_words(region, side) if region in BODY_REGIONS else match.group()

    def code(match: re.Match[str]) -> str:
        for table in (BODY_REGIONS, INJURY_TYPES, TECHNIQUES, ROM_CONTEXTS, WELLNESS_ITEMS):
            if match.group() in table:
                return lower_first(table[match.group()])
        return match.group().replace("_", " ")

    return _CODE.sub(code, _REGION_SIDE.sub(pair, str(text)))


# --------------------------------------------------------------------------- numbers with units


def unit_symbol(unit: object) -> str:
    """``deg`` -> "°", ``cm`` -> "cm"."""
    return UNITS.get(str(unit), str(unit))


def amount(value: float, unit: object, digits: int | None = None, signed: bool = False) -> str:
    """A number with its unit: "38°", "38.5°", "9.5 cm", with `signed` "+3°" / "-1.5 cm".

    `digits` fixes the decimals; by default one decimal, dropped when it is 0 (goniometry reads to the
    degree, the knee-to-wall lunge to the millimetre; Chisholm et al. 2012)."""
    sign = "+" if signed else ""
    text = f"{value:{sign}.{digits}f}" if digits is not None else f"{value:{sign}.1f}".removesuffix(".0")
    return text + unit_suffix(unit)


def unit_suffix(unit: object) -> str:
    """The unit as written after a number: "°" straight after it, " cm" after a space (`amount`)."""
    symbol = unit_symbol(unit)
    return symbol if symbol == "°" else f" {symbol}"


# --------------------------------------------------------------------------- days and times

WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _date(day: object) -> dt.date:
    return pd.Timestamp(day).date()


def short_day(day: object, reference: object | None = None, with_year: bool = False) -> str:
    """ "3 Oct"; with the year when asked or when it is not `reference`'s year ("3 Oct 2025").
    A missing day is ""."""
    if day is None or pd.isna(day):
        return ""
    d = _date(day)
    text = f"{d.day} {MONTHS[d.month - 1][:3]}"
    if with_year or (reference is not None and _date(reference).year != d.year):
        text += f" {d.year}"
    return text


def day_words(day: object, reference: object | None = None) -> str:
    """ "3 October", with the year when it differs from `reference`'s (no reference: without)."""
    d = _date(day)
    text = f"{d.day} {MONTHS[d.month - 1]}"
    if reference is not None and _date(reference).year != d.year:
        text += f" {d.year}"
    return text


def weekday_day(day: object) -> str:
    """ "Mon 2 Nov"."""
    d = _date(day)
    return f"{WEEKDAYS[d.weekday()][:3]} {d.day} {MONTHS[d.month - 1][:3]}"


def long_day(day: object, weekday: bool = False, with_year: bool = True) -> str:
    """ "2 November 2026"; with `weekday` "Monday 2 November 2026"; without `with_year` "Monday 2 November"."""
    d = _date(day)
    text = f"{d.day} {MONTHS[d.month - 1]}" + (f" {d.year}" if with_year else "")
    return f"{WEEKDAYS[d.weekday()]} {text}" if weekday else text


def iso_day(day: object) -> str:
    """ "2026-11-02" (charts' hover text and file names, where days sort as text)."""
    return "" if day is None or pd.isna(day) else f"{_date(day):%Y-%m-%d}"


def utc(value: object) -> pd.Timestamp:
    """`value` as a UTC timestamp; a naive one is taken as UTC already (the database stores UTC)."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def timestamp(value: object) -> str:
    """ "2026-11-02 14:05 UTC"; a missing time is ""."""
    if value is None or pd.isna(value):
        return ""
    return f"{utc(value):%Y-%m-%d %H:%M} UTC"


def days_words(n: int) -> str:
    """ "1 day", "3 days"."""
    return f"{n} day" if n == 1 else f"{n} days"


# --------------------------------------------------------------------------- the therapist's and athlete's screens
# (moved from `analytics/caseload.py`: the caseload, the flags in words, the athlete's sentences)

#: What a flag means, said to the athlete it is about ({where} is the region, e.g. "left thigh").
FLAG_MESSAGES: dict[str, str] = {
    "pain_spike": "Your {where} pain was clearly higher than your usual level.",
    "persistent_pain": "Your {where} has hurt (3 or more out of 10) on several reports in a row.",
    "new_pain_injured_region": "You reported new pain in your {where}, where you were injured before.",
    "rom_asymmetry": "Your {where} moves noticeably less on one side than on the other.",
    "wellness_drop": "Your wellness answers were clearly lower than your usual.",
    "missing_checkin": "We have not had a check-in from you for a few days.",
    "ostrc_substantial": "Your weekly OSTRC answers show a problem that affects your training.",
}

#: The 7-day pain trends of `analytics.caseload.pain_direction`, as an arrow and a word.
TREND_ARROWS: dict[str, str] = {
    "worse": "↑ worse",
    "new": "↑ new",
    "steady": "→ steady",
    "better": "↓ better",
    "no report this week": "– none this week",
    "no recent report": "–",
}

#: Injury types in the caseload's few words (the progress page names them in full, `INJURY_TYPES`).
INJURY_SHORT: dict[str, str] = {
    "muscle_strain": "strain",
    "tendinopathy": "tendinopathy",
    "ligament_sprain": "sprain",
    "contusion": "contusion",
    "joint_cartilage": "joint injury",
    "bone_stress": "bone stress",
    "other": "injury",
}


def where_column(regions: object, sides: object) -> np.ndarray:
    """`where_words` of each row (regions and sides as arrays or Series) as an object array, worked out
    once per distinct pair; a missing region is ""."""
    region = np.asarray(regions, dtype=object)
    side = np.asarray(sides, dtype=object)
    region = np.where(pd.isna(region), "", region)
    side = np.where(pd.isna(side), "", side)
    said: dict[tuple[object, object], str] = {}
    out = np.empty(len(region), dtype=object)
    for i, key in enumerate(zip(region, side, strict=True)):  # a dict look-up per row
        out[i] = said[key] if key in said else said.setdefault(key, where_words(*key))
    return out


def short_days(days: pd.Series) -> pd.Series:
    """`short_day` of each day of `days` ("" when missing), as text."""
    return days.map(lambda d: short_day(d) if pd.notna(d) else "").astype(object)


#: The ACWR methods of `analytics.workload.acwr` (Williams et al. 2017), as the coach reads them.
ACWR_METHODS: dict[str, str] = {
    "ewma": "EWMA",
    "coupled": "rolling, coupled",
    "uncoupled": "rolling, uncoupled",
}
