"""The shared filters: athlete, date range and team. Their values live in session state under
keys no widget owns, so they keep their values when the user moves between pages.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

ATHLETE_KEY = "filter_athlete_id"
RANGE_KEY = "filter_date_range"
TEAM_KEY = "filter_team_id"
DEFAULT_DAYS = 90


def team_picker(teams: pd.DataFrame, label: str = "Team") -> int | None:
    """A team id, or None for every team in scope. Hidden when there is only one team."""
    if len(teams) <= 1:
        return int(teams["team_id"].iloc[0]) if len(teams) == 1 else None
    options: list[int | None] = [None, *teams["team_id"].astype(int).tolist()]
    names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))
    current = st.session_state.get(TEAM_KEY)
    choice = st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda t: "All teams" if t is None else names[t],
    )
    st.session_state[TEAM_KEY] = choice
    return choice


def athlete_picker(athletes: pd.DataFrame, label: str = "Athlete") -> int | None:
    """An athlete id from `athletes` (the user's scope), remembered across pages."""
    if athletes.empty:
        return None
    ordered = athletes.sort_values(["display_name"])
    options = ordered["athlete_id"].astype(int).tolist()
    names = {
        int(a): f"{n} · {t}"
        for a, n, t in zip(ordered["athlete_id"], ordered["display_name"], ordered["team"], strict=True)
    }
    current = st.session_state.get(ATHLETE_KEY)
    choice = st.selectbox(
        label,
        options,
        index=options.index(current) if current in options else 0,
        format_func=lambda a: names[a],
    )
    st.session_state[ATHLETE_KEY] = choice
    return choice


def date_range_picker(last_day: dt.date | None, label: str = "Dates") -> tuple[dt.date, dt.date]:
    """A (start, end) range, by default the 90 days up to the newest data; remembered across pages."""
    end_default = last_day or dt.date.today()
    start_default = end_default - dt.timedelta(days=DEFAULT_DAYS - 1)
    start, end = st.session_state.get(RANGE_KEY, (start_default, end_default))
    picked = st.date_input(label, value=(start, end), format="YYYY-MM-DD")
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    st.session_state[RANGE_KEY] = (start, end)
    return start, end
