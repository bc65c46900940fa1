"""The one checker of analytics' boundaries: `checked(frame, model, columns)`, on pandera.

Frames are checked where they cross from `data/` into the public analytics functions (DESIGN.md,
"Public analytics interface") and where those functions hand their results out, against their
`analytics.schemas` model; helpers inside analytics take frames already checked. ``Model.validate``
of every schema is this same checker (`analytics.schemas`).

Speed: pandera costs several milliseconds per call even on a two-row frame, checks ``str`` columns
element by element and re-parses datetime columns, which costs seconds on 10^6 rows. So a frame that
already passes as it is is decided here from the model's rules (read once per model and columns, on
numpy arrays, text on its distinct values), and pandera decides the rest, coercing only mistyped
columns: the same verdict and the same error message as pandera's.

Once per view: a view checks each frame it reads once (`checked_frame`) and hands that `CheckedFrame` to
every analytics function it calls; `checked` takes it back without checking again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, overload

import numpy as np
import pandas as pd
import pandera.pandas as pa

# The column checks `passes` evaluates itself: pandera check name -> (values, statistics) -> all pass.
# `values` are a column's non-missing values as a numpy array (or an extension array without a numpy
# dtype); ``isin`` receives its allowed values as a frozenset (see `_rules`).
_CHECKS = {
    "greater_than_or_equal_to": lambda v, k: bool((v >= k["min_value"]).all()),
    "greater_than": lambda v, k: bool((v > k["min_value"]).all()),
    "less_than_or_equal_to": lambda v, k: bool((v <= k["max_value"]).all()),
    "less_than": lambda v, k: bool((v < k["max_value"]).all()),
    "isin": lambda v, k: all(x in k["allowed_values"] for x in pd.unique(v).tolist()),
    "in_range": lambda v, k: bool(
        ((v >= k["min_value"]) if k["include_min"] else (v > k["min_value"])).all()
        and ((v <= k["max_value"]) if k["include_max"] else (v < k["max_value"])).all()
    ),
}
_TEXT_CHECKS = frozenset({"isin"})  # the checks decided on a text column's distinct values
#: How pandera names the dtype of a ``Series[str]`` column: "str" before pandas 3, "string[pyarrow]" (or
#: "string[python]") with pandas 3's string dtype.
_TEXT_DTYPES = frozenset({"str", "string", "string[pyarrow]", "string[python]"})


#: pandas' text dtype (pandas 3's default for text, and what pandera's ``str`` coerces to).
TEXT_DTYPE = pd.StringDtype(storage="pyarrow", na_value=np.nan)


def is_text(dtype: object) -> bool:
    """Whether a pandera column dtype (or its name) is the ``str`` of a text column."""
    return str(dtype) in _TEXT_DTYPES


@dataclass(frozen=True)
class _Rule:
    """One column's rules as `passes` evaluates them, read once from the pandera schema."""

    name: str
    dtype: str | None  # str(pandera dtype): "int64", "datetime64[ns]", "string[pyarrow]", ...
    nullable: bool
    unique: bool
    checks: tuple[tuple[Callable[[Any, dict[str, Any]], bool], dict[str, Any]], ...]
    coerce: bool  # pandera converts a column of another dtype (text to pandas' ``str``, days to ns)


def _numeric(dtype: str | None) -> bool:
    """Whether `dtype` is an integer or float dtype (numpy or nullable): the checks `passes` evaluates
    on numpy values; checks on other dtypes (dates, booleans, objects) are left to pandera."""
    if dtype is None:
        return False
    try:
        pandas_dtype = pd.api.types.pandas_dtype(dtype)
    except TypeError:
        return False
    return pd.api.types.is_numeric_dtype(pandas_dtype) and not pd.api.types.is_bool_dtype(pandas_dtype)


def _column_rule(name: str, column: pa.Column, coerce: bool) -> _Rule | None:
    """`column`'s rules, or None when one of them is not for `passes` to decide."""
    dtype = str(column.dtype) if column.dtype is not None else None
    if column.regex:
        return None
    decided = _TEXT_CHECKS if is_text(dtype) else _CHECKS if column.checks and _numeric(dtype) else ()
    checks = []
    for check in column.checks:
        if check.name not in decided or not check.ignore_na:
            return None
        stats = dict(check.statistics)
        if check.name == "isin":
            try:
                stats["allowed_values"] = frozenset(stats["allowed_values"])
            except TypeError:  # unhashable allowed values
                return None
        checks.append((_CHECKS[check.name], stats))
    return _Rule(name, dtype, bool(column.nullable), bool(column.unique), tuple(checks), coerce or column.coerce)


