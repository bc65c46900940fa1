"""Closing flags on both backends: a review names one flag by its whole identity (the ROM measure included),
the migration that added the measure, and `data.record_writes.close_flag` (idempotent, audited, scoped)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from analytics.flags import FLAG_IDENTITY, open_flags, rom_asymmetry_flags
from data import data_version, queries
from data.errors import ValidationError
from data.models import AuditEntry
from data.record_writes import close_flag
from data.roster import create_athlete, create_team
from data.schema import current_revision, head_revision, migrate, upgrade

DAY = dt.date(2026, 12, 2)
INTERNAL = "shoulder/internal_rotation"
EXTERNAL = "shoulder/external_rotation"


def add_review(connection: Connection, athlete_id: int, side: str) -> None:
    """A review written as revision 0002 knew it: no measure column."""
    connection.execute(
        text(
            "INSERT INTO flag_reviews (athlete_id, date, kind, body_region, side) "
            "VALUES (:athlete, :day, 'rom_asymmetry', 'shoulder', :side)"
        ),
        {"athlete": athlete_id, "day": DAY, "side": side},
    )


def an_athlete(engine: Engine) -> int:
    team = create_team(engine, "Alpha FC", "handball", "UTC")
    return create_athlete(engine, team, "Martin Dahl", "A-10", "wing", "right")


def identity_constraints(engine: Engine) -> list[list[str]]:
    return [u["column_names"] for u in inspect(engine).get_unique_constraints("flag_reviews")]


def test_migration_adds_the_measure_to_reviews_and_to_their_unique_identity(empty_engine: Engine) -> None:
    """A review made at revision 0002 reads measure "" after the upgrade; two reviews of one athlete, day,
    kind, region and side then differ by measure, and the whole identity stays unique. Down again, the
    reviews that only the measure told apart are merged into the first."""
    migrate(empty_engine, "0002")
    athlete = an_athlete(data_version.untracked(empty_engine))  # no data version at 0002 (`data.data_version`)
    with empty_engine.begin() as connection:
        add_review(connection, athlete, "right")
    assert identity_constraints(empty_engine) == [["athlete_id", "date", "kind", "body_region", "side"]]

    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert identity_constraints(empty_engine) == [list(FLAG_IDENTITY)]
    assert queries.flag_reviews(empty_engine)["measure"].tolist() == [""]
    close_flag(empty_engine, athlete, DAY, "rom_asymmetry", "shoulder", "right", INTERNAL)
    close_flag(empty_engine, athlete, DAY, "rom_asymmetry", "shoulder", "right", EXTERNAL)
    assert sorted(queries.flag_reviews(empty_engine)["measure"]) == ["", EXTERNAL, INTERNAL]
    with pytest.raises(IntegrityError), empty_engine.begin() as connection:
        add_review(connection, athlete, "right")  # measure "" again: the same identity as the first

    migrate(empty_engine, "0002", down=True)
    assert identity_constraints(empty_engine) == [["athlete_id", "date", "kind", "body_region", "side"]]
    assert len(queries.athletes(empty_engine)) == 1
    with empty_engine.connect() as connection:
        assert connection.scalar(text("SELECT COUNT(*) FROM flag_reviews")) == 1


def rom_flags(athlete_id: int) -> pd.DataFrame:
    """Two asymmetric shoulder measures of one athlete on one day, right side smaller on both."""
    rows = [
        ("internal_rotation", "left", 60.0),
        ("internal_rotation", "right", 45.0),
        ("external_rotation", "left", 90.0),
        ("external_rotation", "right", 75.0),
    ]
    measured = pd.DataFrame(rows, columns=["movement", "side", "value"]).assign(
        athlete_id=athlete_id,
        date=pd.Timestamp(DAY),
        joint="shoulder",
        unit="deg",
        method="goniometer",
        context="screening",
    )
    return rom_asymmetry_flags(measured, as_of=DAY)


def close_audits(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(AuditEntry.detail).where(AuditEntry.action == "close_flag")))


def test_closing_one_rom_measure_leaves_the_other_open(db_engine: Engine) -> None:
    """Close shoulder internal rotation (twice: idempotent, one review and one audit entry naming the
    measure): the external rotation flag of the same day, region and side stays open. Outside the closer's
    scope nothing is written."""
    athlete = an_athlete(db_engine)
    flags = rom_flags(athlete)
    assert sorted(flags["measure"]) == [EXTERNAL, INTERNAL] and flags["side"].tolist() == ["right", "right"]
    for _ in range(2):
        close_flag(
            db_engine, athlete, DAY, "rom_asymmetry", "shoulder", "right", INTERNAL, allowed_athlete_ids=[athlete]
        )
    still_open = open_flags(flags, queries.flag_reviews(db_engine))
    assert still_open["measure"].tolist() == [EXTERNAL]
    assert close_audits(db_engine) == [f"rom_asymmetry of athlete {athlete} on {DAY}: shoulder right {INTERNAL}"]

    with pytest.raises(ValidationError):
        close_flag(db_engine, athlete, DAY, "rom_asymmetry", "shoulder", "right", EXTERNAL, allowed_athlete_ids=[])
    assert len(close_audits(db_engine)) == 1
    assert len(open_flags(flags, queries.flag_reviews(db_engine))) == 1
