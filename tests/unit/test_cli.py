"""`python -m data`: each subcommand, and each refusal exits non-zero with one line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest

from data.cli import main
from data.db import make_engine
from data.queries import COUNTED_TABLES, pain_reports, wellness_checkins
from tests.cli import run


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


@pytest.mark.slow  # a demo of 8 athletes through a fresh process, twice
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
        (["create-user", "bob", "--role", "admin", "--password-stdin"], "Password123\n", "most common passwords"),
        (["create-user", "bob", "--role", "admin", "--password-stdin"], "bob-the-builder\n", "contains the username"),
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


def test_import_reads_other_date_forms_only_in_the_order_stated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fascia.db'}"
    athletes = tmp_path / "athletes.csv"
    athletes.write_text("external_id,display_name,team\nA1,Ada One,Team A\n")
    pains = tmp_path / "pains.csv"
    pains.write_text(
        "athlete_external_id,date,body_region,side,pain\n"
        "A1,03/04/2025,knee,left,3\nA1,13/04/2025,knee,left,4\nA1,4.3.2025,knee,left,5\n"
    )
    cli = ["--database-url", url, "import", "--kind", "pain_reports", str(pains)]
    assert main(["--database-url", url, "import", "--kind", "athletes", str(athletes)]) == 0
    capsys.readouterr()

    assert main(cli) == 2
    err = capsys.readouterr().err
    assert "nothing was written" in err
    assert "row 2, date: '03/04/2025' could be 3 April 2025 or 4 March 2025; state the order with --day-first" in err
    assert main([*cli, "--month-first"]) == 2
    assert "row 3, date: '13/04/2025' is not a date read month first" in capsys.readouterr().err
    with pytest.raises(SystemExit) as both:
        main([*cli, "--day-first", "--month-first"])
    assert both.value.code == 2 and "not allowed with" in capsys.readouterr().err

    assert main([*cli, "--day-first"]) == 0
    assert "3 inserted" in capsys.readouterr().out
    engine = make_engine(url)
    stored = pain_reports(engine).sort_values("pain")["date"].dt.date.tolist()
    engine.dispose()
    assert stored == [dt.date(2025, 4, 3), dt.date(2025, 4, 13), dt.date(2025, 3, 4)]


def test_import_reads_decimal_commas_when_told_and_in_semicolon_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'fascia.db'}"
    athletes = tmp_path / "athletes.csv"
    athletes.write_text("external_id;display_name;team\nA1;Ada One;Team A\n")  # European Excel
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('athlete_external_id,date,sleep_hours\nA1,2024-03-04,"7,5"\n')
    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("athlete_external_id;date;sleep_hours\nA1;05.03.2024;6,25\n")
    assert main(["--database-url", url, "import", "--kind", "athletes", str(athletes)]) == 0
    cli = ["--database-url", url, "import", "--kind", "wellness_checkins"]
    assert main([*cli, str(quoted)]) == 2
    assert "row 2, sleep_hours: '7,5' is not a valid float" in capsys.readouterr().err
    assert main([*cli, str(quoted), "--decimal-comma"]) == 0
    assert main([*cli, str(semicolons), "--day-first"]) == 0
    engine = make_engine(url)
    stored = wellness_checkins(engine).sort_values("date")
    engine.dispose()
    assert stored["sleep_hours"].tolist() == [7.5, 6.25]
    assert stored["date"].dt.date.tolist() == [dt.date(2024, 3, 4), dt.date(2024, 3, 5)]
    workbook = tmp_path / "w.xlsx"
    workbook.write_bytes(b"")
    assert main([*cli, str(workbook), "--decimal-comma"]) == 2
    assert "applies to CSV files" in capsys.readouterr().err
    pmsys = ["--database-url", url, "import", "--format", "pmsys", str(tmp_path)]
    assert main([*pmsys, "--day-first"]) == 2
    assert "apply to CSV/.xlsx files only" in capsys.readouterr().err


def test_setup_token_is_the_one_the_first_run_page_takes_and_only_before_any_user(sqlite_url: str) -> None:
    from data.accounts import has_users
    from data.db import make_engine
    from data.setup import create_first_admin

    printed = run(sqlite_url, "setup-token")
    assert printed.returncode == 0, printed.stderr
    token = printed.stdout.strip()
    assert len(token) >= 20 and run(sqlite_url, "setup-token").stdout.strip() == token, "the same for every replica"
    engine = make_engine(sqlite_url)
    create_first_admin(engine, token, "head-physio", "correct-horse")
    assert has_users(engine)
    engine.dispose()
    refused = run(sqlite_url, "setup-token")
    assert refused.returncode != 0 and "already has users" in refused.stderr