def _schema_rules(schema: pa.DataFrameSchema) -> tuple[_Rule, ...] | None:
    """`schema`'s column rules as `_passes` evaluates them; None when some rule is not one it decides
    (a schema-wide check, strict or ordered columns, a regex column, an unknown check, a check that
    does not ignore missing values)."""
    if schema.checks or schema.strict or schema.ordered or schema.unique:
        return None
    compiled = [_column_rule(name, column, schema.coerce) for name, column in schema.columns.items()]
    return None if None in compiled else tuple(r for r in compiled if r is not None)


@functools.cache
def _model_rules(model: type[pa.DataFrameModel], columns: tuple[str, ...] | None) -> tuple[_Rule, ...] | None:
    """`model`'s rules for `columns` (all its columns when None), read once per model and columns."""
    return _schema_rules(_schema(model, columns))


def _column_array(df: pd.DataFrame, name: str) -> Any:
    """Column `name` of `df` (a name it holds once) as its array: the numpy array of a numpy-backed
    column (pandas wraps it in a ``NumpyExtensionArray``, whose dtype is not a numpy dtype), else its
    extension array."""
    array = df[name].array
    return array.to_numpy() if isinstance(array, pd.arrays.NumpyExtensionArray) else array


def _has_duplicates(values: Any) -> bool:
    """Whether some value repeats (missing values equal to each other), as ``Series.duplicated().any()``."""
    return len(pd.unique(values)) < len(values)


def _values(column: Any) -> tuple[Any, bool]:
    """`column`'s non-missing values as an array, and whether any value is missing."""
    dtype = column.dtype
    if not isinstance(dtype, np.dtype):  # an extension array: nullable Int64, boolean, ...
        array = column
        nulls = np.asarray(array.isna(), dtype=bool)
        kept = array[~nulls] if nulls.any() else array
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        return (kept.to_numpy(dtype=numpy_dtype) if numpy_dtype is not None else kept), bool(nulls.any())
    values = np.asarray(column)
    if dtype.kind in "iub":
        return values, False
    nulls = np.isnan(values) if dtype.kind == "f" else np.isnat(values) if dtype.kind in "mM" else pd.isna(values)
    return (values[~nulls], True) if nulls.any() else (values, False)


def _text_passes(rule: _Rule, column: Any) -> bool:
    """A ``str`` column, decided on its distinct values: every non-missing value is a str. pandera keeps
    pandas' ``str`` dtype (Arrow-stored, missing as NaN) as it is; an object column of str values or
    another string dtype only where it does not coerce (it would convert them to ``str``)."""
    if column.dtype != TEXT_DTYPE and (rule.coerce or not _uncoerced_text(column.dtype)):
        return False
    try:  # distinct values first: an Arrow-stored column finds them without a Python object per row
        distinct = set(np.asarray(column.unique() if isinstance(column, pd.api.extensions.ExtensionArray) else column))
    except TypeError:  # unhashable values: not text
        return False
    if not distinct and column.dtype == object:  # pandera refuses an empty object column as str
        return False
    text = {v for v in distinct if isinstance(v, str)}
    if len(text) < len(distinct):
        if not all(pd.api.types.is_scalar(v) and pd.isna(v) for v in distinct - text):
            return False
        if not rule.nullable:
            return False
    if rule.unique and _has_duplicates(column):
        return False
    return all(x in stats["allowed_values"] for _, stats in rule.checks for x in text)  # isin only


@functools.cache
def _dtype_name(dtype: Any) -> str:
    """``str(dtype)``, memoised: numpy builds the name anew on every call."""
    return str(dtype)


