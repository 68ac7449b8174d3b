"""join tokens and worker fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:22:30.131633

The cluster's worker registry: join tokens (only a SHA-256 of each secret), and on `workers` the token that
registered a worker, its concurrency, version and latest heartbeat report, with a partial unique index on the
names of remote workers. Batch mode so SQLite, which cannot add a foreign key in place, rebuilds the table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import flowml.db.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REMOTE_ONLY = "kind = 'remote'"


def upgrade() -> None:
    op.create_table('join_tokens',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', flowml.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', flowml.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', flowml.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('join_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_join_tokens_token_hash'), ['token_hash'], unique=True)

    with op.batch_alter_table('workers', schema=None) as batch_op:
        # Existing rows (the local pool) run one trial per process slot; 1 is the model's default too.
        batch_op.add_column(sa.Column('concurrency', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('token_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('last_report', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workers_token_id'), ['token_id'], unique=False)
        batch_op.create_foreign_key('fk_workers_token_id_join_tokens', 'join_tokens', ['token_id'], ['id'])
        batch_op.create_index(
            'uq_workers_remote_name',
            ['name'],
            unique=True,
            sqlite_where=sa.text(REMOTE_ONLY),
            postgresql_where=sa.text(REMOTE_ONLY),
        )


def downgrade() -> None:
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index('uq_workers_remote_name')
        batch_op.drop_constraint('fk_workers_token_id_join_tokens', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_workers_token_id'))
        batch_op.drop_column('last_report')
        batch_op.drop_column('token_id')
        batch_op.drop_column('version')
        batch_op.drop_column('concurrency')

    with op.batch_alter_table('join_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_join_tokens_token_hash'))

    op.drop_table('join_tokens')
