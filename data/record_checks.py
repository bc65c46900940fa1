"""Records checked and parsed before they are written: every value of a file, a form or a script read
to its field's type (`data.records.RECORD_KINDS`) and checked against the field's bounds, choices and
the kind's cross-field rules, each refusal naming its row, field and value (`ValidationError`); then
turned into plain Python values for the driver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from analytics.vocabulary import ROM_VALUE_RANGE
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


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().isin(["", "nan", "NaT", "None", "<NA>"])


def _parse(
    field: Field, raw: pd.Series, date_order: DateOrder = DateOrder.NONE, decimal_comma: bool = False
) -> tuple[pd.Series, pd.Series]:
    """(parsed values, the reason each present value that could not be parsed is refused, '' for the rest).

    Dates are read by `data.dates.read_dates` in `date_order`. With `decimal_comma`, a number may be
    written with a decimal comma (5,5 is 5.5), and one whose point could be a thousands separator
    (1.234) is refused rather than guessed."""
    blank = _blank(raw)
    if field.kind in ("int", "float"):
        ambiguous = pd.Series(False, index=raw.index)
        if decimal_comma:
            raw, ambiguous = _decimal_points(raw)
        parsed = pd.to_numeric(raw.where(~blank & ~ambiguous), errors="coerce")
        bad = parsed.isna() & ~blank & ~ambiguous
        if field.kind == "int":
            fractional = parsed.notna() & (parsed != parsed.round())
            bad |= fractional
            parsed = parsed.where(~fractional)
        reasons = np.where(bad, f"is not a valid {field.kind}", np.where(ambiguous, THOUSANDS_OR_DECIMALS, ""))
        return parsed, pd.Series(reasons, index=raw.index, dtype=object)
    if field.kind == "date":
        return read_dates(raw.where(~blank), date_order)
    if field.kind == "bool":
        text = raw.where(~blank).astype(str).str.strip().str.lower()
        truth = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
        parsed = text.map(truth)
        parsed = parsed.where(~raw.map(lambda v: isinstance(v, bool)), raw)
        return parsed, _reasons(parsed.isna() & ~blank, "is not a valid bool")
    parsed = raw.where(~blank).astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return parsed, pd.Series("", index=raw.index, dtype=object)


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


def _reasons(mask: pd.Series, reason: str) -> pd.Series:
    """`reason` where `mask`, '' elsewhere."""
    return pd.Series(np.where(mask, reason, ""), index=mask.index, dtype=object)


def problems_where(
    mask: pd.Series, values: pd.Series, field: str, reason: str, first_row: int
) -> list[ValidationError]:
    """A refusal of `field` with `reason` for each row where `mask` holds (row = position + `first_row`)."""
    positions = mask.to_numpy().nonzero()[0]
    return [ValidationError(field, values.iloc[p], reason, row=int(p) + first_row) for p in positions]


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
    clean = pd.DataFrame(index=frame.index)
    problems: list[ValidationError] = []
    for field in kind.fields:
        raw = frame[field.name] if field.name in frame else pd.Series([None] * len(frame), dtype=object)
        parsed, refusals = _parse(field, raw, date_order, decimal_comma)
        unparsable = refusals != ""
        for reason in refusals[unparsable].unique():
            problems += problems_where(refusals == reason, raw, field.name, reason, first_row)
        present = parsed.notna()
        if field.required:
            problems += problems_where(~present & ~unparsable, raw, field.name, "is required", first_row)
        if field.kind == "int":  # the databases' INTEGER is 32-bit on PostgreSQL
            huge = present & ~unparsable & (parsed.abs() > INT_LIMIT)
            problems += problems_where(huge, raw, field.name, "is too large a number", first_row)
            parsed = parsed.where(~huge)
            present = parsed.notna()
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
            outside = present & ~parsed.isin(list(field.choices))
            allowed = ", ".join(str(c) for c in field.choices)
            problems += problems_where(outside, raw, field.name, f"is not one of: {allowed}", first_row)
        if field.kind == "date":
            problems += problems_where(present & (parsed < EARLIEST_DATE), raw, field.name, "is before 1900", first_row)
            if field.name not in FUTURE_ALLOWED:
                latest = pd.Timestamp(dt.date.today() + dt.timedelta(days=1))  # a day ahead of UTC for time zones
                problems += problems_where(present & (parsed > latest), raw, field.name, "is in the future", first_row)
        if field.max_length is not None:
            too_long = present & (parsed.astype(str).str.len() > field.max_length)
            problems += problems_where(
                too_long, raw, field.name, f"is longer than {field.max_length} characters", first_row
            )
        clean[field.name] = parsed
    problems += cross_field_problems(kind, clean, first_row)
    if kind.natural_key:
        repeated = clean.duplicated(subset=list(kind.natural_key), keep="first") & clean[
            list(kind.natural_key)
        ].notna().all(axis=1)
        key = "+".join(kind.natural_key)
        problems += problems_where(
            repeated, clean[kind.natural_key[0]], key, "repeats an earlier row of this file", first_row
        )
    problems.sort(key=lambda e: (e.row or 0, kind.columns.index(e.field) if e.field in kind.columns else 99))
    return clean, problems


def cross_field_problems(kind: RecordKind, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if kind.name == "rom_measurements":
        for unit, (low, high) in ROM_VALUE_RANGE.items():
            outside = (clean["unit"] == unit) & ((clean["value"] < low) | (clean["value"] > high))
            problems += problems_where(
                outside, clean["value"], "value", f"is outside {low:g}..{high:g} {unit}", first_row
            )
    if kind.name == "injuries":
        early = clean["return_date"].notna() & (clean["return_date"] < clean["onset_date"])
        problems += problems_where(
            early, clean["return_date"].dt.date, "return_date", "is before the onset date", first_row
        )
    if kind.name == "ostrc_responses":
        not_monday = clean["week_start"].notna() & (clean["week_start"].dt.day_of_week != 0)
        problems += problems_where(not_monday, clean["week_start"].dt.date, "week_start", "is not a Monday", first_row)
    return problems


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
