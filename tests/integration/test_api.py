"""The read API under /v1 over a reviewed portfolio, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from starlette.exceptions import StarletteDeprecationWarning

from creditline.api.app import create_app
from creditline.clock import FixedClock
from creditline.domain.reasons import reason_text
from creditline.policy import parse_policy
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.service.review import apply_batch, approve_batch, propose_review
from creditline.settings import Settings
from creditline.store.tables import adjustments, credit_lines, review_batches, review_items
from tests.access import bearer
from tests.factories import synthetic_policy_text, write_portfolio

# NOTE: Starlette 1.x warns at import that its test client prefers the httpx2 package. The dev
# extra installs httpx only, and the warning concerns the test client, not creditline.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

N_ACCOUNTS = 200
GENESIS_HASH = "0" * 64
V1_PATHS = {
    "/v1/adjustments",
    "/v1/batches",
    "/v1/batches/{batch_id}",
    "/v1/batches/{batch_id}/items",
    "/v1/cases",
    "/v1/cases/{case_id}",
    "/v1/cases/{case_id}/decide",
    "/v1/cases/{case_id}/take",
    "/v1/customers/{customer_id}/consents",
    "/v1/customers/{customer_id}/consents/{category}/withdraw",
    "/v1/customers/{customer_id}/flags",
    "/v1/customers/{customer_id}/income",
    "/v1/income/{declaration_id}/verify",
    "/v1/lines",
    "/v1/lines/{account_id}",
    "/v1/lines/{account_id}/adjustments",
    "/v1/lines/{account_id}/alert",
    "/v1/lines/{account_id}/balance",
    "/v1/lines/{account_id}/cap",
    "/v1/lines/{account_id}/cap/remove",
    "/v1/lines/{account_id}/decrease",
    "/v1/lines/{account_id}/events",
    "/v1/lines/{account_id}/freeze",
    "/v1/lines/{account_id}/history",
    "/v1/lines/{account_id}/increase",
    "/v1/lines/{account_id}/offers",
    "/v1/lines/{account_id}/preference",
    "/v1/lines/{account_id}/reviews",
    "/v1/lines/{account_id}/risk-actions",
    "/v1/lines/{account_id}/state",
    "/v1/lines/{account_id}/suggestion",
    "/v1/lines/{account_id}/suggestion/accept",
    "/v1/lines/{account_id}/suggestions",
    "/v1/lines/{account_id}/temporary-limit",
    "/v1/lines/{account_id}/unfreeze",
    "/v1/models/{model_version}/monitor",
    "/v1/offers/{offer_id}/accept",
    "/v1/outbox/ack",
    "/v1/outbox/cursor",
    "/v1/outbox/notices",
    "/v1/suggestions/priority",
}


@dataclass(frozen=True)
class Reviewed:
    batch_id: str
    decreased: str  # account id of a line the batch lowered


def minor_to_text(minor: int) -> str:
    """Return CNY minor units as the API's decimal string, computed independently of the code under test."""
    return str((Decimal(minor) / 100).quantize(Decimal("0.01")))


