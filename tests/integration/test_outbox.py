"""The notice outbox read by cursor and acknowledged forward, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, select

from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.store.tables import notices, outbox_cursors
from tests.access import TestClient, app_client, bearer
from tests.delivery import wait_until_deliverable
from tests.factories import write_portfolio

N_NOTICES = 5


def add_notice(conn: Connection, title: str, created_at: datetime) -> int:
    """Insert a notice in ``conn``'s transaction and return its id."""
    return int(
        conn.execute(
            insert(notices)
            .values(
                customer_id="C0001",
                account_id="A0001",
                kind="decrease",
                title_zh=f"标题 {title}",
                body_zh=f"正文 {title}",
                title_en=f"Title {title}",
                body_en=f"Body {title}",
                created_at=created_at,
            )
            .returning(notices.c.notice_id)
        ).scalar_one()
    )


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 3), clock)
    with engine.begin() as conn:
        for index in range(1, N_NOTICES + 1):
            add_notice(conn, str(index), clock.now() + timedelta(seconds=index))
    wait_until_deliverable(engine)
    with app_client(engine, clock) as test_client:
        yield test_client


@pytest.fixture
def service(clock: FixedClock) -> dict[str, str]:
    return {**bearer(clock, subject="messaging", role="service"), "Accept-Language": "en"}


def read(client: TestClient, headers: dict[str, str], after: str | None = None, limit: int = 100) -> Any:
    params: dict[str, Any] = {"limit": limit}
    if after is not None:
        params["after"] = after
    return client.get("/v1/outbox/notices", params=params, headers=headers)


def ack(client: TestClient, headers: dict[str, str], key: str, **body: Any) -> Any:
    return client.post("/v1/outbox/ack", json={"consumer": "sms", **body}, headers={**headers, "Idempotency-Key": key})


def cursor_of(client: TestClient, headers: dict[str, str], consumer: str = "sms") -> Any:
    return client.get("/v1/outbox/cursor", params={"consumer": consumer}, headers=headers).json()


def xact_ids(engine: Engine) -> dict[int, int]:
    with engine.connect() as conn:
        return {row.notice_id: row.xact_id for row in conn.execute(select(notices.c.notice_id, notices.c.xact_id))}


def stored_cursor(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            select(outbox_cursors.c.acknowledged_xact_id, outbox_cursors.c.acknowledged_notice_id).where(
                outbox_cursors.c.consumer == "sms"
            )
        ).one()
    return row.acknowledged_xact_id, row.acknowledged_notice_id


def test_notices_page_after_cursor(client: TestClient, service: dict[str, str]) -> None:
    first = read(client, service, limit=2).json()
    second = read(client, service, after=first["next_after"], limit=10).json()
    third = read(client, service, after=second["next_after"]).json()

    assert [notice["notice_id"] for notice in first["items"]] == [1, 2]
    assert first["next_after"] == first["items"][-1]["cursor"]
    assert [notice["notice_id"] for notice in second["items"]] == [3, 4, 5]
    assert third == {"items": [], "next_after": second["next_after"]}


