"""Saves under way: how a form knows, after a server restart, that its last save may not have happened.

A form calls `begin` (its own committed transaction) with what the person entered, then saves, then
`finish`. A server killed between the two leaves the row behind; the next time that person opens the
form, `pending` returns it, the form says the save may not have happened and shows the values again.
One row per user and form: a new save of the same form replaces it. The values are the form's widget
values by widget key, as JSON; dates, times and date-times keep their type (`encode` / `decode`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from data.models import PendingSave

#: JSON tags of the values JSON has no type for (and tuples); every other value is stored as JSON stores it.
_TYPES: dict[str, type] = {"datetime": dt.datetime, "date": dt.date, "time": dt.time}


@dataclass(frozen=True)
class Pending:
    """A save that was under way: its form, what was entered (by widget key) and when it began."""

    form: str
    entered: dict[str, Any]
    started_at: dt.datetime


def encode(value: Any) -> Any:
    """`value` as JSON can hold it: a date, time or date-time as {"date": "2026-12-02"} and the like,
    a tuple as {"tuple": [...]} (a choice among tuples must come back a tuple)."""
    for tag, kind in _TYPES.items():  # datetime before date: a datetime is a date too
        if isinstance(value, kind):
            return {tag: value.isoformat()}
    if isinstance(value, tuple):
        return {"tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """The value `encode` stored."""
    if isinstance(value, dict) and len(value) == 1:
        ((tag, text),) = value.items()
        if tag in _TYPES:
            return _TYPES[tag].fromisoformat(text)
        if tag == "tuple":
            return tuple(decode(item) for item in text)
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


def begin(engine: Engine, user_id: int, form: str, entered: Mapping[str, Any], now: dt.datetime | None = None) -> None:
    """Record that `user_id` is saving `form` with `entered` (committed before the save starts)."""
    text = json.dumps({key: encode(value) for key, value in entered.items()})
    with engine.begin() as connection:
        connection.execute(delete(PendingSave).where(PendingSave.user_id == user_id, PendingSave.form == form))
        connection.execute(
            insert(PendingSave).values(
                user_id=user_id, form=form, entered=text, started_at=now or dt.datetime.now(dt.UTC)
            )
        )


def finish(engine: Engine, user_id: int, form: str) -> None:
    """The save of `form` by `user_id` has ended (saved or refused, either way the person saw it)."""
    with engine.begin() as connection:
        connection.execute(delete(PendingSave).where(PendingSave.user_id == user_id, PendingSave.form == form))


def pending(engine: Engine, user_id: int, form: str) -> Pending | None:
    """The save of `form` by `user_id` that never ended, or None."""
    with engine.connect() as connection:
        row = connection.execute(
            select(PendingSave.entered, PendingSave.started_at).where(
                PendingSave.user_id == user_id, PendingSave.form == form
            )
        ).first()
    if row is None:
        return None
    started = row.started_at if row.started_at.tzinfo else row.started_at.replace(tzinfo=dt.UTC)
    return Pending(form, {key: decode(value) for key, value in json.loads(row.entered).items()}, started)
