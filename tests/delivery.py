"""Waiting for the notice outbox to deliver what was committed, in tests on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text

# Bound on the wait for other sessions' transactions to end.
DELIVERY_WAIT_SECONDS = 60

_ALL_DELIVERABLE = text(
    "SELECT coalesce(max(xact_id) < pg_snapshot_xmin(pg_current_snapshot()), true) FROM notices"
)
_OPEN_TRANSACTIONS = text(
    "SELECT pid, datname, backend_xid, state FROM pg_stat_activity WHERE backend_xid IS NOT NULL"
)


def wait_until_deliverable(engine: Engine) -> None:
    """Wait until every committed notice is below the outbox's delivery horizon.

    On PostgreSQL the outbox delays a notice while a transaction that was assigned a
    lower id is still open. Transaction ids are shared by every database on the server, so
    another session, even one on another database, can delay delivery. SQLite delivers at
    commit, so there is nothing to wait for.
    """
    if engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + DELIVERY_WAIT_SECONDS
    while True:
        with engine.connect() as conn:
            if conn.scalar(_ALL_DELIVERABLE):
                return
            blocking = conn.execute(_OPEN_TRANSACTIONS).all()
        if time.monotonic() > deadline:
            pytest.fail(f"notices still held back after {DELIVERY_WAIT_SECONDS} s by open transactions: {blocking}")
        time.sleep(0.05)
