"""The admin's Delivery log (issue 15): every e-mail and webhook message with its status (sent, waiting
to be retried, failed with the reason), how many attempts it took, and the club's notification settings.
Streamlit-free; reads through `data.outbox` and `data.notifications`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data import scoped
from data.access import Viewer
from data.notifications import TeamSettings, minimal_mode, team_settings
from data.outbox import delivery_log
from views import words

#: The columns of the log as shown, in order.
LOG_COLUMNS = ["created", "what", "status", "reason", "attempts", "channel", "to", "subject", "sent"]


def delivery_rows(engine: Engine, statuses: list[str] | None = None, limit: int = 200) -> pd.DataFrame:
    """The newest `limit` e-mail and webhook messages (of `statuses`, when given), in words: `created`
    (when due), `what`, `channel`, `to`, `subject`, `status` ("Waiting to retry" after a failed attempt),
    `attempts`, `reason` (the last failure's), `sent`."""
    log = delivery_log(engine, limit=limit, statuses=statuses)
    status = [
        words.RETRY_WAITING if s == "pending" and n > 0 else words.DELIVERY_STATUSES[s]
        for s, n in zip(log["status"], log["attempts"], strict=True)
    ]
    return pd.DataFrame(
        {
            "created": log["due_at"].map(words.timestamp),
            "what": log["event"].map(lambda e: words.word(words.NOTIFICATION_EVENTS, e)),
            "channel": log["channel"].map(lambda c: words.word(words.CHANNELS, c)),
            "to": log["recipient"],
            "subject": log["subject"],
            "status": pd.Series(status, index=log.index, dtype="str"),
            "attempts": log["attempts"].astype("int64"),
            "reason": log["last_error"].fillna(""),
            "sent": log["sent_at"].map(words.timestamp),
        },
        columns=LOG_COLUMNS,
    )


@dataclass(frozen=True)
class ClubNotifications:
    """The club's notification settings: the minimal mode, and each team's settings."""

    minimal: bool
    teams: tuple[TeamSettings, ...]


def club_notifications(engine: Engine, who: Viewer) -> ClubNotifications:
    """The settings the Delivery log page edits, for the teams `who` may see (`data.scoped.teams`)."""
    visible = scoped.teams(engine, who)["team_id"].astype(int).tolist()
    with engine.connect() as connection:
        return ClubNotifications(minimal_mode(connection), tuple(team_settings(connection, visible)))
