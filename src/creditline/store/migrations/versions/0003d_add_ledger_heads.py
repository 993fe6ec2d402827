"""add ledger heads for streams without a credit line

Revision ID: 0003d
Revises: 0002
Create Date: 2026-12-04 21:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003d'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_heads',
    sa.Column('stream_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('stream_id', name=op.f('pk_ledger_heads'))
    )


def downgrade() -> None:
    op.drop_table('ledger_heads')
