"""*Overview*, the admin's landing page: what needs attention first (accounts never used, teams without a
therapist, athletes who stopped checking in), then what the database holds."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ui import loaders
from ui.glossary import abbreviations
from ui.session import page_viewer
from ui.text import literal
from views import words
from views.overview import SILENT_DAYS

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
st.subheader("Needs your attention")
if not attention.count:
    st.success(
        "Nothing needs your attention: every account has signed in, every team has a therapist, and every "
        f"athlete checked in within the last {SILENT_DAYS} days."
    )
if not attention.never_signed_in.empty:
    with st.expander(f"Accounts never signed in ({len(attention.never_signed_in)})", icon=":material/person_off:"):
        st.caption("Send the person their username and a new password (*Users and teams*), or deactivate the account.")
        st.dataframe(
            attention.never_signed_in,
            hide_index=True,
            width="stretch",
            column_config={
                "username": "Username",
                "role": "Role",
                "created": st.column_config.DateColumn("Created", format="D MMM YYYY"),
            },
        )
if not attention.teams_without_therapist.empty:
    with st.expander(
        f"Teams without a therapist ({len(attention.teams_without_therapist)})", icon=":material/group_off:"
    ):
        st.caption("Nobody sees these athletes' flags or records sessions for them. Assign a therapist to the team.")
        st.dataframe(
            attention.teams_without_therapist, hide_index=True, width="stretch", column_config={"team": "Team"}
        )
if not attention.silent_athletes.empty:
    with st.expander(
        f"Athletes without a check-in for {SILENT_DAYS} days ({len(attention.silent_athletes)})",
        icon=":material/notifications_off:",
    ):
        st.caption(
            f"Active athletes with no daily check-in in the {SILENT_DAYS} days up to today: their flags and "
            "trends cannot be trusted until they check in again."
        )
        st.dataframe(
            attention.silent_athletes,
            hide_index=True,
            width="stretch",
            column_config={
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
