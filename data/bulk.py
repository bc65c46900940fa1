"""Bulk row transfer, the fast paths between the database driver and pandas.

- Reading (`typed_frame`): a query's rows become a DataFrame column by column, each column given its
  dtype in one numpy or pandas call, dates read as ISO text and parsed by numpy, so pandas' cost is
  paid once per column, never per value, and no date object is made per row.
- Writing (`insert_rows` for imports, `insert_frame` for the demo): rows go in by PostgreSQL's COPY
  on the transaction's own connection, or by one executemany per chunk on SQLite.

These are the only places in `data/` that touch the DBAPI cursor under SQLAlchemy; everything else
reads and writes through SQLAlchemy Core.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Engine, Select, String, Table, func, insert, text, type_coerce
from sqlalchemy.exc import DBAPIError

from analytics.validation import TEXT_DTYPE
from data.data_version import changed

# --------------------------------------------------------------------------- reading


def day_as_text(column: Any, dialect: str) -> Any:
    """`column` (a Date) as ISO text, ``YYYY-MM-DD``: SQLite stores it that way already, PostgreSQL
    formats it with ``to_char`` (independent of the server's DateStyle)."""
    if dialect == "sqlite":
        return type_coerce(column, String)
    return func.to_char(column, "YYYY-MM-DD", type_=String)


def days_as_text(statement: Select[Any], dtypes: Mapping[str, str | None], dialect: str) -> Select[Any]:
    """`statement` with each selected Date column of dtype ``datetime`` read as ISO text (`day_as_text`),
    which `typed_column` parses; the statement itself when there is none (or they already are)."""
    days = [
        column.name
        for column in statement.selected_columns
        if dtypes.get(column.name) == "datetime" and not isinstance(column.type, String)
    ]
    if not days:
        return statement
    return statement.with_only_columns(
        *(
            day_as_text(column, dialect).label(column.name) if column.name in days else column
            for column in statement.selected_columns
        ),
        maintain_column_froms=True,
    )


def object_array(values: Sequence[Any]) -> np.ndarray:
    """`values` as a one-dimensional object array: a value that is itself a tuple or a list stays one value
    (``np.array`` would make it a second dimension)."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def typed_column(values: Sequence[Any], dtype: str | None) -> Any:
    """One column of driver values as an array of `dtype` (``datetime``: ISO day text; None: the
    type pandas infers, as it does for a frame built from rows)."""
    if dtype == "datetime":
        return np.array(values, dtype="datetime64[D]").astype("datetime64[ns]")
    if dtype == "Int64":
        missing = np.array([value is None for value in values], dtype=bool)
        numbers = np.array([0 if value is None else value for value in values], dtype=np.int64)
        return pd.arrays.IntegerArray(numbers, missing)
    if dtype not in ("str", None):
        return np.array(values, dtype=dtype)
    if dtype == "str":
        return text_column(values)
    return pd.Series(object_array(values)).infer_objects().array


def text_column(values: Sequence[Any]) -> Any:
    """Driver text values (str or None) as an array of pandas' ``str`` dtype (`TEXT_DTYPE`: Arrow-stored,
    missing as NaN), whether there are rows or not.

    Made by Arrow from the values in one call (``pd.arrays.ArrowStringArray``), a fifth of what
    ``pd.array(values, dtype="str")`` costs (20 against 110 us for 40 values), which looks at each value in
    Python first; a value that is not text (a BLOB in SQLite) goes that way, as ``pd.array`` reads it."""
    try:
        return pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string()), dtype=TEXT_DTYPE)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pd.array(object_array(values), dtype="str")


def typed_frame(
    engine: Engine,
    statement: Select[Any],
    dtypes: Mapping[str, str | None],
    parameters: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run `statement` (with its bound `parameters`) and give each column its dtype (``datetime`` = day as
    datetime64[ns]), the frame's column labels as Python strings (an object ``Index``: pandas 3 would hold
    them in Arrow, which makes every ``frame[name]`` slower).

    When every column has a dtype the rows come straight from the DBAPI cursor, skipping
    SQLAlchemy's per-row processing (each column is converted here); columns without a dtype
    (timestamps) keep SQLAlchemy's conversion and get the type pandas infers."""
    statement = days_as_text(statement, dtypes, engine.dialect.name)
    names = [column.name for column in statement.selected_columns]
    every_column_typed = all(dtypes.get(name) is not None for name in names)
    with engine.connect() as connection:
        result = connection.execute(statement, parameters)
        rows = result.cursor.fetchall() if every_column_typed else result.fetchall()
    values = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    frame = pd.DataFrame(
        {name: typed_column(column, dtypes.get(name)) for name, column in zip(names, values, strict=True)}, copy=False
    )
    frame.columns = pd.Index(names, dtype=object)  # set afterwards: cheaper than ``columns=`` (a reindex)
    return frame


# --------------------------------------------------------------------------- writing


