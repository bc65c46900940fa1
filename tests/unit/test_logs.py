"""The server's log (`data.logs`, issue 18): one readable line per request-level event and per error, at the
level FASCIA_LOG_LEVEL sets, and no health data in it: a check-in with pain, a therapy session with a note
and an injury with a diagnosis, saved through the write paths, leave lines naming kinds and counts only."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from data import logs
from data.access import sign_in
from data.accounts import create_user
from data.db import ROOT, UNREACHABLE
from data.imports import import_file
from data.outbox import Claimed, deliver_due
from data.record_checks import InvalidRecords
from data.record_writes import save_checkin, save_records, save_session_with_rom
from data.roster import create_athlete, create_team

LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (DEBUG|INFO|WARNING|ERROR) fascia\.[a-z]+ .+$")
#: Every field an event line may carry: kinds, counts, ids, usernames, roles, outcomes; never a value.
ALLOWED_FIELDS = {
    "user",
    "role",
    "method",
    "reason",
    "wait_s",
    "kind",
    "count",
    "inserted",
    "updated",
    "rom_measurements",
    "user_id",
    "problems",
    "rows",
    "channel",
    "message",
    "attempt",
}
NOTE = "Felt the hamstring pull when sprinting; worried about Saturday"
DIAGNOSIS = "Grade II biceps femoris strain"
INJURY_NOTE = "MRI booked at St Olav's"


def _run(code: str, level: str | None) -> list[str]:
    """The lines a separate Python process writes to standard error (the log is set up there afresh)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    if level is not None:
        env["FASCIA_LOG_LEVEL"] = level
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stderr.splitlines()


EMIT = (
    "from data.logs import event, logger; log = logger('auth'); "
    "event(log, 'sign-in ok', user='anna', role='therapist', method='password'); log.debug('a detail')"
)


def test_a_line_reads_moment_level_logger_event_and_fields() -> None:
    (line,) = _run(EMIT, None)
    assert LINE.match(line), line
    assert line.endswith(" INFO fascia.auth sign-in ok user=anna role=therapist method=password")


def test_the_level_comes_from_the_environment() -> None:
    assert _run(EMIT, "WARNING") == []
    lines = _run(EMIT, "debug")
    assert [line.split(" ", 3)[1:3] for line in lines] == [["INFO", "fascia.auth"], ["DEBUG", "fascia.auth"]]
    assert len(_run(EMIT, "chatty")) == 1  # an unknown level is INFO


def test_a_one_shot_command_logs_only_warnings_unless_asked() -> None:
    """`python -m data stats` prints what it did; its INFO lines appear only when FASCIA_LOG_LEVEL asks."""
    quiet = "from data import logs; logs.quiet_by_default(); " + EMIT
    assert _run(quiet, None) == []
    assert len(_run(quiet, "INFO")) == 1


def test_a_typed_value_cannot_forge_a_line() -> None:
    assert logs.field("anna") == "anna"
    assert logs.field("anna\n2026-12-02T00:00:00Z INFO fascia.auth sign-in ok user=admin") == (
        '"anna\\n2026-12-02T00:00:00Z INFO fascia.auth sign-in ok user=admin"'
    )


def test_an_error_is_one_line_with_its_type_and_a_short_message(caplog: pytest.LogCaptureFixture) -> None:
    log = logs.logger("faults")
    fault = OperationalError("SELECT pain FROM pain_reports", {}, Exception("connection refused"))
    with caplog.at_level(logging.DEBUG, logger="fascia"):
        logs.failure(log, "a page", fault)
        logs.failure(log, "a page", ValueError("x" * 500), traceback=False)
    first, second = caplog.records
    assert first.getMessage() == f"a page failed: OperationalError: {UNREACHABLE}"  # no SQL, no values
    assert first.exc_info is not None  # the traceback, once, under the line
    assert second.getMessage().startswith("a page failed: ValueError: xxx") and len(second.getMessage()) < 240
    assert second.exc_info is None


