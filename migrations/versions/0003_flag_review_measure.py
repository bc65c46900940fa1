"""flag_reviews.measure: a flag's identity includes the ROM measure

A review closes one flag, identified by athlete, date, kind, body region, side and measure
(`analytics.flags.FLAG_IDENTITY`). Before this revision the measure was missing, so closing one ROM
asymmetry flag closed every other ROM flag of the same athlete, day, region and side. Existing reviews
get measure "" (they keep closing the flags without a measure; a ROM flag they were meant for shows again
until it is closed once more).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_IDENTITY = ["athlete_id", "date", "kind", "body_region", "side"]


def upgrade() -> None:
    with op.batch_alter_table("flag_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("measure", sa.String(length=81), server_default="", nullable=False))
        batch_op.drop_constraint("uq_flag_reviews_flag", type_="unique")
        batch_op.create_unique_constraint("uq_flag_reviews_flag", [*OLD_IDENTITY, "measure"])


def downgrade() -> None:
    # Reviews that differ only by measure would break the old constraint: keep the first of each.
    op.execute(
        "DELETE FROM flag_reviews WHERE id NOT IN "
        f"(SELECT MIN(id) FROM flag_reviews GROUP BY {', '.join(OLD_IDENTITY)})"
    )
    with op.batch_alter_table("flag_reviews", schema=None) as batch_op:
        batch_op.drop_constraint("uq_flag_reviews_flag", type_="unique")
        batch_op.create_unique_constraint("uq_flag_reviews_flag", OLD_IDENTITY)
        batch_op.drop_column("measure")
