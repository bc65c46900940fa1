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

#: `analytics.vocabulary.ONSET_MODES`.
ONSET_MODES: dict[str, str] = {"sudden": "Sudden onset", "gradual": "Gradual onset"}

#: `analytics.vocabulary.AVAILABILITY`, plus ``unknown`` (no answer today, never assumed full).
AVAILABILITY: dict[str, str] = {
    "full": "Full training",
    "modified": "Modified",
    "unavailable": "Unavailable",
    "unknown": "Not reported",
}

#: Why an athlete is not at full training, `analytics.availability.availability_board`'s ``status``.
INJURY_STATUS: dict[str, str] = {"acute": "Acute", "rehab": "Rehab", "pain": "Pain today"}

#: Whether an injury is still open (not yet back to full participation), `views.injuries`' ``open``.
INJURY_OPEN: dict[bool, str] = {True: "Open", False: "Returned"}

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

#: Why a side is the involved one, `analytics.rom.rom_symmetry`'s ``involved_basis`` (an injury's side is
#: followed by its number: "injured side (#12)").
INVOLVED_BASIS: dict[str, str] = {"injury": "injured side", "smaller": "smaller value", "equal": "sides equal"}

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

#: The soreness item as every screen shows it: the athlete's own answer, one direction everywhere
#: (`analytics.soreness` computes on 6 - the item internally; screens turn it back with `soreness_item`).
SORENESS_SCALE = "1 = very sore … 5 = not sore"

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
    "ostrc_substantial": "Substantial health problem (weekly questions)",
    "rom_asymmetry": "ROM asymmetry",
    "wellness_drop": "Wellness drop",
    "missing_checkin": "No check-in",
}

#: Flag levels (`analytics.flags.FLAG_LEVEL`), written beside their colour so colour is never the only cue.
FLAG_LEVELS: dict[str, str] = {"red": "Red", "amber": "Amber"}

#: OSTRC-H2's wording (Clarsen et al. 2014, 2020): the weekly questions ask about every health problem, so
#: an athlete with an illness reaches the follow-up questions too.
_PROBLEMS = "injury, illness or other health problems"
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
        "To what extent have you experienced symptoms or health complaints during the past 7 days?",
        {0: "No symptoms", 8: "To a mild extent", 17: "To a moderate extent", 25: "To a severe extent"},
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

