"""refresh token families

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00

`refresh_tokens`: one row per refresh token issued (by its jti), with the sign-in (family) it descends from and
when it was used. Refresh tokens now rotate: each is traded once, and a used one presented again revokes its
family. Tokens issued before this revision have no row and are refused, so users sign in once more after upgrading.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refresh_tokens",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("family_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", flowml.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.create_index(batch.f("ix_refresh_tokens_expires_at"), ["expires_at"], unique=False)
        batch.create_index(batch.f("ix_refresh_tokens_family_id"), ["family_id"], unique=False)
        batch.create_index(batch.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_index(batch.f("ix_refresh_tokens_user_id"))
        batch.drop_index(batch.f("ix_refresh_tokens_family_id"))
        batch.drop_index(batch.f("ix_refresh_tokens_expires_at"))
    op.drop_table("refresh_tokens")
