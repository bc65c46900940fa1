"""Inbox (every role): the messages Fascia sent this person (pain alerts, reminders, digests), unread first,
each with its link into Fascia; "Mark all read"; and the person's notification choices (channels on or
off, quiet hours)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from data.notifications import Preference, set_preference
from data.outbox import mark_read
from ui.session import engine, page_viewer
from ui.text import literal
from views.inbox import PERSONAL_CHANNELS, inbox_screen, minutes_of, notification_choices, time_of

who = page_viewer(__file__)
st.title("Inbox")
view = inbox_screen(engine(), who.user_id)

if view.unread:
    count_column, button_column = st.columns([4, 1], vertical_alignment="center")
    count_column.caption(f"{view.unread} unread of {len(view.messages)} messages, unread first, then newest first.")
    if button_column.button("Mark all read", icon=":material/done_all:", key="inbox_mark_all"):
        mark_read(engine(), who.user_id, dt.datetime.now(dt.UTC))
        st.rerun()
elif view.messages:
    st.caption(f"{len(view.messages)} messages, newest first; all read.")
else:
    st.info("No messages yet. Alerts, reminders and digests for you appear here.", icon=":material/inbox:")

for message in view.messages:
    with st.container(border=True):
        title = f"**{literal(message.subject)}**"
        st.markdown(f":blue-badge[New] {title}" if message.unread else title)
        st.caption(f"{message.kind} · {message.when}")
        st.text(message.text)
        st.markdown(f"[Open in Fascia]({message.link})")

st.divider()
st.subheader("Notifications")
st.caption(
    "Choose how Fascia reaches you. During quiet hours (in your team's time zone) e-mails wait until the "
    "quiet hours end; the inbox always keeps every message."
)
choices = notification_choices(engine(), who.user_id)
with st.form("notification_choices"):
    picked: dict[str, tuple[bool, bool, dt.time, dt.time]] = {}
    for choice in choices:
        on_column, quiet_column, from_column, to_column = st.columns([2, 2, 1, 1], vertical_alignment="bottom")
        on = on_column.toggle(choice.label, value=choice.preference.enabled, key=f"notify_{choice.channel}_on")
        has_quiet = choice.preference.quiet_from is not None and choice.preference.quiet_to is not None
        quiet = quiet_column.checkbox("Quiet hours", value=has_quiet, key=f"notify_{choice.channel}_quiet")
        start = from_column.time_input(
            "From", time_of(choice.preference.quiet_from, dt.time(22, 0)), key=f"notify_{choice.channel}_from"
        )
        end = to_column.time_input(
            "Until", time_of(choice.preference.quiet_to, dt.time(7, 0)), key=f"notify_{choice.channel}_to"
        )
        picked[choice.channel] = (on, quiet, start, end)
    if st.form_submit_button("Save my choices"):
        for channel in PERSONAL_CHANNELS:
            on, quiet, start, end = picked[channel]
            set_preference(
                engine(),
                who.user_id,
                channel,
                Preference(on, minutes_of(start) if quiet else None, minutes_of(end) if quiet else None),
            )
        st.success("Saved your notification choices.")
