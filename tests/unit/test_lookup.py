"""`analytics.lookup.looked_up`: a lookup by id that keeps the values' dtype where `Series.map` broke."""

from __future__ import annotations

import pandas as pd

from analytics.lookup import looked_up


def test_no_key_found_in_empty_dates_gives_missing_dates_not_a_crash() -> None:
    keys = pd.Series([3, 4], index=[10, 11])
    dates = pd.Series([], dtype="datetime64[ns]", index=pd.Index([], dtype="int64"))
    got = looked_up(keys, dates)
    assert got.dtype == "datetime64[ns]" and got.isna().all() and list(got.index) == [10, 11]


def test_missing_and_unknown_keys_are_missing_and_text_stays_text() -> None:
    keys = pd.Series([1, pd.NA, 0, 7], dtype="Int64")
    names = pd.Series(["ann", "bo"], index=pd.RangeIndex(2), dtype="str")
    got = looked_up(keys, names)
    assert got.dtype == "str" and got.iloc[0] == "bo" and got.iloc[2] == "ann"
    assert got.iloc[[1, 3]].isna().all()
