"""The notice outbox read by cursor and acknowledged forward, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.store.tables import notices, outbox_cursors
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio

N_NOTICES = 5


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 3), clock)
    with engine.begin() as conn:
        for index in range(1, N_NOTICES + 1):
            conn.execute(
                insert(notices).values(
                    customer_id="C0001",
                    account_id="A0001",
                    kind="decrease",
                    title_zh=f"标题 {index}",
                    body_zh=f"正文 {index}",
                    title_en=f"Title {index}",
                    body_en=f"Body {index}",
                    created_at=clock.now() + timedelta(seconds=index),
                )
            )
    with app_client(engine, clock) as test_client:
        yield test_client


@pytest.fixture
def service(clock: FixedClock) -> dict[str, str]:
    return bearer(clock, subject="messaging", role="service")


def ack(client: TestClient, headers: dict[str, str], consumer: str, notice_id: int, key: str) -> object:
    return client.post(
        "/v1/outbox/ack",
        json={"consumer": consumer, "notice_id": notice_id},
        headers={**headers, "Idempotency-Key": key, "Accept-Language": "en"},
    )


def test_notices_page_after_cursor(client: TestClient, service: dict[str, str]) -> None:
    first = client.get("/v1/outbox/notices", params={"limit": 2}, headers=service).json()
    second = client.get("/v1/outbox/notices", params={"after": first["next_after"], "limit": 10}, headers=service).json()
    third = client.get("/v1/outbox/notices", params={"after": second["next_after"]}, headers=service).json()

    assert [notice["notice_id"] for notice in first["items"]] == [1, 2]
    assert [notice["notice_id"] for notice in second["items"]] == [3, 4, 5]
    assert third == {"items": [], "next_after": 5}


def test_notices_carry_both_languages(client: TestClient, service: dict[str, str]) -> None:
    notice = client.get("/v1/outbox/notices", params={"limit": 1}, headers=service).json()["items"][0]

    assert notice["title_zh"] == "标题 1"
    assert notice["body_zh"] == "正文 1"
    assert notice["title_en"] == "Title 1"
    assert notice["body_en"] == "Body 1"
    assert notice["customer_id"] == "C0001"
    assert notice["account_id"] == "A0001"
    assert notice["created_at"] == "2026-12-04T02:00:01Z"


def test_cursor_moves_forward_only(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    assert client.get("/v1/outbox/cursor", params={"consumer": "sms"}, headers=service).json() == {
        "consumer": "sms",
        "acknowledged_notice_id": 0,
        "updated_at": None,
    }

    forward = ack(client, service, "sms", 3, "k1")
    backward = ack(client, service, "sms", 2, "k2")

    assert forward.status_code == 200
    assert forward.json()["acknowledged_notice_id"] == 3
    assert backward.status_code == 200
    assert backward.json()["acknowledged_notice_id"] == 3
    assert client.get("/v1/outbox/cursor", params={"consumer": "sms"}, headers=service).json()["acknowledged_notice_id"] == 3
    with engine.connect() as conn:
        acknowledged = conn.scalars(select(notices.c.notice_id).where(notices.c.acknowledged_at.is_not(None))).all()
        assert sorted(acknowledged) == [1, 2, 3]


def test_consumers_keep_separate_cursors(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    ack(client, service, "sms", 4, "k1")
    ack(client, service, "email", 1, "k2")

    with engine.connect() as conn:
        cursors = dict(conn.execute(select(outbox_cursors.c.consumer, outbox_cursors.c.acknowledged_notice_id)).all())
    assert cursors == {"sms": 4, "email": 1}


def test_ack_beyond_newest_rejected(client: TestClient, service: dict[str, str]) -> None:
    response = ack(client, service, "sms", 6, "k1")

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Cannot acknowledge notice 6: the newest notice is 5. Acknowledge the id of the last notice you sent."
    )


@pytest.mark.parametrize("role", ["customer", "officer", "auditor"])
def test_outbox_rejects_other_roles(client: TestClient, clock: FixedClock, role: str) -> None:
    headers = bearer(clock, subject="someone", role=role)

    assert client.get("/v1/outbox/notices", headers=headers).status_code == 403
    assert client.get("/v1/outbox/cursor", params={"consumer": "sms"}, headers=headers).status_code == 403
    assert ack(client, headers, "sms", 1, "k1").status_code == 403


def test_admin_reads_outbox(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/outbox/notices", headers=bearer(clock, subject="ops-1", role="admin"))

    assert response.status_code == 200
    assert len(response.json()["items"]) == N_NOTICES
