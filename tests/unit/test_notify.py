"""The notification worker with real parts (issue 15): an SMTP server in the test process (aiosmtpd) and a
local HTTP server for the webhook, on SQLite and PostgreSQL. The worker delivers to both; a failing webhook
is retried, then failed, and never sent again after a restart; reminders fire at each team's local time
(Europe/Oslo, America/New_York; the clock is injected); a check-in with new pain reaches the therapist;
the coaches' digest holds no note or diagnosis; and, through the running `python -m data notify`, a
check-in with new pain of 6/10 is in the therapist's mailbox and inbox within 60 s."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, insert, select

from data.accounts import create_user, set_user_email, set_user_teams
from data.db import ROOT, write_transaction
from data.models import Injury, OutboxMessage, WellnessCheckin
from data.notifications import (
    MINIMAL_TEXT,
    Preference,
    enqueue_test_message,
    schedule,
    set_minimal_mode,
    set_preference,
    set_team_settings,
)
from data.notify import NotConfigured, run_once, sender, smtp_settings
from data.outbox import MAX_ATTEMPTS, backoff, inbox
from data.record_writes import save_checkin
from data.roster import create_athlete, create_team
from views.inbox import inbox_screen, unread_messages

NOTE = "NOTE-MARKER confidential clinical note"
DIAGNOSIS = "DIAGNOSIS-MARKER grade 2 hamstring tear"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """aiosmtpd's handler: keeps every e-mail received."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage, float]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[attr-defined]
        self.received.append((list(envelope.rcpt_tos), message, time.monotonic()))  # type: ignore[attr-defined]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[str, Mailbox]]:
    """A real SMTP server on localhost; yields its FASCIA_SMTP_URL and its mailbox."""
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", mailbox
    controller.stop()


@dataclass
class Webhook:
    """A local HTTP server standing in for a Slack/Teams incoming webhook."""

    url: str = ""
    bodies: list[dict[str, object]] = field(default_factory=list)
    status: int = 200


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.bodies.append(json.loads(body))
            self.send_response(hook.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_port}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hook
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class Club:
    oslo: int
    new_york: int
    ida: int  # an athlete in Oslo, with an account
    ben: int  # an athlete in New York, with an account
    ida_user: int
    ben_user: int
    therapist: int
    coach: int


def build_club(engine: Engine) -> Club:
    """Two teams (Oslo, New York), an athlete with an account in each, a therapist and a coach of both
    (all with e-mail addresses)."""
    oslo = create_team(engine, "Oslo", timezone="Europe/Oslo")
    new_york = create_team(engine, "New York", timezone="America/New_York")
    ida = create_athlete(engine, oslo, "Ida Karlsen", "ida")
    ben = create_athlete(engine, new_york, "Ben Miller", "ben")
    users = {
        "ida": create_user(engine, "ida", "a long password 1", "athlete", athlete_id=ida),
        "ben": create_user(engine, "ben", "a long password 2", "athlete", athlete_id=ben),
        "thea": create_user(engine, "thea", "a long password 3", "therapist", team_ids=[oslo, new_york]),
        "carl": create_user(engine, "carl", "a long password 4", "coach", team_ids=[oslo, new_york]),
    }
    for name, user_id in users.items():
        set_user_email(engine, user_id, f"{name}@example.org")
    return Club(oslo, new_york, ida, ben, users["ida"], users["ben"], users["thea"], users["carl"])


def outbox_rows(engine: Engine) -> list[tuple[str, str, int | None]]:
    with engine.connect() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                select(OutboxMessage.event, OutboxMessage.channel, OutboxMessage.user_id).order_by(OutboxMessage.id)
            ).all()
        ]


def test_the_worker_delivers_to_the_smtp_server_and_the_webhook(
    db_engine: Engine, smtp: tuple[str, Mailbox], webhook: Webhook
) -> None:
    smtp_url, mailbox = smtp
    now = dt.datetime.now(dt.UTC)
    enqueue_test_message(db_engine, "admin@example.org", now)
    enqueue_test_message(db_engine, webhook.url, now)
    _, done = run_once(db_engine, lambda: now, sender(smtp_url, "https://fascia.example.org"))
    assert len(done.sent) == 2
    [(to, message, _)] = mailbox.received
    assert to == ["admin@example.org"]
    assert message["Subject"] == "Test message from Fascia"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}
    assert "https://fascia.example.org/" in message.get_body(("plain",)).get_content()
    [body] = webhook.bodies
    assert set(body) == {"text"} and "Test message from Fascia" in str(body["text"])


