"""one-time sign-in codes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 12:00:00

`sign_in_codes`: an outside (OIDC) sign-in no longer hands tokens to the dashboard in the URL. The redirect carries
a one-time code, valid 60 seconds and bound to the browser that started the sign-in, which the dashboard trades for
tokens (POST /api/auth/oidc/exchange). Only SHA-256 hashes of the code and of the browser's binding are stored.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_codes",
        sa.Column("code_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("binding_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("next_path", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("expires_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    with op.batch_alter_table("sign_in_codes") as batch:
        batch.create_index(batch.f("ix_sign_in_codes_expires_at"), ["expires_at"], unique=False)
        batch.create_index(batch.f("ix_sign_in_codes_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_codes") as batch:
        batch.drop_index(batch.f("ix_sign_in_codes_user_id"))
        batch.drop_index(batch.f("ix_sign_in_codes_expires_at"))
    op.drop_table("sign_in_codes")