@pytest.fixture
def imported(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", N_ACCOUNTS), clock)


@pytest.fixture
def reviewed(engine: Engine, tmp_path: Path, clock: FixedClock) -> Reviewed:
    """Import, train, propose (alice), approve (bob) and apply one batch through the services."""
    import_folder(engine, write_portfolio(tmp_path / "portfolio", N_ACCOUNTS), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    document = synthetic_policy_text()
    summary = propose_review(engine, parse_policy(document), document, clock, proposed_by="alice")
    approve_batch(engine, summary.batch_id, clock, approved_by="bob")
    report = apply_batch(engine, summary.batch_id, clock, Settings().zone)
    assert report.complete
    with engine.connect() as conn:
        decreased = conn.scalar(
            select(review_items.c.account_id)
            .where(review_items.c.batch_id == summary.batch_id, review_items.c.direction == "decrease")
            .order_by(review_items.c.account_id)
            .limit(1)
        )
    assert decreased is not None
    return Reviewed(summary.batch_id, decreased)


@pytest.fixture
def client(engine: Engine, clock: FixedClock) -> Iterator[TestClient]:
    """A client that reads as an auditor, who may see every line and batch."""
    url = engine.url.render_as_string(hide_password=False)
    headers = bearer(clock, subject="audit-1", role="auditor")
    with TestClient(create_app(Settings(database_url=url), clock=clock), headers=headers) as test_client:
        yield test_client


def line_row(engine: Engine, account_id: str) -> Any:
    with engine.connect() as conn:
        return conn.execute(select(credit_lines).where(credit_lines.c.account_id == account_id)).one()


def item_count(engine: Engine, batch_id: str, direction: str) -> int:
    with engine.connect() as conn:
        query = select(func.count()).where(review_items.c.batch_id == batch_id, review_items.c.direction == direction)
        return int(conn.scalar(query))


def recompute_hash(stream_id: str, event: dict[str, Any]) -> str:
    """Hash an event from its API form, following the ledger format in docs/architecture.md."""
    occurred_at = datetime.fromisoformat(event["occurred_at"]).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "stream_id": stream_id,
        "seq": event["seq"],
        "event_type": event["event_type"],
        "occurred_at": occurred_at,
        "payload": event["payload"],
        "prev_hash": event["prev_hash"],
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Lines ----------------------------------------------------------------------------------


def test_lines_page_through_cursor(client: TestClient, imported: None) -> None:
    seen: list[str] = []
    sizes: list[int] = []
    cursors: list[str | None] = []
    params: dict[str, Any] = {"limit": 70}
    while True:
        response = client.get("/v1/lines", params=params)
        assert response.status_code == 200
        page = response.json()
        seen += [line["account_id"] for line in page["items"]]
        sizes.append(len(page["items"]))
        cursors.append(page["next_cursor"])
        if page["next_cursor"] is None:
            break
        params["after"] = page["next_cursor"]

    assert sizes == [70, 70, 60]
    assert cursors == ["A0070", "A0140", None]
    assert seen == [f"A{index:04d}" for index in range(1, N_ACCOUNTS + 1)]


@pytest.mark.parametrize(("limit", "cursor"), [(199, "A0199"), (200, None), (500, None)])
def test_lines_cursor_at_page_edge(client: TestClient, imported: None, limit: int, cursor: str | None) -> None:
    page = client.get("/v1/lines", params={"limit": limit}).json()

    assert len(page["items"]) == min(limit, N_ACCOUNTS)
    assert page["next_cursor"] == cursor


def test_lines_filter_by_customer(client: TestClient, imported: None) -> None:
    page = client.get("/v1/lines", params={"customer_id": "C0007"}).json()

    assert [line["account_id"] for line in page["items"]] == ["A0007"]
    assert page["next_cursor"] is None


def test_line_derived_values_after_review(client: TestClient, engine: Engine, reviewed: Reviewed) -> None:
    row = line_row(engine, reviewed.decreased)

    response = client.get(f"/v1/lines/{reviewed.decreased}")

    assert response.status_code == 200
    line = response.json()
    assert line["account_id"] == reviewed.decreased
    assert line["currency"] == "CNY"
    assert line["version"] == 2
    assert line["approved_limit"] == minor_to_text(row.approved_limit)
    assert line["outstanding"] == minor_to_text(row.outstanding)
    assert line["effective_limit"] == minor_to_text(row.approved_limit)
    assert line["available"] == minor_to_text(max(0, row.approved_limit - row.outstanding))
    assert line["temporary_limit"] == "0.00"
    assert line["temporary_expires_at"] is None
    assert line["customer_cap"] is None
    assert line["updated_at"] == "2026-12-04T02:00:00Z"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"approved_limit": 2_400_000, "outstanding": 2_160_000},
            {"effective_limit": "24000.00", "available": "2400.00", "temporary_limit": "0.00", "customer_cap": None},
        ),
        (
            {"approved_limit": 2_000_000, "outstanding": 2_050_050},
            {"effective_limit": "20000.00", "available": "0.00", "temporary_limit": "0.00", "customer_cap": None},
        ),
        (
            {
                "approved_limit": 2_300_000,
                "outstanding": 805_000,
                "temporary_limit": 300_000,
                "temporary_expires_at": timedelta(days=1),
                "customer_cap": 2_500_000,
            },
            {"effective_limit": "25000.00", "available": "16950.00", "temporary_limit": "3000.00", "customer_cap": "25000.00"},
        ),
        (
            {
                "approved_limit": 2_500_000,
                "outstanding": 500_001,
                "temporary_limit": 300_000,
                "temporary_expires_at": timedelta(seconds=-1),
            },
            {"effective_limit": "25000.00", "available": "19999.99", "temporary_limit": "0.00", "customer_cap": None},
        ),
        (
            {"approved_limit": 2_600_000, "outstanding": 650_000, "risk_frozen": True},
            {"effective_limit": "26000.00", "available": "0.00", "temporary_limit": "0.00", "customer_cap": None},
        ),
    ],
    ids=["headroom", "over-limit", "temporary-and-cap", "temporary-expired", "frozen"],
)
def test_line_derived_values(
    client: TestClient,
    engine: Engine,
    imported: None,
    clock: FixedClock,
    changes: dict[str, Any],
    expected: dict[str, str | None],
) -> None:
    values = {name: clock.now() + value if isinstance(value, timedelta) else value for name, value in changes.items()}
    with engine.begin() as conn:
        conn.execute(update(credit_lines).where(credit_lines.c.account_id == "A0003").values(**values))

    line = client.get("/v1/lines/A0003").json()

    assert {name: line[name] for name in expected} == expected


