"""job reproducible flag

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 21:50:00

`jobs.reproducible`: whether the search runs in batches told in trial order (same seed and trial count give the
same leaderboard, at the cost of waiting for each batch's slowest trial). NULL keeps the earlier behaviour: on
exactly when max_trials is set.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("reproducible", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("reproducible")
