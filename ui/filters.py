"""The shared filters: athlete, date range and team. Their values live in session state under
keys no widget owns, so they keep their values when the user moves between pages.

Nothing in session state or the URL is trusted: a remembered athlete or team is used only when it is
among the options the page passes (the user's scope, read through `data/scoped.py`), a deep link
`?athlete=<id>` only when that athlete is in scope; anything else falls back to the first option.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

ATHLETE_KEY = "filter_athlete_id"
#: The query parameter of a link to one athlete (e.g. `/progress?athlete=12`), read once then dropped.
ATHLETE_PARAM = "athlete"
RANGE_KEY = "filter_date_range"
TEAM_KEY = "filter_team_id"
DEFAULT_DAYS = 90


def _as_id(value: object) -> int | None:
    """`value` as an id (an int, or text of digits as query parameters carry), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_range(value: object) -> tuple[dt.date, dt.date] | None:
    """`value` as a (start, end) pair of dates with start <= end, else None."""
    if not (isinstance(value, tuple | list) and len(value) == 2):
        return None
    start, end = value
    if not all(isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in (start, end)) or start > end:
        return None
    return start, end


def team_picker(teams: pd.DataFrame, label: str = "Team") -> int | None:
    """A team id, or None for every team in scope ("All teams"). Hidden when there is only one team.

    It starts on the first of the user's own teams, not on "All teams": a coach opens their own squad
    (and the first page draws one team, not the whole club). The choice is remembered across pages."""
    if len(teams) <= 1:
        return int(teams["team_id"].iloc[0]) if len(teams) == 1 else None
    options: list[int | None] = [None, *teams["team_id"].astype(int).tolist()]
    names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))
    remembered = TEAM_KEY in st.session_state
    current = _as_id(st.session_state.get(TEAM_KEY))
    choice = st.selectbox(
        label,
        options,
        index=options.index(current) if remembered and current in options else 1,
        format_func=lambda t: "All teams" if t is None else names[t],
    )
    st.session_state[TEAM_KEY] = choice
    return choice


def athlete_picker(athletes: pd.DataFrame, label: str = "Athlete", first: int | None = None) -> int | None:
    """An athlete id from `athletes` (the user's scope, from a scoped loader), remembered across pages.

    The remembered id (session state) and a `?athlete=` link are only used when they name an athlete of
    `athletes`; otherwise `first` (e.g. the top of the therapist's caseload) is picked when it is one of
    them, else the alphabetically first. The link is consumed (removed from the URL) so it does not
    override the user's later choices."""
    if athletes.empty:
        return None
    ordered = athletes.sort_values(["display_name"])
    options = ordered["athlete_id"].astype(int).tolist()
    names = {
        int(a): f"{n} · {t}"
        for a, n, t in zip(ordered["athlete_id"], ordered["display_name"], ordered["team"], strict=True)
    }
    current = _as_id(st.session_state.get(ATHLETE_KEY))
    if current not in options:
        current = first
    if ATHLETE_PARAM in st.query_params:
        linked = _as_id(st.query_params.get(ATHLETE_PARAM))
        del st.query_params[ATHLETE_PARAM]
        if linked in options:
            current = linked
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
    start, end = _as_range(st.session_state.get(RANGE_KEY)) or (start_default, end_default)
    picked = st.date_input(label, value=(start, end), format="YYYY-MM-DD")
    if isinstance(picked, tuple) and len(picked) == 2:
        start, end = picked
    st.session_state[RANGE_KEY] = (start, end)
    return start, end


@dataclass(frozen=True)
class RecordTarget:
    """The athlete a therapist's entry form writes for, and the context the form needs."""

    athlete_id: int
    name: str
    today: dt.date
    scope: list[int]


def record_target(user_id: int, role: str, who_records: str) -> RecordTarget:
    """Stop the page unless the user is a therapist with athletes in scope; otherwise the picked athlete,
    their name, today's date in their team's time zone and the ids the user may write for."""
    from data.time_zones import today_in
    from ui import loaders

    if role != "therapist":
        st.info(f"{who_records} are recorded by therapists.")
        st.stop()
    athletes = loaders.scope_athletes(user_id)
    if athletes.empty:
        st.info("No athletes in your scope yet. Ask an admin to assign you to a team.")
        st.stop()
    athlete_id = athlete_picker(athletes, first=top_of_caseload(user_id))
    athlete = athletes.loc[athletes["athlete_id"] == athlete_id].iloc[0]
    teams = loaders.scope_teams(user_id)
    timezone = teams.loc[teams["team_id"] == athlete["team_id"], "timezone"]
    return RecordTarget(
        athlete_id=int(athlete_id),
        name=str(athlete["display_name"]),
        today=today_in(timezone.iloc[0] if not timezone.empty else "UTC"),
        scope=athletes["athlete_id"].astype(int).tolist(),
    )


def top_of_caseload(user_id: int) -> int | None:
    """The athlete at the top of the therapist's *Caseload* (the one needing attention first), the
    default of the therapist's athlete pickers; None without any."""
    from ui import loaders

    board = loaders.caseload(user_id).board
    return int(board["athlete_id"].iloc[0]) if not board.empty else None
