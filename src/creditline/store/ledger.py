"""The ledger table: appending chained events and verifying every stream.

Appending happens inside the caller's transaction, together with the change it records.
The caller holds the line row (locked or version-checked), passes its current ``ledger_seq``
and ``ledger_head``, and writes the returned head back to the line in the same UPDATE.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from creditline.domain.events import REPLAYED_FIELDS, LimitEvent, ReplayError, replay
from creditline.domain.ledger import (
    GENESIS_HASH,
    ChainFault,
    StoredEvent,
    canonical_json,
    event_hash,
    is_registry_stream,
    verify_chain,
)
from creditline.store.db import insert_if_absent
from creditline.store.tables import credit_lines, ledger_events, ledger_heads

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class StreamHead:
    """Sequence number and hash of a stream's newest event (0 and None before the first)."""

    seq: int = 0
    hash: str | None = None


def chain_event(
    head: StreamHead, stream_id: str, event_type: str, occurred_at: datetime, payload: dict[str, Any]
) -> dict[str, Any]:
    """Build the next ledger row for a stream and advance ``head`` past it.

    Returns the row as a dict ready for ``insert(ledger_events)``.
    """
    event = LimitEvent(stream_id, head.seq + 1, event_type, occurred_at, payload)
    prev_hash = head.hash or GENESIS_HASH
    digest = event_hash(event, prev_hash)
    head.seq = event.seq
    head.hash = digest
    return {
        "stream_id": stream_id,
        "seq": event.seq,
        "event_type": event_type,
        "occurred_at": occurred_at,
        "payload": canonical_json(payload).decode("utf-8"),
        "prev_hash": prev_hash,
        "hash": digest,
    }


def append_headed_event(
    conn: Connection, stream_id: str, event_type: str, occurred_at: datetime, payload: dict[str, Any]
) -> StreamHead:
    """Append one event to a stream whose head is kept in ``ledger_heads``, in the caller's transaction.

    A new stream's head row is first inserted at sequence 0 if it is missing (a concurrent
    first append waits for it on PostgreSQL), then read with FOR UPDATE where the database
    supports it, so concurrent appenders to one stream wait for each other. On SQLite the
    engine's BEGIN IMMEDIATE serialises writers. The row at sequence 0 never outlives the
    transaction: it is updated to the new event before the caller commits.

    Returns the stream's new head.
    """
    conn.execute(
        insert_if_absent(ledger_heads, conn.dialect.name),
        {"stream_id": stream_id, "seq": 0, "hash": GENESIS_HASH},
    )
    row = conn.execute(
        select(ledger_heads.c.seq, ledger_heads.c.hash).where(ledger_heads.c.stream_id == stream_id).with_for_update()
    ).one()
    head = StreamHead(row.seq, row.hash) if row.seq > 0 else StreamHead()
    conn.execute(ledger_events.insert().values(**chain_event(head, stream_id, event_type, occurred_at, payload)))
    conn.execute(update(ledger_heads).where(ledger_heads.c.stream_id == stream_id).values(seq=head.seq, hash=head.hash))
    return head


@dataclass(frozen=True, slots=True)
class LedgerFault:
    """One verification failure, located at a ledger row where there is one."""

    stream_id: str
    row_id: int | None
    seq: int | None
    problem: str  # message key under "ledger.fault."
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """Result of :func:`verify_ledger`.

    ``streams`` and ``events`` count credit-line streams and their events; streams kept
    in ``ledger_heads``, such as the model registry's, are counted in
    ``registry_streams`` and ``registry_events``.
    """

    streams: int
    events: int
    faults: list[LedgerFault]
    registry_streams: int = 0
    registry_events: int = 0

    @property
    def ok(self) -> bool:
        return not self.faults

    @property
    def first_fault(self) -> LedgerFault | None:
        """The fault at the lowest ledger row id (faults without a row come last)."""
        if not self.faults:
            return None
        return min(self.faults, key=lambda f: (f.row_id is None, f.row_id or 0, f.stream_id))


