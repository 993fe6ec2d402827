"""Idempotency keys on POST routes under /v1, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, insert, select

from creditline.api.idempotency import IN_FLIGHT_TIMEOUT, body_digest, should_store
from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.store.tables import adjustments, credit_lines, idempotency_keys, ledger_events, notices, outbox_cursors
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 2), clock)
    with engine.begin() as conn:
        for index in (1, 2, 3):
            conn.execute(
                insert(notices).values(
                    customer_id="C0001", account_id="A0001", kind="decrease", title_zh="标题", body_zh="正文",
                    title_en="Title", body_en="Body", created_at=clock.now() + timedelta(seconds=index),
                )
            )
    with app_client(engine, clock) as test_client:
        yield test_client


@pytest.fixture
def service(clock: FixedClock) -> dict[str, str]:
    return {**bearer(clock, subject="messaging", role="service"), "Accept-Language": "en"}


def post_ack(client: TestClient, headers: dict[str, str], body: dict[str, Any], key: str | None = "key-1") -> Any:
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/v1/outbox/ack", json=body, headers={**headers, **extra})


def key_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(idempotency_keys)))


def cursor_updated_at(engine: Engine) -> Any:
    with engine.connect() as conn:
        return conn.scalar(select(outbox_cursors.c.updated_at).where(outbox_cursors.c.consumer == "sms"))


def test_retry_returns_first_reply(client: TestClient, engine: Engine, service: dict[str, str], clock: FixedClock) -> None:
    first = post_ack(client, service, {"consumer": "sms", "notice_id": 2})
    clock.advance(timedelta(minutes=1))
    retry = post_ack(client, service, {"notice_id": 2, "consumer": "sms"})

    assert first.status_code == 200
    assert "idempotent-replayed" not in first.headers
    assert retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["content-type"] == "application/json"
    assert retry.json() == first.json()
    # The handler did not run again: a second run would have stamped the later time.
    assert cursor_updated_at(engine).isoformat() == "2026-12-04T02:00:00+00:00"


def test_same_key_other_body_rejected(client: TestClient, service: dict[str, str]) -> None:
    post_ack(client, service, {"consumer": "sms", "notice_id": 2})

    response = post_ack(client, service, {"consumer": "sms", "notice_id": 3})

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://creditline.dev/problems/access-idempotency-reused"
    assert response.json()["detail"] == (
        "This idempotency key was already used for a different request (POST /v1/outbox/ack, or another body): "
        "send a new Idempotency-Key for a new request."
    )


def test_missing_key_rejected(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    response = post_ack(client, service, {"consumer": "sms", "notice_id": 2}, key=None)

    assert response.status_code == 400
    assert response.json()["type"] == "https://creditline.dev/problems/access-idempotency-missing"
    assert response.json()["detail"] == (
        "Missing header Idempotency-Key: every POST request needs a unique idempotency key (for example a UUID); "
        "send the same key when you retry."
    )
    assert cursor_updated_at(engine) is None


def test_missing_key_in_chinese(client: TestClient, clock: FixedClock) -> None:
    headers = bearer(clock, subject="messaging", role="service")

    response = post_ack(client, headers, {"consumer": "sms", "notice_id": 2}, key=None)

    assert response.status_code == 400
    assert response.headers["content-language"] == "zh"
    assert response.json()["title"] == "请求无效"
    assert response.json()["detail"].startswith("缺少请求头 Idempotency-Key")


@pytest.mark.parametrize("key", ["x" * 129, "kéy", "tab\tkey"])
def test_invalid_key_rejected(client: TestClient, service: dict[str, str], key: str) -> None:
    response = client.post(
        "/v1/outbox/ack",
        json={"consumer": "sms", "notice_id": 2},
        headers={**service, "Idempotency-Key": key.encode("utf-8")},  # type: ignore[dict-item]
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid header Idempotency-Key: use 1 to 128 printable ASCII characters."


def test_missing_token_wins_over_missing_key(client: TestClient) -> None:
    response = client.post("/v1/outbox/ack", json={"consumer": "sms", "notice_id": 2})

    assert response.status_code == 401


def test_keys_scoped_per_principal(client: TestClient, engine: Engine, clock: FixedClock) -> None:
    first = bearer(clock, subject="messaging", role="service")
    second = bearer(clock, subject="ops-1", role="admin")

    one = post_ack(client, first, {"consumer": "sms", "notice_id": 1})
    two = post_ack(client, second, {"consumer": "email", "notice_id": 2})

    assert one.status_code == 200
    assert two.status_code == 200
    assert "idempotent-replayed" not in two.headers
    assert two.json()["consumer"] == "email"
    assert key_rows(engine) == 2


def test_in_flight_duplicate_conflicts(client: TestClient, engine: Engine, service: dict[str, str], clock: FixedClock) -> None:
    body = {"consumer": "sms", "notice_id": 2}
    with engine.begin() as conn:
        conn.execute(
            insert(idempotency_keys).values(
                principal="service:messaging", key="key-1", method="POST", path="/v1/outbox/ack",
                body_sha256=body_digest(b'{"consumer":"sms","notice_id":2}'), created_at=clock.now(),
            )
        )

    response = post_ack(client, service, body)

    assert response.status_code == 409
    assert response.json()["detail"] == (
        "A request with the same idempotency key is still being processed: retry later with the same Idempotency-Key."
    )
    assert cursor_updated_at(engine) is None


def test_abandoned_claim_taken_over(client: TestClient, engine: Engine, service: dict[str, str], clock: FixedClock) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(idempotency_keys).values(
                principal="service:messaging", key="key-1", method="POST", path="/v1/outbox/ack",
                body_sha256=body_digest(b'{"consumer":"sms","notice_id":2}'), created_at=clock.now(),
            )
        )
    clock.advance(IN_FLIGHT_TIMEOUT + timedelta(seconds=1))

    response = post_ack(client, service, {"consumer": "sms", "notice_id": 2})

    assert response.status_code == 200
    assert response.json()["acknowledged_notice_id"] == 2


def test_stored_client_error_replayed(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    first = post_ack(client, service, {"consumer": "sms", "notice_id": 99})
    retry = post_ack(client, service, {"consumer": "sms", "notice_id": 99})

    assert first.status_code == 422
    assert retry.status_code == 422
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["content-type"] == "application/problem+json"
    assert retry.headers["content-language"] == "en"
    assert retry.json() == first.json()


def test_forbidden_reply_not_stored(client: TestClient, engine: Engine, clock: FixedClock) -> None:
    customer = bearer(clock, subject="C0001", role="customer")

    response = post_ack(client, customer, {"consumer": "sms", "notice_id": 1})

    assert response.status_code == 403
    assert key_rows(engine) == 0


@pytest.mark.parametrize(
    ("status", "stored"),
    [(200, True), (201, True), (400, True), (404, True), (422, True), (401, False), (403, False),
     (408, False), (409, False), (425, False), (429, False), (500, False), (503, False)],
)
def test_stored_statuses(status: int, stored: bool) -> None:
    assert should_store(status) is stored


def test_json_bodies_compared_canonically() -> None:
    assert body_digest(b'{"a": 1, "b": [1, 2]}') == body_digest(b'{"b":[1,2],"a":1}')
    assert body_digest(b'{"a": 1}') != body_digest(b'{"a": 2}')
    assert body_digest(b"not json") != body_digest(b"not  json")


def test_get_requests_need_no_key(client: TestClient, service: dict[str, str]) -> None:
    assert client.get("/v1/outbox/notices", headers=service).status_code == 200


@pytest.fixture
def failing_reply_storage(engine: Engine) -> Iterator[None]:
    """Make the database refuse to store any idempotent reply, with a real trigger."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:
            conn.exec_driver_sql(
                "CREATE FUNCTION test_refuse_reply() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'reply storage rejected by the test'; END $$"
            )
            conn.exec_driver_sql(
                "CREATE TRIGGER test_refuse_reply BEFORE UPDATE ON idempotency_keys "
                "FOR EACH ROW EXECUTE FUNCTION test_refuse_reply()"
            )
        else:
            conn.exec_driver_sql(
                "CREATE TRIGGER test_refuse_reply BEFORE UPDATE ON idempotency_keys "
                "BEGIN SELECT RAISE(ABORT, 'reply storage rejected by the test'); END"
            )
    try:
        yield
    finally:
        with engine.begin() as conn:
            if postgres:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS test_refuse_reply ON idempotency_keys")
                conn.exec_driver_sql("DROP FUNCTION IF EXISTS test_refuse_reply()")
            else:
                conn.exec_driver_sql("DROP TRIGGER IF EXISTS test_refuse_reply")


