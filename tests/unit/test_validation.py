"""The fast path of analytics validation gives pandera's verdict: it only passes frames pandera passes."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from analytics import schemas as S
from analytics.validation import passes


def pain_reports(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "athlete_id": [1, 2],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
            "body_region": ["knee", "thigh"],
            "side": ["left", "right"],
            "pain": [3, 7],
        }
    )
    return frame.assign(**changes)


def test_a_frame_of_the_right_types_and_values_passes_without_pandera() -> None:
    frame = pain_reports()
    assert passes(S.PainReports.to_schema(), frame)
    validated = S.PainReports.validate(frame)
    pd.testing.assert_frame_equal(validated, frame)
    assert validated is not frame  # a copy, as pandera gives


@pytest.mark.parametrize(
    "changes",
    [
        {"pain": [3, 11]},  # above the range
        {"side": ["left", "up"]},  # not one of the sides
        {"body_region": ["knee", None]},  # missing where not nullable
        {"athlete_id": [1.0, 2.0]},  # needs coercion: pandera decides
        {"date": ["2024-03-01", "2024-03-02"]},  # text dates: pandera coerces
    ],
)
def test_anything_off_is_left_to_pandera(changes: dict[str, object]) -> None:
    assert not passes(S.PainReports.to_schema(), pain_reports(**changes))


def test_pandera_still_refuses_a_bad_value_with_its_message() -> None:
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        S.PainReports.validate(pain_reports(pain=[3, 11]))


def test_coercible_frames_are_still_coerced_by_pandera() -> None:
    validated = S.PainReports.validate(pain_reports(athlete_id=[1.0, 2.0]))
    assert str(validated["athlete_id"].dtype) == "int64"
