"""job preprocessors

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:00:00

`jobs.preprocessors`: the preprocessing steps (engine/preprocessor.py) every trial of the job runs between the
encoding and the estimator, in order. Every earlier job ran none: `[]`.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("preprocessors", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("preprocessors")
