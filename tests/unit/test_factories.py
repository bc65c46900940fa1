"""tests/factories.py builds frames shaped like the ones data/queries.py reads: same columns, same order, same
dtypes, so an analytics test fed by a factory sees what the pages feed it."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import Engine

from data import queries
from tests import factories

#: Each factory with the query whose frame it imitates, and one row of the factory's default columns.
PAIRS: dict[str, tuple[Callable[..., pd.DataFrame], Callable[[Engine], pd.DataFrame], tuple[object, ...]]] = {
    "athletes": (factories.athletes, queries.athletes, (1, 1, True)),
    "wellness_checkins": (factories.wellness_checkins, queries.wellness_checkins, (1, "2024-01-01", 2)),
    "pain_reports": (factories.pain_reports, queries.pain_reports, (1, "2024-01-01", "knee", "left", 3)),
    "therapy_sessions": (
        factories.therapy_sessions,
        queries.therapy_sessions,
        (1, 1, "2024-01-01", "deep_tissue", "knee", "left", 5, 3),
    ),
    "rom_measurements": (
        factories.rom_measurements,
        queries.rom_measurements,
        (1, "2024-01-01", "knee", "flexion", "left", 130.0, "deg", "screening"),
    ),
    "injuries": (factories.injuries, queries.injuries, (1, 1, "2024-01-01", "knee", "left", None)),
    "training_sessions": (factories.training_sessions, queries.training_sessions, (1, "2024-01-01", 60, 5.0)),
    "ostrc_responses": (factories.ostrc_responses, queries.ostrc_responses, (1, "2024-01-01", 0, 8, 0, 0)),
}


@pytest.mark.parametrize("kind", PAIRS)
def test_a_factory_frame_has_the_columns_and_dtypes_of_the_query(db_engine: Engine, kind: str) -> None:
    build, query, row = PAIRS[kind]
    read = query(db_engine)
    for frame in (build([row]), build([])):
        assert list(frame.columns) == list(read.columns), kind
        assert frame.dtypes.astype(str).to_dict() == read.dtypes.astype(str).to_dict(), kind


def test_day_numbers_count_from_day_zero_and_none_stays_missing() -> None:
    frame = factories.injuries([(1, 1, 0, "knee", "left", None), (2, 1, 3, "knee", "left", 10)], day_zero="2024-01-01")
    assert frame["onset_date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-04")]
    assert frame["return_date"].isna().tolist() == [True, False]
    assert frame["return_date"].iloc[1] == pd.Timestamp("2024-01-11")
