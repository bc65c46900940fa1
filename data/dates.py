"""The one date reader of Fascia: the generic importer (dates and link dates), the PMSys importer, the
upload page and the entry forms' validation read dates here, and nowhere else (docs/IMPORT_EXPORT.md).

The rules, so that a date is never guessed:
- An ISO 8601 date is always accepted: `YYYY-MM-DD`, also followed by a time (`T` or a space,
  `HH:MM[:SS[.fff]]`) and a UTC offset (`Z`, `+02:00`, `-0500`). The date is the one written: the
  time and the offset are ignored, so a column mixing offsets reads each date as written.
- A date cell (an Excel date, a Python `date`/`datetime`, a pandas `Timestamp`, a numpy
  `datetime64`) is always accepted, as the date it holds (a time of day and a time zone are ignored).
- A date written with its day and month as numbers and a four-digit year, separated by `/`, `.` or
  `-` (`03/04/2025`, `4.3.2025`, `03-04-2025`, optionally followed by a time), is accepted only in
  the order the user states (`DateOrder.DAY_FIRST` or `DateOrder.MONTH_FIRST`), and refused when it
  is not a date in that order (`13/04/2025` month first). Without a stated order it is refused, even
  when only one reading is a date (`13/04/2025`): the reason gives both readings, or the only one,
  and says how to state the order.
- A two-digit year (`03/04/25`) is refused in every order: its century would be a guess.
- Anything else (month names, `2025/04/03`, numbers, text) is refused as not a date.

Each distinct value is read once, so a column of 100,000 rows costs what its few hundred distinct
dates cost; an all-ISO column takes one regular expression and one parse.
"""

from __future__ import annotations

import datetime as dt
import enum

import numpy as np
import pandas as pd
from pandas.api.extensions import take


class DateOrder(enum.StrEnum):
    """The order of day and month the user states for dates not written YYYY-MM-DD."""

    NONE = "none"
    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


#: An ISO 8601 date, with an optional time and UTC offset (the time within its ranges).
ISO_DATE = (
    r"\d{4}-\d{2}-\d{2}"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-](?:[01]\d|2[0-3])(?::?[0-5]\d)?)?)?"
)
#: Day and month as numbers (either order), the year, one separator throughout, an optional time.
NUMERIC_DATE = (
    r"(?P<first>\d{1,2})(?P<separator>[/.-])(?P<second>\d{1,2})(?P=separator)(?P<year>\d{4}|\d{2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?"
)
STATE_THE_ORDER = "state the order with --day-first or --month-first (on the upload page: Dates written)"
NOT_A_DATE = "is not a date: write it as YYYY-MM-DD (or day/month/year, month/day/year with the order stated)"
NO_SUCH_DAY = "is not a date: there is no such day"
TWO_DIGIT_YEAR = "has a two-digit year: write the year in full (the century is never guessed)"
NOT_IN_ORDER = {
    DateOrder.DAY_FIRST: "is not a date read day first (day/month/year)",
    DateOrder.MONTH_FIRST: "is not a date read month first (month/day/year)",
}
NOT_IN_EITHER_ORDER = "is not a date read day first or month first"
DAY = "datetime64[us]"


def read_dates(values: pd.Series, order: DateOrder = DateOrder.NONE) -> tuple[pd.Series, pd.Series]:
    """(each value's date at midnight, NaT when missing or refused; the reason each refused value is
    refused, '' for the others), both on `values`' index, by the rules of this module.

    A missing value (None, NaN, NaT) is missing, not refused. Each distinct value is read once."""
    codes, uniques = pd.factorize(values)
    days, refusals = _distinct_dates(pd.Series(uniques, dtype=object), DateOrder(order))
    return (
        pd.Series(days.array.take(codes, allow_fill=True), index=values.index),
        pd.Series(take(refusals.to_numpy(dtype=object), codes, allow_fill=True, fill_value=""), index=values.index),
    )


