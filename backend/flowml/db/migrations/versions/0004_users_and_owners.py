"""users, API keys and owners

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 03:50:00

Accounts (argon2 password hashes, an optional linked OIDC identity, a token version that revokes every token a user
holds when raised), their API keys (SHA-256 only), and `owner_id` on datasets, jobs and trained models. Existing
rows keep owner_id NULL; the first admin, created at the next start, takes them over (services/users.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED_TABLES = ("datasets", "jobs", "trained_models")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("oidc_identity", sqlmodel.sql.sqltypes.AutoString(length=512), nullable=True),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", flowml.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    with op.batch_alter_table("users") as batch:
        batch.create_index(batch.f("ix_users_oidc_identity"), ["oidc_identity"], unique=True)

    op.create_table(
        "api_keys",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", flowml.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", flowml.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.create_index(batch.f("ix_api_keys_key_hash"), ["key_hash"], unique=True)
        batch.create_index(batch.f("ix_api_keys_user_id"), ["user_id"], unique=False)

    for table in OWNED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
            batch.create_index(batch.f(f"ix_{table}_owner_id"), ["owner_id"], unique=False)


def downgrade() -> None:
    for table in OWNED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_owner_id"))
            batch.drop_column("owner_id")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_index(batch.f("ix_api_keys_user_id"))
        batch.drop_index(batch.f("ix_api_keys_key_hash"))
    op.drop_table("api_keys")
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_oidc_identity"))
    op.drop_table("users")
