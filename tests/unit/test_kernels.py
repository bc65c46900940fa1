"""The array kernels of `analytics.kernels`, on worked examples small enough to check by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.kernels import (
    day_numbers,
    day_numbers_as_dates,
    first_row_per_group_day,
    group_day_keys,
    run_ends,
    run_lengths,
    trailing_window_sums,
)


def test_day_numbers_count_days_from_1970_and_come_back_as_dates() -> None:
    dates = pd.Series(pd.to_datetime(["1970-01-01 00:00", "1970-01-31 00:00", "2024-03-01 17:45"]))
    days = day_numbers(dates)
    assert days.tolist() == [0, 30, 19783]  # the time of day is dropped
    back = day_numbers_as_dates(days)
    assert back.dtype == np.dtype("datetime64[ns]")
    assert back.tolist() == pd.to_datetime(["1970-01-01", "1970-01-31", "2024-03-01"]).as_unit("ns").asi8.tolist()


def test_group_day_keys_sort_as_group_then_day() -> None:
    group = np.array([2, 1, 1, 2])
    day = np.array([19000, 19005, 19001, 18999])
    keys = group_day_keys(group, day)
    assert np.argsort(keys).tolist() == [2, 1, 3, 0]  # (1, 19001), (1, 19005), (2, 18999), (2, 19000)
    assert group_day_keys(np.array([], dtype=np.int64), np.array([], dtype=np.int64)).tolist() == []


def test_first_row_per_group_day_keeps_the_first_of_each_and_sorts() -> None:
    assert first_row_per_group_day(np.array([1, 1, 2]), np.array([5, 6, 5])) is None  # already one each, sorted
    rows = first_row_per_group_day(np.array([2, 1, 1, 1]), np.array([5, 6, 5, 6]))
    assert rows is not None
    assert rows.tolist() == [2, 1, 0]  # (1, 5), the first (1, 6), (2, 5)


def test_trailing_window_sums_stay_within_a_group_and_ignore_missing_values() -> None:
    group = np.array([1, 1, 1, 1, 2, 2])
    day = np.array([0, 1, 5, 7, 6, 7])
    values = np.array([6.0, 4.0, np.nan, 2.0, 3.0, 1.0])
    count, total, squares = trailing_window_sums(group, day, values, days=7, include_current=True)
    # days 1..7 of group 1 for day 7: 4 (day 1) and 2 (day 7); the missing day 5 is not a 0
    assert count.tolist() == [1, 2, 2, 2, 1, 2]
    assert total.tolist() == [6.0, 10.0, 10.0, 6.0, 3.0, 4.0]
    assert squares.tolist() == [36.0, 52.0, 52.0, 20.0, 9.0, 10.0]
    before, before_total, _ = trailing_window_sums(group, day, values, days=7, include_current=False)
    assert before.tolist() == [0, 1, 2, 2, 0, 1]  # days 0..6 for day 7: today excluded
    assert before_total.tolist() == [0.0, 6.0, 10.0, 10.0, 0.0, 3.0]


def test_run_lengths_restart_at_each_false_row_and_each_group() -> None:
    group = np.array([1, 1, 1, 1, 2, 2, 2])
    condition = np.array([True, True, False, True, True, True, False])
    assert run_lengths(group, condition).tolist() == [1, 2, 0, 1, 1, 2, 0]
    assert run_lengths(np.array([], dtype=np.int64), np.array([], dtype=bool)).tolist() == []


def test_run_ends_mark_the_last_row_of_each_run() -> None:
    assert run_ends(np.array([1, 1, 2, 3, 3, 3])).tolist() == [False, True, True, False, False, True]
    assert run_ends(np.array([], dtype=np.int64)).tolist() == []
