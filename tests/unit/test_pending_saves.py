"""data.pending_saves on both backends: what a form entered is kept, typed, while its save runs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from data import pending_saves
from data.accounts import create_user

VALUES = [
    3,
    7.5,
    "modified",
    None,
    True,
    ["knee", "lower_back"],
    dt.date(2026, 12, 2),
    dt.time(9, 14),
    dt.datetime(2026, 12, 2, 9, 14),
    ("shoulder", "internal_rotation", "deg", "goniometer"),
    [("hip", "flexion"), dt.date(2026, 1, 5)],
]


@pytest.mark.parametrize("value", VALUES)
def test_entered_values_keep_their_type(db_engine: Engine, value: object) -> None:
    user_id = create_user(db_engine, "keeper", "correct-horse-battery", "coach")
    pending_saves.begin(db_engine, user_id, "form", {"field": "first"})
    pending_saves.begin(db_engine, user_id, "form", {"field": value})  # a second save replaces the first
    found = pending_saves.pending(db_engine, user_id, "form")
    assert found is not None and found.entered == {"field": value} and type(found.entered["field"]) is type(value)
    pending_saves.finish(db_engine, user_id, "form")
    assert pending_saves.pending(db_engine, user_id, "form") is None


def test_forms_and_users_are_kept_apart(db_engine: Engine) -> None:
    one = create_user(db_engine, "one", "correct-horse-battery", "therapist")
    two = create_user(db_engine, "two", "correct-horse-battery", "therapist")
    pending_saves.begin(db_engine, one, "log_session", {"minutes": 30})
    pending_saves.begin(db_engine, two, "log_session", {"minutes": 45})
    pending_saves.begin(db_engine, one, "injury", {"notes": "left calf"})
    pending_saves.finish(db_engine, one, "log_session")
    assert pending_saves.pending(db_engine, one, "log_session") is None
    assert pending_saves.pending(db_engine, two, "log_session").entered == {"minutes": 45}
    assert pending_saves.pending(db_engine, one, "injury").entered == {"notes": "left calf"}
