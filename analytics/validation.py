"""Cheap pandera validation at the analytics boundaries.

The public functions validate their inputs on the columns they use and their outputs against
their `analytics.schemas` model. pandera's default path re-parses datetime columns and checks
``str`` columns element by element, which costs seconds on 10^6 rows; these helpers give the
same verdict while coercing only mistyped columns and checking text on its distinct values.
On the small frames of one page (about a hundred validations) the fixed cost is what counts:
`passes` decides most frames from rules read once per schema, on numpy arrays, without pandera.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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


# id(schema) -> (schema, its rules or None when `passes` cannot decide it). The schema is kept so its
# id is not reused while cached; schemas are treated as immutable once validated against.
_RULES: dict[int, tuple[pa.DataFrameSchema, tuple[_Rule, ...] | None]] = {}
_RULES_MAX = 512


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


def _rules(schema: pa.DataFrameSchema) -> tuple[_Rule, ...] | None:
    """`schema`'s column rules, compiled on first use; None when some rule is not one `passes` decides
    (a schema-wide check, strict or ordered columns, a regex column, an unknown check, a check that
    does not ignore missing values)."""
    cached = _RULES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    rules: tuple[_Rule, ...] | None = None
    if not (schema.checks or schema.strict or schema.ordered or schema.unique):
        compiled = [_column_rule(name, column, schema.coerce) for name, column in schema.columns.items()]
        rules = None if None in compiled else tuple(r for r in compiled if r is not None)
    if len(_RULES) >= _RULES_MAX:
        _RULES.clear()
    _RULES[id(schema)] = (schema, rules)
    return rules


def _column_array(df: pd.DataFrame, position: int) -> Any:
    """Column `position` of `df` as its array (numpy or extension)."""
    return df.iloc[:, position].array


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
    try:
        distinct = set(np.asarray(column))
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


def _column_passes(rule: _Rule, column: Any) -> bool:
    """Whether one column's array (`_column_array`) passes `rule` as it is."""
    if is_text(rule.dtype):
        return _text_passes(rule, column)
    if rule.dtype is not None and _dtype_name(column.dtype) != rule.dtype and not _both_days(rule, column.dtype):
        return False
    values, missing = _values(column)
    if missing and not rule.nullable:
        return False
    if rule.unique and _has_duplicates(column):
        return False
    return all(check(values, stats) for check, stats in rule.checks)


def passes(schema: pa.DataFrameSchema, df: pd.DataFrame) -> bool:
    """Whether `df` certainly passes `schema` as it is (no coercion needed), decided cheaply.

    pandera costs several milliseconds per call even on a two-row frame, and a page makes about a
    hundred validations. This evaluates the same rules directly: dtypes equal to the schema's,
    nullability, uniqueness and the range/membership checks the schemas use, on numpy arrays (text
    columns on their distinct values), with each schema's rules read once (`_rules`). It only ever
    answers True when pandera would pass the frame unchanged; anything it cannot decide (a dtype to
    coerce, an unknown check, a failing value) answers False, and the caller runs pandera for its
    verdict and its error message.
    """
    rules = _rules(schema)
    if rules is None:
        return False
    columns = df.columns
    for rule in rules:
        if rule.name not in columns:
            return False
        position = columns.get_loc(rule.name)
        if not isinstance(position, int):  # duplicated column name
            return False
        if not _column_passes(rule, _column_array(df, position)):
            return False
    return True


def empty_text_as_str(schema: pa.DataFrameSchema, df: pd.DataFrame) -> pd.DataFrame:
    """`df` with its text columns in pandas' ``str`` dtype when it has no rows. An empty frame built
    without dtypes has object columns, which pandera refuses for ``str`` (with rows, it looks at the
    values); an empty column holds no value that is not text."""
    if len(df):
        return df
    text = [c for c, column in schema.columns.items() if is_text(column.dtype) and c in df and df[c].dtype == object]
    return df.astype(dict.fromkeys(text, TEXT_DTYPE)) if text else df


def validated(schema: pa.DataFrameSchema, df: pd.DataFrame, copy: bool = True) -> pd.DataFrame:
    """``schema.validate(df)``, skipping pandera's fixed cost when `passes` already decides it.

    Like pandera, it returns a copy (callers may change what they get) unless `copy=False`."""
    if passes(schema, df):
        return df.copy() if copy else df
    return schema.validate(empty_text_as_str(schema, df))


