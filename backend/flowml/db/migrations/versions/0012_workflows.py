"""workflows: canvas graphs and their version history

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 09:00:00

- `workflows`: a named graph (React Flow's JSON plus a format version) of its owner, optionally in a project, with
  a version bumped on every save. Deleting the owner deletes it; deleting the project makes it private.
- `workflow_versions`: the graph a workflow had at each earlier version (the newest 50 are kept), so autosave has
  a history to go back to. Deleted with its workflow.

New tables only: nothing already stored changes, and downgrading drops both with what they hold.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "workflows",
        sa.Column("id", _string(32), nullable=False),
        sa.Column("owner_id", _string(32), nullable=False),
        sa.Column("project_id", _string(32), nullable=True),
        sa.Column("name", _string(255), nullable=False),
        sa.Column("description", _string(5000), nullable=False),
        sa.Column("graph", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("workflows") as batch:
        batch.create_index(batch.f("ix_workflows_owner_id"), ["owner_id"], unique=False)
        batch.create_index(batch.f("ix_workflows_project_id"), ["project_id"], unique=False)
        batch.create_index(batch.f("ix_workflows_updated_at"), ["updated_at"], unique=False)
    op.create_table(
        "workflow_versions",
        sa.Column("id", _string(32), nullable=False),
        sa.Column("workflow_id", _string(32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("graph", sa.JSON(), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("workflow_id", "version", name="uq_workflow_versions_workflow_version"),
    )
    with op.batch_alter_table("workflow_versions") as batch:
        batch.create_index(batch.f("ix_workflow_versions_workflow_id"), ["workflow_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workflow_versions") as batch:
        batch.drop_index(batch.f("ix_workflow_versions_workflow_id"))
    op.drop_table("workflow_versions")
    with op.batch_alter_table("workflows") as batch:
        batch.drop_index(batch.f("ix_workflows_updated_at"))
        batch.drop_index(batch.f("ix_workflows_project_id"))
        batch.drop_index(batch.f("ix_workflows_owner_id"))
    op.drop_table("workflows")