def _both_days(rule: _Rule, dtype: Any) -> bool:
    """Whether the rule wants naive datetime64 without coercing and `dtype` is one, at any resolution:
    pandas 3 parses dates to microseconds, and a day is the same day in each (pandera, uncoerced, takes
    them all as its ``DateTime``; coercing, it converts them to nanoseconds)."""
    return (
        not rule.coerce
        and str(rule.dtype).startswith("datetime64[")
        and isinstance(dtype, np.dtype)
        and dtype.kind == "M"
    )


def _uncoerced_text(dtype: Any) -> bool:
    """The text dtypes pandera takes as ``str`` without coercing: object, and Arrow-stored strings."""
    return dtype == np.dtype(object) or (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow")


def _column_passes(rule: _Rule, dtype: Any, column: Callable[[], Any]) -> bool:
    """Whether one column of `dtype` passes `rule` as it is; `column()` gives its array (`_column_array`),
    fetched only when the values matter: a rule without value checks is decided by the dtype alone
    where the dtype cannot hold a value it refuses (see `_decided_by_dtype`), and a text rule without them on
    pandas' ``str`` dtype (which holds nothing but text and missing values) by whether a value is missing."""
    if is_text(rule.dtype):
        if dtype == TEXT_DTYPE and not rule.checks and not rule.unique:  # nothing but text and missing values
            return rule.nullable or not column().isna().any()
        return _text_passes(rule, column())
    if rule.dtype is not None and _dtype_name(dtype) != rule.dtype and not _both_days(rule, dtype):
        return False
    if _decided_by_dtype(rule, dtype):
        return True
    array = column()
    values, missing = _values(array)
    if missing and not rule.nullable:
        return False
    if rule.unique and _has_duplicates(array):
        return False
    return all(check(values, stats) for check, stats in rule.checks)


def _decided_by_dtype(rule: _Rule, dtype: Any) -> bool:
    """Whether a column of `dtype` (already the rule's, not text) passes `rule` whatever its values: the rule
    has no value check and no uniqueness, and missing values are allowed or `dtype` cannot hold one (numpy
    integers and booleans)."""
    if rule.checks or rule.unique:
        return False
    return rule.nullable or (isinstance(dtype, np.dtype) and dtype.kind in "iub")


def _passes(rules: tuple[_Rule, ...] | None, df: pd.DataFrame) -> bool:
    """Whether `df` certainly passes `rules` as it is (no coercion needed), decided cheaply.

    pandera costs several milliseconds per call even on a two-row frame. This evaluates the same rules
    directly: dtypes equal to the schema's, nullability, uniqueness and the range/membership checks the
    schemas use, on numpy arrays (text columns on their distinct values). It only ever answers True when
    pandera would pass the frame unchanged; anything it cannot decide (no rules, a dtype to coerce, a
    failing value) answers False, and pandera gives the verdict and its error message.
    """
    if rules is None:
        return False
    columns = df.columns
    if any(rule.name not in columns for rule in rules):
        return False
    if not columns.is_unique and any(not isinstance(columns.get_loc(rule.name), int) for rule in rules):
        return False  # a duplicated column name
    dtypes = dict(zip(columns, df.dtypes, strict=True))  # one call for every dtype: a column costs more
    return all(_column_passes(rule, dtypes[rule.name], partial(_column_array, df, rule.name)) for rule in rules)


def _empty_text_as_str(schema: pa.DataFrameSchema, df: pd.DataFrame) -> pd.DataFrame:
    """`df` with its text columns in pandas' ``str`` dtype when it has no rows. An empty frame built
    without dtypes has object columns, which pandera refuses for ``str`` (with rows, it looks at the
    values); an empty column holds no value that is not text."""
    if len(df):
        return df
    text = [c for c, column in schema.columns.items() if is_text(column.dtype) and c in df and df[c].dtype == object]
    return df.astype(dict.fromkeys(text, TEXT_DTYPE)) if text else df


@functools.cache
def _schema(
    model: type[pa.DataFrameModel], columns: tuple[str, ...] | None, coerce: tuple[bool, ...] | None = None
) -> pa.DataFrameSchema:
    """`model`'s pandera schema, for `columns` only when given; with `coerce`, only the flagged columns
    are coerced."""
    schema = model.to_schema()
    if columns is None:
        return schema
    schema = schema.select_columns(list(columns))
    if coerce is None:
        return schema
    schema = schema.update_columns({c: {"coerce": need} for c, need in zip(columns, coerce, strict=True)})
    schema.coerce = False
    return schema


def _pandera_checked(df: pd.DataFrame, model: type[pa.DataFrameModel], columns: tuple[str, ...]) -> pd.DataFrame:
    """``df[columns]`` checked and coerced by pandera against `model`'s rules for those columns.

    Two economies keep this cheap on 10^6 rows, with pandera's verdict: only columns whose dtype
    differs from the model's are coerced (pandera re-parses datetime columns even when they already are
    datetime64[ns]), and text columns are checked on their distinct values (pandera checks the ``str``
    dtype element by element). A missing column is reported by pandera, by name.
    """
    full = _schema(model, columns)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        full.validate(df[[c for c in columns if c in df.columns]].head(0))  # raises, naming the column
    text = tuple(c for c in columns if is_text(full.columns[c].dtype))
    other = tuple(c for c in columns if c not in text)
    out = pd.DataFrame(index=df.index)
    if other:
        coerce = tuple(str(df[c].dtype) != str(full.columns[c].dtype) for c in other)
        out = _schema(model, other, coerce).validate(df[list(other)])
    for c in text:
        distinct = pd.DataFrame({c: pd.unique(df[c].to_numpy(dtype=object))})
        _schema(model, (c,)).validate(_empty_text_as_str(full, distinct))
        out[c] = df[c].astype(TEXT_DTYPE) if full.columns[c].coerce or full.coerce else df[c]
    return _selected(out, columns)


#: Up to this many rows, `_selected` copies the columns: on a page's small frames a copy costs a
#: fraction of pandas' lazy column selection (about 75 against 450 microseconds for 300 rows).
_COPY_ROWS = 10_000


def _selected(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """``df[columns]`` as a new frame: copied when small, else selected lazily (copy-on-write)."""
    if len(df) <= _COPY_ROWS:
        return df.take([df.columns.get_loc(c) for c in columns], axis=1)
    return df[list(columns)]


class CheckedFrame(pd.DataFrame):
    """A frame that has passed `checked` against `checked_model` (its columns `checked_columns`; None = all
    the model's), as a view holds it for the analytics calls it feeds (`checked_frame`): `checked` takes it
    back without checking it again, so a frame is checked once where it crosses from `data/` into
    `analytics/`.

    Only this very frame carries the mark: whatever pandas derives from it (a copy, a row subset, a new
    column) is a plain ``DataFrame`` again (pandas builds derived frames as ``DataFrame``) and is checked
    where it crosses; `rows_of` keeps the mark on some of its rows. A pickled copy (a cached read) loses it.
    Its values are not to be changed in place: analytics never changes a frame it receives.
    """

    checked_model: type[pa.DataFrameModel] | None = None
    checked_columns: tuple[str, ...] | None = None

    @property
    def _constructor(self) -> Callable[..., pd.DataFrame]:
        """What pandas builds a derived frame with (pandas' documented hook for subclasses): a plain
        ``DataFrame``, taken as pandas made it (``DataFrame(frame)`` would cost a second frame per step)."""
        return _derived


def _derived(data: Any = None, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """`CheckedFrame._constructor`: `data` itself when pandas hands over a finished ``DataFrame``, else
    ``DataFrame(data, ...)``."""
    if type(data) is pd.DataFrame and not args and not kwargs:
        return data
    return pd.DataFrame(data, *args, **kwargs)


def _marked(df: pd.DataFrame, model: type[pa.DataFrameModel], names: tuple[str, ...] | None) -> CheckedFrame:
    """`df` (checked against `model` for `names`) as a `CheckedFrame`: a new frame sharing its data."""
    frame = CheckedFrame(df)
    frame.checked_model = model
    frame.checked_columns = names
    return frame


def _already_checked(df: pd.DataFrame, model: type[pa.DataFrameModel], names: tuple[str, ...] | None) -> bool:
    """Whether `df` is a `CheckedFrame` of `model` that covers `names` (None = all the model's columns)."""
    if not isinstance(df, CheckedFrame) or df.checked_model is not model:
        return False
    return df.checked_columns is None or (names is not None and set(names) <= set(df.checked_columns))


def checked_frame(
    df: pd.DataFrame, model: type[pa.DataFrameModel], columns: Sequence[str] | None = None
) -> CheckedFrame:
    """`df` checked once, where a view hands it from `data/` to analytics, as a `CheckedFrame`, which every
    analytics function takes without checking it again: `checked(df, model, columns)` (the same verdict
    and coercion) with every other column of `df` kept as it is. `columns` (default: the whole model)
    are those the analytics it feeds read; a function reading another column of the model checks it."""
    names = tuple(columns) if columns is not None else None
    if _already_checked(df, model, names):
        return df  # type: ignore[return-value]  # a CheckedFrame (_already_checked)
    out = checked(df, model, names)
    if names is not None and len(out.columns) < len(df.columns):
        out = df.assign(**{c: out[c] for c in names})
    return _marked(out, model, names)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as a plain ``DataFrame`` sharing its data: a view hands pages no `CheckedFrame` (its mark
    is for the analytics calls inside the view)."""
    return pd.DataFrame(frame)


@overload
def rows_of(frame: CheckedFrame, positions: np.ndarray, renumber: bool = True) -> CheckedFrame: ...


@overload
def rows_of(frame: pd.DataFrame, positions: np.ndarray, renumber: bool = True) -> pd.DataFrame: ...


def rows_of(frame: pd.DataFrame, positions: np.ndarray, renumber: bool = True) -> pd.DataFrame:
    """The rows of `frame` at `positions` (ascending; renumbered from 0, or keeping their labels), still a
    `CheckedFrame` when `frame` is one: every rule of the input models holds value by value, so it holds
    on any subset of the rows. Consecutive positions (a date range of one athlete's read) are sliced,
    which costs a fifth of a ``take``."""
    contiguous = len(positions) > 0 and positions[-1] - positions[0] == len(positions) - 1
    rows = frame.iloc[positions[0] : positions[-1] + 1] if contiguous else frame.take(positions)
    if renumber:
        rows = rows.reset_index(drop=True)
    if not isinstance(frame, CheckedFrame) or frame.checked_model is None:
        return rows
    return _marked(rows, frame.checked_model, frame.checked_columns)


def checked(df: pd.DataFrame, model: type[pa.DataFrameModel], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """`df` checked against `model` (`analytics.schemas`): the one checker of analytics' boundaries.

    The public analytics functions call it on the frames they receive from `data/` (with `columns`:
    only the columns they use; other columns are dropped) and on the frames they hand out (without:
    the whole model, extra columns kept). Returns a new frame, coerced where the model coerces:
    changing it leaves `df` as it was. A bad frame raises pandera's ``SchemaError``, which names the
    column and the values. A `CheckedFrame` of `model` covering the columns (`checked_frame`: a view
    checked it once) is taken without checking it again.

    Speed: a frame that already passes as it is (the usual case: `data/` reads the model's dtypes)
    is decided from the model's rules, read once per model and columns, without pandera's fixed cost
    of several milliseconds per call; anything else (a dtype to coerce, a value refused) is pandera's
    ``DataFrameSchema.validate``, for its verdict and its message.
    """
    names = tuple(columns) if columns is not None else None
    if _already_checked(df, model, names):  # checked once by the view (`checked_frame`)
        return _selected(df, names) if names is not None else df.copy(deep=False)
    if not len(df):  # an empty frame built without dtypes: its text columns as text, as pandera takes them
        df = _empty_text_as_str(_schema(model, names), df)
    if _passes(_model_rules(model, names), df):
        return _selected(df, names) if names is not None else df.copy(deep=False)
    if names is None:
        schema = _schema(model, None)
        return schema.validate(_empty_text_as_str(schema, df))
    return _pandera_checked(df, model, names)


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """An empty frame with `model`'s columns and dtypes (outputs are checked, not coerced): a copy of one
    built once per model (building it took 2 ms, several times in each saved check-in's pain alerts)."""
    return _empty_frame(model).copy()


@functools.cache
def _empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    columns = model.to_schema().columns
    return pd.DataFrame(
        {
            c: pd.Series([], dtype=TEXT_DTYPE if is_text(col.dtype) or str(col.dtype) == "object" else str(col.dtype))
            for c, col in columns.items()
        }
    )