def _fields(message: str) -> set[str]:
    return set(re.findall(r" ([a-z_]+)=", message))


def test_no_health_data_reaches_the_log(db_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    team = create_team(db_engine, "Team A")
    athlete = create_athlete(db_engine, team, "Ada Lovelace", "A1")
    therapist = create_user(db_engine, "theo", "a-long-enough-password-1", "therapist", team_ids=[team])
    create_user(db_engine, "ada", "a-long-enough-password-2", "athlete", athlete_id=athlete)
    day = dt.date(2026, 3, 2)
    with caplog.at_level(logging.INFO, logger="fascia"):
        assert sign_in(db_engine, "ada", "a-long-enough-password-2").viewer is not None
        assert sign_in(db_engine, "ada", "wrong password").viewer is None
        save_checkin(
            db_engine,
            athlete,
            day,
            {"fatigue": 2, "soreness": 4, "readiness": 3},
            [
                {"body_region": "knee", "side": "left", "pain": 7},
                {"body_region": "lower_back", "side": "central", "pain": 8},
            ],
        )
        save_session_with_rom(
            db_engine,
            {
                "athlete_id": athlete,
                "date": day,
                "technique": "deep_tissue",
                "body_region": "thigh",
                "side": "left",
                "minutes": 30,
                "pain_before": 6,
                "pain_after": 4,
                "notes": NOTE,
            },
            actor_id=therapist,
        )
        save_records(
            db_engine,
            "injuries",
            [
                {
                    "athlete_id": athlete,
                    "onset_date": day,
                    "body_region": "thigh",
                    "side": "left",
                    "injury_type": "muscle_strain",
                    "time_loss": True,
                    "diagnosis": DIAGNOSIS,
                    "notes": INJURY_NOTE,
                }
            ],
            actor_id=therapist,
        )
        bad = tmp_path / "pain.csv"
        bad.write_text("athlete_external_id,date,body_region,side,pain\nA1,2026-03-03,ankle,left,11\n")
        with pytest.raises(InvalidRecords):
            import_file(db_engine, "pain_reports", bad, actor_id=therapist)
        deliver_due(db_engine, lambda claimed: None, lambda: dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    lines = [record.getMessage() for record in caplog.records if record.name.startswith("fascia.")]
    text = "\n".join(lines)
    assert "sign-in ok user=ada role=athlete method=password" in text
    assert "sign-in refused user=ada reason=" in text
    assert "saved kind=wellness_checkins count=1" in text
    assert "saved kind=therapy_sessions count=1" in text
    assert "saved kind=injuries inserted=1 updated=0" in text
    assert "import refused kind=pain_reports problems=1" in text
    for secret in (NOTE, "hamstring", DIAGNOSIS, "biceps", INJURY_NOTE, "knee", "lower_back", "ankle", "thigh"):
        assert secret.lower() not in text.lower(), secret
    for line in lines:
        assert _fields(line) <= ALLOWED_FIELDS, line
        assert not re.search(r"\b(pain|soreness|fatigue|readiness)\b", line), line


def test_a_delivery_is_one_line_with_channel_number_and_outcome(
    db_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    from data.notifications import enqueue_test_message

    moment = dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)
    enqueue_test_message(db_engine, "https://chat.example.org/hook", moment)

    def refuse(claimed: Claimed) -> None:
        raise ConnectionError(f"could not post {claimed.text!r}")

    with caplog.at_level(logging.INFO, logger="fascia.delivery"):
        deliver_due(db_engine, refuse, lambda: moment)
        deliver_due(db_engine, lambda claimed: None, lambda: moment + dt.timedelta(hours=1))
    lines = [record.getMessage() for record in caplog.records if record.name == "fascia.delivery"]
    assert len(lines) == 2, lines
    assert re.fullmatch(r"delivery retrying channel=\w+ message=\d+ attempt=1 reason=ConnectionError", lines[0])
    assert re.fullmatch(r"delivery sent channel=\w+ message=\d+ attempt=2", lines[1])
