"""Audit log (admin): who did what to which record, and when: every write, import, export and sign-in.

Newest first, filtered by user, action, dates and words in the detail, and read one page at a time
straight from the database (never cached, so an entry shows the moment it is written; never the
whole log at once). Every value is shown as text in a data frame.
"""

from __future__ import annotations

import datetime as dt
import math

import streamlit as st

from data import scoped
from ui import loaders
from ui.session import engine, page_viewer
from views import words
from views.audit import audit_sentences

PAGE_SIZE = 50

who = page_viewer(__file__)
st.title("Audit log")
if who.role != "admin":
    st.info("Only admins read the audit log.")
    st.stop()

st.caption(
    "Every save, change, deletion, import, export and sign-in (failed ones too, with the username typed). "
    "Times are UTC. Entries are never edited; erasing an athlete keeps its entry, without the name."
)

users = loaders.user_directory()
usernames = dict(zip(users["user_id"].astype(int), users["username"], strict=True))
actions = scoped.audit_actions(engine(), who)

by_user, by_action, by_dates, by_text = st.columns([2, 2, 2, 2])
picked_users = by_user.multiselect(
    "User", list(usernames), format_func=usernames.get, key="audit_users", placeholder="Everyone"
)
picked_actions = by_action.multiselect(
    "Action",
    actions,
    format_func=lambda action: words.word(words.AUDIT_ACTIONS, action),
    key="audit_actions",
    placeholder="Every action",
)
today = dt.datetime.now(dt.UTC).date()
dates = by_dates.date_input(
    "Dates (UTC)",
    value=(),
    max_value=today,
    key="audit_dates",
    help="Leave empty for every date; pick one or two days.",
)
text = by_text.text_input("Detail contains", key="audit_text", placeholder="e.g. a username")

start = dates[0] if len(dates) >= 1 else None
end = dates[1] if len(dates) == 2 else start
filters = {
    "user_ids": picked_users or None,
    "actions": picked_actions or None,
    "start": start,
    "end": end,
    "detail_contains": text or None,
}
_, total = scoped.audit_log(engine(), who, **filters, limit=0)
pages = max(1, math.ceil(total / PAGE_SIZE))
if st.session_state.get("audit_page", 1) > pages:
    st.session_state["audit_page"] = pages
page_column, count_column = st.columns([1, 5], vertical_alignment="bottom")
page = page_column.number_input("Page", min_value=1, max_value=pages, step=1, key="audit_page")
shown, _ = scoped.audit_log(engine(), who, **filters, offset=(int(page) - 1) * PAGE_SIZE, limit=PAGE_SIZE)
first = (int(page) - 1) * PAGE_SIZE + 1
count_column.caption(
    f"{total:,} entries match; showing {first:,}–{first + len(shown) - 1:,}, newest first."
    if total
    else "No entry matches these filters."
)
if not shown.empty:
    st.dataframe(
        audit_sentences(shown),
        hide_index=True,
        width="stretch",
        height=35 * (len(shown) + 1) + 3,  # the whole page of entries, without a scroll bar of its own
        column_config={
            "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss", width="small"),
            "what": st.column_config.TextColumn("What happened", width="large"),
            "detail": st.column_config.TextColumn(
                "Detail", width="medium", help="What the change was, as written when it happened."
            ),
        },
    )
