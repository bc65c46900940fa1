"""pending_saves: a form's save under way, so a save cut off by a server restart is said and shown again

One row per user and form, written before the save starts and deleted when it has ended
(`data.pending_saves`). What the person entered is kept as JSON, by widget key.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_saves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(length=80), nullable=False),
        sa.Column("entered", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pending_saves_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_saves")),
        sa.UniqueConstraint("user_id", "form", name=op.f("uq_pending_saves_user_id_form")),
    )


def downgrade() -> None:
    op.drop_table("pending_saves")