def line_record_counts(engine: Engine) -> tuple[int, int, int, int]:
    """The approved limit of A0001 and the number of its ledger events, adjustments and notices."""
    with engine.connect() as conn:
        return (
            int(conn.scalar(select(credit_lines.c.approved_limit).where(credit_lines.c.account_id == "A0001"))),
            int(conn.scalar(select(func.count()).select_from(ledger_events).where(ledger_events.c.stream_id == "A0001"))),
            int(conn.scalar(select(func.count()).select_from(adjustments).where(adjustments.c.account_id == "A0001"))),
            int(conn.scalar(select(func.count()).select_from(notices).where(notices.c.account_id == "A0001"))),
        )


def test_change_and_reply_commit_together(
    client: TestClient, engine: Engine, clock: FixedClock, failing_reply_storage: None
) -> None:
    customer = {**bearer(clock, subject="C0001", role="customer"), "Accept-Language": "en", "Idempotency-Key": "dec-1"}
    before = line_record_counts(engine)

    failed = client.post("/v1/lines/A0001/decrease", json={"new_limit": "8000.00"}, headers=customer)

    assert failed.status_code == 503
    assert failed.json()["type"].endswith("/api-not_committed")
    assert failed.json()["detail"] == (
        "The request could not be saved and nothing was changed: retry with the same Idempotency-Key."
    )
    # The decrease ran, but its writes were rolled back with the key's claim.
    assert line_record_counts(engine) == before
    assert key_rows(engine) == 0


