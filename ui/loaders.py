"""Cached loaders: the one place pages read data through. Cleared after every write.

Each loader takes the user id so the scope (`data/access.py`) is part of the cache key:
one user's cached frame is never served to another.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from analytics import soreness
from data import access, queries
from ui.session import engine

TTL_SECONDS = 300


def clear() -> None:
    """Drop every cached frame; call after any write so the next read shows it."""
    st.cache_data.clear()


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def scope_athletes(user_id: int) -> pd.DataFrame:
    """The athletes the user may see."""
    who = access.viewer(engine(), user_id)
    if who is None:
        return queries.athletes(engine(), athlete_ids=[])
    return queries.athletes(engine(), athlete_ids=access.visible_athlete_ids(engine(), who))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def scope_counts(user_id: int) -> dict[str, int]:
    """Row counts of each time series within the user's scope."""
    who = access.viewer(engine(), user_id)
    return queries.athlete_record_counts(engine(), access.visible_athlete_ids(engine(), who) if who else [])


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def recent_checkins(user_id: int, days: int = 7) -> pd.DataFrame:
    """The check-ins of the last `days` days (up to the newest one) within the user's scope."""
    who = access.viewer(engine(), user_id)
    ids = access.visible_athlete_ids(engine(), who) if who else []
    _, last = queries.data_date_range(engine())
    if last is None:
        return queries.wellness_checkins(engine(), athlete_ids=[])
    return queries.wellness_checkins(engine(), athlete_ids=ids, start=last - dt.timedelta(days=days - 1), end=last)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def recent_checkin_summary(user_id: int, days: int = 7) -> pd.DataFrame:
    """Per day of the last `days` days: athletes checked in, compliance and the soreness distribution."""
    checkins = recent_checkins(user_id, days)
    athletes = scope_athletes(user_id)
    compliance = soreness.daily_compliance(checkins, athletes)
    spread = soreness.team_soreness(checkins)
    summary = compliance.merge(spread, on="date", how="left")
    return summary.assign(date=summary["date"].dt.date)[
        ["date", "n_checked_in", "compliance", "soreness_score_median", "share_sore"]
    ].sort_values("date", ascending=False)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def all_users() -> pd.DataFrame:
    return queries.users(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def all_teams() -> pd.DataFrame:
    return queries.teams(engine())