def test_a_failing_webhook_is_retried_then_failed_and_not_sent_again_after_a_restart(
    db_engine: Engine, webhook: Webhook
) -> None:
    webhook.status = 500
    start = dt.datetime.now(dt.UTC)
    enqueue_test_message(db_engine, webhook.url, start)
    clock = start
    for attempt in range(1, MAX_ATTEMPTS + 1):
        run_once(db_engine, lambda: clock, sender(""))  # noqa: B023 (the clock of this pass)
        clock += backoff(attempt) + dt.timedelta(seconds=1)
    assert len(webhook.bodies) == MAX_ATTEMPTS
    with db_engine.connect() as connection:
        status, error = connection.execute(select(OutboxMessage.status, OutboxMessage.last_error)).one()
    assert status == "failed" and "500" in str(error)
    webhook.status = 200
    run_once(db_engine, lambda: clock + dt.timedelta(days=1), sender(""))  # a restarted worker
    assert len(webhook.bodies) == MAX_ATTEMPTS


def test_email_without_settings_fails_with_a_reason_that_says_what_to_set(db_engine: Engine) -> None:
    now = dt.datetime.now(dt.UTC)
    enqueue_test_message(db_engine, "admin@example.org", now)
    run_once(db_engine, lambda: now, sender(""))
    with db_engine.connect() as connection:
        assert "FASCIA_SMTP_URL" in str(connection.scalar(select(OutboxMessage.last_error)))


def test_reminders_fire_at_each_teams_local_time(db_engine: Engine) -> None:
    club = build_club(db_engine)
    for team in (club.oslo, club.new_york):  # the digests in the evening, the OSTRC on Sundays: out of the way
        set_team_settings(db_engine, team, reminder_minute=8 * 60, digest_minute=20 * 60, ostrc_weekday=6)
    before = dt.datetime(2026, 1, 15, 6, 59, tzinfo=dt.UTC)  # 07:59 in Oslo
    assert schedule(db_engine, before) == 0
    oslo_eight = dt.datetime(2026, 1, 15, 7, 0, tzinfo=dt.UTC)  # 08:00 in Oslo, 02:00 in New York
    assert schedule(db_engine, oslo_eight) == 2  # Ida: inbox and e-mail
    assert {user for _, _, user in outbox_rows(db_engine)} == {club.ida_user}
    assert schedule(db_engine, oslo_eight + dt.timedelta(minutes=30)) == 0  # again: no duplicate
    with write_transaction(db_engine) as connection:  # Ben checks in before his reminder
        connection.execute(insert(WellnessCheckin).values(athlete_id=club.ben, date=dt.date(2026, 1, 15), mood=4))
    new_york_eight = dt.datetime(2026, 1, 15, 13, 0, tzinfo=dt.UTC)  # 08:00 in New York
    assert schedule(db_engine, new_york_eight) == 0
    with write_transaction(db_engine) as connection:
        connection.execute(WellnessCheckin.__table__.delete())
    assert schedule(db_engine, new_york_eight) == 2
    rows = outbox_rows(db_engine)
    assert [event for event, _, _ in rows] == ["checkin_reminder"] * 4
    with db_engine.connect() as connection:
        due = connection.execute(
            select(OutboxMessage.due_at).where(OutboxMessage.user_id == club.ben_user).distinct()
        ).scalar_one()
    assert due.replace(tzinfo=dt.UTC) == new_york_eight  # SQLite hands back naive UTC


def test_the_ostrc_invitation_goes_out_on_the_teams_day(db_engine: Engine) -> None:
    club = build_club(db_engine)
    thursday = dt.datetime(2026, 1, 15, 7, 5, tzinfo=dt.UTC)  # 08:05 in Oslo, a Thursday
    set_team_settings(db_engine, club.oslo, reminder_minute=8 * 60, digest_minute=20 * 60, ostrc_weekday=3)
    schedule(db_engine, thursday)
    events = [event for event, _, user in outbox_rows(db_engine) if user == club.ida_user]
    assert sorted(events) == ["checkin_reminder"] * 2 + ["ostrc_invitation"] * 2


