"""workflow runs: a workflow run is a job

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:30:00

- `workflow_runs`: each server run of a workflow, with the graph it ran, its job and every node's state. Deleted
  with its workflow.
- `jobs.kind` ("training" for every job stored so far, "workflow" for a run, "workflow_model" for a Model node's
  search inside a run), `jobs.workflow_id` and `jobs.workflow_run_id` (null for training jobs).

Existing jobs keep their meaning (kind "training" by the column's server default); downgrading drops the table and
the three columns, and with them the link from a workflow's jobs to their runs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "workflow_runs",
        sa.Column("id", _string(32), nullable=False),
        sa.Column("workflow_id", _string(32), nullable=False),
        sa.Column("workflow_version", sa.Integer(), nullable=False),
        sa.Column("job_id", _string(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", _string(1000), nullable=True),
        sa.Column("graph", sa.JSON(), nullable=False),
        sa.Column("nodes", sa.JSON(), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", flowml.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", flowml.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workflow_runs") as batch:
        batch.create_index(batch.f("ix_workflow_runs_workflow_id"), ["workflow_id"], unique=False)
        batch.create_index(batch.f("ix_workflow_runs_job_id"), ["job_id"], unique=False)
        batch.create_index(batch.f("ix_workflow_runs_created_at"), ["created_at"], unique=False)
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="training"))
        batch.add_column(sa.Column("workflow_id", _string(32), nullable=True))
        batch.add_column(sa.Column("workflow_run_id", _string(32), nullable=True))
        batch.create_index(batch.f("ix_jobs_workflow_run_id"), ["workflow_run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index(batch.f("ix_jobs_workflow_run_id"))
        batch.drop_column("workflow_run_id")
        batch.drop_column("workflow_id")
        batch.drop_column("kind")
    with op.batch_alter_table("workflow_runs") as batch:
        batch.drop_index(batch.f("ix_workflow_runs_created_at"))
        batch.drop_index(batch.f("ix_workflow_runs_job_id"))
        batch.drop_index(batch.f("ix_workflow_runs_workflow_id"))
    op.drop_table("workflow_runs")