#: The account forms' fields (*Users and teams*, *First run*), as their refusals name them.
ACCOUNT_FIELDS: dict[str, str] = {
    "username": "Username",
    "password": "Password",
    "role": "Role",
    "athlete": "Athlete",
    "team": "Teams",
    "email": "E-mail",
    "name": "Team name",
    "timezone": "Time zone",
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
    "onset_mode": "Onset",
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

#: An audit entry as a sentence (`views.audit`): ``{who}`` is the role and username ("Coach j.smith"),
#: ``{record}`` what the entry is about ("a therapy session for Ida Karlsen", "the account anna").
AUDIT_SENTENCES: dict[str, str] = {
    "create": "{who} created {record}",
    "save": "{who} saved {record}",
    "update": "{who} changed {record}",
    "delete": "{who} deleted {record}",
    "replace_day": "{who} replaced a day of {record}",
    "save_session": "{who} saved {record}",
    "save_checkin": "{who} saved {record}",
    "close_flag": "{who} closed {record}",
    "import": "{who} imported {record}",
    "import_pmsys": "{who} imported a PMSys export into {record}",
    "export": "{who} exported {record}",
    "download": "{who} downloaded {record}",
    "erase": "{who} erased an athlete and all their records",
    "activate": "{who} activated {record}",
    "deactivate": "{who} deactivated {record}",
    "assign_teams": "{who} changed the teams of {record}",
    "reset_password": "{who} reset the password of {record}",
    "set_email": "{who} set the e-mail address of {record}",
    "set_role": "{who} changed the role of {record}",
    "clear_sign_in_lock": "{who} cleared the sign-in lock of {record}",
    "sign_in": "{who} signed in",
    "sign_in_failed": "A sign-in failed",
    "sign_in_refused": "A sign-in was refused: too many failed attempts",
    "session_resumed": "{who} came back to a signed-in session",
}

#: One record of a kind, in a sentence; the record's athlete, account or team follows it.
RECORD_NOUNS: dict[str, str] = {
    "teams": "the team",
    "athletes": "the athlete",
    "users": "the account",
    "therapy_sessions": "a therapy session for",
    "rom_measurements": "a ROM measurement for",
    "wellness_checkins": "a check-in for",
    "pain_reports": "a pain report for",
    "injuries": "a health problem of",
    "training_sessions": "a training session for",
    "ostrc_responses": "weekly health answers for",
    "flag_reviews": "a flag for",
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
_MEASURE = re.compile(r"\b([a-z]+)/([a-z]+(?:_[a-z]+)*)\b")  # a ROM measure as joint/movement


def values_words(text: object) -> str:
    """The codes inside a flag's ``values`` (`analytics.flags`) in words: "hip_groin left: pain 7 vs mean
    2; injury 4 (muscle_strain, ...)" -> "left hip / groin: pain 7 vs mean 2; injury 4 (muscle strain, ...)",
    "shoulder/internal_rotation: left 40 deg, ..." -> "shoulder internal rotation: left 40 deg, ..."."""
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

    def measure(match: re.Match[str]) -> str:
        return measure_words(*match.groups())

    return _CODE.sub(code, _REGION_SIDE.sub(pair, _MEASURE.sub(measure, str(text))))


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
    "persistent_pain": "Your {where} has hurt on several reports in a row.",
    "new_pain_injured_region": "You reported new pain in your {where}, where you were injured before.",
    "rom_asymmetry": "Your {where} moves noticeably less on one side than on the other.",
    "wellness_drop": "Your wellness answers were clearly lower than your usual.",
    "missing_checkin": "We have not had a check-in from you for a few days.",
    "ostrc_substantial": "Your weekly health answers show a problem that affects your training.",
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


# --------------------------------------------------------------------------- health problems (IOC 2020) and return to sport
# The categories of Bahr et al. 2020 (IOC consensus, `analytics.vocabulary`) and the return-to-sport continuum of
# Ardern et al. 2016, as people read them; the fields, audit actions and tables of `data.health_problems`.

#: `analytics.vocabulary.PROBLEM_TYPES`.
PROBLEM_TYPES: dict[str, str] = {"injury": "Injury", "illness": "Illness"}

#: `analytics.vocabulary.CONTACTS`: the contact of a sudden-onset injury.
CONTACTS: dict[str, str] = {
    "non_contact": "No contact",
    "indirect_athlete": "Indirect contact with another athlete",
    "indirect_object": "Indirect contact with an object",
    "direct_athlete": "Direct contact with another athlete",
    "direct_object": "Direct contact with an object",
}

#: `analytics.vocabulary.ACTIVITIES`: what the athlete was doing when the problem began.
ACTIVITIES: dict[str, str] = {
    "training": "Training",
    "match": "Match or competition",
    "other_sport": "Another sport",
    "outside_sport": "Outside sport",
}

#: `analytics.vocabulary.BODY_AREAS`.
BODY_AREAS: dict[str, str] = {
    "head": "Head",
    "neck": "Neck",
    "shoulder": "Shoulder",
    "upper_arm": "Upper arm",
    "elbow": "Elbow",
    "forearm": "Forearm",
    "wrist": "Wrist",
    "hand": "Hand",
    "chest": "Chest",
    "thoracic_spine": "Thoracic spine",
    "lumbosacral": "Lumbosacral spine and pelvis",
    "abdomen": "Abdomen",
    "hip_groin": "Hip / groin",
    "thigh": "Thigh",
    "knee": "Knee",
    "lower_leg": "Lower leg",
    "ankle": "Ankle",
    "foot": "Foot",
    "unspecified": "Area not specified",
    "crossing": "Crossing several areas",
}

#: The regions of `analytics.vocabulary.BODY_AREA_REGIONS`.
BODY_AREA_REGIONS: dict[str, str] = {
    "head_neck": "Head and neck",
    "upper_limbs": "Upper limbs",
    "trunk": "Trunk",
    "lower_limbs": "Lower limbs",
    "unspecified": "Not specified",
}

#: `analytics.vocabulary.TISSUES`.
TISSUES: dict[str, str] = {
    "muscle_tendon": "Muscle / tendon",
    "nervous": "Nervous system",
    "bone": "Bone",
    "cartilage_synovium_bursa": "Cartilage / synovium / bursa",
    "ligament_joint_capsule": "Ligament / joint capsule",
    "superficial_tissues_skin": "Superficial tissues / skin",
    "vessels": "Blood vessels",
    "stump": "Stump",
    "internal_organs": "Internal organs",
    "non_specific": "Not specific",
}

#: `analytics.vocabulary.PATHOLOGIES`.
PATHOLOGIES: dict[str, str] = {
    "muscle_injury": "Muscle injury",
    "muscle_contusion": "Muscle contusion",
    "muscle_compartment_syndrome": "Compartment syndrome",
    "tendinopathy": "Tendinopathy",
    "tendon_rupture": "Tendon rupture",
    "brain_spinal_cord_injury": "Brain or spinal cord injury",
    "peripheral_nerve_injury": "Peripheral nerve injury",
    "fracture": "Fracture",
    "bone_stress_injury": "Bone stress injury",
    "bone_contusion": "Bone contusion",
    "avascular_necrosis": "Avascular necrosis",
    "physis_injury": "Growth plate injury",
    "cartilage_injury": "Cartilage injury",
    "arthritis": "Arthritis",
    "synovitis_capsulitis": "Synovitis / capsulitis",
    "bursitis": "Bursitis",
    "joint_sprain": "Joint sprain (ligament)",
    "chronic_instability": "Chronic instability",
    "superficial_contusion": "Superficial contusion",
    "laceration": "Laceration",
    "abrasion": "Abrasion",
    "vascular_trauma": "Vascular trauma",
    "stump_injury": "Stump injury",
    "organ_trauma": "Internal organ trauma",
    "non_specific": "Not specific",
}

#: `analytics.vocabulary.ORGAN_SYSTEMS`: where an illness is.
ORGAN_SYSTEMS: dict[str, str] = {
    "cardiovascular": "Heart and circulation",
    "dermatological": "Skin",
    "dental": "Teeth",
    "endocrinological": "Hormones (endocrine)",
    "gastrointestinal": "Stomach and gut",
    "genitourinary": "Kidneys, bladder and genitals",
    "haematological": "Blood",
    "musculoskeletal": "Muscles, bones and joints",
    "neurological": "Brain and nerves",
    "ophthalmological": "Eyes",
    "otological": "Ears",
    "psychiatric": "Mental health",
    "respiratory": "Airways and lungs",
    "thermoregulatory": "Body temperature",
    "multiple_systems": "Several systems",
    "unknown": "Not known",
}

#: `analytics.vocabulary.ILLNESS_CAUSES`: what caused an illness.
ILLNESS_CAUSES: dict[str, str] = {
    "allergic": "Allergy",
    "environmental_exercise": "Environment, during exercise (e.g. heat)",
    "environmental_other": "Environment, outside exercise",
    "immunological": "Immune or inflammatory",
    "infection": "Infection",
    "neoplasm": "Tumour",
    "metabolic_nutritional": "Metabolic or nutritional",
    "thrombotic_haemorrhagic": "Clot or bleeding",
    "degenerative_chronic": "Degenerative or chronic",
    "developmental": "Developmental",
    "drug_poisoning": "Medicine, drug or poisoning",
    "multiple": "Several causes",
    "unknown": "Not known",
}

#: `analytics.vocabulary.RTS_STAGES`: the return-to-sport continuum (Ardern et al. 2016).
RTS_STAGES: dict[str, str] = {
    "rehabilitation": "Rehabilitation",
    "return_to_participation": "Return to participation",
    "return_to_sport": "Return to sport",
    "return_to_performance": "Return to performance",
}

#: Each stage in one plain line, as the coach and the athlete read it.
RTS_STAGE_MEANINGS: dict[str, str] = {
    "rehabilitation": "Not training with the team: recovering and rehabilitating.",
    "return_to_participation": "Training again, but modified or restricted: not ready to play yet.",
    "return_to_sport": "Back to full training and match play.",
    "return_to_performance": "Playing at or above the level before the problem.",
}

#: Who decided a problem's subsequent-problem category, inside a sentence ("This is a new problem (by the rule)").
SUBSEQUENT_BY: dict[str, str] = {"automatic": "by the rule", "clinician": "by the clinician"}

#: Whether the athlete agreed with a stage decision (`rts_stages.athlete_agreed`; missing = not asked).
ATHLETE_AGREED: dict[bool, str] = {True: "Agreed", False: "Did not agree"}
NOT_ASKED = "Not asked"

FIELDS |= {
    "problem_type": "Health problem",
    "contact": "Contact",
    "activity": "Activity",
    "training_session_id": "Training session",
    "body_area": "Body area",
    "tissue": "Tissue",
    "pathology": "Pathology",
    "organ_system": "Organ system",
    "illness_cause": "Cause",
    "osiics_code": "OSIICS code",
    "diagnosis": "Diagnosis",
    "diagnosis_id": "Diagnosis",
    "stage": "Stage",
    "stage_id": "Stage decision",
    "criteria_met": "Criteria met",
    "restrictions": "Restrictions",
    "athlete_agreed": "Athlete agreed",
    "rationale": "Rationale",
    "expected_next_date": "Next stage expected",
    "index_problem_id": "Earlier problem it follows",
    "criterion_id": "Checklist item",
    "text": "Checklist item",
    "role": "Role",
}

AUDIT_ACTIONS |= {
    "record_stage": "Recorded a return-to-sport stage",
    "remove_stage": "Removed a return-to-sport stage",
    "add_criterion": "Added a checklist item",
    "reword_criterion": "Reworded a checklist item",
    "deactivate_criterion": "Took a checklist item off",
    "add_diagnosis": "Added a diagnosis",
    "remove_diagnosis": "Removed a diagnosis",
    "set_index_problem": "Set the earlier problem",
}

AUDIT_SENTENCES |= {
    "record_stage": "{who} recorded {record}",
    "remove_stage": "{who} removed {record}",
    "add_criterion": "{who} added {record}",
    "reword_criterion": "{who} reworded {record}",
    "deactivate_criterion": "{who} took {record} off its checklist",
    "add_diagnosis": "{who} added {record}",
    "remove_diagnosis": "{who} removed {record}",
    "set_index_problem": "{who} set the earlier problem of {record}",
}

RECORD_KINDS |= {
    "rts_stages": "Return-to-sport stages",
    "rts_criteria": "Return-to-sport checklists",
    "secondary_diagnoses": "Further diagnoses",
}

RECORD_NOUNS |= {
    "rts_stages": "a return-to-sport stage of",
    "rts_criteria": "a checklist item",
    "secondary_diagnoses": "a diagnosis of",
}


# ---- injury and illness surveillance (IOC 2020; issue 13, helper H3)

#: The exposure of a rate (`analytics.surveillance.EXPOSURES`).
SURVEILLANCE_EXPOSURES: dict[str, str] = {"training": "Training", "match": "Match", "all": "Training and match"}
#: Problem types as the surveillance report's headings name them.
SURVEILLANCE_PROBLEMS: dict[str, str] = {"injury": "Injuries", "illness": "Illnesses"}
#: Severity groups of `analytics.surveillance.SEVERITY_GROUPS` (Fuller et al. 2006), and problems without time loss.
SEVERITY_GROUPS: dict[str, str] = {
    "slight": "0 days (slight)",
    "minimal": "1–3 days (minimal)",
    "mild": "4–7 days (mild)",
    "moderate": "8–28 days (moderate)",
    "severe": "More than 28 days (severe)",
    "none": "No time loss",
}
#: The columns the surveillance report groups problems by.
SURVEILLANCE_GROUPINGS: dict[str, str] = {
    "body_area": "Body area",
    "tissue": "Tissue",
    "onset_mode": "Mode of onset",
    "activity": "Activity at onset",
    "organ_system": "Organ system",
    "illness_cause": "Cause",
}
#: Who decided a problem's recurrence category (`analytics.schemas.CLASSIFIED_BY`).
CLASSIFIED_BY: dict[str, str] = {
    "automatic": "By the rule (same site and type)",
    "clinician": "By the clinician (index problem chosen by hand)",
}
#: A group value that was not recorded.
NOT_RECORDED = "Not recorded"

#: The definitions the surveillance report states (STROBE-SIIS items 6 and 7: Bahr et al. 2020).
SURVEILLANCE_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Health problem",
        "An injury or an illness recorded by the team's therapists (Bahr et al. 2020, IOC consensus). Counted when "
        "its onset falls within the period; a problem is time-loss when the athlete could not take full part in "
        "training or competition.",
    ),
    (
        "Days lost",
        "Days the athlete could not take full part in training and competition: neither the day of onset nor "
        "the day of return to full participation counts (IOC 2020, Table 10: a Monday injury with return the "
        "next Monday is 6 days). A problem still open at the end of the period counts up to that day.",
    ),
    (
        "Severity groups",
        "0 days (slight), 1–3 (minimal), 4–7 (mild), 8–28 (moderate), more than 28 days (severe); Fuller et al. 2006.",
    ),
    (
        "Exposure",
        "Training and match hours of the team's athletes in the period (session minutes ÷ 60, training log).",
    ),
    (
        "Incidence and burden",
        "Incidence = problems ÷ exposure hours × 1000; burden = days lost ÷ exposure hours × 1000. Problems that "
        "began in training count against training hours, in a match against match hours; every problem counts "
        "against all hours. 95 % intervals: exact Poisson (Garwood 1936); for burden the days lost are treated "
        "as the count, which makes the interval narrow when a few long absences dominate.",
    ),
    (
        "Risk matrix",
        "Per body area (injuries) or organ system (illnesses): incidence against mean severity (days lost per "
        "problem); their product is the burden (Bahr, Clarsen & Ekstrand 2018).",
    ),
    (
        "Subsequent problems",
        "Fuller et al. 2006: a problem of the same type and site (for illnesses: organ system and cause) as an "
        "earlier one of the same athlete is an exacerbation when the earlier one had not healed, otherwise a "
        "recurrence (early within 2 months of return, late within 12, delayed after). Where the clinician chose "
        "the earlier problem by hand, that choice decides.",
    ),
    (
        "OSTRC prevalence",
        "OSTRC-O2 (Clarsen et al. 2013, 2020): the share of athletes who answered in a week reporting a problem, "
        "and a substantial problem, averaged over the weeks of the period.",
    ),
)


