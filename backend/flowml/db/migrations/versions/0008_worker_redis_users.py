"""worker redis users

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 12:00:00

`workers.redis_user` and `workers.redis_password_sha256`: each remote worker's own Redis ACL user and the SHA-256 of
its password, so the master can create the user again after a Redis restart (cluster/redis_acl.py). NULL, as every
earlier worker has, means the worker uses the master's Redis URLs.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("redis_user", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("redis_password_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("redis_password_sha256")
        batch.drop_column("redis_user")
