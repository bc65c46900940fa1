"""The migrations build exactly the schema `data/models.py` declares, on SQLite and PostgreSQL.

Autogenerate's comparison finds a column, type, nullability, index, unique constraint or foreign key that
differs; it does not compare CHECK constraints, so their names are compared table by table (every bounded
value and every fixed vocabulary is a named CHECK).
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, Engine, inspect

from data.models import Base
from data.schema import upgrade


def test_the_migrated_schema_is_the_models_schema(db_engine: Engine) -> None:
    with db_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [d for d in compare_metadata(context, Base.metadata) if d[0] != "remove_table"]
    assert differences == []


def test_every_check_constraint_of_the_models_is_in_the_database(db_engine: Engine) -> None:
    inspector = inspect(db_engine)
    for table in Base.metadata.sorted_tables:
        declared = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        migrated = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert declared == migrated, table.name


def test_upgrade_twice_changes_nothing(db_engine: Engine) -> None:
    before = inspect(db_engine).get_table_names()
    upgrade(db_engine)
    assert inspect(db_engine).get_table_names() == before