def surveillance_value(column: str, code: object) -> str:
    """The label of a value the surveillance report groups by (`SURVEILLANCE_GROUPINGS`); "Not recorded"
    when missing."""
    if code is None or (not isinstance(code, str) and pd.isna(code)):
        return NOT_RECORDED
    tables: dict[str, dict[str, str]] = {
        "body_area": BODY_AREAS,
        "tissue": TISSUES,
        "onset_mode": ONSET_MODES,
        "activity": ACTIVITIES,
        "organ_system": ORGAN_SYSTEMS,
        "illness_cause": ILLNESS_CAUSES,
    }
    return word(tables.get(column, {}), code)


# ---- weekly health questions (OSTRC-H2; issue 13, helper H5)
# The athlete's weekly page (`pages/ostrc.py`): the OSTRC-O2 questions, then the OSTRC-H2 follow-ups about each
# health problem of the week (Clarsen et al. 2020; `data.ostrc_health`). The problem types, body regions and organ
# systems read as in `PROBLEM_TYPES`, `BODY_REGIONS` and `ORGAN_SYSTEMS`.

WEEKLY_HEALTH_TITLE = "Weekly health questions"

#: The follow-up questions about one health problem of the week (OSTRC-H2), by the field each answers.
HEALTH_PROBLEM_QUESTIONS: dict[str, str] = {
    "count": "How many different health problems (injuries or illnesses) did you have in the past 7 days?",
    "problem_type": "Was it an injury or an illness?",
    "body_region": "Where is the injury?",
    "organ_system": "Where in the body were the main symptoms?",
    "days_lost": "On how many of the past 7 days could you not train or compete at all because of it?",
}

