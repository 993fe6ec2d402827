"""record the ledger sequence number of each adjustment

Adds ``adjustments.ledger_seq``: the sequence number, in the line's ledger stream, of the
event that recorded the adjustment. Existing rows take the lowest sequence number of an
event in their line's stream whose canonical JSON payload contains
``"adjustment_id":"<their id>"``. The event that wrote an adjustment is the first to name
it, so a later event that refers back to it does not move it. Rows that no event names
keep NULL.

Revision ID: 0004b
Revises: 0003a, 0003b, 0003c, 0003d
Create Date: 2026-12-05 09:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004b'
down_revision = ('0003a', '0003b', '0003c', '0003d')
branch_labels = None
depends_on = None

# Ledger payloads are stored as canonical JSON (sorted keys, no spaces), and adjustment
# ids are UUIDs, which contain no LIKE wildcard, so the pattern matches the key exactly.
BACKFILL = sa.text(
    """
    UPDATE adjustments SET ledger_seq = (
        SELECT MIN(ledger_events.seq) FROM ledger_events
        WHERE ledger_events.stream_id = adjustments.account_id
          AND ledger_events.payload LIKE ('%"adjustment_id":"' || adjustments.adjustment_id || '"%')
    )
    """
)


def upgrade() -> None:
    with op.batch_alter_table('adjustments') as batch:
        batch.add_column(sa.Column('ledger_seq', sa.Integer(), nullable=True))
    op.execute(BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table('adjustments') as batch:
        batch.drop_column('ledger_seq')
