"""The landing page of every role: what the database holds within the signed-in user's scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ui import loaders
from ui.session import page_viewer
from ui.text import literal
from views import words

who = page_viewer(__file__)

athletes = loaders.scope_athletes(who.user_id)
counts = loaders.scope_counts(who.user_id)
last_day = loaders.last_data_day()
recent = loaders.checkins(who.user_id, None, last_day - dt.timedelta(days=6), last_day) if last_day else pd.DataFrame()

if who.role == "athlete":
    name = athletes["display_name"].iloc[0] if not athletes.empty else who.username
    st.title(f"Hello, {literal(name)}")
    st.caption("Your own records. Only you, your therapists and the admin can see them.")
else:
    st.title("Overview")
    teams = ", ".join(literal(t) for t in sorted(athletes["team"].unique())) or "no team yet"
    scope = "every team" if who.role == "admin" else teams
    st.caption(f"Signed in as {literal(who.username)} ({who.role}); you see {scope}.")

if athletes.empty:
    if who.role == "admin":
        st.info(
            "No athletes yet. Add teams and athletes with the admin CLI: `python -m data --help` lists its commands."
        )
    else:
        st.info("No athletes in your scope yet. Ask an admin to assign you to a team.")
    st.stop()

headline = ["wellness_checkins", "pain_reports", "therapy_sessions", "injuries"]
metrics = st.columns(len(headline) + (who.role != "athlete"))
if who.role != "athlete":
    metrics[0].metric("Athletes", f"{len(athletes):,}", help="Athletes you may see.")
for column, name in zip(metrics[-len(headline) :], headline, strict=True):
    column.metric(words.RECORD_KINDS[name], f"{counts[name]:,}")

st.subheader("Records in your scope" if who.role != "athlete" else "Your records")
st.dataframe({words.RECORD_KINDS[name]: [count] for name, count in counts.items()}, hide_index=True, width="stretch")

st.subheader("Check-ins in the last 7 days")
if recent.empty:
    st.info("No check-ins in the last 7 days. Athletes record them on the daily check-in.")
elif who.role == "athlete":
    st.dataframe(
        recent.assign(availability=recent["availability"].map(words.AVAILABILITY)).sort_values("date", ascending=False)[
            [
                "date",
                "soreness",
                "fatigue",
                "sleep_quality",
                "stress",
                "mood",
                "sleep_hours",
                "readiness",
                "availability",
            ]
        ],
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn("Date"),
            "soreness": st.column_config.NumberColumn(
                words.WELLNESS_ITEMS["soreness"], help="1 = very sore … 5 = not sore"
            ),
            "fatigue": st.column_config.NumberColumn(
                words.WELLNESS_ITEMS["fatigue"], help="1 = very tired … 5 = fresh"
            ),
            "sleep_quality": st.column_config.NumberColumn(
                words.WELLNESS_ITEMS["sleep_quality"], help="1 = very poor … 5 = very good"
            ),
            "stress": st.column_config.NumberColumn(
                words.WELLNESS_ITEMS["stress"], help="1 = very stressed … 5 = relaxed"
            ),
            "mood": st.column_config.NumberColumn(words.WELLNESS_ITEMS["mood"], help="1 = very low … 5 = very good"),
            "sleep_hours": st.column_config.NumberColumn("Sleep (h)", format="%.1f"),
            "readiness": st.column_config.NumberColumn("Readiness (0-10)"),
            "availability": "Availability",
        },
    )
    st.caption("Wellness items on 1-5 with 5 best (McLean et al. 2010, as PMSys uses).")
else:
    st.dataframe(
        loaders.recent_checkin_summary(who.user_id),
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
            "soreness_score_median": st.column_config.NumberColumn(
                "Median soreness (1 = none, 5 = very sore)", format="%.1f"
            ),
            "share_sore": st.column_config.NumberColumn(
                "Share sore", help="Check-ins with soreness 1-2 on the 1-5 item (5 best)", format="percent"
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
