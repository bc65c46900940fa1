"""The admin's audit log page: writes, exports and sign-ins show, newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from data.access import sign_in
from data.exports import export_all
from data.models import User
from data.roster import create_team
from tests.app.conftest import reload

StartApp = Callable[[str], AppTest]
PAGE = "pages/audit_log.py"


def open_as(app_at: StartApp, url: str, engine: Engine, username: str) -> AppTest:
    st.cache_data.clear()
    at = app_at(url)
    with engine.connect() as connection:
        at.session_state["user_id"] = connection.scalar(select(User.id).where(User.username == username))
    return at.run().switch_page(PAGE).run()


def test_audit_log_shows_writes_exports_and_sign_ins_newest_first(
    app_at: StartApp, own_url: str, own_engine: Engine, tmp_path: Path
) -> None:
    with own_engine.connect() as connection:
        admin = connection.scalar(select(User.id).where(User.username == "admin"))
    for n in range(60):
        create_team(own_engine, f"Audit team {n:02d}", actor_id=admin)
    export_all(own_engine, tmp_path / "export", "csv", actor_id=admin)
    sign_in(own_engine, "intruder", "guess")
    sign_in(own_engine, "coach", "fascia-coach")

    at = open_as(app_at, own_url, own_engine, "admin")
    assert not at.exception
    shown = at.dataframe[0].value
    assert len(shown) == 50, "one page at a time"
    assert list(shown.columns) == ["at", "what", "detail"]
    assert list(shown["what"][:3]) == ["Coach coach signed in", "A sign-in failed", "Admin admin exported all records"]
    assert shown["detail"].iloc[1] == "intruder"
    assert shown["what"].iloc[3] == "Admin admin created the team Audit team 59"

    at.multiselect(key="audit_actions").set_value(["create"])
    at = at.run()
    assert all(what.startswith("Admin admin created the team ") for what in at.dataframe[0].value["what"])
    at.number_input(key="audit_page").set_value(2)
    at = at.run()
    second = at.dataframe[0].value
    assert "Audit team 00" in set(second["detail"]) and "Audit team 59" not in set(second["detail"])

    at.multiselect(key="audit_actions").set_value([])
    at.text_input(key="audit_text").input("intruder")
    at = at.run()
    assert list(at.dataframe[0].value["what"]) == ["A sign-in failed"]


def test_only_admins_read_the_audit_log(app_at: StartApp, demo_url: str) -> None:
    from data.db import make_engine

    engine = make_engine(demo_url)
    at = app_at(demo_url)
    with engine.connect() as connection:
        at.session_state["user_id"] = connection.scalar(select(User.id).where(User.username == "coach"))
    engine.dispose()
    at = reload(at)
    assert "(coach)" in at.sidebar.caption[0].value
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