#: The four OSTRC questions asked about one problem (OSTRC-H2, Clarsen et al. 2020: question 4 asks about symptoms,
#: an illness's as well as an injury's pain); the answers and their scores are those of `OSTRC_QUESTIONS`.
PROBLEM_OSTRC_QUESTIONS: dict[str, tuple[str, dict[int, str]]] = {
    "q1": (
        "Have you had any difficulties taking part in training and competition because of this problem during "
        "the past 7 days?",
        OSTRC_QUESTIONS["q1"][1],
    ),
    "q2": (
        "To what extent have you reduced your training volume because of this problem during the past 7 days?",
        OSTRC_QUESTIONS["q2"][1],
    ),
    "q3": (
        "To what extent has this problem affected your performance during the past 7 days?",
        OSTRC_QUESTIONS["q3"][1],
    ),
    "q4": (
        "To what extent have you had symptoms or health complaints from this problem during the past 7 days?",
        {0: "None", 8: "Mild", 17: "Moderate", 25: "Severe"},
    ),
}

FIELDS |= {"days_lost": "Days you could not take part", "week_start": "Week"}

AUDIT_ACTIONS |= {"link_health_report": "Linked a weekly health report"}
AUDIT_SENTENCES |= {"link_health_report": "{who} linked {record} to its health-problem record"}
RECORD_KINDS |= {"ostrc_health_problems": "Weekly health reports"}
RECORD_NOUNS |= {"ostrc_health_problems": "a weekly health report of"}

