"""Validated writes. Every write raises `ValidationError` (naming row, field and value) for bad
input, and a multi-row write is one transaction: a refused row leaves the database as it was.
Each write leaves an audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from analytics.vocabulary import DOMINANT_SIDES, ROLES, ROM_VALUE_RANGE
from data.auth import hash_password, password_problem
from data.dates import DateOrder, read_dates
from data.db import retry_on_conflict, write_transaction
from data.errors import ValidationError
from data.models import Athlete, AuditEntry, FlagReview, Team, User, user_teams
from data.records import RECORD_KINDS, Field, RecordKind
from data.sessions import end_sessions_of


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


#: Dates are records of what happened: none before 1900, none in the future, except an injury's
#: return date, which may be the planned one.
EARLIEST_DATE = pd.Timestamp("1900-01-01")
FUTURE_ALLOWED = frozenset({"return_date"})
INT_LIMIT = 2_147_483_647


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).str.strip().isin(["", "nan", "NaT", "None", "<NA>"])


def _parse(
    field: Field, raw: pd.Series, date_order: DateOrder = DateOrder.NONE, decimal_comma: bool = False
) -> tuple[pd.Series, pd.Series]:
    """(parsed values, the reason each present value that could not be parsed is refused, '' for the rest).

    Dates are read by `data.dates.read_dates` in `date_order`. With `decimal_comma`, a number may be
    written with a decimal comma (5,5 is 5.5), and one whose point could be a thousands separator
    (1.234) is refused rather than guessed."""
    blank = _blank(raw)
    if field.kind in ("int", "float"):
        ambiguous = pd.Series(False, index=raw.index)
        if decimal_comma:
            raw, ambiguous = _decimal_points(raw)
        parsed = pd.to_numeric(raw.where(~blank & ~ambiguous), errors="coerce")
        bad = parsed.isna() & ~blank & ~ambiguous
        if field.kind == "int":
            fractional = parsed.notna() & (parsed != parsed.round())
            bad |= fractional
            parsed = parsed.where(~fractional)
        reasons = np.where(bad, f"is not a valid {field.kind}", np.where(ambiguous, THOUSANDS_OR_DECIMALS, ""))
        return parsed, pd.Series(reasons, index=raw.index, dtype=object)
    if field.kind == "date":
        return read_dates(raw.where(~blank), date_order)
    if field.kind == "bool":
        text = raw.where(~blank).astype(str).str.strip().str.lower()
        truth = {"true": True, "1": True, "yes": True, "y": True, "false": False, "0": False, "no": False, "n": False}
        parsed = text.map(truth)
        parsed = parsed.where(~raw.map(lambda v: isinstance(v, bool)), raw)
        return parsed, _reasons(parsed.isna() & ~blank, "is not a valid bool")
    parsed = raw.where(~blank).astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return parsed, pd.Series("", index=raw.index, dtype=object)


THOUSANDS_OR_DECIMALS = (
    "could be thousands or decimals in a file with decimal commas: write it without the point, or with a decimal comma"
)


def _decimal_points(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(`raw` with each decimal comma written as a point: 5,5 -> 5.5; mask of the values whose point
    could as well be a thousands separator: 1.234)."""
    text = raw.map(lambda v: v.strip() if isinstance(v, str) else "")
    comma = text.str.fullmatch(r"[+-]?\d*,\d+").astype(bool)
    grouped = text.str.fullmatch(r"[+-]?\d{1,3}(?:\.\d{3})+").astype(bool)
    return raw.where(~comma, text.str.replace(",", ".", regex=False)), grouped


def _reasons(mask: pd.Series, reason: str) -> pd.Series:
    """`reason` where `mask`, '' elsewhere."""
    return pd.Series(np.where(mask, reason, ""), index=mask.index, dtype=object)


def _errors(mask: pd.Series, values: pd.Series, field: str, reason: str, first_row: int) -> list[ValidationError]:
    positions = mask.to_numpy().nonzero()[0]
    return [ValidationError(field, values.iloc[p], reason, row=int(p) + first_row) for p in positions]


