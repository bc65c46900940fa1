"""The outbox (DESIGN.md, "Notifications leave through an outbox table"): one row per event, recipient and
channel, written in the caller's transaction, delivered by the worker exactly once.

- `enqueue` inserts rows on the caller's connection, so a message exists if and only if its cause was
  committed; the unique `dedupe_key` makes a second insert of the same event a no-op (ON CONFLICT DO
  NOTHING), so re-running a scheduler or saving a check-in twice never makes two rows. An inbox row is
  delivered by being written (status `sent`).
- `claim_due` hands due rows to one worker only: on PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` then
  status `sending` in the same transaction; on SQLite a conditional `UPDATE ... SET status = 'sending'
  WHERE id = ? AND status = 'pending'` per row (the one whose update changed a row owns it).
- `finish` records the attempt (`delivery_attempts`) and the outcome: `sent`; `pending` again after
  `backoff(attempts)` (30 s, 2 min, 8 min, ...); or `failed` with the reason after `MAX_ATTEMPTS`.
- A row left `sending` longer than `LEASE` (its worker was killed mid-delivery) is marked `failed`, never
  retried: the message may or may not have left, and sending it again could send it twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, Select, case, func, insert, or_, select, update

from data.data_version import dialect_insert
from data.db import write_transaction
from data.logs import event, logger
from data.models import DeliveryAttempt, OutboxMessage, User

MAX_ATTEMPTS = 5
FIRST_BACKOFF = dt.timedelta(seconds=30)
LEASE = dt.timedelta(minutes=10)
CUT_OFF = "The worker stopped while delivering this message; it may or may not have arrived, so it is not sent again."
ERROR_LENGTH = 500
#: One line per delivery attempt in the server's log (`data.logs`): channel, message number, outcome.
_LOG = logger("delivery")


@dataclass(frozen=True)
class Message:
    """One message to enqueue: what caused it, for whom, on which channel, what it says and where it links."""

    event: str
    dedupe_key: str
    channel: str
    subject: str
    text: str
    link: str
    due_at: dt.datetime
    html: str | None = None
    user_id: int | None = None
    team_id: int | None = None
    athlete_id: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A row a worker owns until it calls `finish`."""

    id: int
    channel: str
    address: str | None
    subject: str
    text: str
    html: str | None
    link: str
    attempts: int