# ---- notifications (issue 15): the inbox, the delivery log, preferences

#: `data.models.NOTIFICATION_EVENTS`.
NOTIFICATION_EVENTS: dict[str, str] = {
    "pain_alert": "Pain alert",
    "checkin_reminder": "Check-in reminder",
    "ostrc_invitation": "Weekly health questions",
    "coach_digest": "Morning digest",
    "compliance_summary": "Weekly compliance summary",
    "test_message": "Test message",
}
#: `data.models.CHANNELS`.
CHANNELS: dict[str, str] = {"email": "E-mail", "webhook": "Team chat (webhook)", "inbox": "Inbox in Fascia"}
#: `data.models.OUTBOX_STATUSES`, as the delivery log says them.
DELIVERY_STATUSES: dict[str, str] = {
    "pending": "Waiting",
    "sending": "Being sent",
    "sent": "Sent",
    "failed": "Failed",
}
#: A waiting message that has failed at least once.
RETRY_WAITING = "Waiting to retry"
WEEKDAYS: dict[int, str] = {
    0: "Monday",
    1: "Tuesday",
    2: "Wednesday",
    3: "Thursday",
    4: "Friday",
    5: "Saturday",
    6: "Sunday",
}

# ---- the coach's squad readiness board and the athlete's plain words (issue 14, first screens)

