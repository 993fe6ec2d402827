"""Human review cases through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.store.tables import adjustments, credit_lines, customer_requests, notices
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    """Three lines; A0001 has an automated decrease (ADJ-R), an officer's change (ADJ-O) and a request (REQ-1)."""
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 3), clock)
    with engine.begin() as conn:
        for adjustment_id, channel in (("ADJ-R", "review"), ("ADJ-O", "officer")):
            conn.execute(
                insert(adjustments).values(
                    adjustment_id=adjustment_id, account_id="A0001", channel=channel, direction="decrease",
                    currency="CNY", old_limit=2_100_000, new_limit=1_800_000, reason_codes=["P_DECREASE_HIGH_RISK"],
                    decided_by="bob", decided_at=clock.now(), inputs={},
                )
            )
        conn.execute(
            insert(customer_requests).values(
                request_id="REQ-1", account_id="A0001", customer_id="C0001", kind="increase", currency="CNY",
                requested_amount=3_000_000, outcome="declined", old_limit=2_100_000, new_limit=2_100_000,
                reason_codes=["C_RECENT_ARREARS"], inputs={}, created_at=clock.now(),
            )
        )
    with app_client(engine, clock) as test_client:
        yield test_client


def post(client: TestClient, path: str, headers: dict[str, str], body: dict[str, Any], key: str) -> Any:
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key, "Accept-Language": "en"})


@pytest.fixture
def customer(clock: FixedClock) -> dict[str, str]:
    return bearer(clock, subject="C0001", role="customer")


@pytest.fixture
def officer(clock: FixedClock) -> dict[str, str]:
    return bearer(clock, subject="officer-li", role="officer")


def open_case(client: TestClient, customer: dict[str, str], subject_type: str = "adjustment", subject_id: str = "ADJ-R") -> Any:
    body = {"subject_type": subject_type, "subject_id": subject_id, "comment": "My income went up last month."}
    return post(client, "/v1/lines/A0001/reviews", customer, body, f"open-{subject_id}")


def test_customer_opens_case(client: TestClient, customer: dict[str, str]) -> None:
    response = open_case(client, customer)

    assert response.status_code == 201
    case = response.json()
    assert case["status"] == "open"
    assert case["account_id"] == "A0001"
    assert case["customer_id"] == "C0001"
    assert case["opened_by"] == "C0001"
    assert case["opened_at"] == "2026-12-04T02:00:00Z"
    assert case["subject_type"] == "adjustment"
    assert case["subject_id"] == "ADJ-R"
    assert case["customer_comment"] == "My income went up last month."
    assert case["taken_by"] is None
    assert case["decision"] is None


def test_customer_opens_case_on_request(client: TestClient, customer: dict[str, str]) -> None:
    response = open_case(client, customer, "request", "REQ-1")

    assert response.status_code == 201
    assert response.json()["subject_type"] == "request"


def test_second_open_case_conflicts(client: TestClient, customer: dict[str, str]) -> None:
    open_case(client, customer)
    body = {"subject_type": "adjustment", "subject_id": "ADJ-R", "comment": "again"}

    response = post(client, "/v1/lines/A0001/reviews", customer, body, "open-again")

    assert response.status_code == 409
    assert response.json()["detail"] == "A human review of decision 'ADJ-R' is already open: wait for its outcome."


def test_officer_decision_not_reviewable(client: TestClient, customer: dict[str, str]) -> None:
    response = open_case(client, customer, "adjustment", "ADJ-O")

    assert response.status_code == 422
    assert response.json()["detail"] == "Adjustment 'ADJ-O' is already an officer's decision and cannot be reviewed again."


def test_case_on_other_line_not_found(client: TestClient, clock: FixedClock) -> None:
    stranger = bearer(clock, subject="C0002", role="customer")

    response = open_case(client, stranger)

    assert response.status_code == 404
    assert response.json()["detail"] == "Credit line 'A0001' not found."


@pytest.mark.parametrize(("subject_type", "subject_id", "detail"), [
    ("adjustment", "ADJ-X", "Adjustment 'ADJ-X' not found."),
    ("request", "REQ-X", "Limit request 'REQ-X' not found."),
])
def test_unknown_subject_not_found(client: TestClient, customer: dict[str, str], subject_type: str, subject_id: str, detail: str) -> None:
    response = open_case(client, customer, subject_type, subject_id)

    assert response.status_code == 404
    assert response.json()["detail"] == detail


def test_staff_cannot_open_case(client: TestClient, officer: dict[str, str]) -> None:
    assert open_case(client, officer).status_code == 403