def validate_frame(
    kind: RecordKind,
    frame: pd.DataFrame,
    first_row: int = 1,
    *,
    date_order: DateOrder = DateOrder.NONE,
    decimal_comma: bool = False,
) -> tuple[pd.DataFrame, list[ValidationError]]:
    """The frame with each field parsed to its type, and every problem found (row = position + `first_row`).

    Dates not written YYYY-MM-DD are read in `date_order` (data/dates.py); `decimal_comma` lets
    numbers be written 5,5 (`_parse`)."""
    frame = frame.reset_index(drop=True)
    clean = pd.DataFrame(index=frame.index)
    problems: list[ValidationError] = []
    for field in kind.fields:
        raw = frame[field.name] if field.name in frame else pd.Series([None] * len(frame), dtype=object)
        parsed, refusals = _parse(field, raw, date_order, decimal_comma)
        unparsable = refusals != ""
        for reason in refusals[unparsable].unique():
            problems += _errors(refusals == reason, raw, field.name, reason, first_row)
        present = parsed.notna()
        if field.required:
            problems += _errors(~present & ~unparsable, raw, field.name, "is required", first_row)
        if field.kind == "int":  # the databases' INTEGER is 32-bit on PostgreSQL
            huge = present & ~unparsable & (parsed.abs() > INT_LIMIT)
            problems += _errors(huge, raw, field.name, "is too large a number", first_row)
            parsed = parsed.where(~huge)
            present = parsed.notna()
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
        if field.kind == "date":
            problems += _errors(present & (parsed < EARLIEST_DATE), raw, field.name, "is before 1900", first_row)
            if field.name not in FUTURE_ALLOWED:
                latest = pd.Timestamp(dt.date.today() + dt.timedelta(days=1))  # a day ahead of UTC for time zones
                problems += _errors(present & (parsed > latest), raw, field.name, "is in the future", first_row)
        if field.max_length is not None:
            too_long = present & (parsed.astype(str).str.len() > field.max_length)
            problems += _errors(too_long, raw, field.name, f"is longer than {field.max_length} characters", first_row)
        clean[field.name] = parsed
    problems += cross_field_problems(kind, clean, first_row)
    if kind.natural_key:
        repeated = clean.duplicated(subset=list(kind.natural_key), keep="first") & clean[
            list(kind.natural_key)
        ].notna().all(axis=1)
        key = "+".join(kind.natural_key)
        problems += _errors(repeated, clean[kind.natural_key[0]], key, "repeats an earlier row of this file", first_row)
    problems.sort(key=lambda e: (e.row or 0, kind.columns.index(e.field) if e.field in kind.columns else 99))
    return clean, problems


