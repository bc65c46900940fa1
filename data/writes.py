"""Validated writes. Every write raises `ValidationError` (naming row, field and value) for bad
input, and a multi-row write is one transaction: a refused row leaves the database as it was.
Each write leaves an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from analytics.vocabulary import DOMINANT_SIDES, ROLES, ROM_VALUE_RANGE
from data.auth import MIN_PASSWORD_LENGTH, hash_password
from data.errors import ValidationError
from data.models import Athlete, AuditEntry, Team, User, user_teams
from data.records import RECORD_KINDS, Field, RecordKind


class InvalidRecords(ValidationError):
    """Several refused values at once; `errors` lists each (row, field, value, reason)."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.value, first.reason, first.row)
        self.errors = list(errors)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        self.args = (f"{errors[0]}{more}",)


@dataclass(frozen=True)
class SaveResult:
    inserted: int
    updated: int
    unchanged: int
    ids: list[int]


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().isin(["", "nan", "NaT", "None", "<NA>"])


def _parse(field: Field, raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(parsed values, mask of values that are present but could not be parsed)."""
    blank = _blank(raw)
    if field.kind in ("int", "float"):
        parsed = pd.to_numeric(raw.where(~blank), errors="coerce")
        bad = parsed.isna() & ~blank
        if field.kind == "int":
            fractional = parsed.notna() & (parsed != parsed.round())
            bad |= fractional
            parsed = parsed.where(~fractional)
        return parsed, bad
    if field.kind == "date":
        parsed = pd.to_datetime(raw.where(~blank), errors="coerce", format="mixed")
        return parsed, parsed.isna() & ~blank
    if field.kind == "bool":
        text = raw.where(~blank).astype(str).str.strip().str.lower()
        truth = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
        parsed = text.map(truth)
        parsed = parsed.where(~raw.map(lambda v: isinstance(v, bool)), raw)
        return parsed, parsed.isna() & ~blank
    parsed = raw.where(~blank).astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return parsed, pd.Series(False, index=raw.index)


def _errors(mask: pd.Series, values: pd.Series, field: str, reason: str, first_row: int) -> list[ValidationError]:
    positions = mask.to_numpy().nonzero()[0]
    return [ValidationError(field, values.iloc[p], reason, row=int(p) + first_row) for p in positions]


def validate_frame(
    kind: RecordKind, frame: pd.DataFrame, first_row: int = 1
) -> tuple[pd.DataFrame, list[ValidationError]]:
    """The frame with each field parsed to its type, and every problem found (row = position + `first_row`)."""
    frame = frame.reset_index(drop=True)
    clean = pd.DataFrame(index=frame.index)
    problems: list[ValidationError] = []
    for field in kind.fields:
        raw = frame[field.name] if field.name in frame else pd.Series([None] * len(frame), dtype=object)
        parsed, unparsable = _parse(field, raw)
        problems += _errors(unparsable, raw, field.name, f"is not a valid {field.kind}", first_row)
        present = parsed.notna()
        if field.required:
            problems += _errors(~present & ~unparsable, raw, field.name, "is required", first_row)
        if field.low is not None:
            problems += _errors(present & (parsed < field.low), raw, field.name, f"is below {field.low:g}", first_row)
        if field.high is not None:
            problems += _errors(present & (parsed > field.high), raw, field.name, f"is above {field.high:g}", first_row)
        if field.above is not None:
            problems += _errors(
                present & (parsed <= field.above), raw, field.name, f"must be more than {field.above:g}", first_row
            )
        if field.choices is not None:
            outside = present & ~parsed.isin(list(field.choices))
            allowed = ", ".join(str(c) for c in field.choices)
            problems += _errors(outside, raw, field.name, f"is not one of: {allowed}", first_row)
        if field.max_length is not None:
            too_long = present & (parsed.astype(str).str.len() > field.max_length)
            problems += _errors(too_long, raw, field.name, f"is longer than {field.max_length} characters", first_row)
        clean[field.name] = parsed
    problems += _cross_field_problems(kind, clean, first_row)
    if kind.natural_key:
        repeated = clean.duplicated(subset=list(kind.natural_key), keep="first") & clean[
            list(kind.natural_key)
        ].notna().all(axis=1)
        key = "+".join(kind.natural_key)
        problems += _errors(repeated, clean[kind.natural_key[0]], key, "repeats an earlier row of this file", first_row)
    problems.sort(key=lambda e: (e.row or 0, kind.columns.index(e.field) if e.field in kind.columns else 99))
    return clean, problems


def _cross_field_problems(kind: RecordKind, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if kind.name == "rom_measurements":
        for unit, (low, high) in ROM_VALUE_RANGE.items():
            outside = (clean["unit"] == unit) & ((clean["value"] < low) | (clean["value"] > high))
            problems += _errors(outside, clean["value"], "value", f"is outside {low:g}..{high:g} {unit}", first_row)
    if kind.name == "injuries":
        early = clean["return_date"].notna() & (clean["return_date"] < clean["onset_date"])
        problems += _errors(early, clean["return_date"].dt.date, "return_date", "is before the onset date", first_row)
    if kind.name == "ostrc_responses":
        not_monday = clean["week_start"].notna() & (clean["week_start"].dt.dayofweek != 0)
        problems += _errors(not_monday, clean["week_start"].dt.date, "week_start", "is not a Monday", first_row)
    return problems


def _to_records(kind: RecordKind, clean: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python values for the driver (dates as date, missing as None)."""
    out = clean.astype(object).where(clean.notna(), None)
    for field in kind.fields:
        column = out[field.name]
        if field.kind == "date":
            out[field.name] = column.map(lambda v: v.date() if v is not None else None)
        elif field.kind == "int":
            out[field.name] = column.map(lambda v: int(v) if v is not None else None)
        elif field.kind == "float":
            out[field.name] = column.map(lambda v: float(v) if v is not None else None)
        elif field.kind == "bool":
            out[field.name] = column.map(lambda v: bool(v) if v is not None else None)
    return out.to_dict("records")


def _unknown_athletes(connection: Connection, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    wanted = {int(a) for a in clean["athlete_id"].dropna().unique()}
    if not wanted:
        return []
    known = set(connection.scalars(select(Athlete.id).where(Athlete.id.in_(sorted(wanted)))).all())
    missing = clean["athlete_id"].notna() & ~clean["athlete_id"].isin(list(known))
    return _errors(missing, clean["athlete_id"], "athlete_id", "is not a known athlete", first_row)


def audit(
    connection: Connection, actor_id: int | None, action: str, table: str, record_id: int | None, detail: str
) -> None:
    """Record who did what to which record."""
    connection.execute(
        insert(AuditEntry).values(user_id=actor_id, action=action, table_name=table, record_id=record_id, detail=detail)
    )


def save_records(
    engine: Engine,
    kind_name: str,
    rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    actor_id: int | None = None,
    first_row: int = 1,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> SaveResult:
    """Validate and save records of one kind in one transaction.

    Records match existing ones on the kind's natural key (e.g. athlete + date for a check-in):
    a match with changed values is an update, an identical one is left alone, anything else is
    inserted. Any refused value raises `InvalidRecords` listing every problem, and nothing is written.
    `allowed_athlete_ids` (the writer's scope) refuses rows for other athletes.
    """
    kind = RECORD_KINDS[kind_name]
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    clean, problems = validate_frame(kind, frame, first_row)
    with engine.begin() as connection:
        problems += _unknown_athletes(connection, clean, first_row)
        if allowed_athlete_ids is not None:
            outside = clean["athlete_id"].notna() & ~clean["athlete_id"].isin(list(allowed_athlete_ids))
            problems += _errors(
                outside, clean["athlete_id"], "athlete_id", "is not an athlete you may record for", first_row
            )
        if problems:
            raise InvalidRecords(sorted(problems, key=lambda e: e.row or 0))
        records = _to_records(kind, clean)
        try:
            result = _upsert(connection, kind, records)
        except IntegrityError as error:
            raise ValidationError(kind.name, "row", f"was refused by the database: {error.orig}") from error
        audit(
            connection,
            actor_id,
            "save",
            kind.model.__tablename__,
            result.ids[0] if len(result.ids) == 1 else None,
            f"{result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged",
        )
    return result


def _upsert(connection: Connection, kind: RecordKind, records: list[dict[str, Any]]) -> SaveResult:
    model = kind.model
    if not records:
        return SaveResult(0, 0, 0, [])
    existing: dict[tuple[Any, ...], dict[str, Any]] = {}
    if kind.natural_key:
        athlete_ids = sorted({r["athlete_id"] for r in records})
        found = connection.execute(
            select(model.id, *[getattr(model, c) for c in kind.columns]).where(model.athlete_id.in_(athlete_ids))
        )
        wanted = {tuple(r[k] for k in kind.natural_key) for r in records}
        for row in found.mappings():
            key = tuple(row[k] for k in kind.natural_key)
            if key in wanted:
                existing[key] = dict(row)
    to_insert = []
    ids: list[int] = []
    updated = unchanged = 0
    for record in records:
        key = tuple(record[k] for k in kind.natural_key) if kind.natural_key else None
        current = existing.get(key) if key is not None else None
        if current is None:
            to_insert.append(record)
            continue
        changes = {c: record[c] for c in kind.columns if record[c] != current[c] and c in record}
        ids.append(current["id"])
        if changes:
            connection.execute(update(model).where(model.id == current["id"]).values(**changes))
            updated += 1
        else:
            unchanged += 1
    if to_insert:
        inserted_ids = connection.execute(insert(model).returning(model.id), to_insert).scalars().all()
        ids = list(inserted_ids) + ids
    return SaveResult(len(to_insert), updated, unchanged, ids)


def delete_record(engine: Engine, kind_name: str, record_id: int, actor_id: int | None = None) -> None:
    """Delete one record of a kind, with an audit entry."""
    model = RECORD_KINDS[kind_name].model
    with engine.begin() as connection:
        deleted = connection.execute(delete(model).where(model.id == record_id)).rowcount
        if not deleted:
            raise ValidationError("id", record_id, f"is not a {kind_name} record")
        audit(connection, actor_id, "delete", model.__tablename__, record_id, "")


def create_team(engine: Engine, name: str, sport: str = "", timezone: str = "UTC", actor_id: int | None = None) -> int:
    """A new team's id; refuses an empty or taken name and an unknown time zone."""
    name = name.strip()
    if not name:
        raise ValidationError("name", name, "is required")
    _check_timezone(timezone)
    with engine.begin() as connection:
        if connection.scalar(select(Team.id).where(Team.name == name)) is not None:
            raise ValidationError("name", name, "is already a team")
        team_id = connection.execute(
            insert(Team).values(name=name, sport=sport.strip(), timezone=timezone).returning(Team.id)
        ).scalar_one()
        audit(connection, actor_id, "create", "teams", team_id, name)
    return team_id


def _check_timezone(timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError("timezone", timezone, "is not a known time zone (e.g. Europe/Oslo)") from error


def create_athlete(
    engine: Engine,
    team_id: int,
    display_name: str,
    external_id: str,
    position: str | None = None,
    dominant_side: str | None = None,
    actor_id: int | None = None,
) -> int:
    """A new athlete's id; the external id must be unique."""
    display_name, external_id = display_name.strip(), external_id.strip()
    if not display_name:
        raise ValidationError("display_name", display_name, "is required")
    if not external_id:
        raise ValidationError("external_id", external_id, "is required")
    if dominant_side is not None and dominant_side not in DOMINANT_SIDES:
        raise ValidationError("dominant_side", dominant_side, f"is not one of: {', '.join(DOMINANT_SIDES)}")
    with engine.begin() as connection:
        if connection.scalar(select(Team.id).where(Team.id == team_id)) is None:
            raise ValidationError("team_id", team_id, "is not a known team")
        if connection.scalar(select(Athlete.id).where(Athlete.external_id == external_id)) is not None:
            raise ValidationError("external_id", external_id, "is already used by another athlete")
        athlete_id = connection.execute(
            insert(Athlete)
            .values(
                team_id=team_id,
                display_name=display_name,
                external_id=external_id,
                position=position,
                dominant_side=dominant_side,
                active=True,
            )
            .returning(Athlete.id)
        ).scalar_one()
        audit(connection, actor_id, "create", "athletes", athlete_id, external_id)
    return athlete_id


def check_password(password: str) -> None:
    """Refuse a password that is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", "(hidden)", f"must be at least {MIN_PASSWORD_LENGTH} characters")


def create_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    athlete_id: int | None = None,
    team_ids: Iterable[int] = (),
    actor_id: int | None = None,
) -> int:
    """A new user's id. Athletes must be linked to an athlete; only the argon2id hash is stored."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise ValidationError("username", username, "must be 1-80 characters without spaces")
    if role not in ROLES:
        raise ValidationError("role", role, f"is not one of: {', '.join(ROLES)}")
    if role == "athlete" and athlete_id is None:
        raise ValidationError("athlete", athlete_id, "is required for an athlete account")
    check_password(password)
    team_ids = sorted(set(team_ids))
    with engine.begin() as connection:
        if connection.scalar(select(User.id).where(User.username == username)) is not None:
            raise ValidationError("username", username, "is already taken")
        if athlete_id is not None and connection.scalar(select(Athlete.id).where(Athlete.id == athlete_id)) is None:
            raise ValidationError("athlete", athlete_id, "is not a known athlete")
        known_teams = set(connection.scalars(select(Team.id).where(Team.id.in_(team_ids))).all())
        for team_id in team_ids:
            if team_id not in known_teams:
                raise ValidationError("team", team_id, "is not a known team")
        user_id = connection.execute(
            insert(User)
            .values(username=username, password_hash=hash_password(password), role=role, athlete_id=athlete_id)
            .returning(User.id)
        ).scalar_one()
        if team_ids:
            connection.execute(insert(user_teams), [{"user_id": user_id, "team_id": t} for t in team_ids])
        audit(connection, actor_id, "create", "users", user_id, f"{username} ({role})")
    return user_id


def set_password(engine: Engine, user_id: int, password: str, actor_id: int | None = None) -> None:
    """Replace a user's password hash."""
    check_password(password)
    with engine.begin() as connection:
        changed = connection.execute(
            update(User).where(User.id == user_id).values(password_hash=hash_password(password))
        ).rowcount
        if not changed:
            raise ValidationError("user", user_id, "is not a known user")
        audit(connection, actor_id, "reset_password", "users", user_id, "")


def set_user_active(engine: Engine, user_id: int, active: bool, actor_id: int | None = None) -> None:
    """Activate or deactivate a user (a deactivated user cannot sign in)."""
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == user_id).values(active=active))
        audit(connection, actor_id, "activate" if active else "deactivate", "users", user_id, "")


def set_user_teams(engine: Engine, user_id: int, team_ids: Iterable[int], actor_id: int | None = None) -> None:
    """Replace the teams a coach or therapist may see."""
    team_ids = sorted(set(team_ids))
    with engine.begin() as connection:
        connection.execute(delete(user_teams).where(user_teams.c.user_id == user_id))
        if team_ids:
            connection.execute(insert(user_teams), [{"user_id": user_id, "team_id": t} for t in team_ids])
        audit(connection, actor_id, "assign_teams", "users", user_id, ",".join(map(str, team_ids)))


def has_users(engine: Engine) -> bool:
    """Whether any user exists (the first-run screen shows while none does)."""
    with engine.connect() as connection:
        return connection.scalar(select(User.id).limit(1)) is not None


def today_in(timezone: str) -> dt.date:
    """Today's local date in `timezone` (self-reports are dated in the team's time zone)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date()
