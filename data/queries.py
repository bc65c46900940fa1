"""Queries that return typed DataFrames, filtered in SQL.

Every time series (`data.time_series.TIME_SERIES`) is read by one reader, `records`, which takes
the athlete ids to read (None = every athlete; callers pass the ids a user may see, from
`data/access.py`) and an optional date range, so one athlete's page costs the same in a 50- or 50,000-athlete
organisation. Dates come back as ``datetime64[ns]`` days, nullable integers as
``Int64``. Column names are the contract of `analytics/schemas.py`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any, Protocol

import pandas as pd
from sqlalchemy import Date, Engine, Select, bindparam, func, select

from data.bulk import days_as_text, typed_frame
from data.models import (
    Athlete,
    AuditEntry,
    Injury,
    OstrcResponse,
    PainReport,
    RomMeasurement,
    RomNorm,
    Team,
    TherapySession,
    TrainingSession,
    User,
    WellnessCheckin,
    user_teams,
)
from data.time_series import TIME_SERIES

#: Every table a user can count, keyed as `python -m data stats --json` prints them.
COUNTED_TABLES: dict[str, Any] = {
    "teams": Team,
    "athletes": Athlete,
    "users": User,
    "therapy_sessions": TherapySession,
    "rom_measurements": RomMeasurement,
    "wellness_checkins": WellnessCheckin,
    "pain_reports": PainReport,
    "injuries": Injury,
    "training_sessions": TrainingSession,
    "ostrc_responses": OstrcResponse,
}


def teams(engine: Engine, team_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """team_id, name, sport, timezone."""
    statement = select(Team.id.label("team_id"), Team.name, Team.sport, Team.timezone).order_by(Team.name)
    if team_ids is not None:
        statement = statement.where(Team.id.in_(list(team_ids)))
    return typed_frame(engine, statement, {"team_id": "int64", "name": "str", "sport": "str", "timezone": "str"})


def athletes(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    team_ids: Iterable[int] | None = None,
    active_only: bool = False,
) -> pd.DataFrame:
    """athlete_id, team_id, team, display_name, external_id, position, dominant_side, active."""
    statement = (
        select(
            Athlete.id.label("athlete_id"),
            Athlete.team_id,
            Team.name.label("team"),
            Athlete.display_name,
            Athlete.external_id,
            Athlete.position,
            Athlete.dominant_side,
            Athlete.active,
        )
        .join(Team, Team.id == Athlete.team_id)
        .order_by(Team.name, Athlete.display_name)
    )
    if athlete_ids is not None:
        statement = statement.where(Athlete.id.in_(sorted({int(a) for a in athlete_ids})))
    if team_ids is not None:
        statement = statement.where(Athlete.team_id.in_(list(team_ids)))
    if active_only:
        statement = statement.where(Athlete.active.is_(True))
    return typed_frame(
        engine,
        statement,
        {
            "athlete_id": "int64",
            "team_id": "int64",
            "team": "str",
            "display_name": "str",
            "external_id": "str",
            "position": "str",
            "dominant_side": "str",
            "active": "bool",
        },
    )


class SeriesReader(Protocol):
    """A table of `TIME_SERIES` read by `records`: the athletes' rows within the range."""

    __name__: str

    def __call__(
        self,
        engine: Engine,
        athlete_ids: Iterable[int] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        include_notes: bool = False,
    ) -> pd.DataFrame: ...


def records(
    engine: Engine,
    table: str,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_notes: bool = False,
    of_teams: Iterable[int] | None = None,
) -> pd.DataFrame:
    """The rows of `table` (a key of `data.time_series.TIME_SERIES`) of `athlete_ids` (None = every
    athlete; with `of_teams`, only those of these teams) whose date column is within `start`..`end`
    (inclusive; None = open), ordered by athlete and date, with the columns and dtypes the registry names;
    the clinical free text only when `include_notes` (never for coaches or athletes: `data.scoped`
    decides)."""
    parameters = {
        name: value
        for name, value in (
            ("athlete_ids", None if athlete_ids is None else sorted({int(a) for a in athlete_ids})),
            ("start", start),
            ("end", end),
            ("team_ids", None if of_teams is None else sorted({int(t) for t in of_teams})),
        )
        if value is not None
    }
    statement = _records_statement(table, include_notes, tuple(parameters), engine.dialect.name)
    return typed_frame(engine, statement, TIME_SERIES[table].dtypes(include_notes), parameters)


