"""Cached loaders: the one place pages read data through. Cleared after every write.

Every loader takes the signed-in user's id and reads through `data/scoped.py` with that user's
`Viewer`, so the scope (which athletes, which fields) is decided in `data/`. The Viewer is read afresh
from the database on every call from a page (`viewer_of`: one small query, never cached), and the
loaders keyed by user (`scoped_cache`) are cached under the user's id AND that scope (role, athlete,
teams): one user's cached frame is never served to another, and a frame cached before a user's scope
changed (an admin moved a coach to another team, from any process) is never served after it.
Requested athlete ids outside the user's scope are dropped, whatever a widget asked for; no loader
calls `data.queries` directly.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import streamlit as st

from analytics import soreness
from data import access, scoped
from ui.session import USER_KEY, engine

TTL_SECONDS = 300

Ids = tuple[int, ...] | None
P = ParamSpec("P")
R = TypeVar("R")

#: The Viewer a scoped loader is computing for (set while its body runs), so the loaders and reads it
#: calls use the scope it is cached under instead of reading the user again.
_COMPUTING_FOR: contextvars.ContextVar[access.Viewer | None] = contextvars.ContextVar("computing_for", default=None)


def clear() -> None:
    """Drop every cached frame; call after any write so the next read shows it."""
    st.cache_data.clear()


def ids(values: Iterable[int] | None) -> Ids:
    """A hashable, sorted athlete-id key for the loaders (None = everyone in scope)."""
    return None if values is None else tuple(sorted({int(v) for v in values}))


def viewer_of(user_id: int) -> access.Viewer | None:
    """The active user `user_id` as a Viewer (role, athlete, teams), read from the database on every call:
    a scope held in a process's cache would outlive a change made by another process (an admin moving a
    coach to another team), so it is never cached."""
    return access.viewer(engine(), user_id)


def _viewer(user_id: int) -> access.Viewer:
    computing = _COMPUTING_FOR.get()
    if computing is not None and computing.user_id == user_id:
        return computing
    who = viewer_of(user_id)
    if who is None:
        raise PermissionError("the session's user is no longer active")
    return who


def scope_key(who: access.Viewer) -> tuple[Any, ...]:
    """The hashable scope a scoped loader's cache is keyed by: user id, username, role, athlete, teams."""
    return (who.user_id, who.username, who.role, who.athlete_id, tuple(who.team_ids))


