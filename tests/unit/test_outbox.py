"""The outbox (data/outbox.py) on SQLite and PostgreSQL: one row per dedupe key, inbox rows delivered when
written, claims that never hand a row to two workers, retries with back-off, failed after the last attempt
with its reason, and nothing sent twice after a restart or a worker cut off mid-delivery."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

from sqlalchemy import Engine, func, inspect, select, update

from data.db import write_transaction
from data.models import DeliveryAttempt, OutboxMessage
from data.notifications import Preference, after_quiet_hours
from data.outbox import CUT_OFF, MAX_ATTEMPTS, Claimed, Message, backoff, claim_due, deliver_due, enqueue
from data.schema import migrate

NOW = dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC)


def message(key: str, channel: str = "email", due: dt.datetime = NOW) -> Message:
    return Message("test_message", key, channel, "Subject", "Text", "/", due, address="someone@example.org")


def add(engine: Engine, *messages: Message) -> int:
    with write_transaction(engine) as connection:
        return enqueue(connection, messages, NOW)


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(OutboxMessage.dedupe_key, OutboxMessage.status)).all())


def test_the_same_event_never_makes_two_rows(db_engine: Engine) -> None:
    assert add(db_engine, message("a"), message("b")) == 2
    assert add(db_engine, message("a")) == 0
    assert sorted(statuses(db_engine)) == ["a", "b"]


def test_an_inbox_row_is_delivered_when_written_and_never_claimed(db_engine: Engine) -> None:
    add(db_engine, message("mine", "inbox"))
    assert statuses(db_engine) == {"mine": "sent"}
    assert claim_due(db_engine, NOW + dt.timedelta(days=1)) == []


def test_a_row_not_yet_due_is_not_claimed(db_engine: Engine) -> None:
    add(db_engine, message("later", due=NOW + dt.timedelta(hours=1)))
    assert claim_due(db_engine, NOW) == []
    assert [c.subject for c in claim_due(db_engine, NOW + dt.timedelta(hours=1))] == ["Subject"]


def test_a_failing_delivery_is_retried_with_back_off_then_failed_with_its_reason(db_engine: Engine) -> None:
    add(db_engine, message("broken"))
    tries: list[dt.datetime] = []
    clock = [NOW]

    def refuse(claimed: Claimed) -> None:
        tries.append(clock[0])
        raise ConnectionRefusedError("the server refused the connection")

    for _ in range(MAX_ATTEMPTS):
        deliver_due(db_engine, refuse, lambda: clock[0])
        deliver_due(db_engine, refuse, lambda: clock[0])  # not due again before its back-off
        clock[0] += backoff(len(tries)) + dt.timedelta(seconds=1)
    assert len(tries) == MAX_ATTEMPTS
    assert statuses(db_engine) == {"broken": "failed"}
    with db_engine.connect() as connection:
        error = connection.scalar(select(OutboxMessage.last_error))
        attempts = connection.execute(select(DeliveryAttempt.ok, DeliveryAttempt.error)).all()
    assert "refused the connection" in str(error)
    assert len(attempts) == MAX_ATTEMPTS and not any(ok for ok, _ in attempts)
    restarted = deliver_due(db_engine, refuse, lambda: clock[0] + dt.timedelta(days=30))  # a new worker, much later
    assert restarted.sent == restarted.retried == restarted.failed == []
    assert len(tries) == MAX_ATTEMPTS


def test_back_off_grows_fourfold() -> None:
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 120, 480]


def test_two_workers_at_once_deliver_each_message_once(db_engine: Engine) -> None:
    add(db_engine, *(message(f"m{n}") for n in range(40)))
    sent: Counter[int] = Counter()
    lock = threading.Lock()

    def send(claimed: Claimed) -> None:
        with lock:
            sent[claimed.id] += 1

    def worker() -> None:
        for _ in range(10):
            deliver_due(db_engine, send, lambda: NOW, limit=3)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sent) == 40 and set(sent.values()) == {1}
    assert set(statuses(db_engine).values()) == {"sent"}


def test_a_row_cut_off_mid_delivery_is_failed_not_sent_again(db_engine: Engine) -> None:
    add(db_engine, message("cut"))
    assert len(claim_due(db_engine, NOW)) == 1  # the worker claims it, then is killed
    later = NOW + dt.timedelta(hours=1)
    done = deliver_due(db_engine, lambda claimed: None, lambda: later)
    assert done.sent == []
    with db_engine.connect() as connection:
        assert connection.execute(select(OutboxMessage.status, OutboxMessage.last_error)).one() == ("failed", CUT_OFF)


def test_a_delivered_row_is_not_claimed_again(db_engine: Engine) -> None:
    add(db_engine, message("once"))
    first = deliver_due(db_engine, lambda claimed: None, lambda: NOW)
    with write_transaction(db_engine) as connection:  # even if its due time were moved
        connection.execute(update(OutboxMessage).values(due_at=NOW - dt.timedelta(days=1)))
    second = deliver_due(db_engine, lambda claimed: None, lambda: NOW)
    assert len(first.sent) == 1 and second.sent == []
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(DeliveryAttempt)) == 1


def test_quiet_hours_move_the_due_time_to_their_end_in_the_users_zone() -> None:
    night = Preference(quiet_from=22 * 60, quiet_to=7 * 60)
    # 23:30 in Oslo (UTC+1 in January) is 22:30 UTC: due at 07:00 Oslo the next morning, 06:00 UTC
    late = dt.datetime(2026, 1, 15, 22, 30, tzinfo=dt.UTC)
    assert after_quiet_hours(late, night, "Europe/Oslo") == dt.datetime(2026, 1, 16, 6, 0, tzinfo=dt.UTC)
    # 05:00 Oslo is inside too: the same morning
    early = dt.datetime(2026, 1, 16, 4, 0, tzinfo=dt.UTC)
    assert after_quiet_hours(early, night, "Europe/Oslo") == dt.datetime(2026, 1, 16, 6, 0, tzinfo=dt.UTC)
    # noon is outside
    assert after_quiet_hours(NOW, night, "Europe/Oslo") == NOW
    # the preference's own zone wins over the team's
    in_new_york = Preference(quiet_from=22 * 60, quiet_to=7 * 60, timezone="America/New_York")
    assert after_quiet_hours(late, in_new_york, "Europe/Oslo") == late  # 17:30 in New York


def test_the_migration_downgrades_to_0007_and_upgrades_again(db_engine: Engine) -> None:
    tables = {"outbox", "delivery_attempts", "notification_preferences", "team_settings", "club_settings"}
    assert tables <= set(inspect(db_engine).get_table_names())
    migrate(db_engine, "0007", down=True)
    assert not tables & set(inspect(db_engine).get_table_names())
    migrate(db_engine, "head")
    assert tables <= set(inspect(db_engine).get_table_names())
