"""Cached loaders: the one place pages read data through. Cleared after every write.

Every loader takes the signed-in user's id and reads through `data/scoped.py` with that user's
`Viewer`, so the scope (which athletes, which fields) is decided in `data/`. The Viewer is read afresh
from the database on every call from a page (`viewer_of`: one small query, never cached), and the
loaders keyed by user (`scoped_cache`) are cached under the user's id AND that scope (role, athlete,
teams): one user's cached frame is never served to another, and a frame cached before a user's scope
changed (an admin moved a coach to another team, from any process) is never served after it.
Requested athlete ids outside the user's scope are dropped, whatever a widget asked for; no loader
calls `data.queries` directly.

The screens are the views' (`views/`): each screen's loader is a thin cached wrapper that calls its view
with `CachedReader`, the `views.reader.Reader` whose every table read is one of the cached loaders here,
so a table read by several screens is read once. *Athlete progress* and the team episodes it shares read
through `ScreenReader` instead: their reads are their own, and caching them one by one cost more than it
saved.

Replicas agree (issue 18): every cached loader is also keyed by the database's data version
(`data.data_version`), which every committed write of the club's data moves on, in the same transaction,
whichever process made it. A loader called from a page reads the version afresh (one primary-key read;
inside another cached loader, the version that loader is computing under), so a page run that starts after
another replica's write misses the frames cached before it and reads the new data. The first time a
process sees a newer version it also drops its whole cache (`_forget_frames_before`): the frames of the
older versions would never be served again, only held until their TTL. A frame computed from older data
while a write commits is stored under the version read before it, so it is never served after the write.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from data import access, data_version, scoped
from ui.session import USER_KEY, engine
from views.reader import Ids, ScopedReader
from views.reader import ids as ids  # the pages build their id tuples with it

if TYPE_CHECKING:
    from analytics.workload import Method
    from views.athlete_progress import AthleteProgress
    from views.caseload import Caseload
    from views.flag_performance import FlagPerformance
    from views.my_recovery import MyRecovery
    from views.overview import Attention, Failures
    from views.progress_report import ProgressReport
    from views.return_to_sport import MyStage
    from views.surveillance_report import SurveillanceReport
    from views.team_today import TeamToday
    from views.team_trends import AthleteLoad, TeamTrends

TTL_SECONDS = 300

P = ParamSpec("P")
R = TypeVar("R")

#: The Viewer a scoped loader is computing for (set while its body runs), so the loaders and reads it
#: calls use the scope it is cached under instead of reading the user again.
_COMPUTING_FOR: contextvars.ContextVar[access.Viewer | None] = contextvars.ContextVar("computing_for", default=None)
#: The data version a cached loader is computing under (set while its body runs), for the loaders it calls.
_COMPUTING_AT: contextvars.ContextVar[int | None] = contextvars.ContextVar("computing_at", default=None)


def clear() -> None:
    """Drop every cached frame of this process at once; call after any write. (The write itself moved the
    data version on, so the other processes' pages miss their older frames at their next run anyway.)"""
    st.cache_data.clear()


class _Newest:
    """The newest data version this process has seen (None before the first read)."""

    lock = threading.Lock()
    version: int | None = None


def _forget_frames_before(version: int) -> None:
    """Drop the whole cache the first time this process sees `version` newer than any before."""
    with _Newest.lock:
        newer = _Newest.version is not None and version > _Newest.version
        if _Newest.version is None or newer:
            _Newest.version = version
    if newer:
        st.cache_data.clear()


def _version() -> int:
    """The data version a loader's cache is keyed by: the one the calling loader computes under, else read
    from the database now."""
    computing = _COMPUTING_AT.get()
    if computing is not None:
        return computing
    version = data_version.current(engine())
    _forget_frames_before(version)
    return version


#: The argument types a loader takes: each one's `repr` is exact and tells the types apart, so the `repr` of a
#: call's arguments is its cache key (`call_key`).
PLAIN_TYPES = (bool, int, float, str, type(None), dt.date, dt.datetime, dt.time, dt.timedelta)


def call_key(value: Any) -> str:
    """The cache key of a loader's arguments: their `repr`, once every value in them (through tuples, lists
    and dicts) is one of `PLAIN_TYPES`; TypeError otherwise, so a loader never shares a key between calls.

    Streamlit's own hashing walks a team's 40 athlete ids one by one, at every call, hit or miss: a cold
    *Athlete progress* makes 38 cached calls, and keying them so took it from 227 to 219 ms."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, tuple | list):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif not isinstance(item, PLAIN_TYPES):
            raise TypeError(f"a cached loader's argument of type {type(item).__name__} has no exact key")
    return repr(value)


def _cache_of(function: Callable[..., Any], computed: Callable[..., R]) -> Callable[..., R]:
    """`computed` under `st.cache_data`, named as the loader `function` (Streamlit keys a function's cache by
    its qualified name and source, so each loader has a cache of its own) and keyed by `call_key` of its
    arguments: the arguments themselves are passed under a name starting with "_", which Streamlit does not
    hash."""

    def cached_call(key: str, _arguments: tuple[tuple[Any, ...], dict[str, Any]]) -> R:
        args, kwargs = _arguments
        return computed(*args, **kwargs)

    cached_call.__qualname__, cached_call.__name__ = function.__qualname__, function.__name__
    cached = st.cache_data(ttl=TTL_SECONDS, show_spinner=False)(cached_call)

    def call(*args: Any, **kwargs: Any) -> R:
        return cached(call_key((args, kwargs)), (args, kwargs))

    call.clear = cached.clear  # type: ignore[attr-defined]
    return call


def versioned_cache(function: Callable[P, R]) -> Callable[P, R]:
    """`st.cache_data` for a loader that does not depend on the user, keyed by the data version too."""

    def computed(version: int, *args: Any, **kwargs: Any) -> R:
        token = _COMPUTING_AT.set(version)
        try:
            return function(*args, **kwargs)
        finally:
            _COMPUTING_AT.reset(token)

    cached = _cache_of(function, computed)

    @functools.wraps(function)
    def loader(*args: Any, **kwargs: Any) -> R:
        return cached(_version(), *args, **kwargs)

    loader.clear = cached.clear  # type: ignore[attr-defined]
    return loader  # type: ignore[return-value]


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
    that loader is computing for) and the data version (`_version`), and looks up the cache under
    (user id, `scope_key`, data version, the arguments), so a change of role, team or athlete, and any
    write, takes effect on the next run in every process."""

    def computed(user_id: int, scope: tuple[Any, ...], version: int, *args: Any, **kwargs: Any) -> R:
        token = _COMPUTING_FOR.set(access.Viewer(*scope[:4], team_ids=tuple(scope[4])))
        at = _COMPUTING_AT.set(version)
        try:
            return function(user_id, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            _COMPUTING_AT.reset(at)
            _COMPUTING_FOR.reset(token)

    cached = _cache_of(function, computed)

    @functools.wraps(function)
    def loader(user_id: int, *args: Any, **kwargs: Any) -> R:
        return cached(user_id, scope_key(_viewer(user_id)), _version(), *args, **kwargs)

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
def health_problems(
    user_id: int, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
) -> pd.DataFrame:
    """Every health problem (injuries and illnesses) of the athletes with onset in the range; the diagnosis
    and notes only for therapists and admins (`data.scoped.health_problems`)."""
    return scoped.health_problems(engine(), _viewer(user_id), athlete_ids, start, end)


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


@scoped_cache
def flag_reviews(user_id: int, athlete_ids: Ids = None) -> pd.DataFrame:
    """The flags a therapist has closed; the closing note only for therapists and admins."""
    return scoped.flag_reviews(engine(), _viewer(user_id), athlete_ids)


@scoped_cache
def flag_rules(user_id: int) -> pd.DataFrame:
    """The stored flag thresholds of the teams the user may see (`data.scoped.flag_rules`)."""
    return scoped.flag_rules(engine(), _viewer(user_id))


@versioned_cache
def norms() -> pd.DataFrame:
    return scoped.rom_norms(engine())


@versioned_cache
def last_data_day() -> dt.date | None:
    """The newest day with any check-in, pain report or training session."""
    return scoped.newest_data_day(engine())


@scoped_cache
def attention(user_id: int, today: dt.date) -> Attention:
    """What the admin should look at (`views.overview.attention`)."""
    from views.overview import attention

    return attention(CachedReader(user_id), today)


def recent_checkin_summary(user_id: int, days: int = 7) -> pd.DataFrame:
    """Per day of the last `days` days: athletes checked in, compliance and the soreness distribution
    (`views.overview.recent_checkins`)."""
    from views.overview import recent_checkins

    return recent_checkins(CachedReader(user_id), days)


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


def all_teams(user_id: int | None = None) -> pd.DataFrame:
    """Every team the (signed-in) user may see: all teams for an admin."""
    return scope_teams(_signed_in_id(user_id))


# --------------------------------------------------------------------------- the screens' views


@dataclass(frozen=True)
class CachedReader:
    """`views.reader.Reader` for the user `user_id`: each read is the cached loader of this module, so
    every screen shares the user's cached tables (and their scope)."""

    user_id: int

    def athletes(self) -> pd.DataFrame:
        return scope_athletes(self.user_id)

    def teams(self) -> pd.DataFrame:
        return scope_teams(self.user_id)

    def users(self) -> pd.DataFrame:
        return scope_users(self.user_id)

    def checkins(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return checkins(self.user_id, athlete_ids, start, end)

    def pain(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return pain(self.user_id, athlete_ids, start, end)

    def therapy(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return therapy(self.user_id, athlete_ids, start, end)

    def rom(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return rom(self.user_id, athlete_ids, start, end)

    def training(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return training(self.user_id, athlete_ids, start, end)

    def ostrc(self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
        return ostrc(self.user_id, athlete_ids, start, end)

    def injuries(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return injuries(self.user_id, athlete_ids)

    def health_problems(
        self, athlete_ids: Ids = None, start: dt.date | None = None, end: dt.date | None = None
    ) -> pd.DataFrame:
        return health_problems(self.user_id, athlete_ids, start, end)

    def rts_stages(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return rts_stages(self.user_id, athlete_ids)

    def rts_criteria(self) -> pd.DataFrame:
        return rts_criteria(self.user_id)

    def flag_reviews(self, athlete_ids: Ids = None) -> pd.DataFrame:
        return flag_reviews(self.user_id, athlete_ids)

    def flag_rules(self) -> pd.DataFrame:
        return flag_rules(self.user_id)

    def norms(self) -> pd.DataFrame:
        return norms()

    def newest_day(self) -> dt.date | None:
        return last_data_day()


@dataclass(frozen=True)
class ScreenReader(ScopedReader):
    """`views.reader.Reader` for a screen's own loader, whose result is cached whole: its reads are not
    cached one by one, except the two every page shares, which come from their cached loaders: the
    athletes in the user's scope (`people`, read once for the reader) and the newest data day.

    A cached read costs its key, its pickled copy and Streamlit's bookkeeping, and is worth it only when
    another loader asks for the same rows: a cold *Athlete progress* read through `CachedReader` took
    227 ms, through this 199 ms."""

    user_id: int
    people: pd.DataFrame = field(repr=False, compare=False)

    @classmethod
    def of(cls, user_id: int) -> ScreenReader:
        """The reader of the user `user_id` (their Viewer as the calling loader computes it)."""
        return cls(engine(), _viewer(user_id), user_id, scope_athletes(user_id))

    def athletes(self) -> pd.DataFrame:
        return self.people

    def newest_day(self) -> dt.date | None:
        return last_data_day()


@scoped_cache
def coach_team_athletes(user_id: int, team_id: int | None) -> pd.DataFrame:
    """The athletes of one team in the user's scope (every team in scope when `team_id` is None)."""
    from views.team_today import team_athletes

    return team_athletes(CachedReader(user_id), team_id)


@scoped_cache
def team_today(user_id: int, team_id: int | None, day: dt.date, stages_on: dt.date | None = None) -> TeamToday:
    """*Team today* (`views.team_today`) for one team on `day`, its return-to-sport stages those holding on
    `stages_on` (default `day`; a stage decided after the newest data day holds from its own day)."""
    from views import team_today as view

    return view.team_today(CachedReader(user_id), team_id, day, stages_on)


@scoped_cache
def team_trends(user_id: int, team_id: int | None, start: dt.date, end: dt.date) -> TeamTrends:
    """*Team trends* (`views.team_trends`) for one team and date range, except the per-athlete load."""
    from views import team_trends as view

    return view.team_trends(CachedReader(user_id), team_id, start, end)


@scoped_cache
def athlete_load(user_id: int, athlete_id: int, start: dt.date, end: dt.date, method: Method) -> AthleteLoad:
    """One athlete's daily load and ACWR on *Team trends* (`views.team_trends.athlete_load`)."""
    from views import team_trends as view

    return view.athlete_load(CachedReader(user_id), athlete_id, start, end, method)


@scoped_cache
def rts_stages(user_id: int, athlete_ids: Ids = None) -> pd.DataFrame:
    """The return-to-sport decisions on the athletes' problems, as the user's role may read them
    (`data.scoped.rts_stages`)."""
    return scoped.rts_stages(engine(), _viewer(user_id), athlete_ids)


@scoped_cache
def rts_criteria(user_id: int) -> pd.DataFrame:
    """The club's return-to-sport checklists (`data.scoped.rts_criteria`)."""
    return scoped.rts_criteria(engine())


def my_stages(user_id: int, athlete_id: int, day: dt.date) -> list[MyStage]:
    """*My recovery*'s own stages (`views.return_to_sport.my_stages`)."""
    from views.return_to_sport import my_stages as view

    return view(CachedReader(user_id), athlete_id, day)


@scoped_cache
def surveillance_report(user_id: int, team_id: int | None, start: dt.date, end: dt.date) -> SurveillanceReport:
    """The surveillance report (`views.surveillance_report`) of one team (None: every team in scope) and period."""
    from views.surveillance_report import surveillance_report as view

    return view(CachedReader(user_id), team_id, start, end)


@scoped_cache
def flag_performance(user_id: int, team_id: int | None, start: dt.date, end: dt.date) -> FlagPerformance:
    """*Flag performance* (`views.flag_performance`) of one team (None: every team in scope) and period; athlete
    names only for users who see clinical notes (therapists, admins)."""
    from views.flag_performance import flag_performance_screen

    return flag_performance_screen(
        CachedReader(user_id), team_id, start, end, names=_viewer(user_id).sees_clinical_notes
    )


@scoped_cache
def flag_rules_preview(
    user_id: int, team_id: int, start: dt.date, end: dt.date, values: tuple[tuple[str, float], ...]
) -> pd.DataFrame:
    """The team's history replayed with its current flag thresholds and with `values` (`views.flag_performance`)."""
    from views.flag_performance import rules_preview

    return rules_preview(CachedReader(user_id), team_id, start, end, values)


@scoped_cache
def squad_load(user_id: int, team_id: int | None, end: dt.date, method: Method) -> pd.DataFrame:
    """Every athlete's load of the last two weeks and ACWR on *Team trends* (`views.team_trends.squad_load`)."""
    from views import team_trends as view

    return view.squad_load(CachedReader(user_id), team_id, end, method)


# --------------------------------------------------------------------------- athlete entries and admin (issue 4)


@scoped_cache
def own_athlete(user_id: int) -> dict[str, object] | None:
    """The signed-in athlete's own record with the team's time zone (`views.ostrc_history.own_athlete`), or
    None for a user who is not linked to an athlete. Read from the user's scope, never from a widget."""
    from views.ostrc_history import own_athlete as view

    who = _viewer(user_id)
    if who.role != "athlete" or who.athlete_id is None:
        return None
    return view(CachedReader(user_id), who.athlete_id)


@scoped_cache
def ostrc_weeks(user_id: int, athlete_id: int, last_week: dt.date, weeks: int = 8) -> pd.DataFrame:
    """One athlete's weekly health answers and scores of the `weeks` weeks up to `last_week`
    (`views.ostrc_history.ostrc_weeks`)."""
    from views.ostrc_history import ostrc_weeks as view

    return view(CachedReader(user_id), athlete_id, last_week, weeks)


def user_directory(user_id: int | None = None) -> pd.DataFrame:
    """Every user for the admin screen (`directory_of_users`), read as the (signed-in) user."""
    return directory_of_users(_signed_in_id(user_id))


@scoped_cache
def directory_of_users(user_id: int) -> pd.DataFrame:
    """Every user the user may read, with their teams and athlete in words (`views.directory.users_directory`)."""
    from views.directory import users_directory

    return users_directory(CachedReader(user_id))


def team_directory(user_id: int | None = None) -> pd.DataFrame:
    """Every team for the admin screen (`directory_of_teams`), read as the (signed-in) user."""
    return directory_of_teams(_signed_in_id(user_id))


@scoped_cache
def directory_of_teams(user_id: int) -> pd.DataFrame:
    """Every team the user may see, with its athletes and staff (`views.directory.teams_directory`)."""
    from views.directory import teams_directory

    return teams_directory(CachedReader(user_id))


def all_athletes(user_id: int | None = None) -> pd.DataFrame:
    """Every athlete the (signed-in) user may see (admin screens: every athlete): athlete_id, team_id,
    team, display_name, external_id, ..., active."""
    return scope_athletes(_signed_in_id(user_id))


# --- the therapist's entry forms (pages/log_session.py, pages/record_rom.py, pages/injuries.py)


@scoped_cache
def injury_register(user_id: int, athlete_id: int, as_of: dt.date) -> pd.DataFrame:
    """One athlete's injuries, open first, with recurrence category and days out (`views.injuries`)."""
    from views import injuries as view

    return view.injury_register(CachedReader(user_id), athlete_id, as_of)


@scoped_cache
def session_log(user_id: int, athlete_id: int, as_of: dt.date, limit: int = 10) -> pd.DataFrame:
    """One athlete's last therapy sessions with the ROM measured around them (`views.log_session`), on the
    cached `injury_register`."""
    from views import log_session as view

    register = injury_register(user_id, athlete_id, as_of)
    return view.session_log(CachedReader(user_id), athlete_id, as_of, limit, register=register)


@scoped_cache
def rom_overview(user_id: int, athlete_id: int) -> pd.DataFrame:
    """One athlete's latest ROM per measure, left vs right and against the norm (`views.record_rom`)."""
    from views import record_rom as view

    return view.rom_overview(CachedReader(user_id), athlete_id)


# --- the therapist's caseload and athlete progress, the athlete's own recovery, the progress report
# (pages/caseload.py, pages/athlete_progress.py, pages/my_recovery.py, ui/report.py)


@scoped_cache
def caseload(user_id: int) -> Caseload:
    """*Caseload* (`views.caseload`) on the newest data day."""
    from views import caseload as view

    return view.caseload(CachedReader(user_id))


@scoped_cache
def team_episodes(user_id: int, team_id: int) -> pd.DataFrame:
    """Every injury episode of one team (`views.athlete_progress.team_episodes`), censored at the newest
    data day: shared by the progress pages of the team's athletes."""
    from views import athlete_progress as view

    return view.team_episodes(ScreenReader.of(user_id), team_id, last_data_day() or dt.date.today())


@scoped_cache
def athlete_progress(user_id: int, athlete_id: int, start: dt.date, end: dt.date) -> AthleteProgress:
    """*Athlete progress* (`views.athlete_progress`) of one athlete and date range."""
    from views import athlete_progress as view

    reader = ScreenReader.of(user_id)
    team = reader.people.loc[reader.people["athlete_id"] == athlete_id, "team_id"]
    shared = team_episodes(user_id, int(team.iloc[0])) if not team.empty else pd.DataFrame()
    return view.athlete_progress(reader, athlete_id, start, end, episodes_of_team=shared)


@scoped_cache
def my_recovery(user_id: int, start: dt.date, end: dt.date) -> MyRecovery:
    """*My recovery* (`views.my_recovery`) of the signed-in athlete (their scope is only themself)."""
    from views import my_recovery as view

    return view.my_recovery(CachedReader(user_id), start, end)


@scoped_cache
def progress_report(user_id: int, athlete_id: int, start: dt.date, end: dt.date) -> ProgressReport:
    """What the progress report prints (`views.progress_report`), on the cached *Athlete progress*."""
    from views import progress_report as view

    progress = athlete_progress(user_id, athlete_id, start, end)
    return view.progress_report(CachedReader(user_id), athlete_id, start, end, progress=progress)


def failures(user_id: int, today: dt.date) -> Failures:
    """The imports and deliveries that failed lately (`views.overview.failures`); not cached: a failure
    writes nothing that clears the cache, and it must show on the next run."""
    from views.overview import failures as view

    return view(engine(), _viewer(user_id), today)