def scoped_cache(function: Callable[P, R]) -> Callable[P, R]:
    """`st.cache_data` for a loader whose first argument is the user's id, keyed by the user's scope too.

    Each call reads the user's Viewer afresh (`viewer_of`; inside another scoped loader, the Viewer
    that loader is computing for) and looks up the cache under (user id, `scope_key`, the arguments),
    so a change of role, team or athlete takes effect on the next run in every process."""

    def computed(user_id: int, scope: tuple[Any, ...], *args: Any, **kwargs: Any) -> R:
        token = _COMPUTING_FOR.set(access.Viewer(*scope[:4], team_ids=tuple(scope[4])))
        try:
            return function(user_id, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            _COMPUTING_FOR.reset(token)

    # Streamlit keys a function's cache by its qualified name (and source): one cache per loader.
    computed.__qualname__ = function.__qualname__
    computed.__name__ = function.__name__
    cached = st.cache_data(ttl=TTL_SECONDS, show_spinner=False)(computed)

    def loader(user_id: int, *args: Any, **kwargs: Any) -> R:
        return cached(user_id, scope_key(_viewer(user_id)), *args, **kwargs)

    loader.__qualname__, loader.__name__, loader.__doc__ = function.__qualname__, function.__name__, function.__doc__
    loader.__module__ = function.__module__
    loader.clear = cached.clear  # type: ignore[attr-defined]
    return loader  # type: ignore[return-value]


@scoped_cache
def scope_athletes(user_id: int) -> pd.DataFrame:
    """The athletes the user may see."""
    return scoped.athletes(engine(), _viewer(user_id))


@scoped_cache
def scope_teams(user_id: int) -> pd.DataFrame:
    """The teams the user may see."""
    return scoped.teams(engine(), _viewer(user_id))


@scoped_cache
def scope_counts(user_id: int) -> dict[str, int]:
    """Row counts of each time series within the user's scope."""
    return scoped.record_counts(engine(), _viewer(user_id))


@scoped_cache
def checkins(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    return scoped.checkins(engine(), _viewer(user_id), athlete_ids, start, end)


@scoped_cache
def pain(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    return scoped.pain_reports(engine(), _viewer(user_id), athlete_ids, start, end)


@scoped_cache
def therapy(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Therapy sessions; clinical notes only for therapists and admins."""
    return scoped.therapy_sessions(engine(), _viewer(user_id), athlete_ids, start, end)


@scoped_cache
def rom(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    return scoped.rom_measurements(engine(), _viewer(user_id), athlete_ids, start, end)


@scoped_cache
def injuries(user_id: int, athlete_ids: Ids = None) -> pd.DataFrame:
    """Every injury of the athletes (not date-filtered: recurrence needs the history); notes per role."""
    return scoped.injuries(engine(), _viewer(user_id), athlete_ids)


@scoped_cache
def training(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    return scoped.training_sessions(engine(), _viewer(user_id), athlete_ids, start, end)


@scoped_cache
def ostrc(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    return scoped.ostrc_responses(engine(), _viewer(user_id), athlete_ids, start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def norms() -> pd.DataFrame:
    return scoped.rom_norms(engine())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def last_data_day() -> dt.date | None:
    """The newest day with any check-in, pain report or training session."""
    return scoped.newest_data_day(engine())


@scoped_cache
def recent_checkin_summary(user_id: int, days: int = 7) -> pd.DataFrame:
    """Per day of the last `days` days: athletes checked in, compliance and the soreness distribution."""
    last = last_data_day()
    if last is None:
        return pd.DataFrame()
    recent = checkins(user_id, None, last - dt.timedelta(days=days - 1), last)
    compliance = soreness.daily_compliance(
        recent, scope_athletes(user_id), start=last - dt.timedelta(days=days - 1), end=last
    )
    spread = soreness.team_soreness(recent)
    summary = compliance.merge(spread, on="date", how="left")
    return summary.assign(date=summary["date"].dt.date)[
        ["date", "n_checked_in", "compliance", "soreness_score_median", "share_sore"]
    ].sort_values("date", ascending=False)


def between(frame: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The rows of a dated frame from `start` to `end` (inclusive), renumbered as a read of those dates is."""
    dates = frame["date"].to_numpy()
    keep = np.flatnonzero((dates >= np.datetime64(start, "ns")) & (dates <= np.datetime64(end, "ns")))
    return frame.take(keep).reset_index(drop=True)


def _signed_in_id(user_id: int | None) -> int:
    """`user_id`, or the session's signed-in user for the directory loaders the admin screens call
    without one (the cached loader below is still keyed by the resolved id)."""
    if user_id is None:
        user_id = st.session_state.get(USER_KEY)
    if user_id is None:
        raise PermissionError("nobody is signed in")
    return int(user_id)


@scoped_cache
def scope_users(user_id: int) -> pd.DataFrame:
    """The user directory the user may read (`data.scoped.users`): everyone for an admin, else their own row."""
    return scoped.users(engine(), _viewer(user_id))


def all_users(user_id: int | None = None) -> pd.DataFrame:
    """Every user the (signed-in) user may read: the whole directory for an admin."""
    return scope_users(_signed_in_id(user_id))


def all_teams(user_id: int | None = None) -> pd.DataFrame:
    """Every team the (signed-in) user may see: all teams for an admin."""
    return scope_teams(_signed_in_id(user_id))


# --------------------------------------------------------------------------- coach screens (Team today, Team trends)

#: Days of pain, check-ins, ROM and OSTRC read before "today" for the today board's flags (baselines
#: of 28 days, persistent-pain runs, the 28-day ROM and 14-day OSTRC windows all fit in it).
FLAG_LOOKBACK_DAYS = 120


@scoped_cache
def open_flags_on(user_id: int, athlete_ids: Ids, day: dt.date) -> pd.DataFrame:
    """The flags raised on `day` (`analytics.flags.compute_flags`) for the athletes in scope,
    less those a therapist has closed (`analytics.flags.open_flags`)."""
    from analytics import flags

    people = scope_athletes(user_id)
    if athlete_ids is not None:
        people = people[people["athlete_id"].isin(athlete_ids)]
    who = ids(people["athlete_id"])
    first = day - dt.timedelta(days=FLAG_LOOKBACK_DAYS)
    raised = flags.compute_flags(
        as_of=day,
        pain_reports=pain(user_id, who, first, day),
        wellness_checkins=checkins(user_id, who, first, day),
        injuries=injuries(user_id, who),
        rom_measurements=rom(user_id, who, first, day),
        ostrc_responses=ostrc(user_id, who, first, day),
        athletes=people,
        rom_norms=norms(),
    )
    return flags.open_flags(raised, scoped.flag_reviews(engine(), _viewer(user_id), who))


COACH_LOOKBACK_DAYS = 120


@scoped_cache
def coach_team_athletes(user_id: int, team_id: int | None) -> pd.DataFrame:
    """The athletes of one team in the user's scope (every team in scope when `team_id` is None)."""
    athletes = scope_athletes(user_id)
    if team_id is None:
        return athletes
    return athletes[athletes["team_id"] == team_id].reset_index(drop=True)


@scoped_cache
def coach_today(user_id: int, team_id: int | None, day: dt.date) -> dict[str, object]:
    """Everything *Team today* shows for one team on `day`: availability board and counts, open flags
    (closed ones removed), compliance, the 28-day soreness matrix and today's / this week's regional pain."""
    from analytics import availability

    athletes = coach_team_athletes(user_id, team_id)
    team = ids(athletes["athlete_id"])
    first = day - dt.timedelta(days=COACH_LOOKBACK_DAYS)
    wellness = checkins(user_id, team, first, day)
    reports = pain(user_id, team, first, day)
    injured = injuries(user_id, team)
    board = availability.availability_board(wellness, athletes, injured, reports, day)
    board_flags = availability.flag_board(open_flags_on(user_id, team, day), athletes)
    monday = day - dt.timedelta(days=day.weekday())
    daily = soreness.region_pain_share(reports, wellness, freq="D")
    weekly = soreness.region_pain_share(reports, wellness, freq="W")
    return {
        "board": board,
        "counts": availability.availability_counts(board),
        "flags": board_flags,
        "flag_counts": availability.flag_counts(board_flags),
        "compliance": availability.compliance_summary(wellness, athletes, day),
        "soreness": availability.named_matrix(soreness.soreness_matrix(wellness, 28, day, athletes), athletes),
        "pain_today": daily[daily["period_start"] == pd.Timestamp(day)].reset_index(drop=True),
        "pain_week": weekly[weekly["period_start"] == pd.Timestamp(monday)].reset_index(drop=True),
    }


@scoped_cache
def coach_trends(user_id: int, team_id: int | None, start: dt.date, end: dt.date) -> dict[str, object]:
    """Everything *Team trends* shows for one team and date range, except the per-athlete load:
    soreness distribution, injuries per month and category, recurrence by region, incidence and
    burden, OSTRC weekly prevalence. Injuries are classified on the full history, then filtered."""
    from analytics import availability, recurrence, surveillance

    athletes = coach_team_athletes(user_id, team_id)
    team = ids(athletes["athlete_id"])
    classified = recurrence.classify_injuries(injuries(user_id, team))
    in_range = availability.injuries_between(classified, start, end)
    answers = ostrc(user_id, team, start, end)
    wellness = checkins(user_id, team, start, end)
    return {
        "soreness": soreness.team_soreness(wellness),
        "soreness_weekly": availability.weekly_soreness(wellness),
        "per_month": availability.injuries_per_month(classified, start, end),
        "by_region": recurrence.recurrence_rate(in_range, by=["body_region"]),
        "surveillance": availability.surveillance_summary(classified, training(user_id, team, start, end), start, end),
        "ostrc": surveillance.weekly_prevalence(answers) if not answers.empty else pd.DataFrame(),
    }


@scoped_cache
def coach_load(user_id: int, athlete_id: int, start: dt.date, end: dt.date, method: str) -> pd.DataFrame:
    """One athlete's daily load (AU) and ACWR by `method` from `start` to `end`; read from 27 days
    before `start` so the first day's windows are full (check-in days are rest days at 0)."""
    from analytics import availability

    first = start - dt.timedelta(days=27)
    who = ids([athlete_id])
    sessions = training(user_id, who, first, end)
    return availability.load_and_acwr(sessions, checkins(user_id, who, first, end), start, end, method)


# --------------------------------------------------------------------------- athlete entries and admin (issue 4)


@scoped_cache
def own_athlete(user_id: int) -> dict[str, object] | None:
    """The signed-in athlete's own record with the team's time zone (athlete_id, display_name, team_id,
    team, timezone), or None for a user who is not linked to an athlete. Read from the user's scope,
    never from a widget."""
    who = _viewer(user_id)
    if who.role != "athlete" or who.athlete_id is None:
        return None
    mine = scoped.athletes(engine(), who, (who.athlete_id,))
    if mine.empty:
        return None
    row = mine.iloc[0]
    zones = scoped.teams(engine(), who, [int(row["team_id"])])
    timezone = str(zones["timezone"].iloc[0]) if not zones.empty else "UTC"
    return {
        "athlete_id": int(row["athlete_id"]),
        "display_name": str(row["display_name"]),
        "team_id": int(row["team_id"]),
        "team": str(row["team"]),
        "timezone": timezone,
    }


@scoped_cache
def ostrc_weeks(user_id: int, athlete_id: int, last_week: dt.date, weeks: int = 8) -> pd.DataFrame:
    """One row per week (Monday) of the `weeks` weeks up to `last_week`: week_start, answered, q1-q4,
    severity (0-100), problem, substantial (Clarsen et al. 2013, 2020, via analytics.surveillance).
    Weeks without an answer have answered=False and missing scores."""
    from analytics import surveillance

    first = last_week - dt.timedelta(weeks=weeks - 1)
    answers = ostrc(user_id, ids([athlete_id]), first, last_week)
    scored = answers.assign(
        severity=surveillance.ostrc_severity(answers["q1"], answers["q2"], answers["q3"], answers["q4"]),
        problem=surveillance.ostrc_problem(answers["q1"], answers["q2"], answers["q3"], answers["q4"]),
        substantial=surveillance.ostrc_substantial(answers["q1"], answers["q2"], answers["q3"], answers["q4"]),
    ).drop(columns="athlete_id")
    calendar = pd.DataFrame({"week_start": pd.date_range(first, periods=weeks, freq="7D").astype("datetime64[ns]")})
    frame = calendar.merge(scored, on="week_start", how="left")
    frame["answered"] = frame["severity"].notna()
    for column in ("q1", "q2", "q3", "q4", "severity"):
        frame[column] = frame[column].astype("Int64")
    frame["problem"] = frame["problem"].astype("boolean")
    frame["substantial"] = frame["substantial"].astype("boolean")
    return frame


def user_directory(user_id: int | None = None) -> pd.DataFrame:
    """Every user for the admin screen (`directory_of_users`), read as the (signed-in) user."""
    return directory_of_users(_signed_in_id(user_id))


@scoped_cache
def directory_of_users(user_id: int) -> pd.DataFrame:
    """Every user the user may read (an admin: everyone): user_id, username, role, active, team_ids, teams
    (what the user sees: "every team" for an admin, the athlete's team for an athlete, the assigned team
    names for a coach or therapist), athlete_id, athlete (the linked athlete's name, "" when none), created_at."""
    users = scope_users(user_id)
    teams = scope_teams(user_id)
    names = dict(zip(teams["team_id"].astype(int), teams["name"], strict=True))
    athletes = scope_athletes(user_id)
    athlete_names = dict(zip(athletes["athlete_id"].astype(int), athletes["display_name"], strict=True))
    athlete_teams = dict(zip(athletes["athlete_id"].astype(int), athletes["team"], strict=True))

    def team_text(role: str, team_ids: list[int], athlete_id: object) -> str:
        if role == "admin":
            return "every team"
        if role == "athlete":
            return athlete_teams.get(int(athlete_id), "") if pd.notna(athlete_id) else ""
        return ", ".join(sorted(names.get(t, f"#{t}") for t in team_ids)) or "no team yet"

    return users.assign(
        teams=[
            team_text(r, t, a) for r, t, a in zip(users["role"], users["team_ids"], users["athlete_id"], strict=True)
        ],
        athlete=users["athlete_id"].map(lambda a: athlete_names.get(int(a), f"#{a}") if pd.notna(a) else ""),
    )


def team_directory(user_id: int | None = None) -> pd.DataFrame:
    """Every team for the admin screen (`directory_of_teams`), read as the (signed-in) user."""
    return directory_of_teams(_signed_in_id(user_id))


@scoped_cache
def directory_of_teams(user_id: int) -> pd.DataFrame:
    """Every team the user may see (an admin: every team): team_id, name, sport, timezone, athletes
    (active athletes), staff (the coaches and therapists assigned, comma separated)."""
    teams = scope_teams(user_id)
    athletes = scope_athletes(user_id)
    counts = athletes[athletes["active"]].groupby("team_id").size()
    users = scope_users(user_id)
    staff = users[users["role"].isin(["coach", "therapist"]) & users["active"]].explode("team_ids")
    staff_names = staff.groupby("team_ids")["username"].agg(lambda names: ", ".join(sorted(names)))
    return teams.assign(
        athletes=teams["team_id"].map(counts).fillna(0).astype(int),
        staff=teams["team_id"].map(staff_names).fillna(""),
    )


def all_athletes(user_id: int | None = None) -> pd.DataFrame:
    """Every athlete the (signed-in) user may see (admin screens: every athlete): athlete_id, team_id,
    team, display_name, external_id, ..., active."""
    return scope_athletes(_signed_in_id(user_id))


# --- the therapist's entry forms (pages/log_session.py, pages/record_rom.py, pages/injuries.py)


@scoped_cache
def injury_register(user_id: int, athlete_id: int, as_of: dt.date) -> pd.DataFrame:
    """One athlete's injuries, open first, with recurrence category and days out (`ui.forms.injury_register`)."""
    from ui import forms

    return forms.injury_register(injuries(user_id, ids([athlete_id])), as_of)


@scoped_cache
def session_log(user_id: int, athlete_id: int, as_of: dt.date, limit: int = 10) -> pd.DataFrame:
    """One athlete's last therapy sessions with the ROM measured around them (`ui.forms.session_log`)."""
    from ui import forms

    key = ids([athlete_id])
    return forms.session_log(
        therapy(user_id, key), rom(user_id, key), injury_register(user_id, athlete_id, as_of), limit
    )


@scoped_cache
def rom_overview(user_id: int, athlete_id: int) -> pd.DataFrame:
    """One athlete's latest ROM per measure, left vs right and against the norm (`ui.forms.rom_overview`)."""
    from ui import forms

    key = ids([athlete_id])
    return forms.rom_overview(rom(user_id, key), injuries(user_id, key), norms())


# --- the therapist's caseload and athlete progress, the athlete's own recovery (pages/caseload.py,
# pages/athlete_progress.py, pages/my_recovery.py)

#: Days of pain read for the chronic-pain mark (IASP: reported in most of the last 12 weeks).
CHRONIC_DAYS = 84


@scoped_cache
def caseload_open_flags(user_id: int, athlete_ids: Ids = None) -> pd.DataFrame:
    """Today's flags (`analytics.flags.compute_flags` on the newest data day) that no therapist has
    closed, with severity, label and region words (`analytics.caseload.describe_flags`)."""
    from analytics import caseload, flags

    day = last_data_day()
    if day is None:
        return caseload.describe_flags(flags.compute_flags(as_of=dt.date.today()))
    return caseload.describe_flags(open_flags_on(user_id, athlete_ids, day))


@scoped_cache
def caseload_board(user_id: int) -> pd.DataFrame:
    """The caseload (`analytics.caseload.caseload`): athletes in scope with an open injury or an open
    flag on the newest data day, in attention order, with current pain, trend, chronic mark and last
    session."""
    from analytics import caseload, recovery

    day = last_data_day()
    if day is None:
        return pd.DataFrame()
    people = scope_athletes(user_id)
    open_flags = caseload_open_flags(user_id)
    injured = injuries(user_id)
    listed = set(caseload.open_injuries(injured, day)["athlete_id"]) | set(open_flags["athlete_id"])
    who = ids(listed)
    reports = pain(user_id, who, day - dt.timedelta(days=CHRONIC_DAYS - 1), day)
    chronic = recovery.chronic_pain(reports, as_of=day) if not reports.empty else None
    return caseload.caseload(people, injured, open_flags, reports, therapy(user_id, who), chronic, day)


@scoped_cache
def progress_team_episodes(user_id: int, team_id: int) -> pd.DataFrame:
    """Every injury episode of one team in the user's scope (`analytics.recovery.recovery_episodes`
    on the whole history, censored at the newest data day), for the athlete-vs-team Kaplan-Meier."""
    from analytics import recovery

    people = scope_athletes(user_id)
    members = people[people["team_id"] == team_id]
    team = ids(members["athlete_id"])
    day = last_data_day() or dt.date.today()
    return recovery.recovery_episodes(injuries(user_id, team), pain(user_id, team), as_of=day, athletes=members)


#: The next check-in after a therapy session counts for "held" within this many days.
RESPONSE_DAYS = 7


@scoped_cache
def progress_frames(user_id: int, athlete_id: int, start: dt.date, end: dt.date) -> dict[str, object]:
    """Everything *Athlete progress* draws for one athlete and date range, computed once per key:
    pain trend, classified injuries, ROM history and symmetry, episodes with category and recovery,
    Kaplan-Meier against the athlete's team, treatment response, chronic pain, open flags."""
    from analytics import caseload, recovery, recurrence
    from analytics.rom import rom_symmetry

    me = ids([athlete_id])
    people = scope_athletes(user_id)
    athlete = people[people["athlete_id"] == athlete_id]
    day = last_data_day() or end
    after = end + dt.timedelta(days=RESPONSE_DAYS)
    # One read per table, over the dates shown and the flags' look-back: with the default dates it is
    # the very key `open_flags_on` reads, so the flags below cost no query. Pain and check-ins are read
    # up to the newest data day, which counts them (nothing is newer); each use takes its dates from it.
    first = min(start, day - dt.timedelta(days=FLAG_LOOKBACK_DAYS))
    all_reports = pain(user_id, me, first, day)
    all_wellness = checkins(user_id, me, first, day)
    all_measured = rom(user_id, me, first, max(end, day))
    reports = between(all_reports, start, after)
    shown = between(all_reports, start, end)
    sessions = therapy(user_id, me, start, end)
    injured = injuries(user_id, me)
    measured = between(all_measured, start, end)
    team_episodes = (
        progress_team_episodes(user_id, int(athlete["team_id"].iloc[0])) if not athlete.empty else pd.DataFrame()
    )
    name = str(athlete["display_name"].iloc[0]) if not athlete.empty else "This athlete"
    team = f"{athlete['team'].iloc[0]} (all)" if not athlete.empty else "Team"
    curves, medians = (
        caseload.km_athlete_vs_team(team_episodes, athlete_id, athlete_label=name, team_label=team)
        if not team_episodes.empty
        else (pd.DataFrame(), pd.DataFrame())
    )
    summary = pd.DataFrame()
    if not sessions.empty:
        responses = recovery.session_response(
            sessions, reports, between(all_wellness, start, after), max_gap_days=RESPONSE_DAYS
        )
        rom_changes = recovery.session_rom_change(measured, norms()) if not measured.empty else None
        summary = recovery.treatment_summary(responses, rom_changes, by=("technique",))
    recent = between(all_reports, day - dt.timedelta(days=CHRONIC_DAYS - 1), day)
    classified = recurrence.classify_injuries(injured) if not injured.empty else injured
    return {
        "athlete_name": name,
        "shown_reports": shown,
        "trend": recovery.pain_trend(shown) if not shown.empty else shown,
        "sessions": sessions,
        "injuries": classified,
        "open_injuries": len(caseload.open_injuries(injured, day)),
        "episodes": (
            caseload.episode_table(injured, team_episodes, day, classified=classified)
            if not injured.empty
            else pd.DataFrame()
        ),
        "history": caseload.rom_history(measured, norms()) if not measured.empty else pd.DataFrame(),
        "symmetry": (
            caseload.symmetry_table(rom_symmetry(measured, injured, norms())) if not measured.empty else pd.DataFrame()
        ),
        "km_curves": curves,
        "km_medians": medians,
        "treatment": summary,
        "chronic_where": caseload.chronic_words(recovery.chronic_pain(recent, as_of=day)) if not recent.empty else "",
        "flags": caseload_open_flags(user_id, me),
    }


@scoped_cache
def recovery_frames(user_id: int, start: dt.date, end: dt.date) -> dict[str, object]:
    """Everything *My recovery* shows to the signed-in athlete (their scope is only themself): the pain and
    ROM sentences, what changed since last week, open flags in friendly words, and the chart frames."""
    from analytics import caseload, recovery, recurrence
    from analytics.rom import rom_status, rom_symmetry

    day = last_data_day() or end
    reports = pain(user_id, None, start, end)
    measured = rom(user_id, None, start, end)
    injured = injuries(user_id)
    first = day - dt.timedelta(days=2 * caseload.TREND_DAYS - 1)
    status = rom_status(caseload.rom_since_injury(measured, injured, start), norms()) if not measured.empty else None
    return {
        "pain_sentences": caseload.pain_sentences(reports, end, start) if not reports.empty else [],
        "rom_sentences": (
            caseload.rom_sentences_ordered(status, rom_symmetry(measured, injured, norms()))
            if status is not None
            else []
        ),
        "week": caseload.week_changes(
            pain(user_id, None, first, day),
            checkins(user_id, None, first, day),
            therapy(user_id, None, first, day),
            day,
        ),
        "week_window": caseload.week_window(day),
        "flags": caseload.athlete_flag_messages(caseload_open_flags(user_id)),
        "trend": recovery.pain_trend(reports) if not reports.empty else reports,
        "sessions": therapy(user_id, None, start, end),
        "injuries": recurrence.classify_injuries(injured) if not injured.empty else injured,
        "history": caseload.rom_history(measured, norms()) if not measured.empty else pd.DataFrame(),
    }


# --- the progress report (ui/report.py; pages/athlete_progress.py, pages/my_recovery.py)


@scoped_cache
def progress_report_frames(user_id: int, athlete_id: int, start: dt.date, end: dt.date) -> dict[str, object]:
    """What the progress report prints for one athlete and date range: `progress_frames` (the frames of
    *Athlete progress*, in the user's scope; notes only for those who see clinical notes) with the plain
    pain and ROM sentences of *My recovery* and the ROM status table (`ui.report.summary_sentences`)."""
    from ui import report

    me = ids([athlete_id])
    sentences = report.summary_sentences(
        pain(user_id, me, start, end), rom(user_id, me, start, end), injuries(user_id, me), norms(), start, end
    )
    return {**progress_frames(user_id, athlete_id, start, end), **sentences}
