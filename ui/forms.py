"""One way to refuse a form's entry: each message under the field it names, and a line saying nothing was saved.

Every form of the app (the athlete's check-in and weekly OSTRC, the therapist's *Log a session*, *Record
ROM* and *Injuries*, the admin's *Users and teams*, *First run*, *Sign in*) refuses the same way:
- `field_errors` turns the `ValidationError`s that `data` raises (`refusals` unpacks `InvalidRecords`)
  into ``{field: message}``, each message naming the field (or the grid row) and the reason; a form's own
  checks (an unanswered question) are messages of the same dict.
- `ErrorSlots` reserves a place under each input (`under`, several fields may share one: a region's pain
  rows under the region) and puts each message there (`show`); `refuse` also writes the line saying
  nothing was saved (`refused`) where it is called, under the button.
Also: a data editor's edits written into its grid (`grid_with_edits`), for a form that puts them back.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data.errors import ValidationError
from data.record_checks import InvalidRecords
from ui.text import literal
from views import words

_RANGE = re.compile(r"(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)")

#: The account forms' fields, as their refusals name them (`views.words.ACCOUNT_FIELDS`).
ACCOUNT_FIELDS = words.ACCOUNT_FIELDS


def _shown(value: Any) -> str:
    if isinstance(value, pd.Timestamp | dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return words.short_day(value, with_year=True)
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    if hasattr(value, "item"):
        return str(value.item())
    return str(value)


def field_name(field: str) -> str:
    """The form's name of a record field (``rom.value`` -> ``Value``)."""
    base = field.split(".")[-1]
    return words.word(words.FIELDS, base)


def describe(
    error: ValidationError,
    row_names: Mapping[int, str] | None = None,
    name: str | None = None,
    show_value: bool = True,
) -> str:
    """One refusal as a sentence naming the field (and the row's name when given) and the reason.

    ``return_date``, 2026-10-01, "is before the onset date" -> "Return to full participation: 1 Oct 2026
    is before the onset date." A missing value reads "Body region is required." `name` replaces the
    field's name (e.g. "Before the session" for a ROM value); ranges read "-40 to 80 cm". Without
    `show_value` the value is left out ("Password must be at least 8 characters."): a secret, or a value
    the person has just typed. The sentence is Markdown (`ErrorSlots.show` draws it with `st.error`): a
    typed text value is escaped (`ui.text.literal`).
    """
    name = name or field_name(error.field)
    if row_names is not None and error.row in row_names:
        row_name = row_names[error.row]
        name = row_name if error.field.split(".")[-1] == "value" else f"{row_name} — {name.lower()}"
    blank = error.value is None or (not isinstance(error.value, str) and pd.isna(error.value)) or error.value == ""
    reason = _RANGE.sub(r"\1 to \2", error.reason)
    shown = literal(error.value) if isinstance(error.value, str) else _shown(error.value)
    text = f"{name} {reason}" if blank or not show_value else f"{name}: {shown} {reason}"
    return text.rstrip(".") + "."


def refusals(error: ValidationError) -> list[ValidationError]:
    """Every refused value of a refusal: the list of an `InvalidRecords`, else the error itself."""
    return list(error.errors) if isinstance(error, InvalidRecords) else [error]


def field_errors(
    errors: Iterable[ValidationError],
    row_names: Mapping[int, str] | None = None,
    key: Callable[[ValidationError], str] | None = None,
    first_only: bool = False,
    labels: Mapping[str, str] | None = None,
    show_values: bool = True,
) -> dict[str, str]:
    """``{field: message}`` for a list of refusals (e.g. `refusals(error)`), each message by `describe`.

    The key is the error's field (or ``key(error)``, e.g. to tell a grid's rows apart); two refusals
    of one key are joined into one message, or only the first is kept with `first_only` (an input
    that stands for several fields, e.g. a ROM measure = joint + movement + unit + method, then
    says "Measure is required." once). `row_names` names rows in the messages ("Hip internal
    rotation, left: 300 is above 200."); `labels` names the input of a key when it is
    not the field's usual name (``{"rom_pre": "Before the session"}``); `show_values` False leaves the
    refused values out (the account forms: a password is never repeated on screen).
    """
    messages: dict[str, list[str]] = {}
    for error in errors:
        slot = key(error) if key is not None else error.field
        text = describe(error, row_names, (labels or {}).get(slot), show_values)
        bucket = messages.setdefault(slot, [])
        if text not in bucket and not (first_only and bucket):
            bucket.append(text)
    return {field: " ".join(texts) for field, texts in messages.items()}


class ErrorSlots:
    """Places reserved under a form's inputs, where a refused field's message appears.

    Call `under(field, ...)` right after drawing an input (it reserves an empty slot there; the fields
    named share it), then `show(messages)` or `refuse(messages, line)` once the messages are known (after
    the submit, or on the run after a callback refused): each message goes under its field; messages with
    no slot go to the slot reserved with `under("*")` (or are returned, or written with the line).
    """

    def __init__(self) -> None:
        self._slots: dict[str, Any] = {}

    def under(self, *fields: str) -> None:
        slot = st.empty()
        for field in fields:
            self._slots[field] = slot

    def show(self, messages: Mapping[str, str]) -> list[str]:
        """Fill the slots; the messages that found no slot (and no catch-all)."""
        grouped: dict[int, tuple[Any, list[str]]] = {}
        leftover: list[str] = []
        for field, text in messages.items():
            slot = self._slots.get(field, self._slots.get("*"))
            if slot is None:
                leftover.append(text)
                continue
            grouped.setdefault(id(slot), (slot, []))[1].append(text)
        for slot, texts in grouped.values():
            slot.error("\n\n".join(texts), icon=":material/error:")
        return leftover

    def refuse(self, messages: Mapping[str, str], line: str) -> None:
        """`show` the messages, and write `line` (it says nothing was saved, e.g. `refused`) here, with any
        message that found no slot."""
        leftover = self.show(messages)
        st.error("\n\n".join([line, *leftover]), icon=":material/block:")


def refused(count: int) -> str:
    """The line under a refused form's button."""
    values = "1 value was" if count == 1 else f"{count} values were"
    return f"Nothing was saved: {values} refused — see the message under the field."


def grid_with_edits(grid: pd.DataFrame, edits: Any) -> pd.DataFrame:
    """`grid` with a data editor's edits written in: its session-state value ``{"edited_rows": {row:
    {column: value}}}`` (row numbers as ints or, read back from JSON, as strings)."""
    filled = grid.copy()
    for row, changes in dict(edits or {}).get("edited_rows", {}).items():
        for column, value in changes.items():
            if column in filled.columns:
                filled.at[int(row), column] = value
    return filled
