"""AppTest fixtures: the real dashboard against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from data.db import ROOT, make_engine
from data.demo import load_demo
from data.schema import upgrade
from ui.session import engine_for

APP = str(ROOT / "dashboard.py")
TIMEOUT = 60
#: The shared demo ends on a fixed day, so the flags and screens these tests see are the same whatever the
#: day the suite runs (tests/app/test_screens_across_days.py covers a year of other days and today).
DEMO_END = dt.date(2026, 11, 30)


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding a small demo organisation, made once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, athletes=12, days=120, seed=11, end=DEMO_END)
    engine.dispose()
    return url


@pytest.fixture
def app_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """A function that starts the dashboard on the database at a URL."""

    def start(url: str) -> AppTest:
        # One process serves one database in production, so the loaders' cache is keyed by user, not
        # by database; tests switch databases within one process, so each app starts with a clear cache.
        st.cache_data.clear()
        monkeypatch.setenv("DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        return at.run()

    return start


@pytest.fixture
def own_url(demo_url: str, tmp_path: Path) -> str:
    """A private copy of the session's demo database, for a test that writes."""
    copy = tmp_path / "own.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def own_engine(own_url: str) -> Iterator[Engine]:
    """An engine on `own_url`."""
    engine = make_engine(own_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app_database(db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app pointed at `db_engine`'s database (SQLite and PostgreSQL), with Streamlit's caches and the
    app's engines fresh before and after; its URL."""
    url = db_engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    st.cache_data.clear()
    yield url
    st.cache_data.clear()
    engine_for.clear()


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Fill and submit the sign-in form; on success, reload the app as the signed-in user.

    AppTest keeps requesting the page it ran last (the sign-in page) where a browser lands on the
    menu's default page (tests/e2e checks that), so a successful sign-in continues in a fresh
    AppTest holding the same session state, as a browser reload would.
    """
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at = at.button[0].click().run()
    if at.error or "user_id" not in at.session_state:
        return at
    return reload(at)


def reload(at: AppTest) -> AppTest:
    """The app run afresh with `at`'s signed-in user, landing on the default page."""
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.session_state["user_id"] = at.session_state["user_id"]
    return fresh.run()


def fill_first_admin(at: AppTest, url: str, username: str, password: str, repeat: str | None = None) -> AppTest:
    """Fill the first-run page's admin form with the server's setup token (`data.setup`) and submit it."""
    from data.setup import setup_token

    engine = make_engine(url)
    token = setup_token(engine)
    engine.dispose()
    fields = {t.label: t for t in at.text_input}
    fields["Setup token"].input(token)
    fields["Username"].input(username)
    fields["Password"].input(password)
    fields["Repeat password"].input(password if repeat is None else repeat)
    return next(b for b in at.button if b.label == "Create admin account").click().run()
