"""analyst history: validation used, names, notes, tags, clones, refit trials, projects

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:30:00

- `jobs.validation`, `jobs.validation_folds`, `trials.validation`: the validation the search actually used, so every
  page says the same thing (NULL for earlier jobs: not recorded).
- `jobs.notes`, `jobs.tags`, `jobs.cloned_from`; `trained_models.name`, `.notes`, `.tags`, `.trial_number` (a model
  kept from one leaderboard row).
- `projects` and `project_members`, and `project_id` on datasets, jobs and models (NULL: private, as every earlier row).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _string(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("name", _string(255), nullable=False),
        sa.Column("description", _string(5000), nullable=False),
        sa.Column("id", _string(32), nullable=False),
        sa.Column("owner_id", _string(32), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("projects") as batch:
        batch.create_index(batch.f("ix_projects_owner_id"), ["owner_id"], unique=False)
    op.create_table(
        "project_members",
        sa.Column("id", _string(32), nullable=False),
        sa.Column("project_id", _string(32), nullable=False),
        sa.Column("user_id", _string(32), nullable=False),
        sa.Column("role", _string(16), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "user_id", name="uq_project_members_project_user"),
    )
    with op.batch_alter_table("project_members") as batch:
        batch.create_index(batch.f("ix_project_members_project_id"), ["project_id"], unique=False)
        batch.create_index(batch.f("ix_project_members_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("validation", _string(16), nullable=True))
        batch.add_column(sa.Column("validation_folds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notes", _string(5000), nullable=False, server_default=""))
        batch.add_column(sa.Column("cloned_from", _string(32), nullable=True))
        batch.add_column(sa.Column("project_id", _string(32), nullable=True))
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch.create_index(batch.f("ix_jobs_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("trials") as batch:
        batch.add_column(sa.Column("validation", _string(16), nullable=True))
    with op.batch_alter_table("trained_models") as batch:
        batch.add_column(sa.Column("name", _string(255), nullable=False, server_default=""))
        batch.add_column(sa.Column("notes", _string(5000), nullable=False, server_default=""))
        batch.add_column(sa.Column("trial_number", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("project_id", _string(32), nullable=True))
        batch.add_column(sa.Column("tags", sa.JSON(), nullable=False, server_default="[]"))
        batch.create_index(batch.f("ix_trained_models_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("datasets") as batch:
        batch.add_column(sa.Column("project_id", _string(32), nullable=True))
        batch.create_index(batch.f("ix_datasets_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("datasets") as batch:
        batch.drop_index(batch.f("ix_datasets_project_id"))
        batch.drop_column("project_id")
    with op.batch_alter_table("trained_models") as batch:
        batch.drop_index(batch.f("ix_trained_models_project_id"))
        for name in ("tags", "project_id", "trial_number", "notes", "name"):
            batch.drop_column(name)
    with op.batch_alter_table("trials") as batch:
        batch.drop_column("validation")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index(batch.f("ix_jobs_project_id"))
        for name in ("tags", "project_id", "cloned_from", "notes", "validation_folds", "validation"):
            batch.drop_column(name)
    with op.batch_alter_table("project_members") as batch:
        batch.drop_index(batch.f("ix_project_members_user_id"))
        batch.drop_index(batch.f("ix_project_members_project_id"))
    op.drop_table("project_members")
    with op.batch_alter_table("projects") as batch:
        batch.drop_index(batch.f("ix_projects_owner_id"))
    op.drop_table("projects")
