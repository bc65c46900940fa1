"""The health problems an athlete reports in the weekly OSTRC-H2 follow-up questions (Clarsen B et al.
Improved reporting of overuse injuries and health problems in sport: an update of the Oslo Sport Trauma
Research Center questionnaires. Br J Sports Med 2020;54:390-396), beside the week's OSTRC-O2 answers
(`ostrc_responses`).

For each health problem of the past 7 days the athlete says whether it is an injury or an illness, where
(the body region of an injury) or what (the main symptom system of an illness), answers the four OSTRC
questions about that problem (scores 0 / 8 / 17 / 25 each), and gives the days of full time-loss in the
past 7 days (0-7). A problem is substantial when Q1 = 25 or Q2 >= 17 or Q3 >= 17
(`analytics.surveillance.ostrc_substantial`); a therapist opens a health-problem record for a substantial
one (`link_to_problem`), after which it is no longer listed as unrecorded (`unrecorded_substantial`).

Rules of a week's save (`save_week`, one transaction, audited): the week starts on a Monday and is not in
the future; one report per problem type and region (injury) or system (illness) and week; saving the week
again updates the reports it names again, adds the new ones and removes the ones left out, except a report
a therapist has opened a record from, which is kept. The reads here are unscoped, like `data.queries`:
callers pass the athletes the viewer may see (`data.access`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from analytics.surveillance import ostrc_severity, ostrc_substantial
from analytics.vocabulary import BODY_REGIONS, ORGAN_SYSTEMS, OSTRC_SCORES, PROBLEM_TYPES
from data.audit import audit
from data.bulk import typed_frame
from data.db import retry_on_conflict, write_transaction
from data.errors import ValidationError
from data.models import Athlete, Injury, OstrcHealthProblem
from data.record_checks import InvalidRecords

QUESTIONS: tuple[str, ...] = ("q1", "q2", "q3", "q4")
#: Most days of full time-loss a 7-day week can hold.
MAX_DAYS_LOST = 7

#: The columns of `reports`, in order, with their dtypes.
REPORT_COLUMNS: dict[str, str] = {
    "report_id": "int64",
    "athlete_id": "int64",
    "week_start": "datetime",
    "problem_type": "str",
    "body_region": "str",
    "organ_system": "str",
    **dict.fromkeys(QUESTIONS, "int64"),
    "days_lost": "int64",
    "injury_id": "Int64",
}
#: The columns of `unrecorded_substantial`, in order.
UNRECORDED_COLUMNS: tuple[str, ...] = (
    "report_id",
    "athlete_id",
    "week_start",
    "problem_type",
    "body_region",
    "organ_system",
    "severity",
    "substantial",
    "days_lost",
)


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (not isinstance(value, str) and pd.isna(value))
    )


def _week_problems(week_start: dt.date) -> list[ValidationError]:
    problems = []
    if week_start.weekday() != 0:
        problems.append(ValidationError("week_start", week_start.isoformat(), "is not a Monday"))
    if week_start > dt.date.today() + dt.timedelta(days=1):  # a day ahead of UTC for time zones
        problems.append(ValidationError("week_start", week_start.isoformat(), "is in the future"))
    return problems


def _problem_row(row: int, problem: Mapping[str, Any]) -> tuple[dict[str, Any], list[ValidationError]]:
    """One reported problem as stored, and every refusal of it (each naming `row` and the field)."""
    found: list[ValidationError] = []
    kind = problem.get("problem_type")
    if kind not in PROBLEM_TYPES:
        found.append(ValidationError("problem_type", kind, f"is not one of: {', '.join(PROBLEM_TYPES)}", row))
    region = None if _blank(problem.get("body_region")) else problem.get("body_region")
    system = None if _blank(problem.get("organ_system")) else problem.get("organ_system")
    if kind == "injury":
        if region is None:
            found.append(ValidationError("body_region", region, "is required for an injury", row))
        elif region not in BODY_REGIONS:
            found.append(ValidationError("body_region", region, f"is not one of: {', '.join(BODY_REGIONS)}", row))
        if system is not None:
            found.append(ValidationError("organ_system", system, "is for an illness only", row))
    if kind == "illness":
        if system is None:
            found.append(ValidationError("organ_system", system, "is required for an illness", row))
        elif system not in ORGAN_SYSTEMS:
            found.append(ValidationError("organ_system", system, f"is not one of: {', '.join(ORGAN_SYSTEMS)}", row))
        if region is not None:
            found.append(ValidationError("body_region", region, "is for an injury only", row))
    answers: dict[str, int | None] = {}
    for question in QUESTIONS:
        value = problem.get(question)
        if _blank(value) or isinstance(value, bool) or value not in OSTRC_SCORES:
            reason = "is required" if _blank(value) else f"is not one of: {', '.join(map(str, OSTRC_SCORES))}"
            found.append(ValidationError(question, value, reason, row))
            answers[question] = None
        else:
            answers[question] = int(value)
    days = problem.get("days_lost", 0)
    whole = isinstance(days, int | float) and not isinstance(days, bool) and float(days).is_integer()
    if not (whole and 0 <= days <= MAX_DAYS_LOST):
        reason = f"is not a whole number of days from 0 to {MAX_DAYS_LOST}"
        found.append(ValidationError("days_lost", days, reason, row))
    stored = {
        "problem_type": kind,
        "body_region": region if kind == "injury" else None,
        "organ_system": system if kind == "illness" else None,
        **answers,
        "days_lost": int(days) if whole else None,
    }
    return stored, found


def _identity(report: Mapping[str, Any]) -> tuple[Any, ...]:
    """What names one problem of a week: its type and its region (injury) or system (illness)."""
    return report["problem_type"], report["body_region"], report["organ_system"]


@retry_on_conflict
def save_week(
    engine: Engine,
    athlete_id: int,
    week_start: dt.date,
    problems: Sequence[Mapping[str, Any]],
    actor_id: int | None = None,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> list[int]:
    """Save one athlete's OSTRC-H2 health problems of the week starting `week_start` (a Monday), in one
    transaction, and return the reports' ids in the order given.

    Each problem is a mapping of problem_type (injury or illness), body_region (injury) or organ_system
    (illness), q1-q4 (0 / 8 / 17 / 25) and days_lost (0-7). Every refusal is raised at once as
    `InvalidRecords` (row = the problem's position, from 1; field named), and nothing is written. The
    week's reports are replaced as the module's rules say; an empty `problems` clears the week (a
    report a therapist opened a record from stays)."""
    found = _week_problems(week_start)
    if allowed_athlete_ids is not None and athlete_id not in set(allowed_athlete_ids):
        found.append(ValidationError("athlete_id", athlete_id, "is not an athlete you may record for"))
    rows: list[dict[str, Any]] = []
    for position, problem in enumerate(problems, start=1):
        row, refusals = _problem_row(position, problem)
        found += refusals
        named = not any(e.field in ("problem_type", "body_region", "organ_system") for e in refusals)
        if named and any(_identity(row) == _identity(earlier) for earlier in rows):
            where = "body_region" if row["problem_type"] == "injury" else "organ_system"
            found.append(ValidationError(where, row[where], "repeats an earlier problem of this week", position))
        rows.append(row)
    with write_transaction(engine) as connection:
        if connection.scalar(select(Athlete.id).where(Athlete.id == athlete_id)) is None:
            found.append(ValidationError("athlete_id", athlete_id, "is not a known athlete"))
        if found:
            raise InvalidRecords(sorted(found, key=lambda e: e.row or 0))
        table = OstrcHealthProblem
        stored = {
            _identity(r): r
            for r in connection.execute(
                select(table.id, table.problem_type, table.body_region, table.organ_system, table.injury_id).where(
                    table.athlete_id == athlete_id, table.week_start == week_start
                )
            ).mappings()
        }
        ids: list[int] = []
        for row in rows:
            current = stored.pop(_identity(row), None)
            if current is None:
                values = {"athlete_id": athlete_id, "week_start": week_start, **row}
                ids.append(connection.execute(insert(table).values(**values).returning(table.id)).scalar_one())
            else:
                answers = {k: row[k] for k in (*QUESTIONS, "days_lost")}
                connection.execute(update(table).where(table.id == current["id"]).values(**answers))
                ids.append(int(current["id"]))
        left_out = [int(r["id"]) for r in stored.values() if r["injury_id"] is None]
        if left_out:
            connection.execute(delete(table).where(table.id.in_(left_out)))
        audit(
            connection,
            actor_id,
            "save",
            table.__tablename__,
            None,
            f"athlete {athlete_id}, week of {week_start.isoformat()}: {len(rows)} problems, {len(left_out)} removed",
        )
    return ids


def reports(
    engine: Engine,
    athlete_ids: Iterable[int],
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The OSTRC-H2 reports of `athlete_ids` whose week starts within `start`..`end` (inclusive; None =
    open), in REPORT_COLUMNS, ordered by athlete, week and id."""
    table = OstrcHealthProblem
    ids = sorted({int(a) for a in athlete_ids})
    columns = [table.id.label("report_id"), *(getattr(table, c) for c in list(REPORT_COLUMNS)[1:])]
    statement = select(*columns).where(table.athlete_id.in_(ids)).order_by(table.athlete_id, table.week_start, table.id)
    if start is not None:
        statement = statement.where(table.week_start >= start)
    if end is not None:
        statement = statement.where(table.week_start <= end)
    return typed_frame(engine, statement, REPORT_COLUMNS)


def unrecorded_substantial(engine: Engine, athlete_ids: Iterable[int]) -> pd.DataFrame:
    """The substantial problems (`analytics.surveillance.ostrc_substantial`) of `athlete_ids` reported in
    OSTRC-H2 that no health-problem record has been opened from yet, newest week first: UNRECORDED_COLUMNS,
    with the OSTRC severity (0-100, `ostrc_severity`) of each."""
    table = OstrcHealthProblem
    ids = sorted({int(a) for a in athlete_ids})
    columns = [table.id.label("report_id"), *(getattr(table, c) for c in list(REPORT_COLUMNS)[1:-1])]
    statement = (
        select(*columns)
        .where(table.athlete_id.in_(ids), table.injury_id.is_(None))
        .where((table.q1 == 25) | (table.q2 >= 17) | (table.q3 >= 17))
        .order_by(table.week_start.desc(), table.athlete_id, table.id)
    )
    found = typed_frame(engine, statement, {k: v for k, v in REPORT_COLUMNS.items() if k != "injury_id"})
    answers = [found[q] for q in QUESTIONS]
    found = found.assign(severity=ostrc_severity(*answers).astype("int64"), substantial=ostrc_substantial(*answers))
    return found[list(UNRECORDED_COLUMNS)].reset_index(drop=True)


@retry_on_conflict
def link_to_problem(
    engine: Engine,
    user_id: int | None,
    report_id: int,
    injury_id: int,
    allowed_athlete_ids: Iterable[int] | None = None,
) -> None:
    """Record that the health-problem record `injury_id` was opened from (or stands for) the OSTRC-H2
    report `report_id`, audited with the link it replaced. The problem must be the same athlete's, and
    the athlete one in `allowed_athlete_ids` (the user's scope) when given."""
    table = OstrcHealthProblem
    with write_transaction(engine) as connection:
        report = connection.execute(
            select(table.athlete_id, table.injury_id).where(table.id == report_id).with_for_update()
        ).one_or_none()
        if report is None:
            raise ValidationError("report_id", report_id, "is not a weekly health report")
        if allowed_athlete_ids is not None and int(report.athlete_id) not in set(allowed_athlete_ids):
            raise ValidationError("report_id", report_id, "is a report of an athlete you may not record for")
        owner = connection.scalar(select(Injury.athlete_id).where(Injury.id == injury_id))
        if owner is None or int(owner) != int(report.athlete_id):
            raise ValidationError("injury_id", injury_id, "is not a health problem of this athlete")
        connection.execute(update(table).where(table.id == report_id).values(injury_id=injury_id))
        audit(
            connection,
            user_id,
            "link_health_report",
            table.__tablename__,
            report_id,
            f"health problem {injury_id} (was {report.injury_id if report.injury_id is not None else 'none'})",
        )