#: Each availability with a shape beside its word, so the board never says it by colour alone.
AVAILABILITY_MARKS: dict[str, str] = {
    "full": "✓ Full training",
    "modified": "◐ Modified",
    "unavailable": "✕ Unavailable",
    "unknown": "? Not reported",
}
#: `analytics.readiness.wellness_against_usual`'s ``wellness_trend``: an arrow and words.
WELLNESS_TRENDS: dict[str, str] = {
    "lower": "↓ lower than usual",
    "usual": "→ as usual",
    "higher": "↑ better than usual",
}
#: A wellness total today without enough earlier check-ins to compare it with.
NO_USUAL_YET = "no usual yet"


def wellness_words(today: object, usual: object, trend: object) -> str | None:
    """Today's wellness total (5-25) against the athlete's usual: "↓ 14 (usual 19)", "→ 19 (usual 19)",
    "20 (no usual yet)"; None without a total today."""
    if today is None or pd.isna(today):
        return None
    if trend is None or pd.isna(trend):
        return f"{today:.0f} ({NO_USUAL_YET})"
    return f"{WELLNESS_TRENDS[str(trend)].split(' ')[0]} {today:.0f} (usual {usual:.0f})"


def soreness_words(item: object) -> str | None:
    """Today's soreness answer with its words: "2 · sorer / tighter than normal"; None without an answer."""
    if item is None or pd.isna(item):
        return None
    return f"{int(item)} · {WELLNESS_ANSWERS['soreness'][int(item)]}"


#: Flag kinds in the few words of the readiness board (`FLAGS` names them in full).
FLAG_SHORT: dict[str, str] = FLAGS | {
    "new_pain_injured_region": "Pain where injured before",
    "ostrc_substantial": "Weekly health problem",
}


def flag_kinds_words(count: int, kinds: list[str]) -> str | None:
    """An athlete's open flags as their count and kinds (`FLAG_SHORT`, in the order given): "3 · Pain spike,
    ROM asymmetry"; None without a flag."""
    if not count:
        return None
    return f"{count} · {', '.join(FLAG_SHORT[kind] for kind in kinds)}"


# --------------------------------------------------------------------------- flag performance and flag rules (issue 16)

