"""Records checked and parsed before they are written: every value of a file, a form or a script read
to its field's type (`data.records.RECORD_KINDS`) and checked against the field's bounds, choices and
the kind's cross-field rules, each refusal naming its row, field and value (`ValidationError`); then
turned into plain Python values for the driver.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analytics.vocabulary import (
    BODY_AREA_OF_REGION,
    INJURY_TYPE_OF_PATHOLOGY,
    PATHOLOGY_OF_INJURY_TYPE,
    ROM_VALUE_RANGE,
    TISSUE_PATHOLOGIES,
)
from data.bulk import object_array
from data.dates import DateOrder, read_dates
from data.errors import ValidationError
from data.records import Field, RecordKind


class InvalidRecords(ValidationError):
    """Several refused values at once; `errors` lists each (row, field, value, reason)."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.value, first.reason, first.row)
        self.errors = list(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.args = (f"{errors[0]}{more}",)


#: Dates are records of what happened: none before 1900, none in the future, except an injury's
#: return date, which may be the planned one.
EARLIEST_DATE = pd.Timestamp("1900-01-01")


FUTURE_ALLOWED = frozenset({"return_date"})


INT_LIMIT = 2_147_483_647


#: What a value is written as when it is blank: nothing, or a missing value as text.
BLANK_TEXTS = frozenset({"", "nan", "NaT", "None", "<NA>"})


def _blank(values: np.ndarray) -> np.ndarray:
    """Which values are blank: missing, or text (of any value) that is empty or spells a missing value.
    A numeric, boolean or date array's values are blank only where missing."""
    blank = np.asarray(pd.isna(values), dtype=bool)
    if values.dtype == object:
        blank |= np.fromiter((str(v).strip() in BLANK_TEXTS for v in values), dtype=bool, count=len(values))
    return blank


def _parse(
    field: Field, raw: pd.Series, date_order: DateOrder = DateOrder.NONE, decimal_comma: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(parsed values, the reason each present value that could not be parsed is refused, '' for the rest),
    as arrays in `raw`'s order.

    Dates are read by `data.dates.read_dates` in `date_order`. With `decimal_comma`, a number may be
    written with a decimal comma (5,5 is 5.5), and one whose point could be a thousands separator
    (1.234) is refused rather than guessed.

    The steps work on numpy arrays, not Series: a form's check-in is one row, where each pandas step
    costs a hundred times its numpy twin (issue 12: a check-in's two frames took 95 ms to check)."""
    values = raw.to_numpy()
    blank = _blank(values)
    nothing = np.full(len(values), "", dtype=object)
    if field.kind in ("int", "float"):
        ambiguous = np.zeros(len(values), dtype=bool)
        if decimal_comma:
            commas, grouped = _decimal_points(raw)
            values, ambiguous = commas.to_numpy(), grouped.to_numpy(dtype=bool)
        if values.dtype.kind in "mM":  # dates and durations are no numbers (not their nanoseconds)
            values = raw.astype(object).to_numpy()
        skipped = blank | ambiguous
        parsed = pd.to_numeric(np.where(skipped, None, values) if skipped.any() else values, errors="coerce")
        missing = np.asarray(pd.isna(parsed), dtype=bool)
        bad = missing & ~skipped
        if field.kind == "int":
            fractional = ~missing & (parsed != np.round(parsed))
            bad |= fractional
            if fractional.any():
                parsed = np.where(fractional, np.nan, parsed)
        reasons = np.where(bad, f"is not a valid {field.kind}", np.where(ambiguous, THOUSANDS_OR_DECIMALS, nothing))
        return parsed, reasons.astype(object)
    if field.kind == "date":
        days, refusals = read_dates(raw.where(~blank), date_order)
        return days.to_numpy(), refusals.to_numpy(dtype=object)
    if field.kind == "bool":
        text = raw.where(~blank).astype(str).str.strip().str.lower()
        truth = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
        parsed = text.map(truth)
        parsed = parsed.where(~raw.map(lambda v: isinstance(v, bool)), raw)
        return parsed.to_numpy(), np.where(parsed.isna().to_numpy() & ~blank, "is not a valid bool", nothing)
    boxed = values if values.dtype == object else raw.astype(object).to_numpy()  # Python ints, Timestamps
    text = object_array(
        [np.nan if b else (v.strip() if isinstance(v, str) else v) for v, b in zip(boxed, blank, strict=True)]
    )
    return text, nothing


THOUSANDS_OR_DECIMALS = (
    "could be thousands or decimals in a file with decimal commas: write it without the point, or with a decimal comma"
)


def _decimal_points(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`raw` with each decimal comma written as a point: 5,5 -> 5.5; mask of the values whose point
    could as well be a thousands separator: 1.234)."""
    text = raw.map(lambda v: v.strip() if isinstance(v, str) else "")
    comma = text.str.fullmatch(r"[+-]?\d*,\d+").astype(bool)
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+").astype(bool)
    return raw.where(~comma, text.str.replace(",", ".", regex=False)), grouped


def problems_where(
    mask: pd.Series | np.ndarray, values: pd.Series, field: str, reason: str, first_row: int
) -> list[ValidationError]:
    """A refusal of `field` with `reason` for each row where `mask` holds (row = position + `first_row`)."""
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [ValidationError(field, values.iloc[p], reason, row=int(p) + first_row) for p in positions]


def _in_choices(values: np.ndarray, choices: tuple[Any, ...]) -> np.ndarray:
    """Which values are one of `choices` (equal as a hash table sees them, as ``Series.isin``)."""
    allowed = set(choices)

    def inside(value: Any) -> bool:
        try:
            return value in allowed
        except TypeError:  # an unhashable value is none of them
            return False

    return np.fromiter((inside(v) for v in values), dtype=bool, count=len(values))


def _too_long(values: np.ndarray, max_length: int) -> np.ndarray:
    """Which values are longer than `max_length` characters as text."""
    return np.fromiter((len(str(v)) > max_length for v in values), dtype=bool, count=len(values))


def _column(values: np.ndarray) -> pd.Series:
    """A parsed array as a column of `clean`, in its own dtype (an object array of text stays object)."""
    return pd.Series(values, dtype=values.dtype, copy=False)


def validate_frame(
    kind: RecordKind,
    frame: pd.DataFrame,
    first_row: int = 1,
    *,
    date_order: DateOrder = DateOrder.NONE,
    decimal_comma: bool = False,
) -> tuple[pd.DataFrame, list[ValidationError]]:
    """The frame with each field parsed to its type, and every problem found (row = position + `first_row`).

    Dates not written YYYY-MM-DD are read in `date_order` (data/dates.py); `decimal_comma` lets
    numbers be written 5,5 (`_parse`)."""
    frame = frame.reset_index(drop=True)
    columns: dict[str, pd.Series] = {}
    problems: list[ValidationError] = []
    earliest = np.datetime64(EARLIEST_DATE.date(), "us")
    latest = np.datetime64(dt.date.today() + dt.timedelta(days=1), "us")  # a day ahead of UTC for time zones
    for field in kind.fields:
        raw = frame[field.name] if field.name in frame else pd.Series([None] * len(frame), dtype=object)
        parsed, refusals = _parse(field, raw, date_order, decimal_comma)
        unparsable = refusals != ""
        for reason in pd.unique(refusals[unparsable]):
            problems += problems_where(refusals == reason, raw, field.name, reason, first_row)
        present = ~np.asarray(pd.isna(parsed), dtype=bool)
        if field.required:
            problems += problems_where(~present & ~unparsable, raw, field.name, "is required", first_row)
        if field.kind == "int":  # the databases' INTEGER is 32-bit on PostgreSQL
            huge = present & ~unparsable & (np.abs(parsed) > INT_LIMIT)
            problems += problems_where(huge, raw, field.name, "is too large a number", first_row)
            if huge.any():
                parsed = np.where(huge, np.nan, parsed)
                present &= ~huge
        if field.low is not None:
            problems += problems_where(
                present & (parsed < field.low), raw, field.name, f"is below {field.low:g}", first_row
            )
        if field.high is not None:
            problems += problems_where(
                present & (parsed > field.high), raw, field.name, f"is above {field.high:g}", first_row
            )
        if field.above is not None:
            problems += problems_where(
                present & (parsed <= field.above), raw, field.name, f"must be more than {field.above:g}", first_row
            )
        if field.choices is not None:
            outside = present & ~_in_choices(parsed, field.choices)
            allowed = ", ".join(str(c) for c in field.choices)
            problems += problems_where(outside, raw, field.name, f"is not one of: {allowed}", first_row)
        if field.kind == "date":
            problems += problems_where(present & (parsed < earliest), raw, field.name, "is before 1900", first_row)
            if field.name not in FUTURE_ALLOWED:
                problems += problems_where(present & (parsed > latest), raw, field.name, "is in the future", first_row)
        if field.max_length is not None:
            too_long = present & _too_long(parsed, field.max_length)
            problems += problems_where(
                too_long, raw, field.name, f"is longer than {field.max_length} characters", first_row
            )
        columns[field.name] = _column(parsed)
    clean = pd.DataFrame(columns, index=frame.index)
    clean = with_derived_fields(kind, clean)
    problems += cross_field_problems(kind, clean, first_row)
    if kind.natural_key:
        repeated = clean.duplicated(subset=list(kind.natural_key), keep="first") & clean[kind.required_key].notna().all(
            axis=1
        )
        key = "+".join(kind.natural_key)
        problems += problems_where(
            repeated, clean[kind.natural_key[0]], key, "repeats an earlier row of this file", first_row
        )
    problems.sort(key=lambda e: (e.row or 0, kind.columns.index(e.field) if e.field in kind.columns else 99))
    return clean, problems


#: The fields of a health problem that only an injury has, and those that only an illness has
#: (Bahr et al. 2020: an injury is classified by body area, tissue and pathology; an illness by organ
#: system and cause).
INJURY_ONLY = ("body_region", "side", "injury_type", "tissue", "pathology")
ILLNESS_ONLY = ("organ_system", "illness_cause")
#: What an OSIICS code may be written as (Orchard et al., OSIICS version 15: letters and digits; at most 8 of them,
#: the field's `max_length`).
OSIICS_CODE = r"[A-Za-z0-9]+"


#: For an edit: the fields derived from each field (`with_derived_fields`), derived again when that field
#: changes and the edit does not give them itself (a new region gives a new body area).
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "body_region": ("body_area",),
    "pathology": ("tissue", "injury_type"),
    "injury_type": ("tissue", "pathology"),
}


def with_derived_fields(kind: RecordKind, clean: pd.DataFrame) -> pd.DataFrame:
    """`clean` with the values a health problem derives filled in where they are blank, never changing a
    given value (a given value that disagrees is refused by `cross_field_problems`).

    A problem without a type is an injury. For an injury (IOC 2020 tables, `analytics.vocabulary`):
    the tissue from the pathology; Fascia's injury type from the pathology (INJURY_TYPE_OF_PATHOLOGY);
    tissue and pathology from the injury type when both are blank (PATHOLOGY_OF_INJURY_TYPE); the body
    area from the body region (BODY_AREA_OF_REGION). Other kinds are returned as they are."""
    if kind.name != "injuries" or clean.empty:
        return clean
    clean = clean.copy()
    if "problem_type" in clean:
        clean["problem_type"] = clean["problem_type"].where(clean["problem_type"].notna(), "injury").astype(object)
    injury = clean["problem_type"] == "injury" if "problem_type" in clean else pd.Series(True, index=clean.index)
    tissue_of = {p: tissue for tissue, pathologies in TISSUE_PATHOLOGIES.items() for p in pathologies}

    def fill(column: str, where: pd.Series, values: pd.Series) -> None:
        if column in clean:
            blank = where & clean[column].isna() & values.notna()
            clean[column] = clean[column].astype(object).where(~blank, values.astype(object))

    if {"tissue", "pathology", "injury_type"} <= set(clean.columns):
        both_blank = clean["tissue"].isna() & clean["pathology"].isna()
        fill(
            "tissue",
            injury & both_blank,
            clean["injury_type"].map(lambda t: PATHOLOGY_OF_INJURY_TYPE.get(t, (None,))[0]),
        )
        fill(
            "pathology",
            injury & both_blank,
            clean["injury_type"].map(lambda t: PATHOLOGY_OF_INJURY_TYPE.get(t, (None, None))[1]),
        )
    if "pathology" in clean:
        fill("tissue", injury, clean["pathology"].map(tissue_of))
        fill("injury_type", injury, clean["pathology"].map(INJURY_TYPE_OF_PATHOLOGY))
    if "body_region" in clean:
        fill("body_area", injury, clean["body_region"].map(BODY_AREA_OF_REGION))
    return clean


def cross_field_problems(kind: RecordKind, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    """The refusals of values that are each valid but do not go together (after `with_derived_fields`),
    each naming the row and the field it refuses."""
    problems: list[ValidationError] = []
    if kind.name == "rom_measurements":
        for unit, (low, high) in ROM_VALUE_RANGE.items():
            outside = (clean["unit"] == unit) & ((clean["value"] < low) | (clean["value"] > high))
            problems += problems_where(
                outside, clean["value"], "value", f"is outside {low:g}..{high:g} {unit}", first_row
            )
    if kind.name == "injuries":
        problems += health_problem_problems(clean, first_row)
    if kind.name == "ostrc_responses":
        not_monday = clean["week_start"].notna() & (clean["week_start"].dt.day_of_week != 0)
        problems += problems_where(not_monday, clean["week_start"].dt.date, "week_start", "is not a Monday", first_row)
    return problems


def health_problem_problems(clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    """The IOC 2020 rules of a health problem (Bahr et al. 2020) that one field alone cannot check.

    An injury needs a body region, a side and an injury type; its pathology belongs to its tissue, its
    type is the pathology's type (INJURY_TYPE_OF_PATHOLOGY), its body area the region's
    (BODY_AREA_OF_REGION), and it has no organ system or cause. An illness needs an organ system and a
    cause, and has no region, side, type, tissue or pathology. Contact is the mechanism of a
    sudden-onset injury only. An OSIICS code is letters and digits. A return date is not before the onset."""
    problems: list[ValidationError] = []

    def refuse(mask: pd.Series, column: str, reason: str) -> None:
        nonlocal problems
        if column in clean:
            problems += problems_where(mask.fillna(False).astype(bool), clean[column], column, reason, first_row)

    def given(column: str) -> pd.Series:
        return clean[column].notna() if column in clean else pd.Series(False, index=clean.index)

    def column(name: str) -> pd.Series:
        """The column as Python objects (its values may be of any type the row was given in)."""
        return clean[name].astype(object) if name in clean else pd.Series(None, index=clean.index, dtype=object)

    problem_type = column("problem_type").where(given("problem_type"), "injury")
    injury, illness = problem_type == "injury", problem_type == "illness"
    for name in ("body_region", "side", "injury_type"):
        refuse(injury & ~given(name), name, "is required for an injury")
    for name in ILLNESS_ONLY:
        refuse(illness & ~given(name), name, "is required for an illness")
        refuse(injury & given(name), name, "is for an illness only: leave it blank for an injury")
    for name in INJURY_ONLY:
        refuse(illness & given(name), name, "is for an injury only: leave it blank for an illness")
    tissue, pathology = column("tissue"), column("pathology")
    foreign = (
        injury
        & given("tissue")
        & given("pathology")
        & ~pd.Series(
            [p in TISSUE_PATHOLOGIES.get(t, ()) for t, p in zip(tissue, pathology, strict=True)], index=clean.index
        )
    )
    refuse(foreign, "pathology", "is not a pathology of the tissue given")
    pathology_type = pathology.map(INJURY_TYPE_OF_PATHOLOGY).astype(object)
    other_type = injury & given("injury_type") & pathology_type.notna() & (column("injury_type") != pathology_type)
    refuse(other_type, "injury_type", "is not the injury type of the pathology given")
    region_area = column("body_region").map(BODY_AREA_OF_REGION).astype(object)
    other_area = injury & given("body_area") & region_area.notna() & (column("body_area") != region_area)
    refuse(other_area, "body_area", "is not the body area of the body region given")
    sudden_injury = injury & (column("onset_mode") == "sudden")
    refuse(given("contact") & ~sudden_injury, "contact", "is for a sudden-onset injury only")
    code = column("osiics_code").astype(object)
    malformed = given("osiics_code") & ~code.map(lambda c: isinstance(c, str) and is_osiics_code(c))
    refuse(malformed, "osiics_code", "is not an OSIICS code (letters and digits only)")
    if "return_date" in clean and "onset_date" in clean:
        early = clean["return_date"].notna() & (clean["return_date"] < clean["onset_date"])
        problems += problems_where(
            early, clean["return_date"].dt.date, "return_date", "is before the onset date", first_row
        )
    return problems


def is_osiics_code(code: str) -> bool:
    """Whether `code` is written as an OSIICS code: letters and digits (its length is the field's limit)."""
    return re.fullmatch(OSIICS_CODE, code) is not None


_PYTHON_TYPES: dict[str, Any] = {"int": int, "float": float, "bool": bool, "str": str}


def to_records(kind: RecordKind, clean: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python values for the driver (dates as date, missing as None).

    Built as lists, not with `Series.map`, which would turn an int column with a missing value
    back into floats and NaN."""
    present = clean.notna()
    columns: dict[str, list[Any]] = {}
    for field in kind.fields:
        values = clean[field.name].tolist()
        mask = present[field.name].tolist()
        if field.kind == "date":
            columns[field.name] = [v.date() if ok else None for v, ok in zip(values, mask, strict=True)]
        else:
            cast = _PYTHON_TYPES[field.kind]
            columns[field.name] = [cast(v) if ok else None for v, ok in zip(values, mask, strict=True)]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]
