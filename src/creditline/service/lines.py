"""One change of one credit line as one transaction: the shared write path.

Every change outside the periodic review (customer requests, risk signals, officer
decisions, accepted offers) goes through :func:`change_line`. It locks the line, hands
its current state to a pure decision function, and writes what that function returns:
the new line fields (version + 1), chained ledger events, an adjustment and notices, all
in the caller's transaction or none of it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from creditline.domain.adjustment import Adjustment
from creditline.domain.events import EventType
from creditline.domain.line import CreditLine, IncreasePreference
from creditline.errors import NotFound, StaleVersion
from creditline.store.ledger import StreamHead, chain_event
from creditline.store.tables import adjustments, credit_lines, ledger_events, notices

logger = logging.getLogger(__name__)

# Line fields a decision may change; the ledger payloads must replay into the same values.
MUTABLE_FIELDS = (
    "approved_limit",
    "outstanding",
    "temporary_limit",
    "temporary_expires_at",
    "customer_cap",
    "customer_frozen",
    "risk_frozen",
    "increase_preference",
    "customer_unfreeze_at",
    "pending_cap",
    "cap_change_at",
    "alert_threshold",
)


@dataclass(slots=True)
class LineDecision:
    """The writes a decision function requests for one line.

    ``line`` is the new state (or the unchanged one when nothing changes). ``events`` are
    (event type, payload) pairs in order; their replay must turn the old state into
    ``line``. ``notices`` are dicts with ``kind`` and the four title/body texts.
    """

    line: CreditLine
    events: list[tuple[EventType, dict[str, Any]]] = field(default_factory=list)
    adjustment: Adjustment | None = None
    notices: list[dict[str, str]] = field(default_factory=list)
    result: Any = None  # returned to the caller untouched, e.g. a reply for the API


def line_from_row(row: Any) -> CreditLine:
    """Build the domain line from a ``credit_lines`` row."""
    return CreditLine(
        account_id=row.account_id,
        customer_id=row.customer_id,
        product=row.product,
        currency=row.currency,
        approved_limit=row.approved_limit,
        outstanding=row.outstanding,
        temporary_limit=row.temporary_limit,
        temporary_expires_at=row.temporary_expires_at,
        customer_cap=row.customer_cap,
        customer_frozen=row.customer_frozen,
        risk_frozen=row.risk_frozen,
        increase_preference=IncreasePreference(row.increase_preference),
        customer_unfreeze_at=row.customer_unfreeze_at,
        pending_cap=row.pending_cap,
        cap_change_at=row.cap_change_at,
        alert_threshold=row.alert_threshold,
        version=row.version,
        ledger_seq=row.ledger_seq,
        ledger_head=row.ledger_head,
    )


# Statements of the write path, built once: building and hashing an expression per call
# costs more than running it on a warm connection.
_SELECT_LINE = select(credit_lines).where(credit_lines.c.account_id == bindparam("account_id"))
_LOCK_LINE = _SELECT_LINE.with_for_update()
_UPDATE_LINE = update(credit_lines).where(
    credit_lines.c.account_id == bindparam("where_account_id"), credit_lines.c.version == bindparam("where_version")
)
_INSERT_EVENTS = insert(ledger_events)
_INSERT_ADJUSTMENT = insert(adjustments)
_INSERT_NOTICE = insert(notices)


def lock_line(conn: Connection, account_id: str) -> CreditLine:
    """Read a line for update: a row lock on PostgreSQL; SQLite transactions already hold the write lock."""
    query = _LOCK_LINE if conn.dialect.name == "postgresql" else _SELECT_LINE
    row = conn.execute(query, {"account_id": account_id}).first()
    if row is None:
        raise NotFound(kind="line", ident=account_id)
    return line_from_row(row)


def _adjustment_row(adjustment: Adjustment, ledger_seq: int) -> dict[str, Any]:
    return {
        "adjustment_id": adjustment.adjustment_id,
        "account_id": adjustment.account_id,
        "channel": str(adjustment.channel),
        "direction": str(adjustment.direction),
        "currency": adjustment.currency,
        "old_limit": adjustment.old_limit,
        "new_limit": adjustment.new_limit,
        "reason_codes": list(adjustment.reason_codes),
        "policy_version": adjustment.policy_version,
        "model_version": adjustment.model_version,
        "batch_id": adjustment.batch_id,
        "decided_by": adjustment.decided_by,
        "decided_at": adjustment.decided_at,
        "inputs": adjustment.inputs,
        "ledger_seq": ledger_seq,
    }


def _recording_seq(adjustment: Adjustment, decision: LineDecision, event_rows: list[dict[str, Any]]) -> int:
    """Return the ledger seq of the first event whose payload names ``adjustment``, else of the last event."""
    for (_kind, payload), row in zip(decision.events, event_rows, strict=True):
        if payload.get("adjustment_id") == adjustment.adjustment_id:
            return int(row["seq"])
    return int(event_rows[-1]["seq"])


def new_adjustment_id() -> str:
    return str(uuid.uuid4())


def change_line(
    conn: Connection,
    account_id: str,
    decide: Callable[[CreditLine, datetime], LineDecision],
    now: datetime,
    *,
    expected_version: int | None = None,
    locked: CreditLine | None = None,
) -> LineDecision:
    """Lock a line, let ``decide`` rule on it, and write the decision in ``conn``'s transaction.

    Parameters
    ----------
    conn
        A connection inside a transaction (``engine.begin()``); the caller commits.
    decide
        Pure function of the current line and ``now``. It raises a creditline error to
        reject the request, which leaves the database untouched.
    expected_version
        When given, the line must still be at this version (the client read it there);
        otherwise :class:`~creditline.errors.StaleVersion` is raised.
    locked
        The line as the caller read it with :func:`lock_line` earlier in this transaction,
        which it has not changed since; it is then not read again.

    Returns
    -------
    LineDecision
        The decision as written, with ``line.version`` and the ledger head updated.
    """
    current = locked if locked is not None else lock_line(conn, account_id)
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(account_id=account_id, expected=expected_version, actual=current.version)
    decision = decide(current, now)
    if not decision.events:
        return decision

    head = StreamHead(current.ledger_seq, current.ledger_head)
    event_rows = [chain_event(head, account_id, kind, now, payload) for kind, payload in decision.events]
    new_line = decision.line.with_changes(version=current.version + 1, ledger_seq=head.seq, ledger_head=head.hash)
    values = {name: getattr(new_line, name) for name in MUTABLE_FIELDS}
    values["increase_preference"] = str(new_line.increase_preference)
    values.update(version=new_line.version, ledger_seq=head.seq, ledger_head=head.hash, updated_at=now)
    written = conn.execute(
        _UPDATE_LINE, {**values, "where_account_id": account_id, "where_version": current.version}
    )
    if written.rowcount != 1:
        # The row lock makes this unreachable on PostgreSQL; it guards any backend without one.
        raise StaleVersion(account_id=account_id, expected=current.version, actual="?")
    conn.execute(_INSERT_EVENTS, event_rows)
    if decision.adjustment is not None:
        ledger_seq = _recording_seq(decision.adjustment, decision, event_rows)
        conn.execute(_INSERT_ADJUSTMENT, _adjustment_row(decision.adjustment, ledger_seq))
    for notice in decision.notices:
        conn.execute(
            _INSERT_NOTICE,
            {
                "customer_id": current.customer_id,
                "account_id": account_id,
                "adjustment_id": decision.adjustment.adjustment_id if decision.adjustment else None,
                "created_at": now,
                **notice,
            },
        )
    decision.line = new_line
    logger.info(
        "line %s changed to version %d (%s)",
        account_id,
        new_line.version,
        ", ".join(kind for kind, _ in decision.events),
        extra={"account_id": account_id},
    )
    return decision
