"""*Overview*, the admin's landing page: what needs attention first (accounts never used, teams without a
therapist, athletes who stopped checking in, imports and deliveries that failed), then what the database
holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from ui import loaders
from ui.glossary import abbreviations
from ui.session import page_viewer
from ui.text import literal
from views import words
from views.overview import FAILURE_DAYS, SILENT_DAYS

who = page_viewer(__file__)

athletes = loaders.scope_athletes(who.user_id)
counts = loaders.scope_counts(who.user_id)
today = dt.datetime.now(dt.UTC).date()

st.title("Overview")
st.caption(f"Signed in as {literal(who.username)} (admin); you see every team.")

if athletes.empty:
    st.info("No athletes yet. Add teams and users on *Users and teams*, and athletes there or on *Import and export*.")
    st.stop()

attention = loaders.attention(who.user_id, today)
failed = loaders.failures(who.user_id, today)
st.subheader("Needs your attention")
if not attention.count and not failed.count:
    st.success(
        "Nothing needs your attention: every account has signed in, every team has a therapist, every "
        f"athlete checked in within the last {SILENT_DAYS} days, and no import or delivery failed in the last "
        f"{FAILURE_DAYS} days."
    )


def attention_list(frame: pd.DataFrame, title: str, icon: str, what_to_do: str, columns: dict[str, Any]) -> None:
    """One list under *Needs your attention*, left out when empty: an expander titled with its count,
    what to do about it, then its rows."""
    if frame.empty:
        return
    with st.expander(f"{title} ({len(frame)})", icon=icon):
        st.caption(what_to_do)
        st.dataframe(frame, hide_index=True, width="stretch", column_config=columns)


attention_list(
    failed.imports,
    "Failed imports",
    ":material/upload_file:",
    f"Imports refused or stopped in the last {FAILURE_DAYS} days: nothing of those files was written. Fix "
    "the file as the reason says and import it again on *Import and export*.",
    {
        "when": st.column_config.TextColumn("When", width=150),
        "who": st.column_config.TextColumn("By", width=140),
        "records": st.column_config.TextColumn("Records", width=140),
        "why": st.column_config.TextColumn("File and reason", width="large"),
    },
)
attention_list(
    failed.deliveries,
    "Failed deliveries",
    ":material/cancel_schedule_send:",
    f"E-mail and team-chat messages of the last {FAILURE_DAYS} days given up on after their last attempt. "
    "Check the address or the webhook, then see *Delivery log*.",
    {
        "when": st.column_config.TextColumn("When", width=150),
        "what": st.column_config.TextColumn("Message", width=150),
        "channel": st.column_config.TextColumn("Channel", width=150),
        "to": st.column_config.TextColumn("To", width=120),
        "attempts": st.column_config.NumberColumn("Attempts", width=80),
        "why": st.column_config.TextColumn("Reason", width="large"),
    },
)
attention_list(
    attention.never_signed_in,
    "Accounts never signed in",
    ":material/person_off:",
    "Send the person their username and a new password (*Users and teams*), or deactivate the account.",
    {
        "username": "Username",
        "role": "Role",
        "created": st.column_config.DateColumn("Created", format="D MMM YYYY"),
    },
)
attention_list(
    attention.teams_without_therapist,
    "Teams without a therapist",
    ":material/group_off:",
    "Nobody sees these athletes' flags or records sessions for them. Assign a therapist to the team.",
    {"team": "Team"},
)
attention_list(
    attention.silent_athletes,
    f"Athletes without a check-in for {SILENT_DAYS} days",
    ":material/notifications_off:",
    f"Active athletes with no daily check-in in the {SILENT_DAYS} days up to today: their flags and "
    "trends cannot be trusted until they check in again.",
    {
        "name": "Athlete",
        "team": "Team",
        "last_checkin": st.column_config.DateColumn(
            "Last check-in", format="D MMM YYYY", help=f"Empty: none in the last {SILENT_DAYS * 4} days."
        ),
    },
)

headline = ["wellness_checkins", "pain_reports", "therapy_sessions", "injuries"]
metrics = st.columns(len(headline) + 1)
metrics[0].metric("Athletes", f"{len(athletes):,}", help="Athletes you may see.")
for column, name in zip(metrics[-len(headline) :], headline, strict=True):
    column.metric(words.RECORD_KINDS[name], f"{counts[name]:,}")

st.subheader("Records")
st.dataframe({words.RECORD_KINDS[name]: [count] for name, count in counts.items()}, hide_index=True, width="stretch")

st.subheader("Check-ins in the last 7 days")
recent = loaders.recent_checkin_summary(who.user_id)
if recent.empty:
    st.info("No check-ins in the last 7 days. Athletes record them on the daily check-in.")
else:
    st.dataframe(
        recent,
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "n_checked_in": st.column_config.NumberColumn("Athletes checked in"),
            "compliance": st.column_config.ProgressColumn(
                "Compliance",
                help="Athletes who checked in ÷ active athletes",
                format="percent",
                min_value=0,
                max_value=1,
            ),
            "soreness_median": st.column_config.NumberColumn(
                f"Median soreness ({words.SORENESS_SCALE})", format="%.1f"
            ),
            "share_sore": st.column_config.NumberColumn(
                "Share sore", help="Check-ins with soreness 1 (very sore) or 2 (sorer than normal)", format="percent"
            ),
        },
    )

st.subheader("Athletes")
st.dataframe(
    athletes[["display_name", "team", "position", "external_id", "active"]],
    hide_index=True,
    width="stretch",
    column_config={
        "display_name": "Name",
        "team": "Team",
        "position": "Position",
        "external_id": "External id",
        "active": "Active",
    },
)

abbreviations("OSTRC", "ROM")
