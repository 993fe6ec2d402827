import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.domain.adjustment import Adjustment, Channel
from creditline.domain.events import EventType
from creditline.domain.line import CreditLine
from creditline.errors import PolicyViolation, StaleVersion
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.lines import LineDecision, change_line, new_adjustment_id
from creditline.store.tables import adjustments, credit_lines, ledger_events
from tests.access import app_client, bearer
from tests.factories import write_portfolio


def lower_by(amount: int, adjustment_id: str | None = None):  # type: ignore[no-untyped-def]
    def decide(line: CreditLine, now: datetime) -> LineDecision:
        new_limit = line.approved_limit - amount
        if new_limit < line.outstanding:
            raise PolicyViolation(detail="below outstanding")
        adjustment = Adjustment(
            adjustment_id=adjustment_id or new_adjustment_id(),
            account_id=line.account_id,
            channel=Channel.CUSTOMER,
            old_limit=line.approved_limit,
            new_limit=new_limit,
            currency=line.currency,
            reason_codes=("C_CUSTOMER_DECREASE",),
            decided_at=now,
            decided_by=line.customer_id,
        )
        payload = {
            "adjustment_id": adjustment.adjustment_id,
            "old_limit": line.approved_limit,
            "new_limit": new_limit,
            "channel": "customer",
        }
        return LineDecision(
            line=line.with_changes(approved_limit=new_limit),
            events=[(EventType.LIMIT_ADJUSTED, payload)],
            adjustment=adjustment,
        )

    return decide


@pytest.fixture
def imported(engine: Engine, tmp_path: Path, clock: FixedClock) -> Engine:
    import_folder(engine, write_portfolio(tmp_path / "in", 3), clock)
    return engine


def test_change_writes_line_event_and_adjustment(imported: Engine, clock: FixedClock) -> None:
    with imported.begin() as conn:
        decision = change_line(conn, "A0001", lower_by(100_000), clock.now())
    assert decision.line.approved_limit == 2_000_000
    assert decision.line.version == 2
    with imported.connect() as conn:
        stored = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0001")).one()
        kinds = conn.scalars(select(ledger_events.c.event_type).where(ledger_events.c.stream_id == "A0001")).all()
        count = len(conn.execute(select(adjustments)).all())
    assert (stored.approved_limit, stored.version, stored.ledger_seq) == (2_000_000, 2, 2)
    assert kinds == ["LineOpened", "LimitAdjusted"]
    assert count == 1
    assert verify(imported).ok


def test_rejected_change_writes_nothing(imported: Engine, clock: FixedClock) -> None:
    with pytest.raises(PolicyViolation):
        with imported.begin() as conn:
            change_line(conn, "A0001", lower_by(10**9), clock.now())
    with imported.connect() as conn:
        stored = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0001")).one()
    assert (stored.approved_limit, stored.version) == (2_100_000, 1)


def test_stale_expected_version_is_rejected(imported: Engine, clock: FixedClock) -> None:
    with pytest.raises(StaleVersion) as caught:
        with imported.begin() as conn:
            change_line(conn, "A0001", lower_by(1), clock.now(), expected_version=7)
    assert "version 1" in caught.value.render("en")


def test_concurrent_changes_are_serialised(imported: Engine, clock: FixedClock) -> None:
    def one_change(_: int) -> int:
        with imported.begin() as conn:
            return change_line(conn, "A0002", lower_by(1_000), clock.now()).line.version

    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = sorted(pool.map(one_change, range(40)))

    assert versions == list(range(2, 42))
    with imported.connect() as conn:
        stored = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0002")).one()
    assert stored.approved_limit == 2_200_000 - 40 * 1_000
    assert stored.version == 41
    assert verify(imported).ok


def test_adjustment_records_ledger_seq(imported: Engine, clock: FixedClock) -> None:
    with imported.begin() as conn:
        change_line(conn, "A0001", lower_by(100_000, "adj-first"), clock.now())
        change_line(conn, "A0001", lower_by(100_000, "adj-second"), clock.now())

    with imported.connect() as conn:
        recorded = dict(conn.execute(select(adjustments.c.adjustment_id, adjustments.c.ledger_seq)).all())
        events = conn.execute(
            select(ledger_events.c.seq, ledger_events.c.payload).where(ledger_events.c.stream_id == "A0001")
        ).all()
    naming = {json.loads(event.payload).get("adjustment_id"): event.seq for event in events}
    assert recorded == {"adj-first": 2, "adj-second": 3}
    assert naming["adj-first"] == 2
    assert naming["adj-second"] == 3


def test_same_instant_adjustments_follow_ledger(imported: Engine, clock: FixedClock) -> None:
    # The fixed clock gives every adjustment the same decided_at. Their ids sort opposite to
    # newest first, so an order by id alone would list them the wrong way round.
    written = [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
    ]
    for adjustment_id in written:
        with imported.begin() as conn:
            change_line(conn, "A0001", lower_by(10_000, adjustment_id), clock.now())
    headers = bearer(clock, subject="officer-1", role="officer")

    with app_client(imported, clock) as client:
        first = client.get("/v1/lines/A0001/adjustments", headers=headers)
        second = client.get("/v1/lines/A0001/adjustments", headers=headers)

    assert first.status_code == 200
    assert [item["adjustment_id"] for item in first.json()] == written[::-1]
    assert {item["decided_at"] for item in first.json()} == {"2026-12-04T02:00:00Z"}
    assert [item["new_limit"] for item in first.json()] == ["20700.00", "20800.00", "20900.00"]
    assert second.json() == first.json()
