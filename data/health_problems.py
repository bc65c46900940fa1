"""The return-to-sport stages of health problems, the club's checklist of each stage, further diagnoses and the
clinician's index-problem choice: their writes (one transaction each, audited: `data.audit`) and their reads.

Rules:
- The continuum (Ardern et al. 2016, BJSM 50:853-864): rehabilitation, return to participation, return to
  sport, return to performance (`analytics.vocabulary.RTS_STAGES`). A stage decision is a record: date,
  stage, who decided it and in which role, the checklist items met (their texts as they read that day),
  restrictions in plain words for the coach, whether the athlete agreed, the rationale and the date the
  next stage is expected. One decision per problem and day, never before the problem's onset.
- The problem's return date (return to full participation, Bahr et al. 2020) is derived from its stages
  (`derived_return_date`) and set in the transaction that records a stage: the first day of the latest
  unbroken run of stages at `RTS_FULL_PARTICIPATION` or later; a history whose latest stage is below
  full participation has none.
- OSIICS codes (Orchard et al., OSIICS 15) are not shipped (licence: docs/HEALTH_PROBLEMS.md): a code is
  free text the club enters, letters and digits, at most `OSIICS_MAX_LENGTH` (`osiics_code_refusal`).
- Who: therapists and admins record stages, edit the checklists and code diagnoses, for athletes in their
  scope (`data.access.allowed_athlete_ids`). The reads here are unscoped, like `data.queries`; pages read
  stages through `data.scoped.rts_stages`, which cuts rows and fields to the viewer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from analytics.vocabulary import (
    BODY_AREAS,
    ILLNESS_CAUSES,
    ORGAN_SYSTEMS,
    PATHOLOGIES,
    RTS_FULL_PARTICIPATION,
    RTS_STAGES,
    TISSUES,
)
from data import access
from data.access import Viewer
from data.audit import audit, changes_detail
from data.bulk import typed_frame
from data.db import retry_on_conflict, write_transaction
from data.errors import ValidationError
from data.models import Injury, RtsCriterion, RtsStage, SecondaryDiagnosis, User
from data.record_checks import is_osiics_code
from data.records import OSIICS_MAX_LENGTH

#: The roles that record stages, code diagnoses and edit the club's checklists.
CLINICAL_ROLES: tuple[str, ...] = ("therapist", "admin")


#: The longest texts taken.
CRITERION_MAX_LENGTH = 200
DIAGNOSIS_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 4000

#: The columns of `stage_rows`, in order, each with how it is read (`data.bulk.typed_frame`): those every viewer
#: who may see the athlete reads, then the clinical ones (`STAGE_CLINICAL`) only therapists and admins read
#: (`data.scoped.rts_stages`). ``criteria_met`` is read as its JSON text and made a list, ``athlete_agreed``
#: as 0/1 and made pandas' nullable boolean.
STAGE_COLUMNS: dict[str, str] = {
    "stage_id": "int64",
    "injury_id": "int64",
    "athlete_id": "int64",
    "date": "datetime",
    "stage": "str",
    "restrictions": "str",
    "expected_next_date": "datetime",
}
STAGE_CLINICAL: dict[str, str] = {
    "decided_by": "Int64",
    "decided_by_name": "str",
    "decided_role": "str",
    "criteria_met": "str",
    "athlete_agreed": "Int64",
    "rationale": "str",
}

#: The columns of `criteria`, in order.
CRITERION_COLUMNS: tuple[str, ...] = ("criterion_id", "stage", "text", "position", "active")

#: The columns of `secondary_diagnoses`, in order.
SECONDARY_COLUMNS: tuple[str, ...] = (
    "diagnosis_id",
    "injury_id",
    "diagnosis",
    "osiics_code",
    "body_area",
    "tissue",
    "pathology",
    "organ_system",
    "illness_cause",
)


def osiics_code_refusal(code: str | None, field: str = "osiics_code") -> ValidationError | None:
    """The refusal of an OSIICS code that is not letters and digits, at most `OSIICS_MAX_LENGTH` of them
    (None for a good code or none at all). The code itself is the club's: OSIICS 15 is not shipped."""
    if not code or (len(code) <= OSIICS_MAX_LENGTH and is_osiics_code(code)):
        return None
    return ValidationError(field, code, f"is not an OSIICS code: letters and digits only, at most {OSIICS_MAX_LENGTH}")


