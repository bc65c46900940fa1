"""The landing page of every role: what the database holds within the signed-in user's scope."""

from __future__ import annotations

import streamlit as st

from analytics.vocabulary import label
from ui import loaders
from ui.session import signed_in

who = signed_in()
assert who is not None

athletes = loaders.scope_athletes(who.user_id)
counts = loaders.scope_counts(who.user_id)
recent = loaders.recent_checkins(who.user_id)

if who.role == "athlete":
    name = athletes["display_name"].iloc[0] if not athletes.empty else who.username
    st.title(f"Hello, {name}")
    st.caption("Your own records. Only you, your therapists and the admin can see them.")
else:
    st.title("Overview")
    teams = ", ".join(sorted(athletes["team"].unique())) or "no team yet"
    scope = "every team" if who.role == "admin" else teams
    st.caption(f"Signed in as {who.username} ({who.role}); you see {scope}.")

if athletes.empty:
    if who.role == "admin":
        st.info("No athletes yet. Add teams and athletes with the admin CLI (`python -m data`) or load the demo.")
    else:
        st.info("No athletes in your scope yet. Ask an admin to assign you to a team.")
    st.stop()

metrics = st.columns(5)
metrics[0].metric("Athletes", f"{len(athletes):,}", help="Athletes you may see.")
metrics[1].metric("Check-ins", f"{counts['wellness_checkins']:,}")
metrics[2].metric("Pain reports", f"{counts['pain_reports']:,}")
metrics[3].metric("Therapy sessions", f"{counts['therapy_sessions']:,}")
metrics[4].metric("Injuries", f"{counts['injuries']:,}")

st.subheader("Records in your scope")
st.dataframe(
    {label(name): [count] for name, count in counts.items()},
    hide_index=True,
    width="stretch",
)

st.subheader("Check-ins in the last 7 days")
if recent.empty:
    st.info("No check-ins yet. Athletes record them on the daily check-in.")
else:
    per_day = (
        recent.groupby("date")
        .agg(checked_in=("athlete_id", "nunique"), mean_soreness=("soreness", "mean"))
        .reset_index()
        .assign(date=lambda f: f["date"].dt.date)
    )
    st.dataframe(
        per_day,
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "checked_in": st.column_config.NumberColumn("Athletes checked in"),
            "mean_soreness": st.column_config.NumberColumn(
                "Mean soreness (1 = very sore, 5 = none)", format="%.1f"
            ),
        },
    )

if who.role != "athlete":
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