# Adjustments and ledger events ----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "language"),
    [({}, "zh"), ({"Accept-Language": "en-US"}, "en"), ({"Accept-Language": "fr-FR, en;q=0.8, zh;q=0.5"}, "en")],
    ids=["default-zh", "en-US", "ranked"],
)
def test_adjustment_reasons_by_language(
    client: TestClient, engine: Engine, reviewed: Reviewed, headers: dict[str, str], language: str
) -> None:
    with engine.connect() as conn:
        item = conn.execute(
            select(review_items).where(
                review_items.c.batch_id == reviewed.batch_id, review_items.c.account_id == reviewed.decreased
            )
        ).one()
    codes = list(item.reason_codes)
    assert codes  # a decrease always carries at least its policy reason

    response = client.get(f"/v1/lines/{reviewed.decreased}/adjustments", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-language"] == language
    listed = response.json()
    assert len(listed) == 1
    adjustment = listed[0]
    assert adjustment["adjustment_id"] == item.adjustment_id
    assert adjustment["batch_id"] == reviewed.batch_id
    assert adjustment["channel"] == "review"
    assert adjustment["direction"] == "decrease"
    assert adjustment["decided_by"] == "bob"
    assert adjustment["old_limit"] == minor_to_text(item.old_limit)
    assert adjustment["new_limit"] == minor_to_text(item.proposed_limit)
    assert adjustment["reasons"] == [{"code": code, "text": reason_text(code, language)} for code in codes]


def test_reason_texts_differ_by_language(client: TestClient, reviewed: Reviewed) -> None:
    path = f"/v1/lines/{reviewed.decreased}/adjustments"
    chinese = client.get(path).json()[0]["reasons"]
    english = client.get(path, headers={"Accept-Language": "en"}).json()[0]["reasons"]

    for zh_reason, en_reason in zip(chinese, english, strict=True):
        assert zh_reason["code"] == en_reason["code"]
        assert zh_reason["text"] != en_reason["text"]
        assert en_reason["text"].isascii()
        assert not zh_reason["text"].isascii()


def test_line_events_chain_hashes(client: TestClient, engine: Engine, reviewed: Reviewed) -> None:
    row = line_row(engine, reviewed.decreased)

    events = client.get(f"/v1/lines/{reviewed.decreased}/events").json()

    assert [event["seq"] for event in events] == [1, 2]
    assert [event["event_type"] for event in events] == ["LineOpened", "LimitAdjusted"]
    assert events[0]["id"] < events[1]["id"]
    assert events[0]["prev_hash"] == GENESIS_HASH
    assert events[1]["prev_hash"] == events[0]["hash"]
    assert events[1]["hash"] == row.ledger_head
    assert events[1]["payload"]["new_limit"] == row.approved_limit
    assert events[1]["payload"]["approved_by"] == "bob"
    assert events[1]["payload"]["proposed_by"] == "alice"
    for event in events:
        assert recompute_hash(reviewed.decreased, event) == event["hash"]


def test_adjustments_of_batch_page_through(client: TestClient, engine: Engine, reviewed: Reviewed) -> None:
    with engine.connect() as conn:
        expected = sorted(
            conn.scalars(select(adjustments.c.adjustment_id).where(adjustments.c.batch_id == reviewed.batch_id))
        )
    assert len(expected) > 1

    seen: list[str] = []
    params: dict[str, Any] = {"batch_id": reviewed.batch_id, "limit": len(expected) - 1}
    while True:
        page = client.get("/v1/adjustments", params=params).json()
        seen += [adjustment["adjustment_id"] for adjustment in page["items"]]
        if page["next_cursor"] is None:
            break
        params["after"] = page["next_cursor"]

    assert seen == expected
    assert client.get("/v1/adjustments", params={"batch_id": "B404"}).json() == {"items": [], "next_cursor": None}


# Review batches -------------------------------------------------------------------------


def test_batches_list_and_detail(client: TestClient, engine: Engine, reviewed: Reviewed) -> None:
    with engine.connect() as conn:
        stored = conn.scalar(select(review_batches.c.summary).where(review_batches.c.batch_id == reviewed.batch_id))

    listed = client.get("/v1/batches").json()
    detail = client.get(f"/v1/batches/{reviewed.batch_id}").json()

    assert listed == [detail]
    assert detail["batch_id"] == reviewed.batch_id
    assert detail["status"] == "applied"
    assert detail["proposed_by"] == "alice"
    assert detail["approved_by"] == "bob"
    assert detail["applied_at"] == "2026-12-04T02:00:00Z"
    assert detail["as_of_month"] == "2026-11-01"
    summary = detail["summary"]
    assert summary["lines"] == N_ACCOUNTS
    assert summary["currency"] == "CNY"
    assert summary["increases"] == stored["increases"]
    assert summary["decreases"] == stored["decreases"]
    assert summary["unchanged"] == stored["unchanged"]
    assert summary["increase_amount"] == minor_to_text(stored["increase_amount"])
    assert summary["decrease_amount"] == minor_to_text(stored["decrease_amount"])
    assert summary["increases"] + summary["decreases"] + summary["unchanged"] + summary["errors"] == N_ACCOUNTS
    assert summary["top_reasons"] == [
        {"code": code, "text": reason_text(code, "zh"), "lines": lines} for code, lines in stored["top_reasons"]
    ]


def test_batch_reasons_in_english(client: TestClient, reviewed: Reviewed) -> None:
    detail = client.get(f"/v1/batches/{reviewed.batch_id}", headers={"Accept-Language": "en"}).json()

    reasons = detail["summary"]["top_reasons"]
    assert reasons
    assert [reason["text"] for reason in reasons] == [reason_text(reason["code"], "en") for reason in reasons]


def test_batches_filter_by_status(client: TestClient, reviewed: Reviewed) -> None:
    assert [batch["batch_id"] for batch in client.get("/v1/batches", params={"status": "applied"}).json()] == [
        reviewed.batch_id
    ]
    assert client.get("/v1/batches", params={"status": "proposed"}).json() == []


def test_batches_same_instant_order(client: TestClient, engine: Engine, reviewed: Reviewed, clock: FixedClock) -> None:
    document = synthetic_policy_text()
    second = propose_review(engine, parse_policy(document), document, clock, proposed_by="carol")

    listed = [batch["batch_id"] for batch in client.get("/v1/batches").json()]

    assert listed == sorted([reviewed.batch_id, second.batch_id])


@pytest.mark.parametrize("direction", ["decrease", "increase", "unchanged"])
def test_batch_items_filter_by_direction(client: TestClient, engine: Engine, reviewed: Reviewed, direction: str) -> None:
    # Each direction is compared with the database. A filter that did nothing would return
    # all 200 items, which fails for every direction that has fewer.
    expected = item_count(engine, reviewed.batch_id, direction)

    page = client.get(f"/v1/batches/{reviewed.batch_id}/items", params={"direction": direction, "limit": 500}).json()

    items = page["items"]
    assert len(items) == expected
    assert page["next_cursor"] is None
    assert all(item["direction"] == direction for item in items)
    assert [item["account_id"] for item in items] == sorted(item["account_id"] for item in items)


def test_decrease_items_were_applied(client: TestClient, reviewed: Reviewed) -> None:
    page = client.get(f"/v1/batches/{reviewed.batch_id}/items", params={"direction": "decrease", "limit": 500}).json()

    items = page["items"]
    assert items
    assert {item["status"] for item in items} == {"applied"}
    assert all(item["adjustment_id"] for item in items)
    assert all(Decimal(item["proposed_limit"]) < Decimal(item["old_limit"]) for item in items)


def test_batch_items_page_through_cursor(client: TestClient, reviewed: Reviewed) -> None:
    path = f"/v1/batches/{reviewed.batch_id}/items"
    first = client.get(path, params={"limit": 150}).json()
    second = client.get(path, params={"limit": 150, "after": first["next_cursor"]}).json()

    assert first["next_cursor"] == "A0150"
    assert [item["account_id"] for item in second["items"]] == [f"A{index:04d}" for index in range(151, 201)]
    assert second["next_cursor"] is None


# Problem details ------------------------------------------------------------------------

NOT_FOUND = {
    ("/v1/lines/A9999", "zh"): ("error-not_found", "未找到", "未找到额度账户“A9999”。"),
    ("/v1/lines/A9999", "en"): ("error-not_found", "Not found", "Credit line 'A9999' not found."),
    ("/v1/lines/A9999/events", "en"): ("error-not_found", "Not found", "Credit line 'A9999' not found."),
    ("/v1/batches/B404", "zh"): ("error-not_found", "未找到", "未找到调额批次“B404”。"),
    ("/v1/batches/B404/items", "en"): ("error-not_found", "Not found", "Review batch 'B404' not found."),
    ("/v1/no-such-route", "zh"): ("route-not-found", "未找到", "接口 /v1/no-such-route 不存在：请查看 /docs 中的接口列表。"),
    ("/v1/no-such-route", "en"): ("route-not-found", "Not found", "No endpoint at /v1/no-such-route: see /docs for the list of endpoints."),
}


@pytest.mark.parametrize(("path", "language"), list(NOT_FOUND), ids=[f"{path}-{lang}" for path, lang in NOT_FOUND])
def test_not_found_problem(client: TestClient, path: str, language: str) -> None:
    kind, title, detail = NOT_FOUND[(path, language)]
    headers = {"Accept-Language": "en-GB"} if language == "en" else {}

    response = client.get(path, headers=headers)

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["content-language"] == language
    assert response.json() == {
        "type": f"https://creditline.dev/problems/{kind}",
        "title": title,
        "status": 404,
        "detail": detail,
        "instance": path,
    }


@pytest.mark.parametrize(("headers", "title"), [({}, "请求无效"), ({"Accept-Language": "en"}, "Invalid request")])
def test_zero_page_size_rejected(client: TestClient, headers: dict[str, str], title: str) -> None:
    response = client.get("/v1/lines", params={"limit": 0}, headers=headers)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://creditline.dev/problems/validation"
    assert problem["title"] == title
    assert problem["status"] == 422
    assert problem["instance"] == "/v1/lines"
    assert [error["location"] for error in problem["errors"]] == ["query.limit"]
    prefix = "Parameter query.limit is invalid: " if headers else "参数 query.limit 无效："
    assert problem["detail"] == prefix + problem["errors"][0]["problem"]


def test_openapi_lists_v1_paths(client: TestClient) -> None:
    response = client.get("/openapi.json")

    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert paths == V1_PATHS
