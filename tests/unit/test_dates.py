"""The one date reader (data/dates.py): ISO 8601 and date cells always, other forms only in a stated order."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from data.dates import (
    NO_SUCH_DAY,
    NOT_A_DATE,
    NOT_IN_ORDER,
    STATE_THE_ORDER,
    TWO_DIGIT_YEAR,
    DateOrder,
    read_dates,
    read_instants,
)


def read(values: list[object], order: DateOrder = DateOrder.NONE) -> list[tuple[dt.date | None, str]]:
    """(date or None, reason) of each value."""
    days, refusals = read_dates(pd.Series(values, dtype=object), order)
    return [(None if pd.isna(d) else d.date(), r) for d, r in zip(days, refusals, strict=True)]


@pytest.mark.parametrize("order", list(DateOrder))
def test_iso_dates_are_read_in_every_order(order: DateOrder) -> None:
    assert read(["2025-04-03", "2024-02-29", "1900-01-01"], order) == [
        (dt.date(2025, 4, 3), ""),
        (dt.date(2024, 2, 29), ""),
        (dt.date(1900, 1, 1), ""),
    ]


def test_iso_dates_with_a_time_and_offsets_keep_the_date_as_written_even_when_offsets_are_mixed() -> None:
    column = [
        "2025-04-03T23:30:00-05:00",  # 4 April in UTC: still the 3rd, as written
        "2025-04-04T00:30:00+02:00",  # 3 April in UTC: still the 4th
        "2025-04-05 08:15",
        "2025-04-06T08:15:00.250Z",
        "2025-04-07T08:15:00+0530",
        "2025-04-08T08:15+01",
    ]
    assert read(column) == [(dt.date(2025, 4, day), "") for day in range(3, 9)]
    days, _ = read_dates(pd.Series(column))
    assert str(days.dtype) == "datetime64[us]"  # one naive dtype, whatever the offsets


def test_iso_text_that_is_no_day_of_the_calendar_is_refused() -> None:
    assert read(["2025-02-29", "2025-13-01", "2025-04-03T25:00"]) == [
        (None, NO_SUCH_DAY),
        (None, NO_SUCH_DAY),
        (None, NOT_A_DATE),  # not an ISO time: not ISO at all
    ]


def test_date_cells_are_read_as_the_date_they_hold() -> None:
    oslo = dt.datetime(2025, 4, 3, 23, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    cells = [
        dt.date(2025, 4, 3),
        dt.datetime(2025, 4, 3, 18, 45),
        oslo,
        pd.Timestamp("2025-04-03 10:00", tz="America/New_York"),
        np.datetime64("2025-04-03T12:00"),
    ]
    for order in DateOrder:
        assert read(cells, order) == [(dt.date(2025, 4, 3), "")] * len(cells)


def test_missing_values_are_missing_not_refused() -> None:
    assert read([None, np.nan, pd.NaT]) == [(None, "")] * 3


def test_a_date_read_two_ways_is_refused_naming_both_readings() -> None:
    [(day, reason)] = read(["03/04/2025"])
    assert day is None
    assert reason == f"could be 3 April 2025 or 4 March 2025; {STATE_THE_ORDER}"
    assert "--day-first" in reason and "--month-first" in reason
    assert read(["4.3.2025"])[0][1].startswith("could be 4 March 2025 or 3 April 2025;")
    assert read(["4-3-2025"])[0][1].startswith("could be 4 March 2025 or 3 April 2025;")


def test_without_an_order_a_date_read_only_one_way_is_refused_too() -> None:
    [(day, reason)] = read(["13/04/2025"])
    assert day is None
    assert "it can only be 13 April 2025, day first" in reason and reason.endswith(STATE_THE_ORDER)
    assert "it can only be 13 April 2025, month first" in read(["04/13/2025"])[0][1]
    assert "it can only be 4 April 2025, in either order" in read(["04/04/2025"])[0][1]


def test_day_first_reads_day_month_year() -> None:
    values = ["03/04/2025", "13/04/2025", "4.3.2025", "31-12-2025", "3/4/2025 10:30", "2025-04-03"]
    assert read(values, DateOrder.DAY_FIRST) == [
        (dt.date(2025, 4, 3), ""),
        (dt.date(2025, 4, 13), ""),
        (dt.date(2025, 3, 4), ""),
        (dt.date(2025, 12, 31), ""),
        (dt.date(2025, 4, 3), ""),
        (dt.date(2025, 4, 3), ""),  # ISO is ISO in every order
    ]


def test_month_first_reads_month_day_year() -> None:
    values = ["03/04/2025", "04/13/2025", "12.31.2025", "3/4/2025 10:30 PM"]
    assert read(values, DateOrder.MONTH_FIRST) == [
        (dt.date(2025, 3, 4), ""),
        (dt.date(2025, 4, 13), ""),
        (dt.date(2025, 12, 31), ""),
        (dt.date(2025, 3, 4), ""),
    ]


def test_a_date_impossible_in_the_stated_order_is_refused() -> None:
    assert read(["13/04/2025"], DateOrder.MONTH_FIRST) == [(None, NOT_IN_ORDER[DateOrder.MONTH_FIRST])]
    assert read(["04/13/2025", "29/02/2025"], DateOrder.DAY_FIRST) == [(None, NOT_IN_ORDER[DateOrder.DAY_FIRST])] * 2


@pytest.mark.parametrize("order", list(DateOrder))
def test_two_digit_years_are_refused_in_every_order(order: DateOrder) -> None:
    assert read(["03/04/25", "13.04.25"], order) == [(None, TWO_DIGIT_YEAR)] * 2


@pytest.mark.parametrize("order", list(DateOrder))
def test_other_forms_and_other_values_are_not_dates(order: DateOrder) -> None:
    values = ["4 March 2025", "2025/04/03", "03/04-2025", "20250403", "soon", 45_750, 3.5, True]
    assert read(values, order) == [(None, NOT_A_DATE)] * len(values)


def test_each_distinct_value_is_read_once_and_spread_back_to_its_rows() -> None:
    column = pd.Series(["2025-04-03", "03/04/2025", None, "2025-04-03"] * 25_000, index=range(7, 100_007))
    days, refusals = read_dates(column, DateOrder.MONTH_FIRST)
    assert days.index.equals(column.index) and refusals.index.equals(column.index)
    assert days.iloc[:4].tolist()[::3] == [pd.Timestamp("2025-04-03")] * 2
    assert days.iloc[1] == pd.Timestamp("2025-03-04") and pd.isna(days.iloc[2])
    assert (refusals == "").all()


def test_instants_read_iso_time_stamps_with_any_offset_and_refuse_the_rest() -> None:
    stamps = pd.Series(
        ["2019-11-01T23:30:00.000Z", "2019-11-02T00:30:00+01:00", "2019-11-02 06:00", "01/11/2019 08:00", ""],
        index=[4, 5, 6, 7, 8],
    )
    instants, bad = read_instants(stamps)
    assert bad.tolist() == [False, False, False, True, True]
    assert instants.index.equals(stamps.index)
    assert instants.iloc[:3].tolist() == [
        pd.Timestamp("2019-11-01 23:30", tz="UTC"),
        pd.Timestamp("2019-11-01 23:30", tz="UTC"),
        pd.Timestamp("2019-11-02 06:00", tz="UTC"),  # no offset: UTC
    ]
