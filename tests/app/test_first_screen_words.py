"""First screens (issue 14) in AppTest: the admin's *Overview* lists a failed import, and the athlete's *My
recovery* says in plain words what the therapist's screens say in clinical terms."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from data.errors import ValidationError
from data.models import User
from ui import transfer

StartApp = Callable[[str], AppTest]
#: What the athlete's own screen never says.
JARGON = re.compile(r"\bLSI\b|\bMDC\b|\bOSTRC\b|95 %|recurrence|censor|confidence interval", re.IGNORECASE)


def open_as(app_at: StartApp, url: str, engine: Engine, username: str, page: str) -> AppTest:
    st.cache_data.clear()  # loaders are keyed by user, not by database
    at = app_at(url)
    with engine.connect() as connection:
        at.session_state["user_id"] = connection.scalar(select(User.id).where(User.username == username))
    return at.run().switch_page(page).run()


def shown_text(at: AppTest) -> str:
    """Every text element's protobuf (markdown, captions, charts' JSON, alerts), as the browser gets it."""
    parts: list[str] = []

    def walk(node: object) -> None:
        for child in getattr(node, "children", {}).values():
            proto = getattr(child, "proto", None)
            if proto is not None:
                parts.append(str(proto))
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def test_overview_lists_a_failed_import(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    with own_engine.connect() as connection:
        admin = connection.scalar(select(User.id).where(User.username == "admin"))
    with pytest.raises(ValidationError):
        transfer.import_records(own_engine, "pain_reports", b"x", "pain.txt", actor_id=admin)
    at = open_as(app_at, own_url, own_engine, "admin", "pages/overview.py")
    assert not at.exception
    (group,) = [e for e in at.expander if e.label.startswith("Failed imports")]
    assert group.label == "Failed imports (1)"
    frame = next(f.value for f in at.dataframe if "why" in f.value.columns and "records" in f.value.columns)
    assert frame["why"].iloc[0].startswith("pain.txt: ")


def test_my_recovery_speaks_plainly(app_at: StartApp, demo_url: str) -> None:
    from data.db import make_engine

    engine = make_engine(demo_url)
    at = open_as(app_at, demo_url, engine, "athlete", "pages/my_recovery.py")
    engine.dispose()
    assert not at.exception
    text = shown_text(at)
    assert not JARGON.findall(text), sorted(set(JARGON.findall(text)))
