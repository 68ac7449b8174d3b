"""clustering: jobs and models without a target, a reference column, cluster sizes per trial

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00

- `jobs.target_column` and `trained_models.target` become nullable: a clustering job learns no target.
- `jobs.reference_column` (nullable): a known grouping a clustering job keeps out of its features and compares with
  the clusters it finds; NULL for every earlier job.
- `trials.cluster_sizes`: rows per cluster, largest first, for clustering trials; `[]` for every earlier trial.

Downgrading keeps every row: a missing target, which the older schema's NOT NULL would reject, becomes ''.

On SQLite a column changes by recreating its table (batch mode: copy, drop, rename), and dropping `jobs` with
foreign keys on deletes every trial through `trials.job_id`'s ON DELETE CASCADE: the trials are set aside first and
put back after.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


@contextmanager
def _trials_kept() -> Iterator[None]:
    """Around a change of `jobs`: on SQLite, its trials as they were before (see the module)."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TEMPORARY TABLE kept_trials AS SELECT * FROM trials")
    yield
    # Deleted first: with foreign keys off (alembic's own engine) the cascade never ran and the rows are still there.
    op.execute("DELETE FROM trials")
    op.execute("INSERT INTO trials SELECT * FROM kept_trials")
    op.execute("DROP TABLE kept_trials")


def upgrade() -> None:
    with _trials_kept(), op.batch_alter_table("jobs") as batch:
        batch.alter_column("target_column", existing_type=_string(255), nullable=True)
        batch.add_column(sa.Column("reference_column", _string(255), nullable=True))
    with op.batch_alter_table("trained_models") as batch:
        batch.alter_column("target", existing_type=_string(255), nullable=True)
    with op.batch_alter_table("trials") as batch:
        batch.add_column(sa.Column("cluster_sizes", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("cluster_sizes")
    op.execute("UPDATE trained_models SET target = '' WHERE target IS NULL")
    with op.batch_alter_table("trained_models") as batch:
        batch.alter_column("target", existing_type=_string(255), nullable=False)
    op.execute("UPDATE jobs SET target_column = '' WHERE target_column IS NULL")
    with _trials_kept(), op.batch_alter_table("jobs") as batch:
        batch.drop_column("reference_column")
        batch.alter_column("target_column", existing_type=_string(255), nullable=False)
