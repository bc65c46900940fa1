"""The one checker of analytics' boundaries (`analytics.validation.checked`) gives pandera's verdict:
its fast path only passes frames pandera passes unchanged, and everything else is pandera's."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.typing import Series

from analytics import schemas as S
from analytics import validation
from analytics.validation import CheckedFrame, checked, checked_frame, plain_frame, rows_of
from tests import factories


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


class PanderaRan(Exception):
    """pandera's own validation was asked for."""


def refuse(*args: object, **kwargs: object) -> None:
    raise PanderaRan


@pytest.fixture
def without_pandera(monkeypatch: pytest.MonkeyPatch) -> None:
    """pandera's own validation refuses to run: what passes was decided by the fast path."""
    monkeypatch.setattr(pa.DataFrameSchema, "validate", refuse)


def passes_without_pandera(frame: pd.DataFrame, model: type[pa.DataFrameModel]) -> bool:
    """Whether `checked` passes `frame` by its fast path alone (pandera's validation refusing to run)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pa.DataFrameSchema, "validate", refuse)
        try:
            checked(frame, model)
        except PanderaRan:
            return False
    return True


def test_a_frame_of_the_right_types_and_values_passes_without_pandera(without_pandera: None) -> None:
    frame = pain_reports()
    for validated in (checked(frame, S.PainReports), S.PainReports.validate(frame)):  # one checker
        pd.testing.assert_frame_equal(validated, frame)
        assert validated is not frame  # a new frame, as pandera gives
        validated.loc[0, "pain"] = 5
        assert frame.loc[0, "pain"] == 3  # the caller's frame is untouched


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
    assert not passes_without_pandera(pain_reports(**changes), S.PainReports)


def test_pandera_still_refuses_a_bad_value_with_its_message() -> None:
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked(pain_reports(pain=[3, 11]), S.PainReports)
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked(pain_reports(pain=[3, 11]), S.PainReports, ("athlete_id", "pain"))


def test_coercible_frames_are_still_coerced_by_pandera() -> None:
    assert str(checked(pain_reports(athlete_id=[1.0, 2.0]), S.PainReports)["athlete_id"].dtype) == "int64"
    assert str(checked(pain_reports(athlete_id=[1.0, 2.0]), S.PainReports, ("athlete_id",))["athlete_id"].dtype) == (
        "int64"
    )


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
def test_the_fast_path_agrees_with_pandera_on_nullable_numbers_and_text(changes: dict[str, object]) -> None:
    frame = checkins(**changes)
    assert passes_without_pandera(frame, S.WellnessCheckins) == pandera_passes(S.WellnessCheckins.to_schema(), frame)


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
def test_checked_on_columns_and_on_the_whole_model_gives_pandera_result(changes: dict[str, object]) -> None:
    frame = pain_reports(**changes).assign(extra=["x", "y"])
    columns = ("athlete_id", "date", "side", "pain")
    schema = S.PainReports.to_schema().select_columns(list(columns))
    try:
        expected = schema.validate(frame[list(columns)])
    except pa.errors.SchemaError as error:
        with pytest.raises(pa.errors.SchemaError) as raised:
            checked(frame, S.PainReports, columns)
        assert type(raised.value) is type(error)
    else:
        before = frame.copy()
        got = checked(frame, S.PainReports, columns)
        pd.testing.assert_frame_equal(got, expected)
        got.iloc[0, got.columns.get_loc("pain")] = 9  # a new frame: the caller's is untouched
        pd.testing.assert_frame_equal(frame, before)
    try:
        expected = S.PainReports.to_schema().validate(frame)
    except pa.errors.SchemaError:
        with pytest.raises(pa.errors.SchemaError):
            checked(frame, S.PainReports)
    else:
        pd.testing.assert_frame_equal(checked(frame, S.PainReports), expected)


def athletes(**changes: object) -> pd.DataFrame:
    """Two athletes as `data/` reads them (`tests.factories.athletes`: text in pandas' ``str`` dtype, missing
    as NaN), one without a position."""
    return factories.athletes([(1, "wing"), (2, None)], ("athlete_id", "position")).assign(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {},  # text without checks decided by its dtype; missing values where nullable
        {"display_name": pd.array(["Ada", None], dtype=validation.TEXT_DTYPE)},  # missing where not nullable
        {"team": pd.array([None, None], dtype=validation.TEXT_DTYPE)},
        {"display_name": ["Ada", "Bo"]},  # object text: looked at value by value
        {"display_name": ["Ada", None]},
        {"display_name": ["Ada", 3]},  # not text
        {"position": pd.array([None, None], dtype=validation.TEXT_DTYPE)},
        {"team_id": [7.0, float("nan")]},  # a float where an int belongs
        {"active": pd.array([True, None], dtype="boolean")},  # nullable booleans where plain ones belong
    ],
)
def test_text_decided_by_its_dtype_agrees_with_pandera(changes: dict[str, object]) -> None:
    frame = athletes(**changes)
    assert passes_without_pandera(frame, S.Athletes) == pandera_passes(S.Athletes.to_schema(), frame)


def test_a_missing_column_is_named_by_pandera() -> None:
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked(pain_reports().drop(columns="pain"), S.PainReports, ("athlete_id", "pain"))
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked(pain_reports().drop(columns="pain"), S.PainReports)


class MildPain(S.PainReports):
    pain: Series[int] = pa.Field(le=5)


class PositivePain(S.PainReports):
    pain: Series[int] = pa.Field(gt=0)

    @pa.check("pain")
    def above_zero(cls, pain: pd.Series) -> pd.Series:  # a check the fast path does not know
        return pain > 0


def test_each_model_is_read_on_its_own_and_an_unknown_check_is_left_to_pandera() -> None:
    frame = pain_reports()
    assert passes_without_pandera(frame, S.PainReports)
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked(frame, MildPain)  # pain 7 > 5
    assert passes_without_pandera(frame, S.PainReports)
    assert not passes_without_pandera(frame, PositivePain)  # pandera decides
    pd.testing.assert_frame_equal(checked(frame, PositivePain), frame)


class Names(pa.DataFrameModel):
    """An output's text column, not coerced (as the analytics outputs are)."""

    name: Series[str] = pa.Field(nullable=True)