@dataclass
class Delivered:
    """What one pass of `deliver_due` did."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def utc(moment: dt.datetime) -> dt.datetime:
    """`moment` as an aware UTC time (SQLite hands back naive UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next try after `attempts` failed ones: 30 s, 2 min, 8 min, 32 min, ..."""
    return FIRST_BACKOFF * 4 ** max(0, attempts - 1)


def enqueue(connection: Connection, messages: Iterable[Message], now: dt.datetime) -> int:
    """Insert `messages` on the caller's connection (its transaction); one whose dedupe key is already
    in the outbox is skipped. Returns the number of rows added."""
    rows = []
    for message in messages:
        inbox = message.channel == "inbox"
        rows.append(
            {
                **asdict(message),
                "due_at": utc(message.due_at),
                "created_at": utc(now),
                "status": "sent" if inbox else "pending",
                "sent_at": utc(message.due_at) if inbox else None,
                "attempts": 0,
            }
        )
    if not rows:
        return 0
    statement = (
        dialect_insert(connection)(OutboxMessage)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    return sum(len(connection.execute(statement.values(row)).all()) for row in rows)  # a skipped row returns none


def _claimable(now: dt.datetime, limit: int) -> Select[tuple[int]]:
    """The due pending rows, oldest first."""
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= utc(now))
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit)
    )


def claim_due(engine: Engine, now: dt.datetime, limit: int = 50) -> list[Claimed]:
    """Take up to `limit` due pending rows for this worker (status `sending`, one more attempt)."""
    claimed_values = {
        "status": "sending",
        "claimed_at": utc(now),
        "attempts": OutboxMessage.attempts + 1,
    }
    with write_transaction(engine) as connection:
        if connection.dialect.name == "postgresql":
            ids = list(connection.scalars(_claimable(now, limit).with_for_update(skip_locked=True)).all())
            if ids:
                connection.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**claimed_values))
        else:
            ids = [
                row_id
                for row_id in connection.scalars(_claimable(now, limit)).all()
                if connection.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
                    .values(**claimed_values)
                ).rowcount
                == 1
            ]
        if not ids:
            return []
        rows = connection.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.channel,
                OutboxMessage.address,
                OutboxMessage.subject,
                OutboxMessage.text,
                OutboxMessage.html,
                OutboxMessage.link,
                OutboxMessage.attempts,
            )
            .where(OutboxMessage.id.in_(ids))
            .order_by(OutboxMessage.id)
        ).all()
    return [Claimed(*row) for row in rows]


def finish(
    engine: Engine, claimed: Claimed, error: str | None, now: dt.datetime, max_attempts: int = MAX_ATTEMPTS
) -> str:
    """Record one attempt at `claimed` (`error` None: it was delivered) and its row's new status:
    `sent`, `pending` (retried after `backoff`) or `failed` (after `max_attempts`). Returns the status."""
    moment = utc(now)
    reason = error[:ERROR_LENGTH] if error is not None else None
    if error is None:
        values: dict[str, object] = {"status": "sent", "sent_at": moment, "last_error": None}
    elif claimed.attempts >= max_attempts:
        values = {"status": "failed", "last_error": reason}
    else:
        values = {"status": "pending", "last_error": reason, "due_at": moment + backoff(claimed.attempts)}
    with write_transaction(engine) as connection:
        connection.execute(
            insert(DeliveryAttempt).values(outbox_id=claimed.id, at=moment, ok=error is None, error=reason)
        )
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.status == "sending")
            .values(**values)
        )
    return str(values["status"])


def fail_cut_off(engine: Engine, now: dt.datetime) -> int:
    """Mark `failed` every row left `sending` for longer than `LEASE` (its worker stopped mid-delivery)."""
    with write_transaction(engine) as connection:
        return connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < utc(now) - LEASE)
            .values(status="failed", last_error=CUT_OFF)
        ).rowcount


def deliver_due(
    engine: Engine,
    send: Callable[[Claimed], None],
    now: Callable[[], dt.datetime],
    limit: int = 50,
    max_attempts: int = MAX_ATTEMPTS,
) -> Delivered:
    """Claim the due rows and send each (`send` raises with the reason when delivery fails); record every
    attempt. `now` is the clock (injectable for tests)."""
    done = Delivered()
    fail_cut_off(engine, now())
    for claimed in claim_due(engine, now(), limit):
        try:
            send(claimed)
            error = None
        except Exception as problem:  # any failure of a channel is recorded as this attempt's reason
            error = f"{type(problem).__name__}: {problem}"
            reason = type(problem).__name__  # the log gets the kind of failure only: the text may quote the message
        status = finish(engine, claimed, error, now(), max_attempts)
        if error is None:
            event(_LOG, "delivery sent", channel=claimed.channel, message=claimed.id, attempt=claimed.attempts)
        else:
            what = "delivery failed" if status == "failed" else "delivery retrying"
            event(_LOG, what, channel=claimed.channel, message=claimed.id, attempt=claimed.attempts, reason=reason)
        {"sent": done.sent, "pending": done.retried, "failed": done.failed}[status].append(claimed.id)
    return done


def _mine(user_id: int, now: dt.datetime, athlete_ids: Iterable[int] | None) -> list[ColumnElement[bool]]:
    """The user's due inbox rows; with `athlete_ids` (the user's scope now), only those about no athlete
    or an athlete of the scope: a message about an athlete the user may no longer see is not shown."""
    conditions = [OutboxMessage.user_id == user_id, OutboxMessage.channel == "inbox", OutboxMessage.due_at <= utc(now)]
    if athlete_ids is not None:
        conditions.append(or_(OutboxMessage.athlete_id.is_(None), OutboxMessage.athlete_id.in_(list(athlete_ids))))
    return conditions


def inbox(
    engine: Engine, user_id: int, now: dt.datetime, athlete_ids: Iterable[int] | None = None, limit: int = 100
) -> pd.DataFrame:
    """The user's inbox messages already due (see `_mine`): `message_id, event, subject, text, link, due_at,
    read`, unread first, then newest first."""
    unread = case((OutboxMessage.read_at.is_(None), 0), else_=1)
    query = (
        select(
            OutboxMessage.id.label("message_id"),
            OutboxMessage.event,
            OutboxMessage.subject,
            OutboxMessage.text,
            OutboxMessage.link,
            OutboxMessage.due_at,
            OutboxMessage.read_at.is_not(None).label("read"),
        )
        .where(*_mine(user_id, now, athlete_ids))
        .order_by(unread, OutboxMessage.due_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).mappings().all(), columns=list(query.selected_columns.keys()))
    frame["due_at"] = pd.to_datetime(frame["due_at"], utc=True)
    return frame.astype({"read": "bool"})


def unread_count(engine: Engine, user_id: int, now: dt.datetime, athlete_ids: Iterable[int] | None = None) -> int:
    """How many due inbox messages of the user (see `_mine`) are unread."""
    mine = _mine(user_id, now, athlete_ids)
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).where(*mine, OutboxMessage.read_at.is_(None))) or 0)


def mark_read(engine: Engine, user_id: int, now: dt.datetime, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's due unread inbox messages read (only `message_ids` when given); returns how many."""
    conditions = [
        OutboxMessage.user_id == user_id,
        OutboxMessage.channel == "inbox",
        OutboxMessage.read_at.is_(None),
        OutboxMessage.due_at <= utc(now),
    ]
    if message_ids is not None:
        conditions.append(OutboxMessage.id.in_(list(message_ids)))
    with write_transaction(engine) as connection:
        return connection.execute(update(OutboxMessage).where(*conditions).values(read_at=utc(now))).rowcount


def delivery_log(engine: Engine, limit: int = 200, statuses: Iterable[str] | None = None) -> pd.DataFrame:
    """The e-mail and webhook rows, newest first: `message_id, event, channel, recipient, subject, status,
    attempts, last_error, due_at, sent_at` (recipient: the username, else the address)."""
    query = (
        select(
            OutboxMessage.id.label("message_id"),
            OutboxMessage.event,
            OutboxMessage.channel,
            func.coalesce(User.username, OutboxMessage.address, "").label("recipient"),
            OutboxMessage.subject,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.last_error,
            OutboxMessage.due_at,
            OutboxMessage.sent_at,
        )
        .outerjoin(User, User.id == OutboxMessage.user_id)
        .where(OutboxMessage.channel != "inbox")
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    if statuses is not None:
        query = query.where(OutboxMessage.status.in_(list(statuses)))
    with engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).mappings().all(), columns=list(query.selected_columns.keys()))
    for column in ("due_at", "sent_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame
