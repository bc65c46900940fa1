"""The health check (data/health.py, `python -m data health`): ok only when the database answers and its
schema is at the head; one line saying why otherwise, exit code 1; fast on a server that is not there."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from bench.topology import free_port
from data.cli import main
from data.health import CONNECT_TIMEOUT_S, check, health_engine
from data.schema import head_revision, migrate


def test_a_current_database_is_healthy(db_engine: Engine) -> None:
    verdict = check(db_engine)
    assert verdict.ok
    assert verdict.message == f"ok: database answers, schema at {head_revision()}"


def test_an_empty_database_is_not(empty_engine: Engine) -> None:
    verdict = check(empty_engine)
    assert not verdict.ok
    assert "the schema is empty" in verdict.message and "python -m data init" in verdict.message


def test_a_schema_behind_the_code_is_not(empty_engine: Engine) -> None:
    migrate(empty_engine, "0001")
    verdict = check(empty_engine)
    assert not verdict.ok
    assert verdict.message.startswith("the schema is at 0001, the code expects")


def test_a_postgresql_server_that_is_not_there_is_reported_at_once() -> None:
    started = time.monotonic()
    verdict = check(health_engine(f"postgresql://fascia:fascia@127.0.0.1:{free_port()}/fascia"))
    assert not verdict.ok
    assert verdict.message.startswith("the database does not answer: The database cannot be reached.")
    assert time.monotonic() - started < CONNECT_TIMEOUT_S + 1


def test_the_health_engine_gives_up_connecting_after_a_few_seconds() -> None:
    engine = health_engine("postgresql://fascia:secret@db.example.org/fascia")
    assert engine.url.query["connect_timeout"] == str(CONNECT_TIMEOUT_S)
    assert engine.url.password == "secret"


def test_the_command_exits_0_or_1_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'health.db'}"
    assert main(["--database-url", url, "init"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "health"]) == 0
    assert capsys.readouterr().out == f"ok: database answers, schema at {head_revision()}\n"
    assert main(["--database-url", f"postgresql://fascia:fascia@127.0.0.1:{free_port()}/fascia", "health"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: the database does not answer") and error.count("\n") == 1
