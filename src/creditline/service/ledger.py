"""Ledger verification as a use case."""

from __future__ import annotations

from sqlalchemy import Engine

from creditline.store.ledger import VerificationReport, verify_ledger
from creditline.store.transactions import consistent_reading


def verify(engine: Engine) -> VerificationReport:
    """Verify every chain, head and replayed state in one snapshot of the database."""
    with consistent_reading(engine) as conn:
        return verify_ledger(conn)
