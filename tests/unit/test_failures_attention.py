"""The admin's *Overview* lists the imports and deliveries that failed (issue 14): a refused upload leaves an
``import_failed`` audit entry (`data.import_failures`, through `ui.transfer`), a message given up on stays in
the outbox as ``failed`` (`data.outbox`), and `views.overview.failures` puts both in words, for admins only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from data import access, accounts
from data.db import make_engine
from data.errors import ValidationError
from data.import_failures import IMPORT_FAILED
from data.models import AuditEntry, OutboxMessage
from data.schema import upgrade
from ui import transfer
from views import words
from views.overview import FAILURE_DAYS, failures

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'failures.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def failed_message(engine: Engine, key: str, due: dt.datetime) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(OutboxMessage).values(
                event="pain_alert",
                dedupe_key=key,
                channel="email",
                address="coach@example.org",
                subject="Pain alert",
                text="…",
                link="/",
                created_at=due,
                due_at=due,
                status="failed",
                attempts=5,
                last_error="SMTP 550 mailbox unavailable",
            )
        )


def test_failed_imports_and_deliveries_need_the_admins_attention(engine: Engine) -> None:
    admin_id = accounts.create_user(engine, "anna", "correct-horse-battery", "admin")
    coach_id = accounts.create_user(engine, "j.smith", "correct-horse-battery", "coach")
    with pytest.raises(ValidationError):
        transfer.import_records(
            engine, "therapy_sessions", b"not,a,valid\nfile,at,all\n", "week-12.csv", actor_id=admin_id
        )
    with pytest.raises(ValidationError):
        transfer.import_records(engine, "injuries", b"x", "notes.txt", actor_id=admin_id)
    with engine.connect() as connection:
        actions = connection.scalars(select(AuditEntry.action).where(AuditEntry.action == IMPORT_FAILED)).all()
    assert len(actions) == 2
    failed_message(engine, "recent", NOW - dt.timedelta(days=1))
    failed_message(engine, "old", NOW - dt.timedelta(days=FAILURE_DAYS + 3))

    admin = access.viewer(engine, admin_id)
    assert admin is not None
    seen = failures(engine, admin, NOW.date())
    assert seen.count == 3
    assert list(seen.imports["records"]) == ["Injuries", "Therapy sessions"]  # newest first
    assert seen.imports["who"].eq("Admin anna").all()
    assert (
        seen.imports["why"].iloc[0].startswith("notes.txt: ")
        and "is not a .csv or .xlsx file" in seen.imports["why"].iloc[0]
    )
    assert seen.imports["why"].iloc[1].startswith("week-12.csv: ")
    delivery = seen.deliveries.iloc[0]
    assert (delivery["what"], delivery["channel"], delivery["to"], delivery["attempts"]) == (
        words.NOTIFICATION_EVENTS["pain_alert"],
        words.CHANNELS["email"],
        "coach@example.org",
        5,
    )
    assert delivery["why"] == "SMTP 550 mailbox unavailable"

    coach = access.viewer(engine, coach_id)
    assert coach is not None
    assert failures(engine, coach, NOW.date()).count == 0, "only an admin reads the audit and delivery logs"