#: Each flag threshold (`analytics.flags.FlagRules`, by name) as a physio reads it: (the flag kind it belongs
#: to, what it sets, its unit). The order is the order the *Flag performance* page lists them.
FLAG_RULE_WORDS: dict[str, tuple[str, str, str]] = {
    "pain_spike_points": ("pain_spike", "Pain above the athlete's own average by at least", "points (0-10)"),
    "pain_baseline_days": ("pain_spike", "Average taken over the previous", "days"),
    "pain_min_baseline": ("pain_spike", "Only once that average holds at least", "reports"),
    "persistent_min_pain": ("persistent_pain", "Pain of at least", "out of 10"),
    "persistent_reports": ("persistent_pain", "On this many reports in a row", "reports"),
    "new_pain_min": ("new_pain_injured_region", "New pain of at least", "out of 10"),
    "new_pain_gap_days": ("new_pain_injured_region", "After no pain there for", "days"),
    "rom_fraction": (
        "rom_asymmetry",
        "Left-right difference beyond measurement error and above",
        "% of the better side",
    ),
    "rom_current_days": ("rom_asymmetry", "Stays on the board after the measurement for", "days"),
    "wellness_drop_sd": ("wellness_drop", "Wellness total below the athlete's usual by at least", "SD"),
    "wellness_baseline_days": ("wellness_drop", "Usual taken over the previous", "days"),
    "wellness_min_baseline": ("wellness_drop", "Only once that usual holds at least", "check-ins"),
    "missing_checkin_days": ("missing_checkin", "No check-in for", "days"),
    "ostrc_current_days": ("ostrc_substantial", "Stays on the board after the answer for", "days"),
}
#: Thresholds stored as a fraction but read as a percentage.
PERCENT_RULES: frozenset[str] = frozenset({"rom_fraction"})


def rule_value_words(name: str, value: float) -> str:
    """A threshold's value as a physio reads it: "2 points (0-10)", "10 % of the better side", "1.5 SD"."""
    unit = FLAG_RULE_WORDS[name][2]
    if name in PERCENT_RULES:
        return f"{value * 100:g} {unit}"
    return f"{value:g} {unit}"


#: The columns of the *Flag performance* table, as a therapist reads them.
FLAG_PERFORMANCE_COLUMNS: dict[str, str] = {
    "kind_label": "Flag",
    "flags": "Flag-days",
    "flags_per_athlete_week": "Flags per athlete-week",
    "injuries_flagged": "Injuries flagged",
    "sensitivity": "Sensitivity",
    "sensitivity_interval": "95 % interval",
    "flags_followed": "Flags followed",
    "ppv": "PPV",
    "ppv_interval": "95 % interval",
}
#: The definitions shown under the table, in plain words (`analytics.flag_performance`).
FLAG_PERFORMANCE_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Flag-day",
        "One athlete, one day, one kind of flag: two painful regions flagged on the same day count once.",
    ),
    (
        "Flags per athlete-week",
        "How many flags the kind raises: flag-days ÷ (days the athletes were monitored ÷ 7). This is the work "
        "it asks of the staff.",
    ),
    (
        "Sensitivity",
        "Of the time-loss injuries, the share that had this kind of flag on one of the days before onset "
        "(within the window; the day of onset does not count).",
    ),
    (
        "PPV",
        "Of the flag-days, the share followed by a time-loss injury of the same athlete within the window "
        "(the flag's own day does not count). The rest are flags no injury followed.",
    ),
    (
        "95 % interval",
        "Wilson score interval: where the true share probably lies given how few cases there are. With a handful "
        "of injuries it is wide, and two flags whose intervals overlap cannot be told apart.",
    ),
)
#: What the numbers can and cannot say, shown above them.
FLAG_PERFORMANCE_CAVEATS = (
    "These numbers describe this club's own history: how often each flag came before a time-loss injury, and "
    "how many flags it cost. They are an association, not a prediction for the next athlete, and not a cause: "
    "a flag that often comes before an injury may simply mark an athlete who was already hurting. Single "
    "screening tests do not predict injury (Bahr 2016), and the training-load ratio's link to injury is partly "
    "a statistical artefact (Impellizzeri et al. 2020; Lolli et al. 2019). A flag is a prompt to talk to the "
    "athlete, whatever its numbers. Few injuries give wide intervals: read the interval before the number."
)
#: How the monitored days and the injuries counted are chosen (`views.flag_performance`).
FLAG_PERFORMANCE_SCOPE = (
    "Monitored days: from each athlete's first check-in (or the start of the dates) to the end of the dates "
    "(to their last check-in for athletes no longer active). Injuries: time-loss injuries whose onset is on a "
    "monitored day. Flags: every flag raised in those days, closed or not, with the thresholds in use now."
)
#: The ACWR band check's words.
ACWR_BAND_WORDS = (
    "The training-load ratio's 'danger zone' above 1.5 (Gabbett 2016), disputed (Impellizzeri et al. 2020): "
    "the share of time-loss injuries whose ratio was above 1.5 on the day before onset, against the share of all "
    "monitored athlete-days above 1.5. If the first is not clearly above the second (overlapping intervals), the "
    "band did not single out the days before injuries here. Only injuries and days with a ratio count (it needs 28 "
    "days of training data)."
)
ACWR_BAND_COLUMNS: dict[str, str] = {
    "method_label": "ACWR method",
    "injuries": "Injuries",
    "injuries_above": "Above 1.5 the day before",
    "injury_share": "Share of injuries",
    "injury_interval": "95 % interval",
    "athlete_days": "Athlete-days",
    "day_share": "Share of days above 1.5",
    "day_interval": "95 % interval",
}
#: The preview's columns: the current thresholds against the ones being tried.
FLAG_PREVIEW_COLUMNS: dict[str, str] = {
    "kind_label": "Flag",
    "per_week_now": "Flags per athlete-week: now",
    "per_week_new": "new",
    "caught_now": "Injuries flagged: now",
    "caught_new": "new",
    "ppv_now": "PPV: now",
    "ppv_new": "new",
}

