"""The Inbox (every role) and the admin's Delivery log, run as the app: messages unread first with their
links, the unread count in the menu, "Mark all read", the notification choices; the log's statuses and
reasons in words, and "Send a test message"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from analytics.vocabulary import AVAILABILITY
from data.db import write_transaction
from data.models import CHANNELS, NOTIFICATION_EVENTS, OUTBOX_STATUSES, Athlete, OutboxMessage, User
from data.notifications import user_preferences
from data.outbox import Claimed, Message, deliver_due, enqueue
from data.record_writes import save_checkin
from views import words
from views.inbox import inbox_title, unread_messages

StartApp = Callable[[str], AppTest]


def user_id(engine: Engine, username: str) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(User.id).where(User.username == username)))


def open_as(app_at: StartApp, url: str, engine: Engine, username: str, page: str) -> AppTest:
    st.cache_data.clear()
    at = app_at(url)
    at.session_state["user_id"] = user_id(engine, username)
    return at.run().switch_page(page).run()


def pain_of_the_demo_athlete(engine: Engine) -> int:
    """Save a check-in with new pain 6/10 for the demo athlete; their id."""
    with engine.connect() as connection:
        athlete = int(
            connection.scalar(
                select(Athlete.id).join(User, User.athlete_id == Athlete.id).where(User.username == "athlete")
            )
        )
    save_checkin(engine, athlete, dt.date.today(), {"mood": 3}, [{"body_region": "elbow", "side": "left", "pain": 6}])
    return athlete


def test_every_notification_code_has_a_word() -> None:
    assert set(NOTIFICATION_EVENTS) <= set(words.NOTIFICATION_EVENTS)
    assert set(CHANNELS) <= set(words.CHANNELS)
    assert set(OUTBOX_STATUSES) <= set(words.DELIVERY_STATUSES)
    assert set(AVAILABILITY) <= set(words.AVAILABILITY)


def test_the_inbox_lists_the_pain_alert_with_its_link_and_marks_it_read(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    athlete = pain_of_the_demo_athlete(own_engine)
    at = open_as(app_at, own_url, own_engine, "therapist", "pages/inbox.py")
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    assert any("New" in m and "Pain reported" in m for m in markdown)
    assert f"[Open in Fascia](/progress?athlete={athlete})" in markdown
    assert any("Pain alert" in c.value for c in at.caption)
    assert any("1 unread" in c.value for c in at.caption)
    at = at.button(key="inbox_mark_all").click().run()
    assert not at.exception
    assert not any("New" in m.value for m in at.markdown)
    assert any("all read" in c.value for c in at.caption)


def test_the_menu_counts_unread_messages(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    pain_of_the_demo_athlete(own_engine)
    at = open_as(app_at, own_url, own_engine, "therapist", "pages/caseload.py")
    assert not at.exception
    # AppTest does not render the navigation; the dashboard's menu title is its view's
    assert inbox_title(unread_messages(own_engine, user_id(own_engine, "therapist"))) == "Inbox (1)"
    assert inbox_title(0) == "Inbox"


def test_the_notification_choices_are_saved(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    at = open_as(app_at, own_url, own_engine, "coach", "pages/inbox.py")
    assert not at.exception
    at.toggle(key="notify_email_on").set_value(False)
    at.checkbox(key="notify_inbox_quiet").check()
    at = at.button[-1].click().run()
    assert not at.exception
    saved = user_preferences(own_engine, user_id(own_engine, "coach"))
    assert saved["email"].enabled is False
    assert (saved["inbox"].quiet_from, saved["inbox"].quiet_to) == (22 * 60, 7 * 60)


def test_the_delivery_log_shows_sent_retried_and_failed_with_the_reason(
    app_at: StartApp, own_url: str, own_engine: Engine
) -> None:
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    with write_transaction(own_engine) as connection:
        enqueue(
            connection,
            [
                Message("test_message", f"t{n}", "email", f"Subject {n}", "Text", "/", now, address=f"p{n}@example.org")
                for n in range(3)
            ],
            now,
        )

    def send(claimed: Claimed) -> None:
        if claimed.subject != "Subject 0":
            raise ConnectionRefusedError("the mail server refused the connection")

    deliver_due(own_engine, send, lambda: now, max_attempts=5)
    with write_transaction(own_engine) as connection:  # Subject 2 has used its last attempt
        connection.execute(
            OutboxMessage.__table__.update().where(OutboxMessage.subject == "Subject 2").values(attempts=4)
        )
    deliver_due(own_engine, send, lambda: now + dt.timedelta(hours=1), max_attempts=5)

    at = open_as(app_at, own_url, own_engine, "admin", "pages/deliveries.py")
    assert not at.exception
    log = at.dataframe[0].value.set_index("subject")
    assert log.loc["Subject 0", "status"] == "Sent"
    assert log.loc["Subject 1", "status"] == "Waiting to retry"
    assert log.loc["Subject 2", "status"] == "Failed"
    assert "refused the connection" in log.loc["Subject 2", "reason"]
    assert log.loc["Subject 0", "what"] == "Test message" and log.loc["Subject 0", "channel"] == "E-mail"

    at.text_input[0].input("admin@example.org")
    at = at.button[0].click().run()
    assert not at.exception
    assert any("Queued a test message" in s.value for s in at.success)
    with own_engine.connect() as connection:
        assert (
            connection.scalar(
                select(OutboxMessage.address)
                .where(OutboxMessage.event == "test_message")
                .order_by(OutboxMessage.id.desc())
            )
            == "admin@example.org"
        )


def test_a_non_admin_cannot_open_the_delivery_log(app_at: StartApp, own_url: str, own_engine: Engine) -> None:
    at = open_as(app_at, own_url, own_engine, "coach", "pages/inbox.py")
    at = at.switch_page("pages/deliveries.py").run()
    assert not at.dataframe
    assert any("not open to you" in w.value for w in at.warning)
