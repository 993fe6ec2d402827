from dataclasses import replace
from datetime import UTC, datetime

from creditline.domain.events import EventType, LimitEvent, replay
from creditline.domain.ledger import GENESIS_HASH, StoredEvent, canonical_json, event_hash, verify_chain

AT = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
OPENED = {
    "customer_id": "C1",
    "product": "card",
    "currency": "CNY",
    "approved_limit": 2_000_000,
    "outstanding": 500_000,
    "increase_preference": "auto",
}


def build_chain(payloads: list[tuple[str, dict]]) -> list[StoredEvent]:
    rows, prev = [], GENESIS_HASH
    for index, (kind, payload) in enumerate(payloads, start=1):
        event = LimitEvent("A1", index, kind, AT, payload)
        digest = event_hash(event, prev)
        rows.append(StoredEvent(index * 10, event, prev, digest))
        prev = digest
    return rows


def sample_chain() -> list[StoredEvent]:
    return build_chain(
        [
            (EventType.LINE_OPENED, OPENED),
            (EventType.LIMIT_ADJUSTED, {"old_limit": 2_000_000, "new_limit": 800_000}),
            (EventType.LIMIT_ADJUSTED, {"old_limit": 800_000, "new_limit": 1_200_000}),
        ]
    )


def test_canonical_json_is_stable() -> None:
    assert canonical_json({"b": 1, "a": "额度"}) == '{"a":"额度","b":1}'.encode()


def test_intact_chain_verifies() -> None:
    rows = sample_chain()
    assert verify_chain("A1", rows, 3, rows[-1].hash) is None


def test_edited_payload_is_found() -> None:
    rows = sample_chain()
    edited = replace(rows[1].event, payload={"old_limit": 2_000_000, "new_limit": 9_000_000})
    rows[1] = replace(rows[1], event=edited)
    fault = verify_chain("A1", rows, 3, rows[-1].hash)
    assert fault is not None
    assert (fault.row_id, fault.problem) == (20, "ledger.fault.hash_mismatch")


def test_deleted_middle_event_is_found() -> None:
    rows = sample_chain()
    del rows[1]
    fault = verify_chain("A1", rows, 3, rows[-1].hash)
    assert fault is not None
    assert (fault.row_id, fault.problem) == (30, "ledger.fault.sequence_gap")


def test_deleted_newest_event_is_found_by_head() -> None:
    rows = sample_chain()
    head = rows[-1].hash
    fault = verify_chain("A1", rows[:-1], 3, head)
    assert fault is not None
    assert fault.problem == "ledger.fault.head_mismatch"


def test_reordered_events_are_found() -> None:
    rows = sample_chain()
    rows[1], rows[2] = rows[2], rows[1]
    fault = verify_chain("A1", rows, 3, rows[1].hash)
    assert fault is not None
    assert (fault.seq, fault.problem) == (3, "ledger.fault.sequence_gap")


def test_inserted_event_with_recomputed_hash_breaks_link() -> None:
    rows = sample_chain()
    forged_event = LimitEvent("A1", 2, EventType.LIMIT_ADJUSTED, AT, {"old_limit": 1, "new_limit": 2})
    forged = StoredEvent(15, forged_event, rows[0].hash, event_hash(forged_event, rows[0].hash))
    later = [replace(row, event=replace(row.event, seq=row.event.seq + 1)) for row in rows[1:]]
    fault = verify_chain("A1", [rows[0], forged, *later], 4, rows[-1].hash)
    assert fault is not None
    assert (fault.row_id, fault.problem) == (20, "ledger.fault.broken_link")


def test_replay_folds_events_into_state() -> None:
    state = replay([row.event for row in sample_chain()])
    assert state["approved_limit"] == 1_200_000
    assert state["outstanding"] == 500_000
    assert state["customer_frozen"] is False
