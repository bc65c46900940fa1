"""Delivery log (admin): every e-mail and webhook message the worker (`python -m data notify`) sent, is
retrying or gave up on (with the reason); "Send a test message" to an address or a webhook; and the
club's notification settings (minimal messages, each team's webhook, reminder and digest times)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data.errors import ValidationError
from data.notifications import enqueue_test_message, set_minimal_mode, set_team_settings
from ui.session import engine, page_viewer
from ui.text import literal
from views import words
from views.deliveries import club_notifications, delivery_rows
from views.inbox import minutes_of, time_of

who = page_viewer(__file__)
st.title("Delivery log")
if who.role != "admin":
    st.info("Only admins read the delivery log.")
    st.stop()

st.caption(
    "E-mails and team-chat messages, newest first. A failed attempt is retried after 30 seconds, 2, 8 and "
    "32 minutes; after the fifth it is marked failed with the reason. In-app inbox messages are not listed: "
    "they are delivered when written. Times are UTC."
)
picked = st.multiselect(
    "Status",
    list(words.DELIVERY_STATUSES),
    format_func=lambda status: words.DELIVERY_STATUSES[status],
    key="deliveries_status",
    placeholder="Every status",
)
log = delivery_rows(engine(), picked or None)
if log.empty:
    st.info("No e-mail or team-chat message yet.", icon=":material/outbox:")
else:
    st.dataframe(
        log,
        hide_index=True,
        width="stretch",
        column_config={
            "created": st.column_config.TextColumn("Due"),
            "what": st.column_config.TextColumn("What"),
            "status": st.column_config.TextColumn("Status"),
            "reason": st.column_config.TextColumn("Reason of the last failure", width="medium"),
            "attempts": st.column_config.NumberColumn("Attempts"),
            "channel": st.column_config.TextColumn("Channel"),
            "to": st.column_config.TextColumn("To"),
            "subject": st.column_config.TextColumn("Subject"),
            "sent": st.column_config.TextColumn("Sent"),
        },
    )

st.subheader("Send a test message")
with st.form("test_message"):
    address = st.text_input(
        "E-mail address or webhook address", placeholder="you@example.org or https://hooks.slack.com/…"
    )
    if st.form_submit_button("Send a test message", icon=":material/send:"):
        if not address.strip():
            st.error("Enter an e-mail address or a webhook address.")
        else:
            enqueue_test_message(engine(), address.strip(), dt.datetime.now(dt.UTC))
            st.success(
                f"Queued a test message to {literal(address.strip())}. The worker (python -m data notify) sends it "
                "within seconds; its result shows in the log above."
            )

st.subheader("Settings")
settings = club_notifications(engine(), who)
minimal = st.toggle(
    "Minimal messages: e-mails and team chat say only that there is something new, with a link (no health detail)",
    value=settings.minimal,
    key="deliveries_minimal",
)
if minimal != settings.minimal:
    set_minimal_mode(engine(), minimal)
    st.rerun()
for team in settings.teams:
    with st.expander(f"{team.name} ({team.timezone})"), st.form(f"team_settings_{team.team_id}"):
        webhook = st.text_input("Team chat webhook (Slack or Microsoft Teams incoming webhook)", team.webhook_url or "")
        reminder_column, digest_column, day_column = st.columns(3)
        reminder = reminder_column.time_input("Daily check-in reminder", time_of(team.reminder_minute, dt.time(8)))
        digest = digest_column.time_input("Coaches' morning digest", time_of(team.digest_minute, dt.time(7)))
        weekday = day_column.selectbox(
            "Weekly health questions and compliance summary on",
            list(words.WEEKDAYS),
            index=team.ostrc_weekday,
            format_func=lambda day: words.WEEKDAYS[day],
        )
        if st.form_submit_button("Save"):
            try:
                set_team_settings(
                    engine(), team.team_id, webhook.strip() or None, minutes_of(reminder), minutes_of(digest), weekday
                )
            except ValidationError as error:
                st.error(f"The webhook {literal(webhook.strip())} {error.reason}.")
            else:
                st.success(f"Saved the settings of {literal(team.name)}.")
