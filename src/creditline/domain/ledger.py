"""Hash chaining of ledger events, and verification of one chain.

Each event's hash is SHA-256 over the canonical JSON of
``{"stream_id", "seq", "event_type", "occurred_at", "payload", "prev_hash"}``:
keys sorted, no insignificant whitespace, UTF-8, non-ASCII kept as is, timestamps as
ISO 8601 UTC with microseconds and a ``Z`` suffix. The first event of a stream chains to
:data:`GENESIS_HASH`. Because every hash covers its predecessor, editing, deleting,
inserting or reordering any event breaks the chain from that event on; deleting the
newest events is caught by comparing with the head stored on the line itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from creditline.domain.events import LimitEvent

GENESIS_HASH = "0" * 64

# Streams named with this prefix record the model registry (promotions and
# registrations), one stream per model kind. They have no credit line: their head is kept
# in a table of its own and they are chain-checked but never replayed as line state.
REGISTRY_STREAM_PREFIX = "registry:"


def registry_stream(kind: str) -> str:
    """Return the ledger stream id of the registry of models of ``kind``, e.g. "registry:scorecard"."""
    return f"{REGISTRY_STREAM_PREFIX}{kind}"


def is_registry_stream(stream_id: str) -> bool:
    """Return whether ``stream_id`` names a registry stream rather than a credit line."""
    return stream_id.startswith(REGISTRY_STREAM_PREFIX)


def canonical_json(value: Any) -> bytes:
    """Serialise ``value`` to the canonical JSON bytes that ledger hashes cover."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def format_timestamp(moment: datetime) -> str:
    """Return ``moment`` as ISO 8601 UTC with microseconds, e.g. ``2026-12-04T08:00:00.000000Z``."""
    if moment.tzinfo is None:
        raise ValueError("ledger timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: LimitEvent, prev_hash: str) -> str:
    """Return the hex SHA-256 of ``event`` chained to ``prev_hash``."""
    body = {
        "stream_id": event.stream_id,
        "seq": event.seq,
        "event_type": event.event_type,
        "occurred_at": format_timestamp(event.occurred_at),
        "payload": event.payload,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """A ledger row as read back: the event, its row id and the hashes stored with it."""

    row_id: int
    event: LimitEvent
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class ChainFault:
    """The first problem found in one stream, with the row it was found at."""

    stream_id: str
    row_id: int | None
    seq: int | None
    problem: str  # a message key under "ledger.fault."
    detail: dict[str, Any]


def verify_chain(
    stream_id: str, rows: Iterable[StoredEvent], head_seq: int, head_hash: str | None
) -> ChainFault | None:
    """Check one stream's rows, given in row-id order, against its stored head.

    Returns the first fault, or None when the chain is intact.
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    last: StoredEvent | None = None
    for row in rows:
        event = row.event
        if event.seq != expected_seq:
            problem = "ledger.fault.sequence_gap" if event.seq > expected_seq else "ledger.fault.sequence_order"
            return ChainFault(stream_id, row.row_id, event.seq, problem, {"expected": expected_seq, "found": event.seq})
        if row.prev_hash != expected_prev:
            return ChainFault(stream_id, row.row_id, event.seq, "ledger.fault.broken_link", {})
        if event_hash(event, row.prev_hash) != row.hash:
            return ChainFault(stream_id, row.row_id, event.seq, "ledger.fault.hash_mismatch", {})
        expected_prev = row.hash
        expected_seq += 1
        last = row
    found_seq = last.event.seq if last else 0
    found_hash = last.hash if last else None
    if found_seq != head_seq or found_hash != head_hash:
        return ChainFault(
            stream_id,
            last.row_id if last else None,
            found_seq or None,
            "ledger.fault.head_mismatch",
            {"expected": head_seq, "found": found_seq},
        )
    return None
