"""Validated writes of records (check-ins, pain, therapy sessions, ROM, injuries, training, OSTRC, flag
reviews). Every write raises `ValidationError` (naming row, field and value) for bad input, and a
multi-row write is one transaction: a refused row leaves the database as it was. Each write leaves an
audit entry (`data.audit`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from data.audit import audit, changes_detail
from data.db import retry_on_conflict, write_transaction
from data.errors import ValidationError
from data.logs import event, logger
from data.models import Athlete, FlagReview
from data.notifications import enqueue_pain_alerts
from data.record_checks import DERIVED_FROM, InvalidRecords, problems_where, to_records, validate_frame
from data.records import RECORD_KINDS, RecordKind

#: One line per save in the server's log: the kind, how many and who; never a value (`data.logs`).
_LOG = logger("records")


@dataclass(frozen=True)
class SaveResult:
    """What a save did: rows inserted, updated and left unchanged, and the ids of the rows saved."""

    inserted: int
    updated: int
    unchanged: int
    ids: list[int]


def _unknown_athletes(connection: Connection, clean: pd.DataFrame, first_row: int) -> list[ValidationError]:
    """A refusal for each row whose athlete is not in the database."""
    wanted = {int(a) for a in clean["athlete_id"].dropna().unique()}
    if not wanted:
        return []
    known = set(connection.scalars(select(Athlete.id).where(Athlete.id.in_(sorted(wanted)))).all())
    missing = clean["athlete_id"].notna() & ~clean["athlete_id"].isin(list(known))
    return problems_where(missing, clean["athlete_id"], "athlete_id", "is not a known athlete", first_row)


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
            problems += problems_where(
                outside, clean["athlete_id"], "athlete_id", "is not an athlete you may record for", first_row
            )
        if problems:
            raise InvalidRecords(sorted(problems, key=lambda e: e.row or 0))
        records = to_records(kind, clean)
        try:
            result = upsert_records(connection, kind, records)
        except IntegrityError as error:
            raise ValidationError(kind.name, "row", f"was refused by the database: {error.orig}") from error
        if result.inserted or result.updated:  # the same thing saved twice is no change, and no audit entry
            audit(
                connection,
                actor_id,
                "save",
                kind.model.__tablename__,
                result.ids[0] if len(result.ids) == 1 else None,
                f"{result.inserted} inserted, {result.updated} updated, {result.unchanged} unchanged",
            )
    if result.inserted or result.updated:
        event(_LOG, "saved", kind=kind.name, inserted=result.inserted, updated=result.updated, user_id=actor_id)
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
        rederived = {
            field: None
            for source, fields in DERIVED_FROM.items()
            if source in changes and changes[source] != stored.get(source)
            for field in fields
            if field in stored and field not in changes
        }
        merged = pd.DataFrame([{**stored, **rederived, **changes}])
        clean, problems = validate_frame(kind, merged)
        problems = [ValidationError(p.field, p.value, p.reason) for p in problems]
        if allowed_athlete_ids is not None and int(current["athlete_id"]) not in set(allowed_athlete_ids):
            problems.append(
                ValidationError("athlete_id", current["athlete_id"], "is not an athlete you may record for")
            )
        if problems:
            raise InvalidRecords(problems)
        record = to_records(kind, clean)[0]
        values = {c: record[c] for c in kind.columns if record[c] != stored[c]}
        if not values:  # nothing differs from the stored row: no write, no new version, no audit entry
            return current["version"] if versioned else None
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
    event(_LOG, "edited", kind=model.__tablename__, count=1, user_id=actor_id)
    return current["version"] + 1 if versioned else None


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
    if exists is None:
        event(_LOG, "saved", kind="flag_reviews", count=1, user_id=actor_id)


@dataclass(frozen=True)
class SessionSaveResult:
    """What `save_session_with_rom` saved: the session's id, its ROM measurements' ids and its version."""

    session_id: int
    rom_ids: list[int]
    #: The session's version after the save (pass it as `read_version` to save over it again).
    version: int | None = None
    #: False when the session and its ROM were saved before with exactly these values (nothing written).
    changed: bool = True


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
        problems += problems_where(around, clean_rom["context"], "rom.context", "is not pre_session or post_session", 1)
        measure = ["joint", "movement", "side", "unit"]
        pre_keys = {tuple(k) for k in clean_rom.loc[clean_rom["context"] == "pre_session", measure].to_numpy()}
        has_pre = pd.Series([tuple(k) in pre_keys for k in clean_rom[measure].to_numpy()], index=clean_rom.index)
        orphan = (clean_rom["context"] == "post_session") & ~has_pre
        problems += problems_where(
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
            rom_saved = SaveResult(0, 0, 0, [])
            if not rom_frame.empty:
                rom_records = [{**r, "session_id": session_id} for r in to_records(rom_kind, clean_rom)]
                rom_saved = upsert_records(connection, rom_kind, rom_records)
            rom_ids = rom_saved.ids
        except IntegrityError as error:
            raise ValidationError("therapy_sessions", "row", f"was refused by the database: {error.orig}") from error
        edited = f"; changed {changes_detail(dict(stored), changed)}" if stored is not None and changed else ""
        changed_any = bool(saved.inserted or saved.updated or rom_saved.inserted or rom_saved.updated)
        if changed_any:
            audit(
                connection,
                actor_id,
                "save_session",
                session_kind.model.__tablename__,
                session_id,
                f"with {len(rom_ids)} ROM measurements{edited}",
            )
        version = connection.scalar(select(model.version).where(model.id == session_id))
    if changed_any:
        event(_LOG, "saved", kind="therapy_sessions", count=1, rom_measurements=len(rom_ids), user_id=actor_id)
    return SessionSaveResult(session_id, rom_ids, version, changed_any)


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
        of_the_day = (pain_model.athlete_id == athlete_id, pain_model.date == day)
        before = connection.execute(
            select(pain_model.id, pain_model.body_region, pain_model.side, pain_model.pain).where(*of_the_day)
        ).all()
        wanted = {(r["body_region"], r["side"], r["pain"]) for r in to_records(pain_kind, pain_clean)}
        try:
            saved = upsert_records(connection, wellness, to_records(wellness, checkin_clean))
            if {(region, side, pain) for _, region, side, pain in before} == wanted:
                pains = SaveResult(0, 0, len(before), [row.id for row in before])
            else:
                connection.execute(delete(pain_model).where(*of_the_day))
                pains = (
                    upsert_records(connection, pain_kind, to_records(pain_kind, pain_clean))
                    if not pain_clean.empty
                    else SaveResult(0, 0, 0, [])
                )
        except IntegrityError as error:
            raise ValidationError("check-in", day, f"was refused by the database: {error.orig}") from error
        if not (saved.inserted or saved.updated or pains.inserted or len(before) != len(wanted)):
            return saved, pains  # the same answers again: no change, no audit entry
        audit(
            connection,
            actor_id,
            "save_checkin",
            wellness.model.__tablename__,
            saved.ids[0] if saved.ids else None,
            f"athlete {athlete_id} on {day}: check-in {'updated' if saved.updated else 'saved'}, "
            f"{pains.inserted} pain reports",
        )
        # new or risen pain reaches the team's therapists: its outbox rows commit with the check-in (issue 15)
        enqueue_pain_alerts(connection, athlete_id, day, to_records(pain_kind, pain_clean), dt.datetime.now(dt.UTC))
    event(_LOG, "saved", kind="wellness_checkins", count=1, user_id=actor_id)  # no pain count: it is health data
    return saved, pains