@functools.cache
def _records_statement(table: str, include_notes: bool, bound: tuple[str, ...], dialect: str) -> Select[Any]:
    """The SELECT of a `records` read of `table` with the conditions of its `bound` parameters (of
    ``athlete_ids``, ``start``, ``end``, ``team_ids``), its days read as text (`data.bulk.days_as_text`).

    Built once per table, conditions and dialect, and reused: building and keying a new statement took
    0.8 ms of a small read's 1.5 ms."""
    series = TIME_SERIES[table]
    model = series.model
    dtypes = series.dtypes(include_notes)
    selected = ((model.id.label(name) if name == series.id_column else getattr(model, name)) for name in dtypes)
    date = getattr(model, series.date_column)
    statement = select(*selected).order_by(model.athlete_id, date)
    for column, value in (series.only or {}).items():
        statement = statement.where(getattr(model, column) == value)
    if "athlete_ids" in bound:
        statement = statement.where(model.athlete_id.in_(bindparam("athlete_ids", expanding=True)))
    if "start" in bound:
        statement = statement.where(date >= bindparam("start", type_=Date))
    if "end" in bound:
        statement = statement.where(date <= bindparam("end", type_=Date))
    if "team_ids" in bound:  # the team members among the requested athletes, looked up once per read
        members = select(Athlete.id).where(Athlete.team_id.in_(bindparam("team_ids", expanding=True)))
        if "athlete_ids" in bound:
            members = members.where(Athlete.id.in_(bindparam("athlete_ids", expanding=True)))
        statement = statement.where(model.athlete_id.in_(members))
    return days_as_text(statement, dtypes, dialect)


def _reader(table: str) -> SeriesReader:
    """`records` of `table`, named after it."""

    def read(
        engine: Engine,
        athlete_ids: Iterable[int] | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        include_notes: bool = False,
    ) -> pd.DataFrame:
        return records(engine, table, athlete_ids, start, end, include_notes)

    read.__name__ = read.__qualname__ = table
    read.__doc__ = TIME_SERIES[table].description
    return read


wellness_checkins = _reader("wellness_checkins")
pain_reports = _reader("pain_reports")
therapy_sessions = _reader("therapy_sessions")
rom_measurements = _reader("rom_measurements")
injuries = _reader("injuries")
health_problems = _reader("health_problems")
training_sessions = _reader("training_sessions")
ostrc_responses = _reader("ostrc_responses")


