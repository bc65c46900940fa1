"""The fast path of analytics validation gives pandera's verdict: it only passes frames pandera passes."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from analytics import schemas as S
from analytics.validation import passes, validate_columns, validate_output


def pain_reports(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "athlete_id": [1, 2],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02"]).as_unit("ns"),  # as data/queries.py reads days
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


def checkins(**changes: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "athlete_id": [1, 2, 3],
            "date": pd.to_datetime(["2024-03-01", "2024-03-02", None]).as_unit("ns"),
            "fatigue": pd.array([1, None, 5], dtype="Int64"),
            "sleep_quality": pd.array([2, 3, 4], dtype="Int64"),
            "soreness": pd.array([None, None, None], dtype="Int64"),
            "stress": pd.array([3, 3, 3], dtype="Int64"),
            "mood": pd.array([4, 4, 4], dtype="Int64"),
            "sleep_hours": [7.5, float("nan"), 24.0],
            "readiness": pd.array([0, 10, None], dtype="Int64"),
            "availability": ["full", None, float("nan")],
        }
    )
    return frame.assign(**changes)


def pandera_passes(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> bool:
    try:
        validated = schema.validate(frame)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors):
        return False
    return validated.dtypes.equals(frame.dtypes)  # and nothing was coerced


@pytest.mark.parametrize(
    "changes",
    [
        {},  # nullable Int64 with missing values, NaN floats and None/NaN text where nullable
        {"date": pd.to_datetime(["2024-03-01", "2024-03-02", "2024-03-03"])},
        {"fatigue": pd.array([1, None, 6], dtype="Int64")},  # above the range, beside a missing value
        {"readiness": pd.array([-1, 10, None], dtype="Int64")},
        {"sleep_hours": [7.5, float("nan"), 24.5]},
        {"sleep_hours": [7.5, float("inf"), 8.0]},
        {"availability": ["full", "limited", "out"]},
        {"availability": ["full", "resting", None]},  # not an availability
        {"availability": ["full", 3, None]},  # not text
        {"availability": ["full", ("a", "b"), None]},  # not text, a tuple
        {"availability": ["full", ["a"], None]},  # not text, unhashable
        {"availability": pd.array(["full", None, None], dtype="string")},  # to coerce
        {"fatigue": [1.0, 2.0, 5.0]},  # to coerce
        {"athlete_id": [1, 2, None]},  # missing where not nullable (float: to coerce)
        {"athlete_id": pd.array([1, 2, None], dtype="Int64")},
    ],
)
def test_passes_agrees_with_pandera_on_nullable_numbers_and_text(changes: dict[str, object]) -> None:
    frame = checkins(**changes)
    schema = S.WellnessCheckins.to_schema()
    assert passes(schema, frame) == pandera_passes(schema, frame)


@pytest.mark.parametrize(
    "changes",
    [
        {"pain": [3, 11]},
        {"side": ["left", "up"]},
        {"side": ["left", None]},
        {"body_region": ["knee", 4]},
        {"athlete_id": [1.0, 2.0]},
        {"date": ["2024-03-01", "2024-03-02"]},
        {"pain": [0, 10]},
        {},
    ],
)
def test_validate_columns_and_validate_output_give_pandera_result(changes: dict[str, object]) -> None:
    frame = pain_reports(**changes).assign(extra=["x", "y"])
    columns = ("athlete_id", "date", "side", "pain")
    schema = S.PainReports.to_schema().select_columns(list(columns))
    try:
        expected = schema.validate(frame[list(columns)])
    except pa.errors.SchemaError as error:
        with pytest.raises(pa.errors.SchemaError) as raised:
            validate_columns(frame, S.PainReports, columns)
        assert type(raised.value) is type(error)
    else:
        before = frame.copy()
        got = validate_columns(frame, S.PainReports, columns)
        pd.testing.assert_frame_equal(got, expected)
        got.iloc[0, got.columns.get_loc("pain")] = 9  # a new frame: the caller's is untouched
        pd.testing.assert_frame_equal(frame, before)
    try:
        S.PainReports.to_schema().validate(frame)
    except pa.errors.SchemaError:
        with pytest.raises(pa.errors.SchemaError):
            validate_output(frame, S.PainReports)
    else:
        assert validate_output(frame, S.PainReports) is frame


def test_a_missing_column_is_named_by_pandera() -> None:
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        validate_columns(pain_reports().drop(columns="pain"), S.PainReports, ("athlete_id", "pain"))


def test_passes_reads_a_schema_once_and_follows_a_new_one() -> None:
    frame = pain_reports()
    strict = S.PainReports.to_schema().update_column("pain", checks=[pa.Check.le(5)])
    assert passes(S.PainReports.to_schema(), frame)
    assert not passes(strict, frame)  # pain 7 > 5
    assert passes(S.PainReports.to_schema(), frame)
    custom = S.PainReports.to_schema().update_column("pain", checks=[pa.Check(lambda s: s > 0)])
    assert not passes(custom, frame)  # a check it does not know: pandera decides
    pd.testing.assert_frame_equal(custom.validate(frame), frame)