@pytest.mark.parametrize(
    "values",
    [[None, None], ["a", None], ["a", float("nan")], ["a", 3], [("a",), None]],
)
def test_the_fast_path_agrees_with_pandera_on_uncoerced_text_in_object_columns(values: list[object]) -> None:
    frame = pd.DataFrame({"name": pd.Series(values, dtype=object)})
    assert passes_without_pandera(frame, Names) == pandera_passes(Names.to_schema(), frame)


def test_an_empty_frame_built_without_dtypes_passes_with_its_text_as_text(without_pandera: None) -> None:
    empty = checked(pd.DataFrame({"name": pd.Series([], dtype=object)}), Names)
    assert pd.api.types.is_string_dtype(empty["name"]) and empty["name"].dtype != object


# --------------------------------------------------------------------------- checked once (CheckedFrame)


def refuse_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real check (the fast path reads the model's rules first, pandera after it) refuses to run."""
    monkeypatch.setattr(validation, "_model_rules", refuse)
    monkeypatch.setattr(pa.DataFrameSchema, "validate", refuse)


def test_a_frame_checked_once_is_taken_back_without_a_check(monkeypatch: pytest.MonkeyPatch) -> None:
    once = checked_frame(pain_reports(note=["a", "b"]), S.PainReports)
    assert isinstance(once, CheckedFrame) and list(once.columns)[-1] == "note"  # other columns kept
    refuse_checks(monkeypatch)
    pd.testing.assert_frame_equal(
        checked(once, S.PainReports, ("athlete_id", "pain")), pain_reports()[["athlete_id", "pain"]]
    )
    assert type(checked(once, S.PainReports)) is pd.DataFrame  # what analytics gets is a plain frame
    assert checked_frame(once, S.PainReports) is once
    with pytest.raises(PanderaRan):
        checked(once, S.Injuries, ("athlete_id",))  # another model is checked


def test_a_bad_frame_is_refused_where_it_is_first_checked() -> None:
    with pytest.raises(pa.errors.SchemaError, match="pain"):
        checked_frame(pain_reports(pain=[3, 11]), S.PainReports)


def test_only_the_checked_frame_and_its_row_subsets_carry_the_mark(monkeypatch: pytest.MonkeyPatch) -> None:
    once = checked_frame(pain_reports(), S.PainReports)
    refuse_checks(monkeypatch)
    derived_frames = (
        once.copy(),
        once.copy(deep=False),
        once.assign(pain=[3, 99]),
        once.take([0]),
        once.iloc[0:1],
        once[once["pain"] > 3],
        once.reset_index(drop=True),
        once[["athlete_id", "pain"]],
    )
    for derived in derived_frames:
        assert type(derived) is pd.DataFrame
        with pytest.raises(PanderaRan):
            checked(derived, S.PainReports)  # checked again where it crosses
    second = rows_of(once, np.array([1]))
    assert isinstance(second, CheckedFrame) and second.index.tolist() == [0]
    assert rows_of(once, np.array([1]), renumber=False).index.tolist() == [1]
    checked(second, S.PainReports)  # no check
    with pytest.raises(PanderaRan):
        checked(pickle.loads(pickle.dumps(once)), S.PainReports)  # a cached copy is checked again
    assert type(plain_frame(once)) is pd.DataFrame


@pytest.mark.parametrize("positions", [[0, 1, 2], [1, 2], [3], [0, 2, 3], []])
def test_rows_of_gives_the_rows_take_gives_and_keeps_the_mark(
    monkeypatch: pytest.MonkeyPatch, positions: list[int]
) -> None:
    four = pd.concat([pain_reports(), pain_reports(athlete_id=[3, 4], pain=[0, 10])], ignore_index=True)
    once = checked_frame(four, S.PainReports)
    refuse_checks(monkeypatch)
    at = np.array(positions, dtype=np.int64)
    for renumber in (True, False):
        rows = rows_of(once, at, renumber=renumber)
        expected = four.take(at).reset_index(drop=True) if renumber else four.take(at)
        pd.testing.assert_frame_equal(pd.DataFrame(rows), expected)
        assert isinstance(rows, CheckedFrame)
        checked(rows, S.PainReports)  # no check


def test_a_frame_checked_on_some_columns_checks_the_others_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    once = checked_frame(pain_reports(), S.PainReports, ("athlete_id", "date"))
    assert list(once.columns) == list(pain_reports().columns)  # every column kept
    monkeypatch.setattr(pa.DataFrameSchema, "validate", refuse)
    calls: list[object] = []
    rules = validation._model_rules
    monkeypatch.setattr(validation, "_model_rules", lambda *key: calls.append(key) or rules(*key))
    checked(once, S.PainReports, ("date",))
    assert calls == []
    checked(once, S.PainReports, ("date", "pain"))
    assert calls == [(S.PainReports, ("date", "pain"))]
