"""`python -m data`: each subcommand, and each refusal exits non-zero with one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.cli import main
from data.db import ROOT
from data.queries import COUNTED_TABLES


def run(url: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it: a separate process with DATABASE_URL set."""
    env = os.environ | {"DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "data", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_init_then_stats_json_has_exactly_the_documented_keys(sqlite_url: str) -> None:
    assert run(sqlite_url, "init").returncode == 0
    stats = run(sqlite_url, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    counts = json.loads(stats.stdout)
    assert list(counts) == [
        "teams",
        "athletes",
        "users",
        "therapy_sessions",
        "rom_measurements",
        "wellness_checkins",
        "pain_reports",
        "injuries",
        "training_sessions",
        "ostrc_responses",
    ]
    assert list(counts) == list(COUNTED_TABLES)
    assert set(counts.values()) == {0}


def test_demo_fills_every_table_and_refuses_a_second_time(sqlite_url: str) -> None:
    loaded = run(sqlite_url, "demo", "--athletes", "8", "--days", "120", "--seed", "3")
    assert loaded.returncode == 0, loaded.stderr
    counts = json.loads(run(sqlite_url, "stats", "--json").stdout)
    assert all(count > 0 for count in counts.values()), counts
    again = run(sqlite_url, "demo")
    assert again.returncode != 0
    assert again.stderr.strip().count("\n") == 0 and "not empty" in again.stderr
    assert json.loads(run(sqlite_url, "stats", "--json").stdout) == counts


def test_create_user_with_password_on_stdin(sqlite_url: str) -> None:
    assert run(sqlite_url, "init").returncode == 0
    created = run(sqlite_url, "create-user", "alice", "--role", "admin", "--password-stdin", stdin="long-password\n")
    assert created.returncode == 0, created.stderr
    assert json.loads(run(sqlite_url, "stats", "--json").stdout)["users"] == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "bob", "--role", "admin", "--password-stdin"], "short\n", "at least 8"),
        (["create-user", "bob", "--role", "athlete", "--password-stdin"], "long-password\n", "--athlete"),
        (
            ["create-user", "bob", "--role", "athlete", "--athlete", "NOPE", "--password-stdin"],
            "long-password\n",
            "NOPE",
        ),
        (["create-user", "bob", "--role", "coach", "--team", "Nobody FC", "--password-stdin"], "x" * 9, "Nobody FC"),
        (["create-user", "bob", "--role", "coach"], "", "--password-stdin"),
        (["demo", "--athletes", "1"], None, "--athletes"),
        (["demo", "--days", "3"], None, "--days"),
    ],
)
def test_refusals_exit_non_zero_with_one_line(
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    stdin: str | None,
    message: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and message in err


def test_duplicate_username_is_refused(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr(sys, "stdin", io.StringIO("long-password\n"))
    assert main(["create-user", "carol", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("long-password\n"))
    assert main(["create-user", "carol", "--role", "admin", "--password-stdin"]) == 2
    assert "already taken" in capsys.readouterr().err


def test_unknown_subcommand_and_unusable_database(tmp_path: Path) -> None:
    assert run(f"sqlite:///{tmp_path}/x.db", "frobnicate").returncode == 2
    broken = run("sqlite:////proc/no/such/dir/x.db", "stats")
    assert broken.returncode != 0 and broken.stderr.strip().startswith("error:")