def test_retry_replays_change_applied_once(client: TestClient, engine: Engine, clock: FixedClock) -> None:
    customer = {**bearer(clock, subject="C0001", role="customer"), "Accept-Language": "en", "Idempotency-Key": "dec-1"}
    limit, events, changes, sent = line_record_counts(engine)

    first = client.post("/v1/lines/A0001/decrease", json={"new_limit": "8000.00"}, headers=customer)
    retry = client.post("/v1/lines/A0001/decrease", json={"new_limit": "8000.00"}, headers=customer)

    assert first.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json() == first.json()
    assert line_record_counts(engine) == (800_000, events + 1, changes + 1, sent + 1)
    with engine.connect() as conn:
        assert conn.scalar(select(idempotency_keys.c.status_code)) == 200


def test_replay_keeps_first_reply_language(client: TestClient, clock: FixedClock) -> None:
    customer = {**bearer(clock, subject="C0001", role="customer"), "Idempotency-Key": "dec-lang"}

    first = client.post(
        "/v1/lines/A0001/decrease", json={"new_limit": "8000.00"}, headers={**customer, "Accept-Language": "en"}
    )
    retry = client.post("/v1/lines/A0001/decrease", json={"new_limit": "8000.00"}, headers=customer)

    assert first.status_code == 200
    assert first.headers["content-language"] == "en"
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.headers["content-language"] == "en"
    assert retry.json() == first.json()
