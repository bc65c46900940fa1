"""Scoped reads: every record a page shows, cut to what the signed-in user may see.

Each function takes the engine, the signed-in `Viewer` and what the page asks for (athlete ids,
dates), and returns
- only rows of athletes the viewer may see: the requested ids are intersected with
  `data.access.allowed_athlete_ids` (None = everyone in the viewer's scope); a time series' read
  (`records`) applies the same scope in its own query (`data.access.row_scope`);
- only fields the viewer may see: the clinical free text (therapy and injury `notes`, the `note` a
  therapist left when closing a flag: `TimeSeries.clinical` in `data.time_series`) is not read,
  column and all, unless `viewer.sees_clinical_notes` (therapists and admins).

Every time series is read by one function, `records`; `checkins`, `pain_reports` and the others are
it bound to one table.

A request outside the scope is not an error: the ids the viewer may not see are dropped, so a
tampered selector, query parameter or URL gets an empty frame with the usual columns, never
another athlete's rows and never a traceback that confirms the athlete exists.

Pages read only through these functions (via the cached loaders in `ui/loaders.py`); nothing in
`pages/` or `ui/` calls `data.queries` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

import pandas as pd
from sqlalchemy import Engine

from data import access, queries
from data.access import Viewer
from data.flag_rules import team_overrides
from data.health_problems import criteria, stage_rows
from data.time_series import TIME_SERIES


def athlete_scope(engine: Engine, viewer: Viewer, athlete_ids: Iterable[int] | None = None) -> list[int] | None:
    """The requested athletes the viewer may see, as ids for `data.queries`.

    None (no filter) only for an admin asking for everyone, so an organisation-wide read does not
    carry every id in its SQL; every other answer is an explicit list, possibly empty."""
    if viewer.role == "admin" and athlete_ids is None:
        return None
    return access.allowed_athlete_ids(engine, viewer, athlete_ids)


def teams(engine: Engine, viewer: Viewer, team_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """team_id, name, sport, timezone of the teams the viewer may see (an athlete: their own team)."""
    visible = access.visible_team_ids(engine, viewer)
    if team_ids is not None:
        wanted = {int(t) for t in team_ids}
        visible = sorted(wanted if visible is None else wanted.intersection(visible))
    return queries.teams(engine, team_ids=visible)


def athletes(
    engine: Engine,
    viewer: Viewer,
    athlete_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """athlete_id, team_id, team, display_name, external_id, position, dominant_side, active."""
    if athlete_ids is None and viewer.role in ("coach", "therapist"):
        # Everyone in the viewer's teams, filtered by team: the same rows as the list of their ids,
        # without an IN list of every athlete (a therapist may see the whole organisation).
        mine = set(viewer.team_ids)
        wanted = sorted(mine if team_ids is None else mine.intersection(int(t) for t in team_ids))
        return queries.athletes(engine, team_ids=wanted, active_only=active_only)
    return queries.athletes(
        engine, athlete_ids=athlete_scope(engine, viewer, athlete_ids), team_ids=team_ids, active_only=active_only
    )


class ScopedSeriesReader(Protocol):
    """A table of `data.time_series.TIME_SERIES` read by `records` for a viewer."""

    __name__: str

    def __call__(
        self,
        engine: Engine,
        viewer: Viewer,
        athlete_ids: Iterable[int] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> pd.DataFrame: ...


def records(
    engine: Engine,
    viewer: Viewer,
    table: str,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The rows of `table` (`data.queries.records`) of the requested athletes in the viewer's scope,
    within `start`..`end` (the table's date column); its clinical free text
    (`TimeSeries.clinical`) only for therapists and admins."""
    scope = access.row_scope(viewer, athlete_ids)
    return queries.records(
        engine, table, scope.athlete_ids, start, end, viewer.sees_clinical_notes, of_teams=scope.team_ids
    )