def key_getter(positions: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A fast key function: the values of a row tuple at `positions`, always as a tuple."""
    if len(positions) == 1:
        single = positions[0]
        return lambda row: (row[single],)
    return operator.itemgetter(*positions)


#: PostgreSQL's integer types (type oid: largest value): their binary COPY form would wrap a larger value.
PG_INTEGER_LIMITS = {21: 2**15 - 1, 23: 2**31 - 1, 20: 2**63 - 1}


def insert_rows(
    connection: Connection,
    model: Any,
    columns: list[str],
    rows: list[tuple[Any, ...]],
    chunk_size: int,
    inserted: Callable[[int], None] = lambda rows: None,
) -> None:
    """Insert `rows` (tuples in `columns` order) into `model`'s table in the connection's
    transaction, `chunk_size` at a time, calling `inserted(rows in the chunk)` after each chunk.

    PostgreSQL: one COPY ... FROM STDIN on the transaction's own psycopg connection, so a failure or
    a killed process rolls it back with everything else; several times faster than INSERT batches.
    It is BINARY, typed from the table's catalogue, when every integer fits its column's type, else
    TEXT (the server then refuses the value as an INSERT would). Driver errors are raised as
    SQLAlchemy's (IntegrityError, OperationalError...), like any other statement's.
    SQLite: executemany of the compiled INSERT, one per chunk. Neither is a SQLAlchemy statement, so the
    transaction is marked as changing data here (`data.data_version.changed`)."""
    changed(connection)
    chunks = [rows[start : start + chunk_size] for start in range(0, len(rows), chunk_size)]
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, model.__tablename__, columns, rows, chunks, inserted)
        return
    if connection.dialect.paramstyle == "qmark":  # SQLite: exactly these columns, the rest from server defaults
        preparer = connection.dialect.identifier_preparer
        names = ", ".join(preparer.quote(c) for c in columns)
        marks = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {preparer.format_table(model.__table__)} ({names}) VALUES ({marks})"
        for chunk in chunks:
            connection.exec_driver_sql(sql, chunk)
            inserted(len(chunk))
        return
    compiled = insert(model.__table__).compile(dialect=connection.dialect, column_keys=columns)
    sql = str(compiled)
    for chunk in chunks:
        connection.exec_driver_sql(sql, [dict(zip(columns, r, strict=True)) for r in chunk])
        inserted(len(chunk))


def integers_fit(rows: list[tuple[Any, ...]], types: list[int]) -> bool:
    """Whether every integer of `rows` fits the PostgreSQL integer type (oid) of its column."""
    for position, oid in enumerate(types):
        limit = PG_INTEGER_LIMITS.get(oid)
        values = [] if limit is None else [v for v in map(operator.itemgetter(position), rows) if v is not None]
        if values and (min(values) < -limit - 1 or max(values) > limit):
            return False
    return True


def _copy_rows(
    connection: Connection,
    table: str,
    columns: list[str],
    rows: list[tuple[Any, ...]],
    chunks: list[list[tuple[Any, ...]]],
    inserted: Callable[[int], None],
) -> None:
    """PostgreSQL's side of `insert_rows`. An exception raised by `inserted` (e.g. a stopped page)
    aborts the COPY, and the transaction rolls back as with any other error."""
    # Imported here, not at the top: only PostgreSQL needs psycopg, and importing it costs a SQLite
    # server about 0.1 s before its first page.
    import psycopg
    from psycopg import sql as psycopg_sql

    catalogue = connection.execute(
        text(
            "SELECT attname, atttypid::int FROM pg_attribute"
            " WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped"
        ),
        {"table": table},
    )
    type_of = dict(catalogue.all())
    types = [type_of[c] for c in columns]
    binary = integers_fit(rows, types)
    statement = psycopg_sql.SQL("COPY {} ({}) FROM STDIN" + (" (FORMAT BINARY)" if binary else "")).format(
        psycopg_sql.Identifier(table), psycopg_sql.SQL(", ").join(map(psycopg_sql.Identifier, columns))
    )
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(types)
            for chunk in chunks:
                for row in chunk:
                    copy.write_row(row)
                inserted(len(chunk))
    except psycopg.Error as error:
        raise DBAPIError.instance(
            statement.as_string(None), None, error, psycopg.Error, dialect=connection.dialect
        ) from error


def frame_rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    """Rows of `frame` as tuples of plain Python values (date, int, float, str, bool, None), converted a
    column at a time."""
    columns: list[list[Any]] = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            columns.append(column.to_numpy().astype("datetime64[D]").tolist())
        elif column.dtype == object or isinstance(column.dtype, pd.api.extensions.ExtensionDtype):
            columns.append(column.astype(object).where(column.notna(), None).tolist())
        else:
            columns.append(column.to_numpy().tolist())
    return list(zip(*columns, strict=True))


def insert_frame(connection: Connection, table: Table, frame: pd.DataFrame, chunk_rows: int) -> None:
    """Insert every row of `frame` (its columns named as `table`'s) into `table`, `chunk_rows` at a time:
    SQLAlchemy Core executemany; on PostgreSQL with psycopg 3, text COPY on the same connection and
    transaction (about 6x faster than executemany there); COPY is marked as changing data
    (`data.data_version.changed`)."""
    changed(connection)
    chunks = (frame.iloc[first : first + chunk_rows] for first in range(0, len(frame), chunk_rows))
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        columns = ", ".join(frame.columns)
        driver_connection = connection.connection.dbapi_connection
        with driver_connection.cursor() as cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for chunk in chunks:
                for row in frame_rows(chunk):
                    copy.write_row(row)
        return
    names = list(frame.columns)
    for chunk in chunks:
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in frame_rows(chunk)])
