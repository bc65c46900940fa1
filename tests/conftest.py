"""Shared fixtures: a fresh database per test on each backend.

`db_engine` is parametrised by backend: a temporary SQLite file, and the PostgreSQL
test server named by FASCIA_TEST_POSTGRES_URL (`.ci/run` starts it and sets it).
Without that variable the PostgreSQL cases skip, except under CI=true, where they fail.

Every PostgreSQL case is also marked `slow` (`pytest_collection_modifyitems`): the everyday loop
(`python -m pytest -m "not slow"`) runs each backend-parametrised test on SQLite, and CI runs both.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from data.db import make_engine
from data.schema import upgrade

POSTGRES_URL_VARIABLE = "FASCIA_TEST_POSTGRES_URL"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test on the PostgreSQL server is a slow one too: the everyday loop leaves it to CI."""
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(pytest.mark.slow)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop the PostgreSQL schemas this process's tests made, so the test database does not fill up with
    one schema per past run."""
    for url, schema in sorted(_SCHEMAS):
        admin = make_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
    _SCHEMAS.clear()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_url() -> str:
    """The PostgreSQL test URL; skips the test without it, fails it under CI."""
    url = os.environ.get(POSTGRES_URL_VARIABLE, "").strip()
    if not url:
        message = f"{POSTGRES_URL_VARIABLE} is not set (.ci/run starts PostgreSQL and sets it)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return url


#: The PostgreSQL schemas this test process made (`empty_postgres`): (URL, schema), dropped when it ends.
_SCHEMAS: set[tuple[str, str]] = set()


def empty_postgres(url: str) -> Engine:
    """An engine on an empty schema of its own in the test database.

    The schema is named after this process, and every connection's search_path points at it, so
    two test runs sharing one PostgreSQL database (a developer's and CI's) never see each other's tables.
    It is dropped when the process's tests end (`pytest_sessionfinish`).
    """
    schema = f"fascia_test_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    _SCHEMAS.add((url, schema))
    separator = "&" if "?" in url else "?"
    return make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no schema) of each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    else:
        engine = empty_postgres(postgres_url())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_at_head(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file at the newest schema with the ROM norms, migrated once per test process: a test's
    SQLite database starts as a copy of it (a millisecond, where the migrations take 0.2 s)."""
    path = tmp_path_factory.mktemp("schema") / "head.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_engine(empty_engine: Engine, request: pytest.FixtureRequest) -> Engine:
    """An engine on a database at the newest schema, with no rows but the ROM norms."""
    if empty_engine.dialect.name == "sqlite":
        shutil.copyfile(request.getfixturevalue("sqlite_at_head"), str(empty_engine.url.database))
    upgrade(empty_engine)
    return empty_engine


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fascia.db'}"
