"""AppTest fixtures: the real dashboard against a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from data.demo import load_demo
from streamlit.testing.v1 import AppTest

from data.db import ROOT, make_engine
from data.schema import upgrade

APP = str(ROOT / "dashboard.py")
TIMEOUT = 60


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding a small demo organisation, made once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    load_demo(engine, athletes=12, days=120, seed=11)
    engine.dispose()
    return url


@pytest.fixture
def app_at(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], AppTest]:
    """A function that starts the dashboard on the database at a URL."""

    def start(url: str) -> AppTest:
        monkeypatch.setenv("DATABASE_URL", url)
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        return at.run()

    return start


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    """Fill and submit the sign-in form."""
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return at.button[0].click().run()