def derived_return_date(stages: Iterable[tuple[dt.date, str]]) -> dt.date | None:
    """The return to full participation of a stage history ((date, stage) pairs, any order): the first day
    of the latest unbroken run of stages at `RTS_FULL_PARTICIPATION` or later, None when the latest stage is
    below it (or there is no stage)."""
    full = RTS_STAGES.index(RTS_FULL_PARTICIPATION)
    returned: dt.date | None = None
    for day, stage in sorted(stages):
        if RTS_STAGES.index(stage) < full:
            returned = None
        elif returned is None:
            returned = day
    return returned


def _text(value: str | None, field: str, limit: int) -> str | None:
    """`value` stripped (None when empty); refused when longer than `limit`."""
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(field, text[:40] + "…", f"is longer than {limit} characters")
    return text or None


def _clinician(who: Viewer, field: str = "role") -> None:
    """Refuse anyone but a therapist or an admin."""
    if who.role not in CLINICAL_ROLES:
        raise ValidationError(field, who.role, "may not record return-to-sport decisions or diagnoses")


def _problem(connection: Connection, engine: Engine, who: Viewer, injury_id: int) -> Any:
    """The problem `injury_id` (id, athlete_id, onset_date, return_date, version), refused when there is none
    or its athlete is outside `who`'s scope (the same answer either way). The scope is read before the
    write transaction's first read, on a connection of its own."""
    refused = ValidationError("injury_id", injury_id, "is not a health problem you may record for")
    with engine.connect() as reading:
        athlete_id = reading.scalar(select(Injury.athlete_id).where(Injury.id == int(injury_id)))
    if athlete_id is None or not access.allowed_athlete_ids(engine, who, [int(athlete_id)]):
        raise refused
    row = connection.execute(
        select(Injury.id, Injury.athlete_id, Injury.onset_date, Injury.return_date, Injury.version).where(
            Injury.id == int(injury_id), Injury.athlete_id == athlete_id
        )
    ).one_or_none()
    if row is None:
        raise refused
    return row


def _set_return_date(connection: Connection, who: Viewer, problem: Any) -> dt.date | None:
    """Set the problem's return date from its stage history (bumping its version, audited when it changes)."""
    history = connection.execute(select(RtsStage.date, RtsStage.stage).where(RtsStage.injury_id == problem.id)).all()
    returned = derived_return_date((day, stage) for day, stage in history)
    if returned != problem.return_date:
        connection.execute(
            update(Injury).where(Injury.id == problem.id).values(return_date=returned, version=Injury.version + 1)
        )
        detail = changes_detail({"return_date": problem.return_date}, {"return_date": returned})
        audit(connection, who.user_id, "update", "injuries", problem.id, detail)
    return returned


@retry_on_conflict
def record_stage(
    engine: Engine,
    who: Viewer,
    injury_id: int,
    day: dt.date,
    stage: str,
    criteria_met: Sequence[str] = (),
    restrictions: str | None = None,
    athlete_agreed: bool | None = None,
    rationale: str | None = None,
    expected_next_date: dt.date | None = None,
) -> int:
    """Record one stage decision on the problem `injury_id` by `who` (a therapist or admin with the athlete in
    scope) and set the problem's return date from the new history, in one transaction. Returns the stage's id.

    Refused with `ValidationError` naming the field: ``stage`` not on the continuum, ``date`` before the onset
    or a second decision on one day, ``expected_next_date`` before the decision, ``injury_id`` outside the
    scope, ``role`` not a clinician, over-long texts."""
    _clinician(who)
    if stage not in RTS_STAGES:
        raise ValidationError("stage", stage, "is not a stage of the return-to-sport continuum")
    if expected_next_date is not None and expected_next_date < day:
        raise ValidationError("expected_next_date", expected_next_date, f"is before the decision's date ({day})")
    met = [text for text in (_text(c, "criteria_met", CRITERION_MAX_LENGTH) for c in criteria_met) if text]
    values = {
        "restrictions": _text(restrictions, "restrictions", TEXT_MAX_LENGTH),
        "rationale": _text(rationale, "rationale", TEXT_MAX_LENGTH),
    }
    with write_transaction(engine) as connection:
        problem = _problem(connection, engine, who, injury_id)
        if day < problem.onset_date:
            raise ValidationError("date", day, f"is before the problem's onset ({problem.onset_date})")
        taken = connection.scalar(select(RtsStage.id).where(RtsStage.injury_id == problem.id, RtsStage.date == day))
        if taken is not None:
            raise ValidationError("date", day, "already has a decision on this problem: one decision a day")
        stage_id = connection.execute(
            insert(RtsStage)
            .values(
                injury_id=problem.id,
                date=day,
                stage=stage,
                decided_by=who.user_id,
                decided_role=who.role,
                criteria_met=json.dumps(met, ensure_ascii=False),
                athlete_agreed=athlete_agreed,
                expected_next_date=expected_next_date,
                **values,
            )
            .returning(RtsStage.id)
        ).scalar_one()
        audit(
            connection, who.user_id, "record_stage", "rts_stages", stage_id, f"problem {problem.id}: {stage} from {day}"
        )
        _set_return_date(connection, who, problem)
    return int(stage_id)