def cross_field_problems(kind: RecordKind, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if kind.name == "rom_measurements":
        for unit, (low, high) in ROM_VALUE_RANGE.items():
            outside = (clean["unit"] == unit) & ((clean["value"] < low) | (clean["value"] > high))
            problems += _errors(outside, clean["value"], "value", f"is outside {low:g}..{high:g} {unit}", first_row)
    if kind.name == "injuries":
        early = clean["return_date"].notna() & (clean["return_date"] < clean["onset_date"])
        problems += _errors(early, clean["return_date"].dt.date, "return_date", "is before the onset date", first_row)
    if kind.name == "ostrc_responses":
        not_monday = clean["week_start"].notna() & (clean["week_start"].dt.day_of_week != 0)
        problems += _errors(not_monday, clean["week_start"].dt.date, "week_start", "is not a Monday", first_row)
    return problems


_PYTHON_TYPES: dict[str, Any] = {"int": int, "float": float, "bool": bool, "str": str}


def to_records(kind: RecordKind, clean: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python values for the driver (dates as date, missing as None).

    Built as lists, not with `Series.map`, which would turn an int column with a missing value
    back into floats and NaN."""
    present = clean.notna()
    columns: dict[str, list[Any]] = {}
    for field in kind.fields:
        values = clean[field.name].tolist()
        mask = present[field.name].tolist()
        if field.kind == "date":
            columns[field.name] = [v.date() if ok else None for v, ok in zip(values, mask, strict=True)]
        else:
            cast = _PYTHON_TYPES[field.kind]
            columns[field.name] = [cast(v) if ok else None for v, ok in zip(values, mask, strict=True)]
    names = list(columns)
    return [dict(zip(names, row, strict=True)) for row in zip(*columns.values(), strict=True)]


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


@retry_on_conflict
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
    with write_transaction(engine) as connection:
        problems += _unknown_athletes(connection, clean, first_row)
        if allowed_athlete_ids is not None:
            outside = clean["athlete_id"].notna() & ~clean["athlete_id"].isin(list(allowed_athlete_ids))
            problems += _errors(
                outside, clean["athlete_id"], "athlete_id", "is not an athlete you may record for", first_row
            )
        if problems:
            raise InvalidRecords(sorted(problems, key=lambda e: e.row or 0))
        records = to_records(kind, clean)
        try:
            result = upsert_records(connection, kind, records)
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


def upsert_records(connection: Connection, kind: RecordKind, records: list[dict[str, Any]]) -> SaveResult:
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


class EditConflict(ValidationError):
    """An edit made from an older read: someone else changed the record since it was read (its version
    moved on), so nothing was written. The form shows `str(error)` and keeps what was typed."""

    def __init__(
        self, noun: str, record_id: int, read_version: int, current_version: int | None, message: str | None = None
    ) -> None:
        super().__init__("version", read_version, "is not the record's version any more")
        self.record_id = record_id
        self.read_version = read_version
        self.current_version = current_version
        self.args = (
            message
            or f"Someone else changed this {noun} since you opened it: reload to see their change; "
            "your text is kept below.",
        )


#: What a conflict calls a record of each versioned kind.
RECORD_NOUNS = {"injuries": "injury", "therapy_sessions": "session"}


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, numpy scalars as Python ones, missing as null."""
    if value is None or (not isinstance(value, str | bool) and pd.isna(value)):
        return None
    if isinstance(value, dt.date | pd.Timestamp):
        return value.isoformat()[:10] if not isinstance(value, dt.datetime) else value.isoformat()
    return value.item() if hasattr(value, "item") else value


def changes_detail(old: Mapping[str, Any], new: Mapping[str, Any]) -> str:
    """The audit detail of an edit: JSON {"field": [old, new], ...} of the fields whose value changed.

    The values are stored as they are, clinical notes included: the audit log is read by admins only
    (`data.scoped.audit_log`), who may read the notes anyway, and a record of who wrote what is what the
    log is for. Erasing an athlete (`erase_athlete`) replaces these details of their records' edits."""
    import json

    changed = {f: [_plain(old.get(f)), _plain(v)] for f, v in new.items() if _plain(old.get(f)) != _plain(v)}
    return json.dumps(changed, ensure_ascii=False, sort_keys=True, default=str)


def read_for_edit(
    engine: Engine, kind_name: str, record_id: int, allowed_athlete_ids: Iterable[int] | None = None
) -> dict[str, Any] | None:
    """One record's fields and its `version`, read together for an edit form (None when there is no such
    record or it is outside `allowed_athlete_ids`). Pass the version back to `update_record` as
    `read_version`, so a change made by someone else in between is not overwritten."""
    kind = RECORD_KINDS[kind_name]
    model = kind.model
    with engine.connect() as connection:
        row = (
            connection.execute(
                select(*[getattr(model, c) for c in kind.columns], model.version).where(model.id == record_id)
            )
            .mappings()
            .one_or_none()
        )
    if row is None or (allowed_athlete_ids is not None and int(row["athlete_id"]) not in set(allowed_athlete_ids)):
        return None
    return dict(row)


@retry_on_conflict
def update_record(
    engine: Engine,
    kind_name: str,
    record_id: int,
    changes: Mapping[str, Any],
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
    read_version: int | None = None,
) -> int | None:
    """Change fields of one record (e.g. set an injury's return date), validating the record as it
    will be after the change. Raises `InvalidRecords` naming the field, and changes nothing then.

    `read_version` is the record's `version` when the editor read it (`read_for_edit`): the UPDATE
    matches only that version (``WHERE id = :id AND version = :read_version``) and sets version + 1, and
    when the row has moved on `EditConflict` is raised and nothing changes. Without it (kinds with no
    version, scripts) the change is applied to whatever is stored. Returns the new version (None for a
    kind without one). The audit entry's detail holds the old and new value of each changed field
    (`changes_detail`)."""
    kind = RECORD_KINDS[kind_name]
    model = kind.model
    versioned = "version" in model.__table__.c
    unknown = set(changes) - set(kind.columns)
    if unknown:
        raise ValidationError(sorted(unknown)[0], changes[sorted(unknown)[0]], f"is not a field of {kind_name}")
    if read_version is not None and not versioned:
        raise ValidationError("version", read_version, f"is not kept for {kind_name}")
    with write_transaction(engine) as connection:
        read = [getattr(model, c) for c in kind.columns] + ([model.version] if versioned else [])
        current = (
            connection.execute(select(*read).where(model.id == record_id).with_for_update()).mappings().one_or_none()
        )
        if current is None:
            raise ValidationError("id", record_id, f"is not a {kind_name} record")
        noun = RECORD_NOUNS.get(kind_name, "record")
        if read_version is not None and current["version"] != read_version:
            raise EditConflict(noun, record_id, read_version, current["version"])
        stored = {c: current[c] for c in kind.columns}
        merged = pd.DataFrame([{**stored, **changes}])
        clean, problems = validate_frame(kind, merged)
        problems = [ValidationError(p.field, p.value, p.reason) for p in problems]
        if allowed_athlete_ids is not None and int(current["athlete_id"]) not in set(allowed_athlete_ids):
            problems.append(
                ValidationError("athlete_id", current["athlete_id"], "is not an athlete you may record for")
            )
        if problems:
            raise InvalidRecords(problems)
        record = to_records(kind, clean)[0]
        values = {c: record[c] for c in changes}
        statement = update(model).where(model.id == record_id)
        if versioned:
            statement = statement.values(version=model.version + 1)
            if read_version is not None:
                statement = statement.where(model.version == read_version)
        try:
            matched = connection.execute(statement.values(**values)).rowcount
        except IntegrityError as error:
            raise ValidationError(kind.name, record_id, f"was refused by the database: {error.orig}") from error
        if not matched:  # changed between the read above and this write (cannot happen under the row lock)
            raise EditConflict(noun, record_id, read_version or 0, None)
        audit(connection, actor_id, "update", model.__tablename__, record_id, changes_detail(stored, values))
    return current["version"] + 1 if versioned else None


@retry_on_conflict
def replace_day_records(
    engine: Engine,
    kind_name: str,
    athlete_id: int,
    day: dt.date,
    rows: pd.DataFrame | Iterable[Mapping[str, Any]],
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> SaveResult:
    """Make `rows` the athlete's only records of a dated kind on `day` (e.g. today's pain by region):
    the day's other records are deleted, in the same transaction as the save."""
    kind = RECORD_KINDS[kind_name]
    model = kind.model
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    frame = frame.assign(athlete_id=athlete_id, date=day) if not frame.empty else frame
    clean, problems = validate_frame(kind, frame)
    if allowed_athlete_ids is not None and athlete_id not in set(allowed_athlete_ids):
        problems.append(ValidationError("athlete_id", athlete_id, "is not an athlete you may record for"))
    if problems:
        raise InvalidRecords(problems)
    with write_transaction(engine) as connection:
        connection.execute(delete(model).where(model.athlete_id == athlete_id, model.date == day))
        result = (
            upsert_records(connection, kind, to_records(kind, clean)) if not clean.empty else SaveResult(0, 0, 0, [])
        )
        audit(
            connection,
            actor_id,
            "replace_day",
            model.__tablename__,
            None,
            f"athlete {athlete_id} on {day}: {result.inserted} rows",
        )
    return result


@retry_on_conflict
def close_flag(
    engine: Engine,
    athlete_id: int,
    day: dt.date,
    kind: str,
    body_region: str | None = None,
    side: str | None = None,
    measure: str | None = None,
    note: str | None = None,
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> None:
    """Record that a therapist has seen and closed one flag (idempotent), identified by its whole identity
    (`analytics.flags.FLAG_IDENTITY`: athlete, day, kind, region, side, measure; a missing region, side or
    measure is stored as ""), so closing one flag never closes another. Only athletes in
    `allowed_athlete_ids` (the closer's scope) may be reviewed. Each new review is audited."""
    if allowed_athlete_ids is not None and athlete_id not in set(allowed_athlete_ids):
        raise ValidationError("athlete_id", athlete_id, "is not an athlete you may review")
    key = {
        "athlete_id": athlete_id,
        "date": day,
        "kind": kind,
        "body_region": body_region or "",
        "side": side or "",
        "measure": measure or "",
    }
    with write_transaction(engine) as connection:
        exists = connection.scalar(select(FlagReview.id).filter_by(**key))
        if exists is None:
            new_id = connection.execute(
                insert(FlagReview).values(**key, closed_by=actor_id, note=note).returning(FlagReview.id)
            ).scalar_one()
            where = " ".join(key[c] for c in ("body_region", "side", "measure") if key[c])
            detail = f"{kind} of athlete {athlete_id} on {day}" + (f": {where}" if where else "")
            audit(connection, actor_id, "close_flag", "flag_reviews", new_id, detail)


@retry_on_conflict
def delete_record(engine: Engine, kind_name: str, record_id: int, actor_id: int | None = None) -> None:
    """Delete one record of a kind, with an audit entry."""
    model = RECORD_KINDS[kind_name].model
    with write_transaction(engine) as connection:
        deleted = connection.execute(delete(model).where(model.id == record_id)).rowcount
        if not deleted:
            raise ValidationError("id", record_id, f"is not a {kind_name} record")
        audit(connection, actor_id, "delete", model.__tablename__, record_id, "")


def create_team(engine: Engine, name: str, sport: str = "", timezone: str = "UTC", actor_id: int | None = None) -> int:
    """A new team's id; refuses an empty or taken name and an unknown time zone."""
    name = name.strip()
    if not name:
        raise ValidationError("name", name, "is required")
    check_timezone(timezone)
    with write_transaction(engine) as connection:
        if connection.scalar(select(Team.id).where(Team.name == name)) is not None:
            raise ValidationError("name", name, "is already a team")
        team_id = connection.execute(
            insert(Team).values(name=name, sport=sport.strip(), timezone=timezone).returning(Team.id)
        ).scalar_one()
        audit(connection, actor_id, "create", "teams", team_id, name)
    return team_id


def check_timezone(timezone: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: a name too long for a file
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
    with write_transaction(engine) as connection:
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


def check_password(password: str, username: str | None = None) -> None:
    """Refuse a password that is too short, one of the most common ones, or the username (or holds it)."""
    problem = password_problem(password, username)
    if problem:
        raise ValidationError("password", "(hidden)", problem)


def create_user(
    engine: Engine,
    username: str,
    password: str,
    role: str,
    athlete_id: int | None = None,
    team_ids: Iterable[int] = (),
    actor_id: int | None = None,
    first: bool = False,
) -> int:
    """A new user's id. Athletes must be linked to an athlete; only the argon2id hash is stored.

    `first=True` is the first-run screen's "create the first admin": refused once any user exists,
    checked in the same transaction, so a stale first-run page cannot add an admin later."""
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise ValidationError("username", username, "must be 1-80 characters without spaces")
    if role not in ROLES:
        raise ValidationError("role", role, f"is not one of: {', '.join(ROLES)}")
    if role == "athlete" and athlete_id is None:
        raise ValidationError("athlete", athlete_id, "is required for an athlete account")
    check_password(password, username)
    team_ids = sorted(set(team_ids))
    with write_transaction(engine) as connection:
        if first and connection.scalar(select(User.id).limit(1)) is not None:
            raise ValidationError("username", username, "cannot be created here: Fascia already has users")
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
    """Replace a user's password hash (refused like a new user's: short, common, or the username)."""
    with engine.connect() as connection:
        username = connection.scalar(select(User.username).where(User.id == user_id))
    if username is None:
        raise ValidationError("user", user_id, "is not a known user")
    check_password(password, username)
    with write_transaction(engine) as connection:
        changed = connection.execute(
            update(User).where(User.id == user_id).values(password_hash=hash_password(password))
        ).rowcount
        if not changed:
            raise ValidationError("user", user_id, "is not a known user")
        end_sessions_of(connection, user_id)  # every browser signed in with the old password signs in again
        audit(connection, actor_id, "reset_password", "users", user_id, "")


def set_user_active(engine: Engine, user_id: int, active: bool, actor_id: int | None = None) -> None:
    """Activate or deactivate a user (a deactivated user cannot sign in); nobody deactivates themself."""
    if not active and actor_id is not None and actor_id == user_id:
        raise ValidationError("user", user_id, "is you: another admin must deactivate your account")
    with write_transaction(engine) as connection:
        if not active:
            refuse_last_admin(connection, user_id, "deactivate")
        connection.execute(update(User).where(User.id == user_id).values(active=active))
        if not active:
            end_sessions_of(connection, user_id)
        audit(connection, actor_id, "activate" if active else "deactivate", "users", user_id, "")


def set_user_teams(engine: Engine, user_id: int, team_ids: Iterable[int], actor_id: int | None = None) -> None:
    """Replace the teams a coach or therapist may see."""
    team_ids = sorted(set(team_ids))
    with write_transaction(engine) as connection:
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


@dataclass(frozen=True)
class SessionSaveResult:
    session_id: int
    rom_ids: list[int]
    #: The session's version after the save (pass it as `read_version` to save over it again).
    version: int | None = None


SESSION_TAKEN = (
    "Someone else saved a session of this athlete with this technique, region and side on this day since you "
    "opened the form: reload to see it in the list below; your text is kept below, and saving again replaces "
    "that session with it."
)


@retry_on_conflict
def save_session_with_rom(
    engine: Engine,
    session: Mapping[str, Any],
    rom_rows: Iterable[Mapping[str, Any]] = (),
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
    read_version: int | None = None,
) -> SessionSaveResult:
    """Save one therapy session and the ROM measured around it in one transaction.

    `session` holds the fields of a therapy session (`therapist_id` defaults to `actor_id`);
    `rom_rows` hold joint, movement, side, value, unit, method and context (``pre_session`` or
    ``post_session``); their athlete, date and session id come from the session. The session
    upserts on its natural key (athlete, date, technique, region, side), the ROM rows on theirs.

    Refused values raise `InvalidRecords` and nothing is written. An error about the session
    names its field (row None); an error about a ROM row names ``rom.<field>`` and the row's
    position in `rom_rows` (1 = first). Besides each kind's own rules: the injury treated must
    be the athlete's, the context must be pre_session or post_session, and a post_session value
    needs a pre_session value of the same measure and side (a change needs both ends).

    `read_version` is the version of the stored session (same natural key) the form was saving over,
    0 when it knew of none (a new session): when the stored session has another version and saving
    would change it, `EditConflict` is raised and nothing is written, so one therapist's session is
    not silently replaced by another's. None (imports, scripts) saves over whatever is stored. The
    audit entry of a save over a stored session holds the old and new values of its changed fields.
    """
    session_kind, rom_kind = RECORD_KINDS["therapy_sessions"], RECORD_KINDS["rom_measurements"]
    values = {"therapist_id": actor_id, **dict(session)}
    clean_session, problems = validate_frame(session_kind, pd.DataFrame([values]))
    problems = [ValidationError(p.field, p.value, p.reason) for p in problems]
    rom_frame = pd.DataFrame([dict(r) for r in rom_rows])
    if not rom_frame.empty:
        rom_frame = rom_frame.assign(
            athlete_id=values.get("athlete_id"), date=values.get("date"), measured_by=actor_id, session_id=None
        )
        clean_rom, rom_problems = validate_frame(rom_kind, rom_frame)
        inherited = {"athlete_id", "date", "session_id", "measured_by"}  # the session's errors name these
        problems += [
            ValidationError(f"rom.{p.field}", p.value, p.reason, p.row)
            for p in rom_problems
            if p.field not in inherited
        ]
        around = clean_rom["context"].notna() & ~clean_rom["context"].isin(["pre_session", "post_session"])
        problems += _errors(around, clean_rom["context"], "rom.context", "is not pre_session or post_session", 1)
        measure = ["joint", "movement", "side", "unit"]
        pre_keys = {tuple(k) for k in clean_rom.loc[clean_rom["context"] == "pre_session", measure].to_numpy()}
        has_pre = pd.Series([tuple(k) in pre_keys for k in clean_rom[measure].to_numpy()], index=clean_rom.index)
        orphan = (clean_rom["context"] == "post_session") & ~has_pre
        problems += _errors(
            orphan, clean_rom["value"], "rom.value", "after the session needs a value before it (same measure, side)", 1
        )
    athlete_id = clean_session["athlete_id"].iloc[0]
    if allowed_athlete_ids is not None and pd.notna(athlete_id) and int(athlete_id) not in set(allowed_athlete_ids):
        problems.append(ValidationError("athlete_id", athlete_id, "is not an athlete you may record for"))
    with write_transaction(engine) as connection:
        problems += [
            ValidationError(p.field, p.value, p.reason) for p in _unknown_athletes(connection, clean_session, 1)
        ]
        injury_id = clean_session["injury_id"].iloc[0]
        if pd.notna(injury_id) and pd.notna(athlete_id):
            injury = RECORD_KINDS["injuries"].model
            owner = connection.scalar(select(injury.athlete_id).where(injury.id == int(injury_id)))
            if owner is None or int(owner) != int(athlete_id):
                problems.append(ValidationError("injury_id", int(injury_id), "is not an injury of this athlete"))
        if problems:
            raise InvalidRecords(problems)
        [session_record] = to_records(session_kind, clean_session)
        model = session_kind.model
        key = session_kind.natural_key or ()
        stored = (
            connection.execute(
                select(model.id, model.version, *[getattr(model, c) for c in session_kind.columns])
                .where(*[getattr(model, k) == session_record[k] for k in key])
                .order_by(model.id)
                .limit(1)
                .with_for_update()
            )
            .mappings()
            .one_or_none()
        )
        changed = {c: v for c, v in session_record.items() if stored is not None and stored[c] != v}
        if read_version is not None and stored is not None and stored["version"] != read_version and changed:
            raise EditConflict("session", stored["id"], read_version, stored["version"], SESSION_TAKEN)
        try:
            saved = upsert_records(connection, session_kind, [session_record])
            session_id = saved.ids[0]
            rom_ids: list[int] = []
            if not rom_frame.empty:
                rom_records = [{**r, "session_id": session_id} for r in to_records(rom_kind, clean_rom)]
                rom_ids = upsert_records(connection, rom_kind, rom_records).ids
        except IntegrityError as error:
            raise ValidationError("therapy_sessions", "row", f"was refused by the database: {error.orig}") from error
        edited = f"; changed {changes_detail(dict(stored), changed)}" if stored is not None and changed else ""
        audit(
            connection,
            actor_id,
            "save_session",
            session_kind.model.__tablename__,
            session_id,
            f"with {len(rom_ids)} ROM measurements{edited}",
        )
        version = connection.scalar(select(model.version).where(model.id == session_id))
    return SessionSaveResult(session_id, rom_ids, version)


@retry_on_conflict
def save_checkin(
    engine: Engine,
    athlete_id: int,
    day: dt.date,
    checkin: Mapping[str, Any],
    pain_rows: Iterable[Mapping[str, Any]],
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> tuple[SaveResult, SaveResult]:
    """Save an athlete's check-in of `day` and make `pain_rows` that day's only pain reports, in ONE
    transaction (the athlete's daily form: wellness items plus pain by region).

    The check-in is upserted by athlete + date, so saving again the same day edits it; the day's pain
    reports are replaced, so a region left out of `pain_rows` loses its report. `athlete_id` and `day`
    are set on every row here, whatever the rows hold. Any refused value raises `InvalidRecords` and
    nothing is written: check-in problems carry no row, pain problems the row = position in
    `pain_rows` + 1. Returns the (check-in, pain reports) results.
    """
    wellness, pain_kind = RECORD_KINDS["wellness_checkins"], RECORD_KINDS["pain_reports"]
    stamp = {"athlete_id": athlete_id, "date": day}
    checkin_clean, found = validate_frame(wellness, pd.DataFrame([{**checkin, **stamp}]))
    problems = [ValidationError(p.field, p.value, p.reason) for p in found]
    pain_frame = pd.DataFrame([{**row, **stamp} for row in pain_rows], columns=pain_kind.columns)
    pain_clean, pain_problems = validate_frame(pain_kind, pain_frame)
    problems += pain_problems
    if allowed_athlete_ids is not None and athlete_id not in set(allowed_athlete_ids):
        problems.append(ValidationError("athlete_id", athlete_id, "is not an athlete you may record for"))
    with write_transaction(engine) as connection:
        unknown = _unknown_athletes(connection, checkin_clean, 1)
        problems += [ValidationError(p.field, p.value, p.reason) for p in unknown]
        if problems:
            raise InvalidRecords(problems)
        pain_model = pain_kind.model
        try:
            saved = upsert_records(connection, wellness, to_records(wellness, checkin_clean))
            connection.execute(delete(pain_model).where(pain_model.athlete_id == athlete_id, pain_model.date == day))
            pains = (
                upsert_records(connection, pain_kind, to_records(pain_kind, pain_clean))
                if not pain_clean.empty
                else SaveResult(0, 0, 0, [])
            )
        except IntegrityError as error:
            raise ValidationError("check-in", day, f"was refused by the database: {error.orig}") from error
        audit(
            connection,
            actor_id,
            "save_checkin",
            wellness.model.__tablename__,
            saved.ids[0] if saved.ids else None,
            f"athlete {athlete_id} on {day}: check-in {'updated' if saved.updated else 'saved'}, "
            f"{pains.inserted} pain reports",
        )
    return saved, pains


# --------------------------------------------------------------------------- account security (issue 6)

LAST_ADMIN = "is the last active admin: make another user an admin first"


def audit_entry(
    engine: Engine, actor_id: int | None, action: str, table: str, record_id: int | None, detail: str
) -> None:
    """`audit` in a transaction of its own (for events that write nothing else: sign-ins, exports)."""
    with write_transaction(engine) as connection:
        audit(connection, actor_id, action, table, record_id, detail)


def refuse_last_admin(connection: Connection, user_id: int, verb: str) -> None:
    """Raise `ValidationError` when `user_id` is the only active admin: nobody may `verb` them.

    The admins' rows are locked (FOR UPDATE on PostgreSQL; SQLite has one writer at a time), so two
    admins deactivating each other at once cannot both succeed."""
    admins = connection.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if list(admins) == [user_id]:
        raise ValidationError("user", user_id, f"{LAST_ADMIN} (you cannot {verb} them)")


def set_user_email(engine: Engine, user_id: int, email: str | None, actor_id: int | None = None) -> None:
    """Set (or clear, with a blank) the e-mail single sign-on maps to this user; unique, stored lower-case."""
    from data.auth import normalise_email

    address = normalise_email(email)
    if address is not None and (len(address) > 254 or address.count("@") != 1 or any(c.isspace() for c in address)):
        raise ValidationError("email", email, "is not an e-mail address (one @, no spaces)")
    with write_transaction(engine) as connection:
        if connection.scalar(select(User.id).where(User.id == user_id)) is None:
            raise ValidationError("user", user_id, "is not a known user")
        if address is not None:
            holder = connection.scalar(select(User.username).where(User.email == address, User.id != user_id))
            if holder is not None:
                raise ValidationError("email", address, f"is already the e-mail of {holder}")
        connection.execute(update(User).where(User.id == user_id).values(email=address))
        audit(connection, actor_id, "set_email", "users", user_id, address or "(cleared)")


STAFF_ROLES = ("admin", "coach", "therapist")


def set_user_role(engine: Engine, user_id: int, role: str, actor_id: int | None = None) -> None:
    """Change a staff account's role among admin, coach and therapist; the last active admin keeps theirs.

    Athlete accounts keep their role (they are tied to one athlete)."""
    if role not in STAFF_ROLES:
        raise ValidationError("role", role, f"is not one of: {', '.join(STAFF_ROLES)}")
    with write_transaction(engine) as connection:
        current = connection.scalar(select(User.role).where(User.id == user_id))
        if current is None:
            raise ValidationError("user", user_id, "is not a known user")
        if current not in STAFF_ROLES:
            raise ValidationError("role", role, "cannot be given to an athlete account")
        if current == role:
            return
        if current == "admin":
            refuse_last_admin(connection, user_id, "demote")
        connection.execute(update(User).where(User.id == user_id).values(role=role))
        audit(connection, actor_id, "set_role", "users", user_id, f"{current} -> {role}")


ERASED_DETAIL = "(erased with the athlete)"


def erase_athlete(engine: Engine, athlete_id: int, actor_id: int | None = None) -> str:
    """Delete an athlete, every record of theirs and their user account, in one transaction.

    Every table with an `athlete_id` column is emptied of the athlete's rows (children before
    parents, in the schema's dependency order), so a table added later is erased too. The audit
    entries their account wrote are kept, unlinked from the deleted account; the details of the entries
    of edits to their injuries and sessions (old and new values, notes among them) are replaced by
    `ERASED_DETAIL`; one entry "erased athlete <external id>" is added, without the name. Returns the
    external id.
    """
    from data.models import Base

    with write_transaction(engine) as connection:
        external_id = connection.scalar(select(Athlete.external_id).where(Athlete.id == athlete_id))
        if external_id is None:
            raise ValidationError("athlete", athlete_id, "is not a known athlete")
        accounts = list(connection.scalars(select(User.id).where(User.athlete_id == athlete_id)).all())
        for table in RECORD_NOUNS:  # their edits' audit details hold old and new values (notes): forget them
            model = RECORD_KINDS[table].model
            edited = select(model.id).where(model.athlete_id == athlete_id).scalar_subquery()
            connection.execute(
                update(AuditEntry)
                .where(AuditEntry.table_name == table, AuditEntry.record_id.in_(edited))
                .values(detail=ERASED_DETAIL)
            )
        counts: dict[str, int] = {}
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in ("users", "athletes") or "athlete_id" not in table.c:
                continue
            counts[table.name] = connection.execute(delete(table).where(table.c.athlete_id == athlete_id)).rowcount
        if accounts:
            for table in Base.metadata.sorted_tables:
                for column in table.c:
                    if table.name != "user_teams" and any(k.column.table.name == "users" for k in column.foreign_keys):
                        connection.execute(update(table).where(column.in_(accounts)).values({column.name: None}))
            connection.execute(delete(user_teams).where(user_teams.c.user_id.in_(accounts)))
            connection.execute(delete(User).where(User.id.in_(accounts)))
        connection.execute(delete(Athlete).where(Athlete.id == athlete_id))
        removed = sum(counts.values())
        audit(
            connection,
            actor_id,
            "erase",
            "athletes",
            athlete_id,
            f"erased athlete {external_id}: {removed} records, {len(accounts)} user account(s)",
        )
    return external_id