def read_instants(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(each ISO 8601 time stamp as a UTC instant, NaT when refused; mask of the values that are not
    ISO 8601 time stamps), on `values`' index: the ISO rule of `read_dates`, for importers that
    turn instants into local dates (PMSys). A stamp without an offset is read as UTC."""
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(uniques, dtype=object)
    text = distinct.where(distinct.map(_is_text), "").astype(str).str.strip()
    iso = text.str.fullmatch(ISO_DATE)
    stamps = pd.to_datetime(text.where(iso), utc=True, format="ISO8601", errors="coerce")
    read = pd.Series(stamps.array.take(codes, allow_fill=True), index=values.index)
    return read, read.isna()


def written(day: pd.Timestamp) -> str:
    """A date as people read it in a message: 3 April 2025."""
    return f"{day.day} {day:%B %Y}"


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_cell(value: object) -> bool:
    return isinstance(value, dt.date | np.datetime64)


def _distinct_dates(distinct: pd.Series, order: DateOrder) -> tuple[pd.Series, pd.Series]:
    """`read_dates` of distinct present values: (dates, reasons)."""
    days = pd.Series(pd.NaT, index=distinct.index, dtype=DAY)
    refusals = pd.Series(NOT_A_DATE, index=distinct.index, dtype=object)
    cells = distinct.map(_is_cell).astype(bool)
    if cells.any():
        days[cells] = _cell_dates(distinct[cells])
        refusals[cells] = ""
    texts = distinct.map(_is_text).astype(bool)
    if texts.any():
        days[texts], refusals[texts] = _text_dates(distinct[texts].astype(str).str.strip(), order)
    return days, refusals


def _cell_dates(cells: pd.Series) -> pd.Series:
    """The date each date cell holds (as written: a time of day and a time zone are ignored)."""
    calendar_days = [
        value.astype("datetime64[D]") if isinstance(value, np.datetime64) else np.datetime64(_date_of(value), "D")
        for value in cells
    ]
    return pd.Series(np.array(calendar_days, dtype="datetime64[D]").astype(DAY), index=cells.index)


def _date_of(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _calendar_days(iso: pd.Series) -> pd.Series:
    """`YYYY-MM-DD` text as dates; NaT where there is no such day (2025-02-30)."""
    return pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce").astype(DAY)


def _text_dates(text: pd.Series, order: DateOrder) -> tuple[pd.Series, pd.Series]:
    """(dates, reasons) of distinct stripped texts."""
    days = pd.Series(pd.NaT, index=text.index, dtype=DAY)
    refusals = pd.Series(NOT_A_DATE, index=text.index, dtype=object)
    iso = text.str.fullmatch(ISO_DATE).astype(bool)
    if iso.any():
        days[iso] = _calendar_days(text[iso].str[:10])
        refusals[iso] = np.where(days[iso].isna(), NO_SUCH_DAY, "")
    if not iso.all():
        parts = text[~iso].str.extract(f"^{NUMERIC_DATE}$")
        parts = parts[parts["first"].notna()]
        days[parts.index], refusals[parts.index] = _numeric_dates(parts, order)
    return days, refusals


def _numeric_dates(parts: pd.DataFrame, order: DateOrder) -> tuple[pd.Series, pd.Series]:
    """(dates, reasons) of numeric dates split into first, second and year, read in `order`."""
    year = parts["year"]
    day_first = _calendar_days(year + "-" + parts["second"].str.zfill(2) + "-" + parts["first"].str.zfill(2))
    month_first = _calendar_days(year + "-" + parts["first"].str.zfill(2) + "-" + parts["second"].str.zfill(2))
    short_year = (year.str.len() == 2).to_numpy()
    if order is DateOrder.NONE:
        days = pd.Series(pd.NaT, index=parts.index, dtype=DAY)
        reasons = [_unstated(a, b) for a, b in zip(day_first, month_first, strict=True)]
    else:
        days = day_first if order is DateOrder.DAY_FIRST else month_first
        reasons = np.where(days.isna(), NOT_IN_ORDER[order], "").tolist()
    days = days.where(~short_year)
    refusals = pd.Series(np.where(short_year, TWO_DIGIT_YEAR, np.array(reasons, dtype=object)), index=parts.index)
    return days, refusals


def _unstated(day_first: pd.Timestamp, month_first: pd.Timestamp) -> str:
    """Why a numeric date is refused when no order is stated: its two readings, or its only one."""
    readings = {"day first": day_first, "month first": month_first}
    dates = {how: day for how, day in readings.items() if not pd.isna(day)}
    if not dates:
        return NOT_IN_EITHER_ORDER
    if len(dates) == 2 and day_first != month_first:
        return f"could be {written(day_first)} or {written(month_first)}; {STATE_THE_ORDER}"
    how, day = next(iter(dates.items())) if len(dates) == 1 else ("in either order", day_first)
    return f"is not written YYYY-MM-DD and no order is stated (it can only be {written(day)}, {how}); {STATE_THE_ORDER}"
