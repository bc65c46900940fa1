"""The Inbox screen (every role, issue 15): the user's messages, unread first then newest first, each with
its link into Fascia, and the user's notification preferences (channels on or off, quiet hours).
Streamlit-free; reads through `data.outbox` and `data.notifications`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine

from data import scoped
from data.access import viewer
from data.notifications import Preference, user_preferences
from data.outbox import inbox, unread_count
from views import words

#: The channels a person chooses for themselves (the webhook is the team's, set by an admin).
PERSONAL_CHANNELS = ("inbox", "email")


@dataclass(frozen=True)
class InboxMessage:
    """One message as the Inbox shows it."""

    message_id: int
    kind: str
    subject: str
    text: str
    link: str
    when: str
    unread: bool


@dataclass(frozen=True)
class Inbox:
    """The user's messages (unread first, then newest first) and how many are unread."""

    messages: tuple[InboxMessage, ...]
    unread: int


def scope_of(engine: Engine, user_id: int) -> list[int] | None:
    """The athletes the user may see now (None: everyone, an admin): messages about others are hidden."""
    who = viewer(engine, user_id)
    return [] if who is None else scoped.athlete_scope(engine, who)


def inbox_screen(engine: Engine, user_id: int, now: dt.datetime | None = None) -> Inbox:
    """The Inbox of `user_id` at `now` (default: the current time)."""
    moment = now or dt.datetime.now(dt.UTC)
    frame = inbox(engine, user_id, moment, scope_of(engine, user_id))
    messages = tuple(
        InboxMessage(
            int(row.message_id),
            words.word(words.NOTIFICATION_EVENTS, row.event),
            str(row.subject),
            str(row.text),
            str(row.link),
            words.timestamp(row.due_at),
            not bool(row.read),
        )
        for row in frame.itertuples()
    )
    return Inbox(messages, sum(1 for m in messages if m.unread))


def unread_messages(engine: Engine, user_id: int) -> int:
    """How many messages the user has not read (the count in the sidebar)."""
    return unread_count(engine, user_id, dt.datetime.now(dt.UTC), scope_of(engine, user_id))


def inbox_title(unread: int) -> str:
    """The menu title of the Inbox: "Inbox (3)" with unread messages, else "Inbox"."""
    return f"Inbox ({unread})" if unread else "Inbox"


def minutes_of(moment: dt.time) -> int:
    """A time of day as minutes after midnight (how quiet hours are stored)."""
    return moment.hour * 60 + moment.minute


def time_of(minutes: int | None, default: dt.time) -> dt.time:
    """Minutes after midnight as a time of day; `default` when not set."""
    return default if minutes is None else dt.time(minutes // 60, minutes % 60)


@dataclass(frozen=True)
class ChannelChoice:
    """A personal channel as the Notifications section shows it."""

    channel: str
    label: str
    preference: Preference


def notification_choices(engine: Engine, user_id: int) -> tuple[ChannelChoice, ...]:
    """The user's preference for each personal channel (on, no quiet hours, when never set)."""
    chosen = user_preferences(engine, user_id)
    return tuple(
        ChannelChoice(channel, words.CHANNELS[channel], chosen.get(channel, Preference()))
        for channel in PERSONAL_CHANNELS
    )
