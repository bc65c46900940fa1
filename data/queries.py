"""Queries that return typed DataFrames, filtered in SQL.

Every time-series query takes the athlete ids to read (None = every athlete;
callers pass the ids a user may see, from `data/access.py`) and an optional
date range, so one athlete's page costs the same in a 50- or 50,000-athlete
organisation. Dates come back as ``datetime64[ns]`` days, nullable integers as
``Int64``. Column names are the contract of `analytics/schemas.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, Select, String, func, select, type_coerce

from data.models import (
    Athlete,
    AuditEntry,
    FlagReview,
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


def _day_text(column: Any, dialect: str) -> Any:
    """`column` (a Date) as ISO text, ``YYYY-MM-DD``: SQLite stores it that way already, PostgreSQL
    formats it with ``to_char`` (independent of the server's DateStyle)."""
    if dialect == "sqlite":
        return type_coerce(column, String)
    return func.to_char(column, "YYYY-MM-DD")


def _column(values: Sequence[Any], dtype: str | None) -> Any:
    """One column of driver values as an array of `dtype` (``datetime``: ISO day text; None: the
    type pandas infers, as it does for a frame built from rows)."""
    if dtype == "datetime":
        return np.array(values, dtype="datetime64[D]").astype("datetime64[ns]")
    if dtype == "Int64":
        missing = np.array([value is None for value in values], dtype=bool)
        numbers = np.array([0 if value is None else value for value in values], dtype=np.int64)
        return pd.arrays.IntegerArray(numbers, missing)
    if dtype not in ("str", None):
        return np.array(values, dtype=dtype)
    column = np.empty(len(values), dtype=object)
    column[:] = values
    if dtype == "str":  # pandas' text dtype, missing as NaN, whether the frame has rows or not
        return pd.array(column, dtype="str")
    return pd.Series(column).infer_objects().array


def _frame(engine: Engine, statement: Select[Any], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """Run `statement` and give each column its dtype (``datetime`` = day as datetime64[ns]).

    The frame is built column by column from the driver's tuples, dates read as ISO text and
    parsed by numpy: pandas' per-operation cost is paid once per column, never per value, and no
    date object is made per row. When every column has a dtype the rows come straight from the
    DBAPI cursor, skipping SQLAlchemy's per-row processing (each column is converted here); columns
    without a dtype (timestamps) keep SQLAlchemy's conversion and get the type pandas infers."""
    days = [column.name for column in statement.selected_columns if dtypes.get(column.name) == "datetime"]
    if days:
        dialect = engine.dialect.name
        statement = statement.with_only_columns(
            *(
                _day_text(column, dialect).label(column.name) if column.name in days else column
                for column in statement.selected_columns
            ),
            maintain_column_froms=True,
        )
    names = [column.name for column in statement.selected_columns]
    with engine.connect() as connection:
        result = connection.execute(statement)
        rows = result.cursor.fetchall() if dtypes.keys() >= set(names) else result.fetchall()
    values = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pd.DataFrame(
        {name: _column(column, dtypes.get(name)) for name, column in zip(names, values, strict=True)}, copy=False
    )


def _filtered(
    statement: Select[Any],
    athlete_column: Any,
    date_column: Any,
    athlete_ids: Iterable[int] | None,
    start: dt.date | None,
    end: dt.date | None,
) -> Select[Any]:
    if athlete_ids is not None:
        statement = statement.where(athlete_column.in_(sorted({int(a) for a in athlete_ids})))
    if start is not None:
        statement = statement.where(date_column >= start)
    if end is not None:
        statement = statement.where(date_column <= end)
    return statement


def teams(engine: Engine, team_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """team_id, name, sport, timezone."""
    statement = select(Team.id.label("team_id"), Team.name, Team.sport, Team.timezone).order_by(Team.name)
    if team_ids is not None:
        statement = statement.where(Team.id.in_(list(team_ids)))
    return _frame(engine, statement, {"team_id": "int64", "name": "str", "sport": "str", "timezone": "str"})


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
    return _frame(
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


def wellness_checkins(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """athlete_id, date, fatigue, sleep_quality, soreness, stress, mood (1-5, 5 best), sleep_hours, readiness, availability."""
    w = WellnessCheckin
    statement = select(
        w.athlete_id,
        w.date,
        w.fatigue,
        w.sleep_quality,
        w.soreness,
        w.stress,
        w.mood,
        w.sleep_hours,
        w.readiness,
        w.availability,
    ).order_by(w.athlete_id, w.date)
    statement = _filtered(statement, w.athlete_id, w.date, athlete_ids, start, end)
    items = dict.fromkeys(("fatigue", "sleep_quality", "soreness", "stress", "mood", "readiness"), "Int64")
    return _frame(
        engine,
        statement,
        {"athlete_id": "int64", "date": "datetime", **items, "sleep_hours": "float64", "availability": "str"},
    )


def pain_reports(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """athlete_id, date, body_region, side, pain (NPRS 0-10)."""
    p = PainReport
    statement = select(p.athlete_id, p.date, p.body_region, p.side, p.pain).order_by(p.athlete_id, p.date)
    statement = _filtered(statement, p.athlete_id, p.date, athlete_ids, start, end)
    return _frame(
        engine,
        statement,
        {"athlete_id": "int64", "date": "datetime", "body_region": "str", "side": "str", "pain": "int64"},
    )


def therapy_sessions(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_notes: bool = False,
) -> pd.DataFrame:
    """session_id, athlete_id, therapist_id, date, technique, body_region, side, minutes, pain_before,
    pain_after, discomfort, injury_id, and `notes` only when `include_notes` (clinical; never for coaches)."""
    t = TherapySession
    columns = [
        t.id.label("session_id"),
        t.athlete_id,
        t.therapist_id,
        t.date,
        t.technique,
        t.body_region,
        t.side,
        t.minutes,
        t.pain_before,
        t.pain_after,
        t.discomfort,
        t.injury_id,
    ]
    dtypes = {
        "session_id": "int64",
        "athlete_id": "int64",
        "therapist_id": "Int64",
        "date": "datetime",
        "technique": "str",
        "body_region": "str",
        "side": "str",
        "minutes": "int64",
        "pain_before": "Int64",
        "pain_after": "Int64",
        "discomfort": "Int64",
        "injury_id": "Int64",
    }
    if include_notes:
        columns.append(t.notes)
        dtypes["notes"] = "str"
    statement = _filtered(
        select(*columns).order_by(t.athlete_id, t.date), t.athlete_id, t.date, athlete_ids, start, end
    )
    return _frame(engine, statement, dtypes)


def rom_measurements(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """measurement_id, athlete_id, date, joint, movement, side, value, unit, method, context, session_id."""
    r = RomMeasurement
    statement = select(
        r.id.label("measurement_id"),
        r.athlete_id,
        r.date,
        r.joint,
        r.movement,
        r.side,
        r.value,
        r.unit,
        r.method,
        r.context,
        r.session_id,
    ).order_by(r.athlete_id, r.date)
    statement = _filtered(statement, r.athlete_id, r.date, athlete_ids, start, end)
    text_columns = dict.fromkeys(("joint", "movement", "side", "unit", "method", "context"), "str")
    return _frame(
        engine,
        statement,
        {
            "measurement_id": "int64",
            "athlete_id": "int64",
            "date": "datetime",
            **text_columns,
            "value": "float64",
            "session_id": "Int64",
        },
    )


def injuries(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_notes: bool = False,
) -> pd.DataFrame:
    """injury_id, athlete_id, onset_date, body_region, side, injury_type, mechanism, time_loss, return_date
    (NaT while not returned), and `notes` only when `include_notes`. The range filters the onset date."""
    i = Injury
    columns = [
        i.id.label("injury_id"),
        i.athlete_id,
        i.onset_date,
        i.body_region,
        i.side,
        i.injury_type,
        i.mechanism,
        i.time_loss,
        i.return_date,
    ]
    dtypes = {
        "injury_id": "int64",
        "athlete_id": "int64",
        "onset_date": "datetime",
        "body_region": "str",
        "side": "str",
        "injury_type": "str",
        "mechanism": "str",
        "time_loss": "bool",
        "return_date": "datetime",
    }
    if include_notes:
        columns.append(i.notes)
        dtypes["notes"] = "str"
    statement = select(*columns).order_by(i.athlete_id, i.onset_date)
    statement = _filtered(statement, i.athlete_id, i.onset_date, athlete_ids, start, end)
    return _frame(engine, statement, dtypes)


def training_sessions(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """training_id, athlete_id, date, minutes, rpe (CR-10), kind (training | match)."""
    t = TrainingSession
    statement = select(t.id.label("training_id"), t.athlete_id, t.date, t.minutes, t.rpe, t.kind).order_by(
        t.athlete_id, t.date
    )
    statement = _filtered(statement, t.athlete_id, t.date, athlete_ids, start, end)
    return _frame(
        engine,
        statement,
        {
            "training_id": "int64",
            "athlete_id": "int64",
            "date": "datetime",
            "minutes": "int64",
            "rpe": "float64",
            "kind": "str",
        },
    )


def ostrc_responses(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """athlete_id, week_start (Monday), q1, q2, q3, q4 (scores 0/8/17/25). The range filters week_start."""
    o = OstrcResponse
    statement = select(o.athlete_id, o.week_start, o.q1, o.q2, o.q3, o.q4).order_by(o.athlete_id, o.week_start)
    statement = _filtered(statement, o.athlete_id, o.week_start, athlete_ids, start, end)
    answers = dict.fromkeys(("q1", "q2", "q3", "q4"), "int64")
    return _frame(engine, statement, {"athlete_id": "int64", "week_start": "datetime", **answers})


def flag_reviews(engine: Engine, athlete_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """The flags a therapist has closed: athlete_id, date, kind, body_region, side, measure, closed_by,
    closed_at, note.

    The first six are the flag's identity (`analytics.flags.FLAG_IDENTITY`); `body_region` and `side` are ""
    for flags that are not about a region, `measure` is "" for flags that are not about a ROM measure."""
    f = FlagReview
    statement = select(
        f.athlete_id, f.date, f.kind, f.body_region, f.side, f.measure, f.closed_by, f.closed_at, f.note
    ).order_by(f.athlete_id, f.date)
    statement = _filtered(statement, f.athlete_id, f.date, athlete_ids, None, None)
    text_columns = dict.fromkeys(("kind", "body_region", "side", "measure", "note"), "str")
    return _frame(engine, statement, {"athlete_id": "int64", "date": "datetime", **text_columns, "closed_by": "Int64"})


def rom_norms(engine: Engine) -> pd.DataFrame:
    """joint, movement, unit, normal_value, mdc, method, source."""
    n = RomNorm
    statement = select(n.joint, n.movement, n.unit, n.normal_value, n.mdc, n.method, n.source).order_by(
        n.joint, n.movement
    )
    text_columns = dict.fromkeys(("joint", "movement", "unit", "method", "source"), "str")
    return _frame(engine, statement, {**text_columns, "normal_value": "float64", "mdc": "float64"})


def users(engine: Engine) -> pd.DataFrame:
    """user_id, username, role, athlete_id, active, team_ids (list of the teams a coach or therapist may see)."""
    statement = select(
        User.id.label("user_id"), User.username, User.role, User.athlete_id, User.active, User.created_at
    ).order_by(User.username)
    frame = _frame(
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
    a = AuditEntry
    statement = (
        select(a.at, a.user_id, User.username, a.action, a.table_name, a.record_id, a.detail)
        .outerjoin(User, User.id == a.user_id)
        .order_by(a.at.desc(), a.id.desc())
        .limit(limit)
    )
    return _frame(engine, statement, {"user_id": "Int64", "record_id": "Int64"})


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

    Columns: at, username, action, table_name, record_id, detail (username is empty for events
    without a signed-in user, such as a failed sign-in). `start`/`end` are UTC dates, inclusive;
    `detail_contains` matches the detail case-insensitively (e.g. the username of failed sign-ins).
    """
    a = AuditEntry
    conditions = []
    if user_ids is not None:
        conditions.append(a.user_id.in_([int(u) for u in user_ids]))
    if actions is not None:
        conditions.append(a.action.in_(list(actions)))
    if start is not None:
        conditions.append(a.at >= dt.datetime.combine(start, dt.time.min, dt.UTC))
    if end is not None:
        conditions.append(a.at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, dt.UTC))
    if detail_contains:
        conditions.append(func.lower(a.detail).contains(detail_contains.strip().lower(), autoescape=True))
    statement = (
        select(a.at, User.username, a.action, a.table_name, a.record_id, a.detail)
        .outerjoin(User, User.id == a.user_id)
        .where(*conditions)
        .order_by(a.at.desc(), a.id.desc())
        .offset(max(0, int(offset)))
        .limit(int(limit))
    )
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(a).where(*conditions)) or 0
    frame = _frame(engine, statement, {"username": "str", "record_id": "Int64"})
    frame["username"] = frame["username"].fillna("")
    return frame, int(total)


def audit_actions(engine: Engine) -> list[str]:
    """Every action the audit log holds, alphabetically (for the audit page's filter)."""
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all())


def user_email(engine: Engine, user_id: int) -> str | None:
    """The e-mail single sign-on maps to `user_id`, or None."""
    with engine.connect() as connection:
        return connection.scalar(select(User.email).where(User.id == user_id))