@functools.cache
def column_schema(
    model: type[pa.DataFrameModel], columns: tuple[str, ...], coerce: tuple[bool, ...] | None = None
) -> pa.DataFrameSchema:
    """`model`'s rules for `columns`; with `coerce`, only the flagged columns are coerced."""
    schema = model.to_schema().select_columns(list(columns))
    if coerce is None:
        return schema
    schema = schema.update_columns({c: {"coerce": need} for c, need in zip(columns, coerce, strict=True)})
    schema.coerce = False
    return schema


def validate_columns(df: pd.DataFrame, model: type[pa.DataFrameModel], columns: Sequence[str]) -> pd.DataFrame:
    """``df[columns]`` checked and coerced against `model`'s rules for those columns only (cheap).

    Two economies keep this cheap on 10^6 rows,
    with the same verdict: only columns whose dtype differs from the model's are coerced (pandera
    re-parses datetime columns even when they already are datetime64[ns]), and text columns are checked
    on their distinct values (pandera checks the ``str`` dtype element by element). A missing column is
    reported by pandera. When `passes` finds nothing to coerce or refuse, the columns are returned as
    they are (a new frame) without building the checked subsets.
    """
    full = column_schema(model, tuple(columns))
    if passes(full, df):  # nothing to coerce: the columns as they are (a new frame, not a view)
        return df.take([df.columns.get_loc(c) for c in columns], axis=1)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        full.validate(df[[c for c in columns if c in df.columns]].head(0))  # raises, naming the column
    text = tuple(c for c in columns if is_text(full.columns[c].dtype))
    other = tuple(c for c in columns if c not in text)
    out = pd.DataFrame(index=df.index)
    if other:
        coerce = tuple(str(df[c].dtype) != str(full.columns[c].dtype) for c in other)
        out = validated(column_schema(model, other, coerce), df[list(other)])
    for c in text:
        validated(column_schema(model, (c,)), pd.DataFrame({c: pd.unique(df[c].to_numpy(dtype=object))}), copy=False)
        out[c] = df[c].astype(TEXT_DTYPE) if full.columns[c].coerce or full.coerce else df[c]
    return out.take([out.columns.get_loc(c) for c in columns], axis=1)  # take: a new frame, not a "copy of a slice"


def columns_checked(df: pd.DataFrame, model: type[pa.DataFrameModel], columns: Sequence[str]) -> pd.DataFrame:
    """`validate_columns` for a frame that is only read, never changed: `df` itself when its `columns`
    pass `model`'s rules as they are (no copy), else `validate_columns`' checked and coerced columns.
    Same verdict and errors; on a page's small frames the copy cost more than the check."""
    return df if passes(column_schema(model, tuple(columns)), df) else validate_columns(df, model, columns)


def frame_checked(df: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """``model.validate(df)`` without pandera's copy when `df` passes as it is: for a frame built by
    the caller (an output) or one that is only read."""
    return df if passes(model.to_schema(), df) else model.validate(df)


def validate_output(out: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """``model.validate(out)`` for a large output, with text columns checked on their distinct values.

    Same verdict as validating the whole frame (pandera's ``str`` check runs element by element).
    """
    schema = model.to_schema()
    if passes(schema, out):
        return out
    columns = schema.columns
    text = tuple(c for c, col in columns.items() if is_text(col.dtype))
    other = tuple(c for c in columns if c not in text)
    validated(column_schema(model, other), out[list(other)], copy=False)
    for c in text:
        frame = pd.DataFrame({c: pd.unique(out[c].to_numpy(dtype=object))})
        validated(column_schema(model, (c,)), frame, copy=False)
    return out


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """An empty frame with `model`'s columns and dtypes (outputs are checked, not coerced)."""
    columns = model.to_schema().columns
    return pd.DataFrame(
        {
            c: pd.Series([], dtype=TEXT_DTYPE if is_text(col.dtype) or str(col.dtype) == "object" else str(col.dtype))
            for c, col in columns.items()
        }
    )
