"""The cache key of a loader's arguments (`ui.loaders.call_key`): equal only for equal arguments of equal
types, and refused for a value whose `repr` is not exact."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ui.loaders import call_key


def test_equal_arguments_give_one_key_and_any_difference_another() -> None:
    call = ((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12), dt.date(2026, 6, 1)), {})
    assert call_key(call) == call_key(((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12), dt.date(2026, 6, 1)), {}))
    others = [
        ((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12, 13), dt.date(2026, 6, 1)), {}),
        ((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12), dt.date(2026, 6, 2)), {}),
        ((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12), dt.datetime(2026, 6, 1)), {}),
        ((7, (3, "coach", None, (1, 2)), 42, (10, 11, 12), dt.date(2026, 6, 1)), {}),
        ((7, (3, "therapist", None, (1, 2)), 41, (10, 11, 12), dt.date(2026, 6, 1)), {}),
        ((7, (3, "coach", None, (1, 2)), 41, (10, 11, 12)), {"end": dt.date(2026, 6, 1)}),
    ]
    assert len({call_key(call), *map(call_key, others)}) == 1 + len(others)


def test_types_are_told_apart() -> None:
    assert len({call_key(value) for value in (1, 1.0, True, "1", (1,), [1], None, "None")}) == 8


@pytest.mark.parametrize("value", [pd.DataFrame({"a": [1]}), object(), {1, 2}, ((1, np.int64(2)),)])
def test_a_value_without_an_exact_repr_is_refused(value: object) -> None:
    with pytest.raises(TypeError, match="no exact key"):
        call_key(((value,), {}))