@retry_on_conflict
def remove_stage(engine: Engine, who: Viewer, stage_id: int) -> None:
    """Remove a stage decision recorded by mistake (audited with what it held) and set the problem's return
    date from the history left."""
    _clinician(who)
    with write_transaction(engine) as connection:
        row = connection.execute(
            select(RtsStage.injury_id, RtsStage.date, RtsStage.stage).where(RtsStage.id == stage_id)
        ).one_or_none()
        if row is None:
            raise ValidationError("stage_id", stage_id, "is not a recorded stage decision")
        problem = _problem(connection, engine, who, row.injury_id)
        connection.execute(RtsStage.__table__.delete().where(RtsStage.id == stage_id))
        audit(
            connection,
            who.user_id,
            "remove_stage",
            "rts_stages",
            stage_id,
            f"problem {problem.id}: {row.stage} from {row.date}",
        )
        _set_return_date(connection, who, problem)


def stage_rows(
    engine: Engine,
    athlete_ids: Iterable[int] | None = None,
    include_clinical: bool = False,
    injury_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """The stage decisions of the athletes' problems (None = every athlete), oldest first per problem:
    `STAGE_COLUMNS`, and with `include_clinical` `STAGE_CLINICAL` (who decided, the criteria met as a list,
    whether the athlete agreed, the rationale)."""
    picked = [RtsStage.id.label("stage_id"), RtsStage.injury_id, Injury.athlete_id, RtsStage.date, RtsStage.stage]
    picked += [RtsStage.restrictions, RtsStage.expected_next_date]
    if include_clinical:
        picked += [RtsStage.decided_by, User.username.label("decided_by_name"), RtsStage.decided_role]
        picked += [RtsStage.criteria_met, RtsStage.athlete_agreed, RtsStage.rationale]
    statement = select(*picked).join(Injury, Injury.id == RtsStage.injury_id)
    if include_clinical:
        statement = statement.outerjoin(User, User.id == RtsStage.decided_by)
    if athlete_ids is not None:
        statement = statement.where(Injury.athlete_id.in_(sorted({int(a) for a in athlete_ids})))
    if injury_ids is not None:
        statement = statement.where(RtsStage.injury_id.in_(sorted({int(i) for i in injury_ids})))
    statement = statement.order_by(Injury.athlete_id, RtsStage.injury_id, RtsStage.date)
    frame = typed_frame(engine, statement, {**STAGE_COLUMNS, **STAGE_CLINICAL})
    if include_clinical:
        frame["criteria_met"] = pd.Series(
            [json.loads(text) if isinstance(text, str) and text else [] for text in frame["criteria_met"]],
            index=frame.index,
            dtype=object,
        )
        frame["athlete_agreed"] = frame["athlete_agreed"].astype("boolean")
    return frame


def criteria(engine: Engine, stage: str | None = None, include_inactive: bool = False) -> pd.DataFrame:
    """The club's checklist items (`CRITERION_COLUMNS`), by stage in continuum order, then position: active
    ones only unless `include_inactive`. The checklist is the club's, not an athlete's: everyone reads it."""
    statement = select(
        RtsCriterion.id, RtsCriterion.stage, RtsCriterion.text, RtsCriterion.position, RtsCriterion.active
    )
    if stage is not None:
        statement = statement.where(RtsCriterion.stage == stage)
    if not include_inactive:
        statement = statement.where(RtsCriterion.active.is_(True))
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(statement)]
    frame = pd.DataFrame(rows, columns=list(CRITERION_COLUMNS))
    frame["criterion_id"] = frame["criterion_id"].astype("int64")
    frame["position"] = frame["position"].astype("int64")
    frame["active"] = frame["active"].astype(bool)
    frame["order"] = frame["stage"].map({s: i for i, s in enumerate(RTS_STAGES)})
    ordered = frame.sort_values(["order", "position", "criterion_id"]).drop(columns="order")
    return ordered.reset_index(drop=True)


