"""A line's full history for its customer: every ledger event, declined request and offer.

Each entry names what happened, who decided, the limits before and after, the reason
codes and the data the decision used, newest first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from creditline.store.tables import adjustments, credit_lines, customer_requests, ledger_events, offers


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a line; amounts in minor units of ``currency``."""

    at: datetime
    kind: str
    currency: str
    channel: str | None = None
    decided_by: str | None = None
    old_limit: int | None = None
    new_limit: int | None = None
    reason_codes: list[str] = field(default_factory=list)
    data_used: dict[str, Any] = field(default_factory=dict)
    seq: int | None = None
    # The decision a human review of this entry names (POST /v1/lines/{id}/reviews), if any.
    subject_type: str | None = None
    subject_id: str | None = None


def line_history(conn: Connection, account_id: str) -> list[HistoryEntry]:
    """Return the history of ``account_id``, newest first (ledger order breaks ties)."""
    currency = conn.scalar(select(credit_lines.c.currency).where(credit_lines.c.account_id == account_id)) or "CNY"
    entries: list[HistoryEntry] = []
    decided = {row.adjustment_id: row for row in conn.execute(select(adjustments).where(adjustments.c.account_id == account_id))}
    for row in conn.execute(select(ledger_events).where(ledger_events.c.stream_id == account_id).order_by(ledger_events.c.seq)):
        payload = json.loads(row.payload)
        adjustment = decided.get(payload.get("adjustment_id"))
        entries.append(
            HistoryEntry(
                at=row.occurred_at,
                kind=row.event_type,
                currency=currency,
                channel=payload.get("channel") or payload.get("by"),
                decided_by=payload.get("decided_by") or payload.get("approved_by")
                or (adjustment.decided_by if adjustment is not None else None),
                old_limit=payload.get("old_limit"),
                new_limit=payload.get("new_limit"),
                reason_codes=list(payload.get("reason_codes") or []),
                data_used=dict(payload.get("inputs") or {}),
                seq=row.seq,
                subject_type="adjustment" if adjustment is not None else None,
                subject_id=adjustment.adjustment_id if adjustment is not None else None,
            )
        )
    declined = select(customer_requests).where(
        customer_requests.c.account_id == account_id, customer_requests.c.outcome == "declined"
    )
    for row in conn.execute(declined):
        entries.append(
            HistoryEntry(
                at=row.created_at, kind=f"{row.kind}_declined", currency=row.currency, channel="customer",
                decided_by="policy", old_limit=row.old_limit, new_limit=row.requested_amount,
                reason_codes=list(row.reason_codes), data_used=dict(row.inputs),
                subject_type="request", subject_id=row.request_id,
            )
        )
    for row in conn.execute(select(offers).where(offers.c.account_id == account_id)):
        entries.append(
            HistoryEntry(
                at=row.created_at, kind="offer_made", currency=row.currency, channel="review",
                decided_by=row.batch_id, old_limit=row.old_limit, new_limit=row.offered_limit,
                reason_codes=list(row.reason_codes), data_used=dict(row.inputs),
            )
        )
    # Within one instant, records outside the ledger were written after the line's events.
    return sorted(entries, key=lambda entry: (entry.at, entry.seq if entry.seq is not None else 2**31), reverse=True)
