"""add review cases for human review

Revision ID: 0003b
Revises: 0002
Create Date: 2026-12-04 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import creditline.store.types


revision = '0003b'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_cases',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('open_subject', sa.String(length=90), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_by', sa.String(length=128), nullable=False),
    sa.Column('opened_at', creditline.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('customer_comment', sa.Text(), nullable=False),
    sa.Column('taken_by', sa.String(length=128), nullable=True),
    sa.Column('taken_at', creditline.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=8), nullable=True),
    sa.Column('decided_by', sa.String(length=128), nullable=True),
    sa.Column('decided_at', creditline.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('officer_comment', sa.Text(), nullable=True),
    sa.Column('new_limit', sa.BigInteger(), nullable=True),
    sa.Column('adjustment_id', sa.String(length=36), nullable=True),
    sa.CheckConstraint("decision IS NULL OR decision IN ('uphold', 'change')", name=op.f('ck_review_cases_decision_known')),
    sa.CheckConstraint("status IN ('open', 'taken', 'decided')", name=op.f('ck_review_cases_status_known')),
    sa.CheckConstraint("subject_type IN ('adjustment', 'request')", name=op.f('ck_review_cases_subject_type_known')),
    sa.ForeignKeyConstraint(['account_id'], ['credit_lines.account_id'], name=op.f('fk_review_cases_account_id_credit_lines')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_cases')),
    sa.UniqueConstraint('open_subject', name=op.f('uq_review_cases_open_subject'))
    )
    op.create_index(op.f('ix_review_cases_account_id'), 'review_cases', ['account_id'], unique=False)
    op.create_index(op.f('ix_review_cases_customer_id'), 'review_cases', ['customer_id'], unique=False)
    op.create_index('ix_review_cases_status_opened', 'review_cases', ['status', 'opened_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_review_cases_status_opened', table_name='review_cases')
    op.drop_index(op.f('ix_review_cases_customer_id'), table_name='review_cases')
    op.drop_index(op.f('ix_review_cases_account_id'), table_name='review_cases')
    op.drop_table('review_cases')