def test_notice_cursor_format(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    items = read(client, service).json()["items"]
    written = xact_ids(engine)

    assert [item["cursor"] for item in items] == [f"{written[item['notice_id']]}-{item['notice_id']}" for item in items]
    if engine.dialect.name == "sqlite":
        assert [item["cursor"] for item in items] == ["0-1", "0-2", "0-3", "0-4", "0-5"]
    else:
        # One transaction wrote all five, so they share its id.
        assert len(set(written.values())) == 1
        assert next(iter(written.values())) > 0


def test_read_from_start_cursor(client: TestClient, service: dict[str, str]) -> None:
    everything = read(client, service).json()

    assert read(client, service, after="0-0").json() == everything
    assert read(client, service, after=everything["items"][0]["cursor"]).json()["items"] == everything["items"][1:]


def test_empty_page_echoes_cursor(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    # A position past every notice is a valid cursor, and reading there returns it unchanged.
    past_the_end = f"{xact_ids(engine)[N_NOTICES]}-999"

    assert read(client, service, after=past_the_end).json() == {"items": [], "next_after": past_the_end}


def test_notices_carry_both_languages(client: TestClient, service: dict[str, str]) -> None:
    notice = read(client, service, limit=1).json()["items"][0]

    assert notice["title_zh"] == "标题 1"
    assert notice["body_zh"] == "正文 1"
    assert notice["title_en"] == "Title 1"
    assert notice["body_en"] == "Body 1"
    assert notice["customer_id"] == "C0001"
    assert notice["account_id"] == "A0001"
    assert notice["created_at"] == "2026-12-04T02:00:01Z"


@pytest.mark.parametrize(
    "cursor",
    ["", "abc", "5", "1-", "-1", "1-2-3", " 1-2", "1-2 ", "+1-2", "1--2", "0x1-2", "1.0-2", "1-２",
     "9223372036854775808-1", "1-9223372036854775808", "00000000000000000000-1"],
)
def test_malformed_cursor_rejected(client: TestClient, service: dict[str, str], cursor: str) -> None:
    response = read(client, service, after=cursor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "https://creditline.dev/problems/access-outbox-cursor_invalid"
    assert response.json()["detail"] == (
        f"Invalid outbox cursor '{cursor}': pass a cursor exactly as the API returned it "
        "(a page's next_after or a notice's cursor), or leave it out to read from the first notice."
    )


def test_largest_cursor_accepted(client: TestClient, service: dict[str, str]) -> None:
    largest = "9223372036854775807-9223372036854775807"

    assert read(client, service, after=largest).json() == {"items": [], "next_after": largest}


def test_long_cursor_shortened_in_message(client: TestClient, service: dict[str, str]) -> None:
    response = read(client, service, after="9" * 200)

    assert response.status_code == 422
    assert response.json()["detail"].startswith(f"Invalid outbox cursor '{'9' * 64}…': ")


def test_malformed_cursor_in_chinese(client: TestClient, clock: FixedClock) -> None:
    headers = bearer(clock, subject="messaging", role="service")

    response = read(client, headers, after="abc")

    assert response.status_code == 422
    assert response.headers["content-language"] == "zh"
    assert response.json()["title"] == "请求无效"
    assert response.json()["detail"] == (
        "发件箱游标“abc”无效：请原样传入接口返回的游标（某页的 next_after 或某条通知的 cursor），"
        "或不传，从第一条通知读起。"
    )


def test_cursor_moves_forward_only(client: TestClient, engine: Engine, service: dict[str, str], clock: FixedClock) -> None:
    items = read(client, service).json()["items"]
    assert cursor_of(client, service) == {
        "consumer": "sms",
        "acknowledged_notice_id": 0,
        "cursor": "0-0",
        "updated_at": None,
    }

    forward = ack(client, service, "k1", cursor=items[2]["cursor"])
    clock.advance(timedelta(minutes=1))
    backward = ack(client, service, "k2", cursor=items[1]["cursor"])
    repeated = ack(client, service, "k3", cursor=items[2]["cursor"])
    by_old_id = ack(client, service, "k4", notice_id=1)

    expected = {
        "consumer": "sms",
        "acknowledged_notice_id": 3,
        "cursor": items[2]["cursor"],
        "updated_at": "2026-12-04T02:00:00Z",
    }
    assert forward.status_code == 200
    assert forward.json() == expected
    assert backward.status_code == 200
    assert backward.json() == expected
    assert repeated.json() == expected
    assert by_old_id.json() == expected
    assert cursor_of(client, service) == expected
    with engine.connect() as conn:
        acknowledged = conn.scalars(select(notices.c.notice_id).where(notices.c.acknowledged_at.is_not(None))).all()
        assert sorted(acknowledged) == [1, 2, 3]


def test_ack_by_notice_id_names_its_cursor(client: TestClient, service: dict[str, str]) -> None:
    items = read(client, service).json()["items"]

    response = ack(client, service, "k1", notice_id=4)

    assert response.status_code == 200
    assert response.json()["acknowledged_notice_id"] == 4
    assert response.json()["cursor"] == items[3]["cursor"]


def test_acknowledged_cursor_resumes_reading(client: TestClient, service: dict[str, str]) -> None:
    items = read(client, service, limit=2).json()["items"]
    ack(client, service, "k1", cursor=items[-1]["cursor"])

    resumed = read(client, service, after=cursor_of(client, service)["cursor"]).json()

    assert [notice["notice_id"] for notice in resumed["items"]] == [3, 4, 5]


def test_ack_start_cursor_acknowledges_nothing(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    response = ack(client, service, "k1", cursor="0-0")

    assert response.status_code == 200
    assert response.json()["cursor"] == "0-0"
    assert response.json()["acknowledged_notice_id"] == 0
    with engine.connect() as conn:
        assert conn.scalars(select(notices.c.notice_id).where(notices.c.acknowledged_at.is_not(None))).all() == []


def test_consumers_keep_separate_cursors(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    items = read(client, service).json()["items"]
    ack(client, service, "k1", cursor=items[3]["cursor"])
    client.post(
        "/v1/outbox/ack",
        json={"consumer": "email", "cursor": items[0]["cursor"]},
        headers={**service, "Idempotency-Key": "k2"},
    )

    with engine.connect() as conn:
        cursors = dict(conn.execute(select(outbox_cursors.c.consumer, outbox_cursors.c.acknowledged_notice_id)).all())
    assert cursors == {"sms": 4, "email": 1}


def test_ack_unknown_notice_rejected(client: TestClient, service: dict[str, str]) -> None:
    response = ack(client, service, "k1", notice_id=6)

    assert response.status_code == 422
    assert response.json()["type"] == "https://creditline.dev/problems/access-outbox-ack_notice_unknown"
    assert response.json()["detail"] == (
        "Cannot acknowledge notice 6: the outbox has delivered no notice with this id. "
        "Acknowledge the id of the last notice you sent."
    )


def test_ack_unknown_cursor_rejected(client: TestClient, engine: Engine, service: dict[str, str]) -> None:
    # Notice 2 exists, but under another transaction id than this cursor claims.
    wrong = f"{xact_ids(engine)[2] + 1}-2"
    beyond = "0-6" if engine.dialect.name == "sqlite" else f"{xact_ids(engine)[5]}-6"

    for key, cursor in (("k1", wrong), ("k2", beyond)):
        response = ack(client, service, key, cursor=cursor)

        assert response.status_code == 422
        assert response.json()["type"] == "https://creditline.dev/problems/access-outbox-ack_cursor_unknown"
        assert response.json()["detail"] == (
            f"Cannot acknowledge cursor '{cursor}': the outbox has delivered no notice with this cursor. "
            "Acknowledge the cursor of the last notice you sent."
        )
    assert cursor_of(client, service)["updated_at"] is None


def test_ack_malformed_cursor_rejected(client: TestClient, service: dict[str, str]) -> None:
    response = ack(client, service, "k1", cursor="3")

    assert response.status_code == 422
    assert response.json()["type"] == "https://creditline.dev/problems/access-outbox-cursor_invalid"


@pytest.mark.parametrize("body", [{}, {"cursor": "0-1", "notice_id": 1}])
def test_ack_needs_cursor_or_notice_id(client: TestClient, service: dict[str, str], body: dict[str, Any]) -> None:
    response = ack(client, service, "k1", **body)

    assert response.status_code == 422
    assert response.json()["type"] == "https://creditline.dev/problems/access-outbox-ack_target_invalid"
    assert response.json()["detail"] == (
        "An acknowledgement needs exactly one of cursor and notice_id: send the cursor of the last notice you sent."
    )


@pytest.mark.parametrize("role", ["customer", "officer", "auditor"])
def test_outbox_rejects_other_roles(client: TestClient, clock: FixedClock, role: str) -> None:
    headers = bearer(clock, subject="someone", role=role)

    assert client.get("/v1/outbox/notices", headers=headers).status_code == 403
    assert client.get("/v1/outbox/cursor", params={"consumer": "sms"}, headers=headers).status_code == 403
    assert ack(client, headers, "k1", notice_id=1).status_code == 403


def test_admin_reads_outbox(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/outbox/notices", headers=bearer(clock, subject="ops-1", role="admin"))

    assert response.status_code == 200
    assert len(response.json()["items"]) == N_NOTICES


@pytest.mark.postgres
def test_late_commit_below_cursor_still_delivered(pg_engine: Engine, clock: FixedClock, service: dict[str, str]) -> None:
    """A notice whose transaction took the lower id but commits last still reaches the consumer."""
    delivered: list[int] = []
    with app_client(pg_engine, clock) as client, pg_engine.connect() as conn_a:
        transaction_a = conn_a.begin()
        notice_a = add_notice(conn_a, "A", clock.now())
        with pg_engine.begin() as conn_b:
            notice_b = add_notice(conn_b, "B", clock.now())
        assert notice_a < notice_b

        # While A is open, B must wait: delivering it first would move the cursor past A.
        page = read(client, service).json()
        delivered += [item["notice_id"] for item in page["items"]]
        assert ack(client, service, "k1", cursor=page["next_after"]).status_code == 200
        early_ack = ack(client, service, "k2", notice_id=notice_b)

        transaction_a.commit()
        wait_until_deliverable(pg_engine)
        page = read(client, service, after=cursor_of(client, service)["cursor"]).json()
        delivered += [item["notice_id"] for item in page["items"]]
        assert ack(client, service, "k3", cursor=page["next_after"]).status_code == 200
        last = read(client, service, after=cursor_of(client, service)["cursor"]).json()

    assert early_ack.status_code == 422
    assert early_ack.json()["type"] == "https://creditline.dev/problems/access-outbox-ack_notice_unknown"
    assert delivered == [notice_a, notice_b]
    assert last["items"] == []
    assert stored_cursor(pg_engine) == (xact_ids(pg_engine)[notice_b], notice_b)


@pytest.mark.postgres
def test_rolled_back_notice_never_delivered(pg_engine: Engine, clock: FixedClock, service: dict[str, str]) -> None:
    with pg_engine.connect() as conn_a:
        transaction_a = conn_a.begin()
        add_notice(conn_a, "A", clock.now())
        with pg_engine.begin() as conn_b:
            notice_b = add_notice(conn_b, "B", clock.now())
        transaction_a.rollback()
    wait_until_deliverable(pg_engine)

    with app_client(pg_engine, clock) as client:
        page = read(client, service).json()

    assert [item["notice_id"] for item in page["items"]] == [notice_b]
