"""Fast array kernels shared by the rules of `analytics/`: the tricks, each named after what it returns.

The domain modules (`analytics.flags`, `analytics.recovery`, ...) state their rules on plain numpy
arrays and call these for the parts that would otherwise be a Python loop over athletes, days or
rows. A page asks for one athlete or one team (a few hundred rows), where pandas' fixed cost per
operation would dominate, and a whole two-year organisation history must run in a few seconds; so
each kernel is one pass of sorting, cumulative sums or binary search. Every kernel expects its
rows sorted as its docstring says and does not check it (the callers sort once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Day numbers of one group and one key fit below this (2**22 days is over 11,000 years): a group and
#: a day combine into one sortable int64, ``group * DAYS_PER_GROUP + day offset``, without overflow
#: for group numbers up to 2**41.
DAYS_PER_GROUP = np.int64(1) << 22


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 as int64: calendar days compared and subtracted as integers (NaT becomes
    int64's minimum)."""
    return dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)


def day_numbers_as_dates(day: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01) back as datetime64[ns] dates."""
    return day.astype("datetime64[D]").astype("datetime64[ns]")


def group_day_keys(group: np.ndarray, day: np.ndarray) -> np.ndarray:
    """One int64 per row that sorts as (group, day): ``group * DAYS_PER_GROUP + (day - first day)``.

    The trick: a pair of integers packed into one, so that one ``np.searchsorted`` or one comparison of
    neighbours works on both at once, where a two-column sort or a groupby would cost a pandas call.
    """
    if not len(day):
        return np.zeros(0, dtype=np.int64)
    return group.astype(np.int64) * DAYS_PER_GROUP + (day.astype(np.int64) - day.min())


def first_row_per_group_day(group: np.ndarray, day: np.ndarray) -> np.ndarray | None:
    """The positions of the first row of each (group, day), in (group, day) order; None when the rows
    are already sorted by (group, day) with one row each (nothing to take).

    The trick: the packed keys of `group_day_keys`, tested for strictly increasing order (the usual
    case, as queries return rows, costs one comparison), else a stable argsort that keeps the first of
    equal keys.
    """
    key = group_day_keys(group, day)
    if np.all(key[1:] > key[:-1]):
        return None
    order = np.argsort(key, kind="stable")
    key = key[order]
    keep = np.ones(len(key), dtype=bool)
    keep[1:] = key[1:] != key[:-1]
    return order[keep]


def trailing_window_sums(
    group: np.ndarray, day: np.ndarray, values: np.ndarray, days: int, include_current: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, sum and sum of squares of `values` (NaN ignored) over a trailing window of calendar days.

    Rows must be sorted by (group, day) with at most one row per (group, day). The window of a row covers
    days ``[day - days + 1, day]`` of its group when `include_current`, else ``[day - days, day - 1]``.

    The trick: cumulative sums over all rows, and the window's first row found by binary search on
    the packed (group, day) keys of `group_day_keys`, clipped to the group's first row; each sum is then
    a difference of two cumulative sums (no loop over groups or rows). With integer scores the sums
    are exact in float64.
    """
    rows = len(day)
    if rows == 0:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    key = group_day_keys(group, day)
    group_start_key = group.astype(np.int64) * DAYS_PER_GROUP
    present = ~np.isnan(values)
    value = np.where(present, values, 0.0)
    counts = np.concatenate(([0], np.cumsum(present)))
    sums = np.concatenate(([0.0], np.cumsum(value)))
    squares = np.concatenate(([0.0], np.cumsum(value * value)))
    group_first = np.searchsorted(key, group_start_key, "left")
    if include_current:
        first = np.searchsorted(key, key - (days - 1), "left")
        end = np.arange(1, rows + 1)
    else:
        first = np.searchsorted(key, key - days, "left")
        end = np.arange(rows)
    first = np.maximum(first, group_first)
    return counts[end] - counts[first], sums[end] - sums[first], squares[end] - squares[first]


def run_ends(group: np.ndarray) -> np.ndarray:
    """True on the last row of each run of equal `group` values (rows sorted by group): where the next
    row's group differs, and on the last row."""
    end = np.ones(len(group), dtype=bool)
    end[:-1] = group[1:] != group[:-1]
    return end


def run_lengths(group: np.ndarray, condition: np.ndarray) -> np.ndarray:
    """Length of the run of consecutive True `condition` rows ending at each row, restarting at each
    group; a False row has run length 0. Rows must be sorted by group (and by date within it).

    The trick: the position of the last break (a False row, or the row before a group's first) carried
    forward with ``np.maximum.accumulate``; a row's run length is its distance from that break.
    """
    rows = len(condition)
    if rows == 0:
        return np.zeros(0, dtype=np.int64)
    position = np.arange(rows)
    new_group = np.ones(rows, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    last_break = np.where(~condition, position, np.where(new_group, position - 1, -1))
    last_break = np.maximum.accumulate(last_break)
    return np.where(condition, position - last_break, 0)
