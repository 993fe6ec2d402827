"""100 concurrent conflicting requests on one line, over HTTP against a real server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, select

from creditline.api.app import create_app
from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import train_scorecard
from creditline.settings import Settings
from creditline.store.tables import credit_lines, ledger_events
from tests.access import bearer
from tests.factories import write_portfolio

ACCOUNT = "A0001"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[str]:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    url = engine.url.render_as_string(hide_password=False)
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(database_url=url), clock=clock), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline:
            pytest.fail("the API server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=20)


def planned_requests(clock: FixedClock) -> list[tuple[str, dict[str, str], dict[str, object], str]]:
    customer = bearer(clock, subject="C0001", role="customer", strong_auth=True)
    risk = bearer(clock, subject="risk-engine", role="service")
    plan: list[tuple[str, dict[str, str], dict[str, object], str]] = []
    for index in range(45):
        plan.append(("decrease", customer, {"new_limit": f"{20000 - 100 * index}.00"}, f"dec-{index}"))
    for index in range(20):
        plan.append(("increase", customer, {"requested_limit": f"{22000 + 500 * index}.00"}, f"inc-{index}"))
    for index in range(15):
        plan.append(("freeze" if index % 2 == 0 else "unfreeze", customer, {}, f"frz-{index}"))
    for index in range(9):
        plan.append(("cap", customer, {"cap": f"{15000 - 500 * index}.00"}, f"cap-{index}"))
    plan.append(("risk-actions", risk, {"action": "reduce", "reason_codes": ["R_MULTI_LENDER"], "new_limit": "12000.00"}, "risk-1"))
    # Ten retries of earlier requests with the same key and body: each must replay, never apply twice.
    for index in range(10):
        plan.append(plan[index * 7])
    return plan


def send(base: str, item: tuple[str, dict[str, str], dict[str, object], str]) -> tuple[str, str, int, str]:
    action, headers, body, key = item
    with httpx.Client(base_url=base, timeout=60) as client:
        response = client.post(
            f"/v1/lines/{ACCOUNT}/{action}", json=body, headers={**headers, "Idempotency-Key": key, "Accept-Language": "en"}
        )
    return action, key, response.status_code, response.text


def test_conflicting_requests_match_ledger(server: str, engine: Engine, clock: FixedClock) -> None:
    plan = planned_requests(clock)
    assert len(plan) == 100

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(lambda item: send(server, item), plan))

    statuses = Counter(status for _, _, status, _ in results)
    assert statuses[500] == 0, [text for _, _, status, text in results if status >= 500][:3]
    assert set(statuses) <= {200, 201, 202, 409, 422}, statuses
    assert statuses[200] + statuses[201] + statuses[202] > 0

    # A retry that arrives while its first request is still running waits for it and then
    # replays its reply. So every retry must get exactly the first reply.
    assert not [text for _, _, _, text in results if "idempotency-in_flight" in text]
    first_reply: dict[str, tuple[int, str]] = {}
    for _, key, status, text in results:
        assert first_reply.setdefault(key, (status, text)) == (status, text), f"retry of {key} differs"
    for item in plan[90:]:
        _, key, status, text = send(server, item)
        assert (status, text) == first_reply[key], f"retry of {key} did not replay the first reply"

    report = verify(engine)
    assert report.ok, report.faults[:3]
    with engine.connect() as conn:
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == ACCOUNT)).one()
        events = conn.execute(
            select(ledger_events.c.event_type, ledger_events.c.payload)
            .where(ledger_events.c.stream_id == ACCOUNT)
            .order_by(ledger_events.c.seq)
        ).all()
    adjusted = [json.loads(payload) for kind, payload in events if kind == "LimitAdjusted"]
    assert line.version == len(events)
    assert line.ledger_seq == len(events)
    assert adjusted, "no limit change was applied"
    assert line.approved_limit == adjusted[-1]["new_limit"]
    succeeded_limit_changes = {
        key
        for action, key, status, text in results
        if status == 200 and action in ("decrease", "increase", "risk-actions") and _changed_limit(text)
    }
    assert len(adjusted) == len(succeeded_limit_changes)


def _changed_limit(text: str) -> bool:
    body = json.loads(text)
    return body.get("result", "applied") == "applied" and body.get("outcome") not in ("declined", "unchanged")


def waiting_backends(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(
            conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar_one()
        )


def wait_for_waiting_backends(engine: Engine, count: int) -> None:
    deadline = time.monotonic() + 20
    while waiting_backends(engine) < count:
        if time.monotonic() > deadline:
            pytest.fail(f"fewer than {count} requests waited for a lock within 20 s")
        time.sleep(0.02)


def test_concurrent_retry_waits_then_replays(server: str, engine: Engine, clock: FixedClock) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("needs row locks that a test can hold: PostgreSQL only")
    customer = bearer(clock, subject="C0001", role="customer", strong_auth=True)
    item = ("decrease", customer, {"new_limit": "15000.00"}, "same-key")

    with ThreadPoolExecutor(max_workers=2) as pool, engine.connect() as blocker:
        # Hold the line's row lock, so the first request claims its key and then waits.
        blocker.execute(select(credit_lines).where(credit_lines.c.account_id == ACCOUNT).with_for_update())
        first = pool.submit(send, server, item)
        wait_for_waiting_backends(engine, 1)
        # The retry waits for the first request's claim of the key to commit or roll back.
        retry = pool.submit(send, server, item)
        wait_for_waiting_backends(engine, 2)
        blocker.rollback()
        first_result, retry_result = first.result(timeout=60), retry.result(timeout=60)

    assert first_result[2] == 200
    assert retry_result[2:] == first_result[2:]
    with engine.connect() as conn:
        limits = conn.execute(
            select(ledger_events.c.payload).where(
                ledger_events.c.stream_id == ACCOUNT, ledger_events.c.event_type == "LimitAdjusted"
            )
        ).all()
    assert [json.loads(payload)["new_limit"] for (payload,) in limits] == [1_500_000]
