"""order the notice outbox by the writing transaction

Adds ``notices.xact_id``, the id of the transaction that wrote the notice, and
``outbox_cursors.acknowledged_xact_id``. On PostgreSQL new notices take
``pg_current_xact_id()``. Notices and cursors that exist before this revision get 0, so
every existing notice sorts before every later one and each cursor keeps its place.

Revision ID: 0004a
Revises: 0003a, 0003b, 0003c, 0003d
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import creditline.store.types


revision = '0004a'
down_revision = ('0003a', '0003b', '0003c', '0003d')
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default fills the existing rows without rewriting the table on PostgreSQL;
    # the per-transaction default replaces it afterwards.
    with op.batch_alter_table('notices') as batch:
        batch.add_column(
            sa.Column('xact_id', creditline.store.types.TransactionId(), nullable=False, server_default='0')
        )
    with op.batch_alter_table('outbox_cursors') as batch:
        batch.add_column(
            sa.Column(
                'acknowledged_xact_id',
                creditline.store.types.TransactionId(),
                nullable=False,
                server_default='0',
            )
        )
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('notices', 'xact_id', server_default=sa.text('pg_current_xact_id()'))
    op.create_index('ix_notices_xact_id_notice_id', 'notices', ['xact_id', 'notice_id'])


def downgrade() -> None:
    op.drop_index('ix_notices_xact_id_notice_id', table_name='notices')
    with op.batch_alter_table('outbox_cursors') as batch:
        batch.drop_column('acknowledged_xact_id')
    with op.batch_alter_table('notices') as batch:
        batch.drop_column('xact_id')