@retry_on_conflict
def add_criterion(engine: Engine, who: Viewer, stage: str, text: str) -> int:
    """Add an item at the end of a stage's checklist (therapists and admins; audited). Returns its id."""
    _clinician(who)
    if stage not in RTS_STAGES:
        raise ValidationError("stage", stage, "is not a stage of the return-to-sport continuum")
    wording = _text(text, "text", CRITERION_MAX_LENGTH)
    if wording is None:
        raise ValidationError("text", text, "is empty: say what the athlete must meet")
    with write_transaction(engine) as connection:
        last = connection.scalar(select(func.max(RtsCriterion.position)).where(RtsCriterion.stage == stage))
        criterion_id = connection.execute(
            insert(RtsCriterion)
            .values(stage=stage, text=wording, position=(last or 0) + 1, active=True)
            .returning(RtsCriterion.id)
        ).scalar_one()
        audit(connection, who.user_id, "add_criterion", "rts_criteria", criterion_id, f"{stage}: {wording}")
    return int(criterion_id)


@retry_on_conflict
def reword_criterion(engine: Engine, who: Viewer, criterion_id: int, text: str) -> None:
    """Reword a checklist item (therapists and admins; audited with the old and new text). Decisions already
    recorded keep the text they were made with."""
    _clinician(who)
    wording = _text(text, "text", CRITERION_MAX_LENGTH)
    if wording is None:
        raise ValidationError("text", text, "is empty: say what the athlete must meet")
    with write_transaction(engine) as connection:
        old = connection.scalar(select(RtsCriterion.text).where(RtsCriterion.id == criterion_id))
        if old is None:
            raise ValidationError("criterion_id", criterion_id, "is not an item of the club's checklists")
        connection.execute(update(RtsCriterion).where(RtsCriterion.id == criterion_id).values(text=wording))
        audit(
            connection,
            who.user_id,
            "reword_criterion",
            "rts_criteria",
            criterion_id,
            changes_detail({"text": old}, {"text": wording}),
        )


@retry_on_conflict
def deactivate_criterion(engine: Engine, who: Viewer, criterion_id: int) -> None:
    """Take an item off its stage's checklist (therapists and admins; audited). It is kept, inactive, so
    decisions made with it still read."""
    _clinician(who)
    with write_transaction(engine) as connection:
        row = connection.execute(
            select(RtsCriterion.stage, RtsCriterion.text).where(RtsCriterion.id == criterion_id)
        ).one_or_none()
        if row is None:
            raise ValidationError("criterion_id", criterion_id, "is not an item of the club's checklists")
        connection.execute(update(RtsCriterion).where(RtsCriterion.id == criterion_id).values(active=False))
        audit(connection, who.user_id, "deactivate_criterion", "rts_criteria", criterion_id, f"{row.stage}: {row.text}")


def _choice(value: str | None, field: str, choices: Sequence[str]) -> str | None:
    if value is None or value == "":
        return None
    if value not in choices:
        raise ValidationError(field, value, "is not one of the IOC 2020 categories")
    return value


@retry_on_conflict
def add_secondary_diagnosis(
    engine: Engine,
    who: Viewer,
    injury_id: int,
    diagnosis: str,
    osiics_code: str | None = None,
    body_area: str | None = None,
    tissue: str | None = None,
    pathology: str | None = None,
    organ_system: str | None = None,
    illness_cause: str | None = None,
) -> int:
    """Add a further diagnosis to a problem (the primary one is on the problem; therapists and admins, the
    athlete in scope; audited). Returns its id."""
    _clinician(who)
    text = _text(diagnosis, "diagnosis", DIAGNOSIS_MAX_LENGTH)
    if text is None:
        raise ValidationError("diagnosis", diagnosis, "is empty: name the diagnosis")
    code = (osiics_code or "").strip() or None
    refusal = osiics_code_refusal(code)
    if refusal is not None:
        raise refusal
    values = {
        "body_area": _choice(body_area, "body_area", BODY_AREAS),
        "tissue": _choice(tissue, "tissue", TISSUES),
        "pathology": _choice(pathology, "pathology", PATHOLOGIES),
        "organ_system": _choice(organ_system, "organ_system", ORGAN_SYSTEMS),
        "illness_cause": _choice(illness_cause, "illness_cause", ILLNESS_CAUSES),
    }
    with write_transaction(engine) as connection:
        problem = _problem(connection, engine, who, injury_id)
        diagnosis_id = connection.execute(
            insert(SecondaryDiagnosis)
            .values(injury_id=problem.id, diagnosis=text, osiics_code=code, **values)
            .returning(SecondaryDiagnosis.id)
        ).scalar_one()
        audit(connection, who.user_id, "add_diagnosis", "secondary_diagnoses", diagnosis_id, f"problem {problem.id}")
    return int(diagnosis_id)


