"""The roster: creating teams and athletes, and erasing an athlete with every record and account of
theirs. Each change is validated and audited.
"""

from __future__ import annotations

from sqlalchemy import Engine, delete, insert, select, update

from analytics.vocabulary import DOMINANT_SIDES
from data.audit import audit
from data.db import write_transaction
from data.errors import ValidationError
from data.models import Athlete, AuditEntry, Base, Team, User
from data.record_writes import RECORD_NOUNS
from data.records import RECORD_KINDS
from data.time_zones import check_timezone


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
            # what points at the account: a record it wrote keeps the record, unlinked; a row that belongs to
            # the account (its sign-in sessions, pending saves, inbox and preferences) goes with it
            for table in reversed(Base.metadata.sorted_tables):
                for column in table.c:
                    if table.name == "users" or not any(k.column.table.name == "users" for k in column.foreign_keys):
                        continue
                    if column.nullable:
                        connection.execute(update(table).where(column.in_(accounts)).values({column.name: None}))
                    else:
                        connection.execute(delete(table).where(column.in_(accounts)))
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