def test_queue_lists_open_cases(client: TestClient, customer: dict[str, str], clock: FixedClock) -> None:
    first = open_case(client, customer).json()
    clock.advance(timedelta(minutes=1))
    second = open_case(client, customer, "request", "REQ-1").json()
    auditor = bearer(clock, subject="audit-1", role="auditor")

    queue = client.get("/v1/cases", params={"status": "open"}, headers=auditor).json()
    page = client.get("/v1/cases", params={"limit": 1}, headers=auditor).json()
    rest = client.get("/v1/cases", params={"limit": 1, "after": page["next_cursor"]}, headers=auditor).json()

    assert [case["case_id"] for case in queue["items"]] == [first["case_id"], second["case_id"]]
    assert [case["case_id"] for case in page["items"]] == [first["case_id"]]
    assert [case["case_id"] for case in rest["items"]] == [second["case_id"]]
    assert rest["next_cursor"] is None
    assert client.get("/v1/cases", params={"status": "taken"}, headers=auditor).json()["items"] == []


def test_customer_sees_own_cases(client: TestClient, customer: dict[str, str], clock: FixedClock) -> None:
    case = open_case(client, customer).json()

    own = client.get("/v1/lines/A0001/reviews", headers=customer)
    foreign = client.get("/v1/lines/A0001/reviews", headers=bearer(clock, subject="C0002", role="customer"))

    assert [listed["case_id"] for listed in own.json()] == [case["case_id"]]
    assert foreign.status_code == 404


def test_take_assigns_officer(client: TestClient, customer: dict[str, str], officer: dict[str, str], clock: FixedClock) -> None:
    case_id = open_case(client, customer).json()["case_id"]
    clock.advance(timedelta(minutes=5))

    taken = post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-1")
    again = post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-2")
    other = post(client, f"/v1/cases/{case_id}/take", bearer(clock, subject="officer-wang", role="officer"), {}, "take-3")

    assert taken.status_code == 200
    assert taken.json()["status"] == "taken"
    assert taken.json()["taken_by"] == "officer-li"
    assert taken.json()["taken_at"] == "2026-12-04T02:05:00Z"
    assert again.status_code == 200
    assert other.status_code == 409
    assert other.json()["detail"] == f"Review case '{case_id}' is already taken by officer-li."


@pytest.mark.parametrize("role", ["auditor", "admin", "customer"])
def test_only_officers_take_cases(client: TestClient, customer: dict[str, str], clock: FixedClock, role: str) -> None:
    case_id = open_case(client, customer).json()["case_id"]

    response = post(client, f"/v1/cases/{case_id}/take", bearer(clock, subject="x", role=role), {}, "take-1")

    assert response.status_code == 403


def test_decide_needs_the_case_taken(client: TestClient, customer: dict[str, str], officer: dict[str, str]) -> None:
    case_id = open_case(client, customer).json()["case_id"]

    response = post(client, f"/v1/cases/{case_id}/decide", officer, {"decision": "uphold", "comment": "ok"}, "d-1")

    assert response.status_code == 409
    assert response.json()["detail"] == f"You do not hold review case '{case_id}': take it before you decide it."


def test_uphold_records_officer_and_notifies(
    client: TestClient, engine: Engine, customer: dict[str, str], officer: dict[str, str], clock: FixedClock
) -> None:
    case_id = open_case(client, customer).json()["case_id"]
    post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-1")
    clock.advance(timedelta(hours=1))

    response = post(client, f"/v1/cases/{case_id}/decide", officer, {"decision": "uphold", "comment": "Risk grade still high."}, "d-1")

    assert response.status_code == 200
    case = response.json()
    assert case["status"] == "decided"
    assert case["decision"] == "uphold"
    assert case["decided_by"] == "officer-li"
    assert case["decided_at"] == "2026-12-04T03:00:00Z"
    assert case["officer_comment"] == "Risk grade still high."
    assert case["new_limit"] is None
    with engine.connect() as conn:
        notice = conn.execute(select(notices).where(notices.c.kind == "review_uphold")).one()
        limit = conn.scalar(select(credit_lines.c.approved_limit).where(credit_lines.c.account_id == "A0001"))
    assert notice.customer_id == "C0001"
    assert notice.title_zh == "人工复核结果：维持原决定"
    assert notice.title_en == "Human review result: decision upheld"
    assert notice.body_zh == "尊敬的客户：您就尾号 0001 的账户提出的人工复核已完成，复核人员维持原决定。复核意见：Risk grade still high.。"
    assert "reviewer upheld the decision" in notice.body_en
    assert limit == 2_100_000


def test_decided_case_frees_subject(client: TestClient, customer: dict[str, str], officer: dict[str, str]) -> None:
    case_id = open_case(client, customer).json()["case_id"]
    post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-1")
    post(client, f"/v1/cases/{case_id}/decide", officer, {"decision": "uphold", "comment": "ok"}, "d-1")

    again = post(client, f"/v1/cases/{case_id}/decide", officer, {"decision": "uphold", "comment": "ok2"}, "d-2")
    reopened = post(client, "/v1/lines/A0001/reviews", customer, {"subject_type": "adjustment", "subject_id": "ADJ-R"}, "o-2")

    assert again.status_code == 409
    assert again.json()["detail"] == f"Review case '{case_id}' is already decided."
    assert reopened.status_code == 201