def _stream_rows(conn: Connection, batch_size: int) -> Iterator[tuple[str, list[StoredEvent]]]:
    query = select(ledger_events).order_by(ledger_events.c.stream_id, ledger_events.c.id)
    result = conn.execution_options(yield_per=batch_size).execute(query)
    current: str | None = None
    rows: list[StoredEvent] = []
    for row in result:
        if row.stream_id != current:
            if current is not None:
                yield current, rows
            current, rows = row.stream_id, []
        try:
            payload = json.loads(row.payload)
        except ValueError:
            payload = {"__unparseable__": row.payload}
        event = LimitEvent(row.stream_id, row.seq, row.event_type, row.occurred_at, payload)
        rows.append(StoredEvent(row.id, event, row.prev_hash, row.hash))
    if current is not None:
        yield current, rows


def _replay_fault(stream_id: str, rows: list[StoredEvent], line: Any) -> LedgerFault | None:
    try:
        state = replay([row.event for row in rows])
    except (ReplayError, KeyError, TypeError, ValueError) as exc:
        last = rows[-1]
        return LedgerFault(stream_id, last.row_id, last.event.seq, "ledger.fault.replay_failed", {"error": str(exc)})
    for name in REPLAYED_FIELDS:
        stored = getattr(line, name)
        replayed = state[name]
        if name == "increase_preference":
            replayed = str(replayed)
        if stored != replayed:
            last = rows[-1]
            return LedgerFault(
                stream_id,
                last.row_id,
                last.event.seq,
                "ledger.fault.state_mismatch",
                {"field": name, "stored": stored, "replayed": replayed},
            )
    return None


def verify_ledger(conn: Connection, batch_size: int = 5000) -> VerificationReport:
    """Verify every stream's hash chain, its head, and for credit lines the replayed state.

    Most streams are credit lines (stream id = account id), whose head is on the line.
    Registry streams ("registry:<kind>") and any stream with a row in ``ledger_heads``
    are chain-checked against that row and not replayed. A line without events, a head
    row without events, and events of neither a line nor a head row are faults too.
    """
    lines = {row.account_id: row for row in conn.execute(select(credit_lines))}
    heads = {row.stream_id: row for row in conn.execute(select(ledger_heads))}
    faults: list[LedgerFault] = []
    seen: set[str] = set()
    n_events = 0
    n_registry_streams = n_registry_events = 0
    for stream_id, rows in _stream_rows(conn, batch_size):
        seen.add(stream_id)
        line = lines.get(stream_id)
        if line is None and (stream_id in heads or is_registry_stream(stream_id)):
            n_registry_streams += 1
            n_registry_events += len(rows)
            fault = _headed_stream_fault(stream_id, rows, heads.get(stream_id))
            if fault is not None:
                faults.append(fault)
            continue
        n_events += len(rows)
        if line is None:
            first = rows[0]
            faults.append(LedgerFault(stream_id, first.row_id, first.event.seq, "ledger.fault.orphan_stream"))
            continue
        chain: ChainFault | None = verify_chain(stream_id, rows, line.ledger_seq, line.ledger_head)
        if chain is not None:
            faults.append(LedgerFault(chain.stream_id, chain.row_id, chain.seq, chain.problem, chain.detail))
            continue
        replay_fault = _replay_fault(stream_id, rows, line)
        if replay_fault is not None:
            faults.append(replay_fault)
    for account_id in lines.keys() - seen:
        faults.append(LedgerFault(account_id, None, None, "ledger.fault.missing_stream"))
    for stream_id in heads.keys() - seen - lines.keys():
        head = heads[stream_id]
        faults.append(
            LedgerFault(stream_id, None, None, "ledger.fault.registry_stream_missing", {"expected": head.seq})
        )
    report = VerificationReport(
        streams=len(seen) - n_registry_streams,
        events=n_events,
        faults=faults,
        registry_streams=n_registry_streams,
        registry_events=n_registry_events,
    )
    logger.info(
        "ledger verified: %d line streams, %d events, %d registry streams, %d events, %d faults",
        report.streams,
        report.events,
        report.registry_streams,
        report.registry_events,
        len(faults),
    )
    return report


def _headed_stream_fault(stream_id: str, rows: list[StoredEvent], head: Any) -> LedgerFault | None:
    """Check a stream without a line against its ``ledger_heads`` row (None when the row is missing)."""
    head_seq = head.seq if head is not None else 0
    head_hash = head.hash if head is not None else None
    chain = verify_chain(stream_id, rows, head_seq, head_hash)
    if chain is None:
        return None
    problem = chain.problem
    if problem == "ledger.fault.head_mismatch":
        problem = "ledger.fault.registry_head_mismatch"
    return LedgerFault(chain.stream_id, chain.row_id, chain.seq, problem, chain.detail)