def _reader(table: str) -> ScopedSeriesReader:
    """`records` of `table`, for the page's viewer."""

    def read(
        engine: Engine,
        viewer: Viewer,
        athlete_ids: Iterable[int] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> pd.DataFrame:
        return records(engine, viewer, table, athlete_ids, start, end)

    read.__name__ = read.__qualname__ = table
    read.__doc__ = f"`records` of {table}, in the viewer's scope: {TIME_SERIES[table].description}"
    return read


checkins = _reader("wellness_checkins")
pain_reports = _reader("pain_reports")
therapy_sessions = _reader("therapy_sessions")
rom_measurements = _reader("rom_measurements")
injuries = _reader("injuries")
health_problems = _reader("health_problems")
training_sessions = _reader("training_sessions")
ostrc_responses = _reader("ostrc_responses")
flag_reviews = _reader("flag_reviews")


def rts_stages(engine: Engine, viewer: Viewer, athlete_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The return-to-sport stage decisions of the requested athletes' health problems in the viewer's scope
    (`data.health_problems.stage_rows`): date, stage, restrictions and the expected date of the next stage
    for everyone who may see the athlete (a coach, the athlete themself); who decided, the criteria met,
    the athlete's agreement and the rationale only for therapists and admins."""
    scope = athlete_scope(engine, viewer, athlete_ids)
    return stage_rows(engine, scope, include_clinical=viewer.sees_clinical_notes)


def rts_criteria(engine: Engine) -> pd.DataFrame:
    """The club's active return-to-sport checklists (`data.health_problems.criteria`): the club's, no athlete's
    data, the same for every user."""
    return criteria(engine)


def record_counts(engine: Engine, viewer: Viewer) -> dict[str, int]:
    """Row count of each per-athlete table within the viewer's scope."""
    return queries.athlete_record_counts(engine, athlete_scope(engine, viewer))


def users(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """The user directory (`data.queries.users`): every user for an admin, only their own row for
    anyone else (accounts are managed by admins)."""
    frame = queries.users(engine)
    if viewer.role == "admin":
        return frame
    return frame[frame["user_id"] == viewer.user_id].reset_index(drop=True)


def user_email(engine: Engine, viewer: Viewer, user_id: int) -> str | None:
    """The single sign-on e-mail of `user_id` (`data.queries.user_email`): any user's for an admin,
    only their own for anyone else (None otherwise)."""
    if viewer.role != "admin" and user_id != viewer.user_id:
        return None
    return queries.user_email(engine, user_id)


def audit_entries(engine: Engine, viewer: Viewer, limit: int = 200) -> pd.DataFrame:
    """The newest audit entries (`data.queries.audit_entries`) for an admin; none (same columns)
    for anyone else."""
    return queries.audit_entries(engine, limit=limit if viewer.role == "admin" else 0)


def audit_log(
    engine: Engine,
    viewer: Viewer,
    user_ids: Iterable[int] | None = None,
    actions: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
    detail_contains: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """One page of the audit log and the count matching the filters (`data.queries.audit_log`) for an
    admin; for anyone else no entries (same columns) and a count of 0."""
    if viewer.role != "admin":
        return queries.audit_log(engine, user_ids=[], limit=0)[0], 0
    return queries.audit_log(engine, user_ids, actions, start, end, offset, limit, detail_contains)


def audit_actions(engine: Engine, viewer: Viewer) -> list[str]:
    """Every action the audit log holds (`data.queries.audit_actions`), for an admin; none for anyone else."""
    return queries.audit_actions(engine) if viewer.role == "admin" else []


def flag_rules(engine: Engine, viewer: Viewer) -> pd.DataFrame:
    """The stored flag thresholds (`data.flag_rules.team_overrides`) of the teams the viewer may see: every
    screen that shows an athlete's flags computes them with the athlete's team's rules."""
    visible = access.visible_team_ids(engine, viewer)
    with engine.connect() as connection:
        return team_overrides(connection, visible)


def rom_norms(engine: Engine) -> pd.DataFrame:
    """The shipped ROM norms: reference values, no athlete's data, the same for every user."""
    return queries.rom_norms(engine)


def newest_data_day(engine: Engine) -> dt.date | None:
    """The newest day with any check-in, pain report or training session in the organisation: a date
    only (no athlete, no value), so every page's date range ends on the same day."""
    return queries.newest_data_day(engine)