def flag_reviews(engine: Engine, athlete_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """Every flag review of `athlete_ids`, the closing `note` included (`data.scoped.flag_reviews` reads
    it only for those who may see clinical notes)."""
    return records(engine, "flag_reviews", athlete_ids, include_notes=True)


def rom_norms(engine: Engine) -> pd.DataFrame:
    """joint, movement, unit, normal_value, mdc, method, source."""
    statement = select(
        RomNorm.joint, RomNorm.movement, RomNorm.unit, RomNorm.normal_value, RomNorm.mdc, RomNorm.method, RomNorm.source
    ).order_by(RomNorm.joint, RomNorm.movement)
    text_columns = dict.fromkeys(("joint", "movement", "unit", "method", "source"), "str")
    return typed_frame(engine, statement, {**text_columns, "normal_value": "float64", "mdc": "float64"})


def users(engine: Engine) -> pd.DataFrame:
    """user_id, username, role, athlete_id, active, created_at, last_sign_in (the newest successful sign-in
    the audit log holds; missing for a user who never signed in), team_ids (list of the teams a coach or
    therapist may see)."""
    sign_ins = (
        select(AuditEntry.user_id, func.max(AuditEntry.at).label("last_sign_in"))
        .where(AuditEntry.action == "sign_in")
        .group_by(AuditEntry.user_id)
        .subquery()
    )
    statement = (
        select(
            User.id.label("user_id"),
            User.username,
            User.role,
            User.athlete_id,
            User.active,
            User.created_at,
            sign_ins.c.last_sign_in,
        )
        .outerjoin(sign_ins, sign_ins.c.user_id == User.id)
        .order_by(User.username)
    )
    frame = typed_frame(
        engine,
        statement,
        {"user_id": "int64", "username": "str", "role": "str", "athlete_id": "Int64", "active": "bool"},
    )
    with engine.connect() as connection:
        links = pd.DataFrame(connection.execute(select(user_teams.c.user_id, user_teams.c.team_id)).fetchall())
    team_lists = (
        links.groupby("user_id")["team_id"].agg(sorted) if not links.empty else pd.Series(dtype=object, name="team_id")
    )
    frame["team_ids"] = frame["user_id"].map(team_lists).apply(lambda ids: ids if isinstance(ids, list) else [])
    return frame


def audit_entries(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The newest audit entries: at, user_id, username, action, table_name, record_id, detail."""
    entry = AuditEntry
    statement = (
        select(entry.at, entry.user_id, User.username, entry.action, entry.table_name, entry.record_id, entry.detail)
        .outerjoin(User, User.id == entry.user_id)
        .order_by(entry.at.desc(), entry.id.desc())
        .limit(limit)
    )
    return typed_frame(engine, statement, {"user_id": "Int64", "record_id": "Int64"})


def table_counts(engine: Engine) -> dict[str, int]:
    """Row count of every counted table, keyed as in `COUNTED_TABLES`."""
    with engine.connect() as connection:
        return {
            name: int(connection.scalar(select(func.count()).select_from(model)) or 0)
            for name, model in COUNTED_TABLES.items()
        }


def athlete_record_counts(engine: Engine, athlete_ids: Iterable[int] | None) -> dict[str, int]:
    """Row count of each per-athlete table, limited to `athlete_ids` (None = every athlete)."""
    ids = None if athlete_ids is None else sorted({int(a) for a in athlete_ids})
    counts = {}
    with engine.connect() as connection:
        for name, model in COUNTED_TABLES.items():
            if not hasattr(model, "athlete_id") or name == "users":
                continue
            statement = select(func.count()).select_from(model)
            if ids is not None:
                statement = statement.where(model.athlete_id.in_(ids))
            counts[name] = int(connection.scalar(statement) or 0)
    return counts


#: The tables whose dates make the organisation's data range.
DATED_TABLES = (WellnessCheckin, PainReport, TrainingSession)


def _date_bounds(engine: Engine, aggregate: Any) -> list[dt.date]:
    """`aggregate` (``func.min`` or ``func.max``) of the date of each table in `DATED_TABLES`, those
    that have rows.

    Read athlete by athlete, ``SELECT MAX((SELECT MAX(date) FROM t WHERE t.athlete_id = athletes.id))
    FROM athletes``: each inner aggregate is one seek on the table's (athlete_id, date) index
    (SQLite's min/max optimisation, PostgreSQL's index-only scan with LIMIT 1), so the cost grows with
    the athletes, not with the rows, and no index on the date alone has to slow every import."""
    per_athlete = (
        select(aggregate(model.date)).where(model.athlete_id == Athlete.id).correlate(Athlete).scalar_subquery()
        for model in DATED_TABLES
    )
    statement = select(*(aggregate(day) for day in per_athlete)).select_from(Athlete)
    with engine.connect() as connection:
        return [day for day in connection.execute(statement).one() if day is not None]


def newest_data_day(engine: Engine) -> dt.date | None:
    """The newest date with any check-in, pain report or training session (None when there is none)."""
    days = _date_bounds(engine, func.max)
    return max(days) if days else None


def data_date_range(engine: Engine) -> tuple[dt.date | None, dt.date | None]:
    """The first and last date with any check-in, pain report or training session."""
    starts = _date_bounds(engine, func.min)
    return (min(starts) if starts else None, newest_data_day(engine))


def audit_log(
    engine: Engine,
    user_ids: Iterable[int] | None = None,
    actions: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    offset: int = 0,
    limit: int = 50,
    detail_contains: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """One page of audit entries, newest first, and the count of all entries matching the filters.

    Columns: at, username, role, action, table_name, record_id, detail, subject (username and role are
    empty for events without a signed-in user, such as a failed sign-in; `subject` names what the record
    is about, `audit_subjects`). `start`/`end` are UTC dates, inclusive; `detail_contains` matches the
    detail case-insensitively (e.g. the username of failed sign-ins).
    """
    entry = AuditEntry
    conditions = []
    if user_ids is not None:
        conditions.append(entry.user_id.in_([int(u) for u in user_ids]))
    if actions is not None:
        conditions.append(entry.action.in_(list(actions)))
    if start is not None:
        conditions.append(entry.at >= dt.datetime.combine(start, dt.time.min, dt.UTC))
    if end is not None:
        conditions.append(entry.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, dt.UTC))
    if detail_contains:
        conditions.append(func.lower(entry.detail).contains(detail_contains.strip().lower(), autoescape=True))
    statement = (
        select(entry.at, User.username, User.role, entry.action, entry.table_name, entry.record_id, entry.detail)
        .outerjoin(User, User.id == entry.user_id)
        .where(*conditions)
        .order_by(entry.at.desc(), entry.id.desc())
        .offset(max(0, int(offset)))
        .limit(int(limit))
    )
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(entry).where(*conditions)) or 0
    frame = typed_frame(engine, statement, {"username": "str", "role": "str", "record_id": "Int64"})
    frame[["username", "role"]] = frame[["username", "role"]].fillna("")
    frame["subject"] = audit_subjects(engine, frame)
    return frame, int(total)


def audit_subjects(engine: Engine, entries: pd.DataFrame) -> pd.Series:
    """What each audit entry's record is about, as a person names it: the athlete of a record that
    belongs to one (and the athlete itself), the username of a user account, the name of a team; "" when
    the record is gone (an erased athlete keeps no name) or the entry names no single record."""
    named = entries.dropna(subset=["record_id"])
    subjects: dict[tuple[str, int], str] = {}
    with engine.connect() as connection:
        for table, rows in named.groupby("table_name"):
            ids = sorted({int(i) for i in rows["record_id"]})
            statement = _subject_names(str(table), ids)
            if statement is not None:
                subjects.update({(str(table), int(i)): str(name) for i, name in connection.execute(statement)})
    return pd.Series(
        [
            "" if pd.isna(record) else subjects.get((table, int(record)), "")
            for table, record in zip(entries["table_name"], entries["record_id"], strict=True)
        ],
        index=entries.index,
        dtype="str",
    )


def _subject_names(table: str, ids: list[int]) -> Select[Any] | None:
    """(record id, name) of `ids` in `table`, or None for a table whose records name nobody."""
    if table == "athletes":
        return select(Athlete.id, Athlete.display_name).where(Athlete.id.in_(ids))
    if table == "users":
        return select(User.id, User.username).where(User.id.in_(ids))
    if table in ("teams", "flag_rules"):  # a team's flag rules are audited under the team's id
        return select(Team.id, Team.name).where(Team.id.in_(ids))
    model = next((s.model for s in TIME_SERIES.values() if s.model.__tablename__ == table), None)
    if model is None or not hasattr(model, "athlete_id"):
        return None
    return select(model.id, Athlete.display_name).join(Athlete, Athlete.id == model.athlete_id).where(model.id.in_(ids))


def audit_actions(engine: Engine) -> list[str]:
    """Every action the audit log holds, alphabetically (for the audit page's filter)."""
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all())


def user_email(engine: Engine, user_id: int) -> str | None:
    """The e-mail single sign-on maps to `user_id`, or None."""
    with engine.connect() as connection:
        return connection.scalar(select(User.email).where(User.id == user_id))