def test_change_sets_limit_through_officer_adjustment(
    client: TestClient, engine: Engine, customer: dict[str, str], officer: dict[str, str]
) -> None:
    case_id = open_case(client, customer).json()["case_id"]
    post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-1")

    body = {"decision": "change", "new_limit": "20000.00", "comment": "Income verified."}
    response = post(client, f"/v1/cases/{case_id}/decide", officer, body, "d-1")

    assert response.status_code == 200
    case = response.json()
    assert case["decision"] == "change"
    assert case["new_limit"] == "20000.00"
    assert case["adjustment_id"] is not None
    with engine.connect() as conn:
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0001")).one()
        adjustment = conn.execute(select(adjustments).where(adjustments.c.adjustment_id == case["adjustment_id"])).one()
        kinds = set(conn.scalars(select(notices.c.kind).where(notices.c.account_id == "A0001")))
    assert line.approved_limit == 2_000_000
    assert adjustment.channel == "officer"
    assert adjustment.decided_by == "officer-li"
    assert adjustment.new_limit == 2_000_000
    assert "C_OFFICER_DECISION" in adjustment.reason_codes
    assert "review_change" in kinds


@pytest.mark.parametrize(("body", "detail"), [
    ({"decision": "change", "comment": "x"}, "A 'change' decision needs new_limit."),
    ({"decision": "uphold", "new_limit": "100.00", "comment": "x"}, "An 'uphold' decision takes no new_limit: upholding keeps the limit as it is."),
])
def test_decide_checks_new_limit(
    client: TestClient, customer: dict[str, str], officer: dict[str, str], body: dict[str, Any], detail: str
) -> None:
    case_id = open_case(client, customer).json()["case_id"]
    post(client, f"/v1/cases/{case_id}/take", officer, {}, "take-1")

    response = post(client, f"/v1/cases/{case_id}/decide", officer, body, "d-1")

    assert response.status_code == 422
    assert response.json()["detail"] == detail


def test_unknown_case_not_found(client: TestClient, officer: dict[str, str]) -> None:
    response = post(client, "/v1/cases/nope/take", officer, {}, "take-1")

    assert response.status_code == 404
    assert response.json()["detail"] == "Review case 'nope' not found."


@pytest.mark.parametrize(
    ("body", "language", "location", "problem"),
    [
        ({"subject_id": "ADJ-R"}, "en", "body.subject_type", "Field required"),
        ({"subject_id": "ADJ-R"}, "zh", "body.subject_type", "缺少必填项"),
        ({"subject_type": "adjustment", "subject_id": "ADJ-R", "extra": 1}, "en", "body.extra", "Unknown field: remove it"),
        ({"subject_type": "payment", "subject_id": "ADJ-R"}, "en", "body.subject_type", "Invalid value: must be 'adjustment' or 'request'"),
        ({"subject_type": "adjustment", "subject_id": 7}, "zh", "body.subject_id", '应为带引号的字符串，收到 7；金额也写成字符串，如 "8000.00"'),
        ({"subject_type": "adjustment", "subject_id": ""}, "en", "body.subject_id", "Must have at least 1 characters"),
    ],
)
def test_validation_messages_follow_language(
    client: TestClient, customer: dict[str, str], body: dict[str, Any], language: str, location: str, problem: str
) -> None:
    headers = {**customer, "Idempotency-Key": "v-1", "Accept-Language": language}

    response = client.post("/v1/lines/A0001/reviews", json=body, headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [{"location": location, "problem": problem}]
    prefix = "Parameter" if language == "en" else "参数"
    assert response.json()["detail"].startswith(f"{prefix} {location}")


def test_invalid_json_message(client: TestClient, officer: dict[str, str]) -> None:
    headers = {**officer, "Idempotency-Key": "v-1", "Accept-Language": "zh", "Content-Type": "application/json"}

    response = client.post("/v1/cases/nope/decide", content=b"{not json", headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"location": "body", "problem": "请求体不是有效的 JSON：第 1 个字符处：Expecting property name enclosed in double quotes"}
    ]


def test_page_size_message_in_english(client: TestClient, clock: FixedClock) -> None:
    headers = {**bearer(clock, subject="audit-1", role="auditor"), "Accept-Language": "en"}

    response = client.get("/v1/cases", params={"limit": 501}, headers=headers)

    assert response.json()["detail"] == "Parameter query.limit is invalid: Must be less than or equal to 500"
