"""job trials per algorithm

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 12:00:00

`jobs.max_trials_per_algorithm`: at most this many trials of each algorithm (the seed's `n_trials_per_model`).
NULL, as every earlier job has, means no cap.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("max_trials_per_algorithm", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("max_trials_per_algorithm")