def pain(engine: Engine, athlete: int, day: dt.date, score: int, region: str = "knee") -> None:
    save_checkin(engine, athlete, day, {"mood": 3}, [{"body_region": region, "side": "left", "pain": score}])


def test_new_pain_reaches_the_teams_therapist_and_webhook_in_the_checkins_transaction(
    db_engine: Engine, webhook: Webhook
) -> None:
    club = build_club(db_engine)
    set_team_settings(db_engine, club.oslo, webhook_url=webhook.url)
    today = dt.date.today()
    pain(db_engine, club.ida, today - dt.timedelta(days=1), 1)  # 1/10: no alert
    assert outbox_rows(db_engine) == []
    pain(db_engine, club.ida, today, 6)
    rows = outbox_rows(db_engine)
    assert sorted(rows, key=str) == sorted(
        [
            ("pain_alert", "inbox", club.therapist),
            ("pain_alert", "email", club.therapist),
            ("pain_alert", "webhook", None),
        ],
        key=str,
    )
    pain(db_engine, club.ida, today, 7)  # saved again the same day: no second alert
    assert len(outbox_rows(db_engine)) == 3
    [message] = inbox(db_engine, club.therapist, dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).itertuples()
    assert message.link == f"/progress?athlete={club.ida}"
    assert "Ida Karlsen" in message.text and "knee (left): up from 1/10 to 6/10" in message.text


def test_a_rise_of_two_alerts_and_a_smaller_one_does_not(db_engine: Engine) -> None:
    club = build_club(db_engine)
    today = dt.date.today()
    pain(db_engine, club.ida, today - dt.timedelta(days=2), 2)  # new pain of 2: alerts
    assert len(outbox_rows(db_engine)) == 2
    pain(db_engine, club.ida, today - dt.timedelta(days=1), 3)  # +1: no alert
    assert len(outbox_rows(db_engine)) == 2
    pain(db_engine, club.ida, today, 5)  # +2: alerts
    assert len(outbox_rows(db_engine)) == 4


def test_preferences_and_minimal_mode_shape_what_leaves(db_engine: Engine, webhook: Webhook) -> None:
    club = build_club(db_engine)
    set_team_settings(db_engine, club.oslo, webhook_url=webhook.url)
    set_preference(db_engine, club.therapist, "email", Preference(enabled=False))
    set_minimal_mode(db_engine, True)
    pain(db_engine, club.ida, dt.date.today(), 8)
    with db_engine.connect() as connection:
        rows = dict(connection.execute(select(OutboxMessage.channel, OutboxMessage.text)).all())
    assert set(rows) == {"inbox", "webhook"}  # e-mail switched off
    assert rows["webhook"] == MINIMAL_TEXT  # no health detail outside Fascia
    assert "Ida Karlsen" in rows["inbox"]  # the inbox, inside Fascia, keeps it


def test_the_coach_digest_and_compliance_summary_hold_no_note_or_diagnosis(db_engine: Engine) -> None:
    club = build_club(db_engine)
    monday = dt.datetime(2026, 1, 19, 6, 0, tzinfo=dt.UTC)  # 07:00 in Oslo, a Monday
    with write_transaction(db_engine) as connection:
        connection.execute(
            insert(Injury).values(
                athlete_id=club.ida,
                onset_date=dt.date(2026, 1, 10),
                problem_type="injury",
                body_region="thigh",
                side="left",
                injury_type="muscle_strain",
                diagnosis=DIAGNOSIS,
                notes=NOTE,
            )
        )
        connection.execute(
            insert(WellnessCheckin).values(athlete_id=club.ida, date=dt.date(2026, 1, 18), availability="modified")
        )
    schedule(db_engine, monday)
    with db_engine.connect() as connection:
        texts = dict(
            connection.execute(
                select(OutboxMessage.event, OutboxMessage.text).where(OutboxMessage.channel == "email")
            ).all()
        )
    assert set(texts) == {"coach_digest", "compliance_summary"}
    digest = texts["coach_digest"]
    assert "1 modified" in digest and "Ida Karlsen" not in digest.split("Did not check in yesterday")[1]
    assert "NOTE-MARKER" not in digest and "DIAGNOSIS-MARKER" not in digest
    assert "14%" in texts["compliance_summary"]  # 1 check-in of 1 athlete × 7 days


def wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_a_checkin_with_new_pain_reaches_the_therapist_through_the_running_worker_within_60_s(
    db_engine: Engine, smtp: tuple[str, Mailbox], tmp_path: Path
) -> None:
    smtp_url, mailbox = smtp
    club = build_club(db_engine)
    environment = {
        **os.environ,
        "DATABASE_URL": db_engine.url.render_as_string(hide_password=False),
        "FASCIA_SMTP_URL": smtp_url,
        "FASCIA_SMTP_FROM": "fascia@example.org",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "data", "notify", "--every", "0.5"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert worker.stdout is not None and "delivering" in worker.stdout.readline()
        saved = time.monotonic()
        pain(db_engine, club.ida, dt.date.today(), 6)

        def pain_alerts() -> list[tuple[EmailMessage, float]]:
            """The therapist's pain alerts received. The worker also sends whatever its schedule makes due at
            the hour the test runs (an athlete's reminder, a coach's morning digest, Monday's compliance
            summary): those are not this test's."""
            return [
                (message, at)
                for to, message, at in mailbox.received
                if "thea@example.org" in to and message["Subject"].startswith("Pain reported")
            ]

        assert wait_for(pain_alerts, 60)
        [(message, at)] = pain_alerts()
        delay = at - saved
        print(f"\ncheck-in to therapist e-mail through the running worker ({db_engine.dialect.name}): {delay:.2f} s")
        assert delay < 60
        assert message["Subject"] == "Pain reported: Ida Karlsen"
        assert f"/progress?athlete={club.ida}" in message.get_body(("plain",)).get_content()
        assert not inbox(db_engine, club.therapist, dt.datetime.now(dt.UTC)).empty
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_a_message_about_an_athlete_the_user_may_no_longer_see_is_hidden(db_engine: Engine) -> None:
    club = build_club(db_engine)
    pain(db_engine, club.ida, dt.date.today(), 7)
    assert len(inbox_screen(db_engine, club.therapist).messages) == 1
    set_user_teams(db_engine, club.therapist, [club.new_york])  # moved off Ida's team
    assert inbox_screen(db_engine, club.therapist).messages == ()
    assert unread_messages(db_engine, club.therapist) == 0


def test_a_red_flag_alerts_even_below_the_thresholds(db_engine: Engine) -> None:
    club = build_club(db_engine)
    today = dt.date.today()
    with write_transaction(db_engine) as connection:  # a knee injury, returned to full participation
        connection.execute(
            insert(Injury).values(
                athlete_id=club.ida,
                onset_date=today - dt.timedelta(days=60),
                return_date=today - dt.timedelta(days=30),
                problem_type="injury",
                body_region="knee",
                side="left",
                injury_type="ligament_sprain",
            )
        )
    pain(db_engine, club.ida, today, 1)  # 1/10: under both thresholds, but new pain in the injured knee
    with db_engine.connect() as connection:
        texts = connection.scalars(select(OutboxMessage.text).where(OutboxMessage.channel == "inbox")).all()
    assert len(texts) == 1
    assert "red flag, knee (left): new pain where they were injured before" in texts[0]


def test_the_smtp_settings_come_from_one_url() -> None:
    plain = smtp_settings("smtp://fascia%40club.org:p%3Ass@mail.example.org:587?starttls=1", "fascia@club.org")
    assert (plain.host, plain.port, plain.username, plain.password) == (
        "mail.example.org",
        587,
        "fascia@club.org",
        "p:ss",
    )
    assert plain.starttls and not plain.tls and plain.sender == "fascia@club.org"
    tls = smtp_settings("smtps://mail.example.org", "fascia@club.org")
    assert tls.tls and tls.port == 465 and tls.username is None
    with pytest.raises(NotConfigured, match="FASCIA_SMTP_URL"):
        smtp_settings("http://mail.example.org")
