"""injuries.version, therapy_sessions.version: edits check the version they were read at

Two therapists editing the same injury both saw "saved" and the first text was lost. Each record people
edit in a form now carries a version, bumped by every UPDATE (`data.models.edit_version`); an edit names
the version it was read at and is refused when the row has moved on (`data.record_writes.update_record`).
Existing rows get version 1.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("injuries", "therapy_sessions")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+): batch mode's copy-and-drop of the table would
    # break the foreign keys that other tables hold on injuries and therapy sessions.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate="never") as batch_op:
            batch_op.drop_column("version")
