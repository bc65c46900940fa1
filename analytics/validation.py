"""Cheap pandera validation at the analytics boundaries.

The public functions validate their inputs on the columns they use and their outputs against
their `analytics.schemas` model. pandera's default path re-parses datetime columns and checks
``str`` columns element by element, which costs seconds on 10^6 rows; these helpers give the
same verdict while coercing only mistyped columns and checking text on its distinct values.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa

# The column checks `passes` evaluates itself: pandera check name -> (series, statistics) -> all pass.
_CHECKS = {
    "greater_than_or_equal_to": lambda s, k: bool((s >= k["min_value"]).all()),
    "greater_than": lambda s, k: bool((s > k["min_value"]).all()),
    "less_than_or_equal_to": lambda s, k: bool((s <= k["max_value"]).all()),
    "less_than": lambda s, k: bool((s < k["max_value"]).all()),
    "isin": lambda s, k: bool(s.isin(k["allowed_values"]).all()),
    "in_range": lambda s, k: bool(
        ((s >= k["min_value"]) if k["include_min"] else (s > k["min_value"])).all()
        and ((s <= k["max_value"]) if k["include_max"] else (s < k["max_value"])).all()
    ),
}


def passes(schema: pa.DataFrameSchema, df: pd.DataFrame) -> bool:
    """Whether `df` certainly passes `schema` as it is (no coercion needed), decided cheaply.

    pandera costs several milliseconds per call even on a two-row frame, and a page makes about a
    hundred validations. This evaluates the same rules directly: dtypes equal to the schema's,
    nullability, uniqueness and the range/membership checks the schemas use. It only ever answers
    True when pandera would pass the frame unchanged; anything it cannot decide (a dtype to coerce, an
    unknown check, a failing value) answers False, and the caller runs pandera for its verdict and
    its error message.
    """
    if schema.checks or schema.strict or schema.ordered or schema.unique:
        return False
    for name, column in schema.columns.items():
        if column.regex or name not in df.columns:
            return False
        series = df[name]
        if isinstance(series, pd.DataFrame):  # duplicated column name
            return False
        expected = str(column.dtype) if column.dtype is not None else None
        if expected == "str":
            if series.dtype != object:
                return False
            distinct = pd.unique(series.dropna().to_numpy(dtype=object))
            if not all(isinstance(v, str) for v in distinct):
                return False
        elif expected is not None and str(series.dtype) != expected:
            return False
        nulls = series.isna()
        if nulls.any() and not column.nullable:
            return False
        if column.unique and series.duplicated().any():
            return False
        values = series[~nulls.to_numpy()] if nulls.any() else series
        for check in column.checks:
            rule = _CHECKS.get(check.name)
            if rule is None or not check.ignore_na or not rule(values, check.statistics):
                return False
    return True


def validated(schema: pa.DataFrameSchema, df: pd.DataFrame, copy: bool = True) -> pd.DataFrame:
    """``schema.validate(df)``, skipping pandera's fixed cost when `passes` already decides it.

    Like pandera, it returns a copy (callers may change what they get) unless `copy=False`."""
    if passes(schema, df):
        return df.copy() if copy else df
    return schema.validate(df)


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
    reported by pandera.
    """
    full = column_schema(model, tuple(columns))
    missing = [c for c in columns if c not in df.columns]
    if missing:
        full.validate(df[[c for c in columns if c in df.columns]].head(0))  # raises, naming the column
    text = tuple(c for c in columns if str(full.columns[c].dtype) == "str")
    other = tuple(c for c in columns if c not in text)
    out = pd.DataFrame(index=df.index)
    if other:
        coerce = tuple(str(df[c].dtype) != str(full.columns[c].dtype) for c in other)
        out = validated(column_schema(model, other, coerce), df[list(other)])
    for c in text:
        values = df[c].astype(object) if df[c].dtype != object else df[c]
        validated(column_schema(model, (c,)), pd.DataFrame({c: pd.unique(values)}), copy=False)
        out[c] = values
    return out.take([out.columns.get_loc(c) for c in columns], axis=1)  # take: a new frame, not a "copy of a slice"


def validate_output(out: pd.DataFrame, model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """``model.validate(out)`` for a large output, with text columns checked on their distinct values.

    Same verdict as validating the whole frame (pandera's ``str`` check runs element by element).
    """
    columns = model.to_schema().columns
    text = tuple(c for c, col in columns.items() if str(col.dtype) == "str")
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
            c: pd.Series([], dtype="object" if str(col.dtype) in ("str", "object") else str(col.dtype))
            for c, col in columns.items()
        }
    )