#: How each flag is checked, said to the athlete it is about (no thresholds: a team may set its own; the
#: therapist's screens show the rule itself).
FLAG_CHECKS: dict[str, str] = {
    "pain_spike": "Checked: your pain in an area against your own usual pain there over the last four weeks.",
    "persistent_pain": "Checked: the same area hurting on several reports in a row.",
    "new_pain_injured_region": "Checked: new pain in an area where you had an injury before.",
    "rom_asymmetry": (
        "Checked: your two sides measured on the same day. It counts when the difference is bigger than "
        "measurement noise and than a tenth of the better side."
    ),
    "wellness_drop": "Checked: your five wellness answers added up, against your own usual of the last four weeks.",
    "missing_checkin": "Checked: the days since your last check-in.",
    "ostrc_substantial": (
        "Checked: your weekly health answers. It counts when a problem stopped you taking part, or clearly cut "
        "your training or your performance."
    ),
}
_SIDES_MEASURED = re.compile(r"left ([\d.]+) (deg|cm), right ([\d.]+) (deg|cm)")


def flag_check_words(kind: object, values: object, side: object = None) -> str:
    """A flag explained to the athlete (`FLAG_CHECKS`); for a ROM flag also its numbers in plain words:
    "Left 41°, right 34°: your right side reaches 83 % of your left." (`side` is the involved side; without
    one, the smaller value)."""
    check = FLAG_CHECKS.get(str(kind), "")
    measured = _SIDES_MEASURED.search(values) if kind == "rom_asymmetry" and isinstance(values, str) else None
    if measured is None:
        return check
    left, right, unit = float(measured.group(1)), float(measured.group(3)), measured.group(2)
    involved = side if side in ("left", "right") else ("left" if left < right else "right")
    other = "right" if involved == "left" else "left"
    mine, theirs = (left, right) if involved == "left" else (right, left)
    share = f"{mine / theirs:.0%}".replace("%", " %") if theirs else "–"
    digits = 0 if unit == "deg" else 1
    return (
        f"{check} Left {amount(left, unit, digits)}, right {amount(right, unit, digits)}: your {involved} side "
        f"reaches {share} of your {other}."
    )


#: Recurrence categories (`RECURRENCE`) said to the athlete.
RECURRENCE_PLAIN: dict[str, str] = {
    "new": "A new injury",
    "exacerbation": "Got worse before it had healed",
    "recurrent_early": "Came back within 2 months of your return",
    "recurrent_late": "Came back 2–12 months after your return",
    "recurrent_delayed": "Came back more than a year after your return",
}
#: The same in a chart's few words.
RECURRENCE_PLAIN_SHORT: dict[str, str] = {
    "new": "new",
    "exacerbation": "worse again",
    "recurrent_early": "back within 2 months",
    "recurrent_late": "back after 2–12 months",
    "recurrent_delayed": "back after a year",
}
#: A ROM change too small to count, said to the athlete (the clinicians' "within the MDC").
MEASUREMENT_NOISE = "measurement noise"


def interval_words(low: object, high: object, decimals: int = 0) -> str:
    """A share's 95 % interval (proportions 0-1) as text: "28-79 %"; "–" when there is none (no cases)."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "–"
    return f"{float(low) * 100:.{decimals}f}-{float(high) * 100:.{decimals}f} %"


RECORD_KINDS |= {"flag_rules": "Flag rules"}
RECORD_NOUNS |= {"flag_rules": "the flag rules of"}


AUDIT_ACTIONS |= {"import_failed": "Import failed"}
AUDIT_SENTENCES |= {"import_failed": "{who}'s import of {record} failed"}