@retry_on_conflict
def remove_secondary_diagnosis(engine: Engine, who: Viewer, diagnosis_id: int) -> None:
    """Remove a further diagnosis (therapists and admins, the athlete in scope; audited with its text)."""
    _clinician(who)
    with write_transaction(engine) as connection:
        row = connection.execute(
            select(SecondaryDiagnosis.injury_id, SecondaryDiagnosis.diagnosis).where(
                SecondaryDiagnosis.id == diagnosis_id
            )
        ).one_or_none()
        if row is None:
            raise ValidationError("diagnosis_id", diagnosis_id, "is not a recorded diagnosis")
        problem = _problem(connection, engine, who, row.injury_id)
        connection.execute(SecondaryDiagnosis.__table__.delete().where(SecondaryDiagnosis.id == diagnosis_id))
        audit(connection, who.user_id, "remove_diagnosis", "secondary_diagnoses", diagnosis_id, f"problem {problem.id}")


def secondary_diagnoses(engine: Engine, who: Viewer, injury_ids: Iterable[int]) -> pd.DataFrame:
    """The further diagnoses of the problems (`SECONDARY_COLUMNS`) for a therapist or an admin with their
    athletes in scope; none (same columns) for anyone else: a diagnosis is clinical."""
    wanted = sorted({int(i) for i in injury_ids})
    rows: list[tuple[Any, ...]] = []
    if who.sees_clinical_notes and wanted:
        model = SecondaryDiagnosis
        statement = (
            select(model.id, model.injury_id, model.diagnosis, model.osiics_code, model.body_area, model.tissue)
            .add_columns(model.pathology, model.organ_system, model.illness_cause, Injury.athlete_id)
            .join(Injury, Injury.id == model.injury_id)
            .where(model.injury_id.in_(wanted))
            .order_by(model.injury_id, model.id)
        )
        with engine.connect() as connection:
            found = connection.execute(statement).all()
        allowed = set(access.allowed_athlete_ids(engine, who, {int(r[-1]) for r in found})) if found else set()
        rows = [tuple(r[:-1]) for r in found if int(r[-1]) in allowed]
    frame = pd.DataFrame(rows, columns=list(SECONDARY_COLUMNS))
    frame[["diagnosis_id", "injury_id"]] = frame[["diagnosis_id", "injury_id"]].astype("int64")
    return frame


@retry_on_conflict
def set_index_problem(
    engine: Engine,
    who: Viewer,
    injury_id: int,
    index_problem_id: int | None,
    by_clinician: bool = True,
    read_version: int | None = None,
) -> int:
    """Set the clinician's choice of the earlier problem this one follows (`index_problem_id`; None with
    `by_clinician`: a new problem, not a subsequent one), or hand the choice back to the automatic rule
    (`by_clinician` False: `analytics.recurrence`). The index must be another, earlier problem of the same
    athlete. Versioned like an edit (`read_version`: `data.record_writes.EditConflict` when someone changed
    the problem since) and audited with the old and new choice. Returns the problem's new version."""
    from data.record_writes import EditConflict

    _clinician(who)
    chosen = int(index_problem_id) if by_clinician and index_problem_id is not None else None
    with write_transaction(engine) as connection:
        problem = _problem(connection, engine, who, injury_id)
        current = connection.execute(
            select(Injury.index_problem_id, Injury.index_by_clinician).where(Injury.id == problem.id)
        ).one()
        if read_version is not None and problem.version != read_version:
            raise EditConflict("injury", problem.id, read_version, problem.version)
        if chosen is not None:
            index = connection.execute(
                select(Injury.athlete_id, Injury.onset_date).where(Injury.id == chosen)
            ).one_or_none()
            if index is None or chosen == problem.id or int(index.athlete_id) != int(problem.athlete_id):
                raise ValidationError("index_problem_id", chosen, "is not another health problem of this athlete")
            if index.onset_date > problem.onset_date:
                raise ValidationError("index_problem_id", chosen, "began after this problem: the index comes first")
        old = {"index_problem_id": current.index_problem_id, "index_by_clinician": bool(current.index_by_clinician)}
        new = {"index_problem_id": chosen, "index_by_clinician": bool(by_clinician)}
        if old != new:
            connection.execute(update(Injury).where(Injury.id == problem.id).values(**new, version=Injury.version + 1))
            audit(connection, who.user_id, "set_index_problem", "injuries", problem.id, changes_detail(old, new))
            return int(problem.version) + 1
    return int(problem.version)
