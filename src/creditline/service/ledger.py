"""Ledger verification as a use case."""

from __future__ import annotations

from sqlalchemy import Engine

from creditline.store.ledger import VerificationReport, verify_ledger


def verify(engine: Engine) -> VerificationReport:
    """Verify every chain, head and replayed state in one read-only transaction."""
    with engine.connect() as conn:
        return verify_ledger(conn)
