from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from creditline.api.app import create_app
from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import train_scorecard
from creditline.settings import Settings
from creditline.store.tables import notices, offers
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[object]:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    with app_client(engine, clock) as test_client:
        yield test_client


def customer(clock: FixedClock, subject: str = "C0001", strong: bool = False) -> dict[str, str]:
    return {**bearer(clock, subject=subject, role="customer", strong_auth=strong), "Accept-Language": "en"}


def post(client, path: str, headers: dict[str, str], body: dict | None = None):  # type: ignore[no-untyped-def]
    key = {"Idempotency-Key": f"{path}-{sorted((body or {}).items())}-{headers.get('Authorization', '')[-8:]}"}
    return client.post(path, json=body or {}, headers={**headers, **key})


def test_decrease_returns_limit_and_available(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/decrease", customer(clock), {"new_limit": "8000.00"})
    assert response.status_code == 200
    body = response.json()
    assert body["line"]["approved_limit"] == "8000.00"
    assert body["line"]["available"] == "1700.00"
    assert body["reasons"] == [{"code": "C_CUSTOMER_DECREASE", "text": "Limit lowered at your request"}]


def test_decrease_too_low_is_422(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/decrease", customer(clock), {"new_limit": "100.00"})
    assert response.status_code == 422
    assert "Enter 6300.00 or more." in response.json()["detail"]


def test_bad_amount_is_422(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/decrease", customer(clock), {"new_limit": "8,000"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_other_customers_line_is_404(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0002/decrease", customer(clock), {"new_limit": "8000.00"})
    assert response.status_code == 404


def test_increase_needs_strong_auth(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/increase", customer(clock), {"requested_limit": "22000.00"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Strong authentication is needed for asking for a higher limit")


def test_increase_is_decided(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/increase", customer(clock, strong=True), {"requested_limit": "22000.00"})
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] in ("approved", "partial", "declined")
    assert body["data_used"]["statements_as_of"] == "2026-11-01"


def test_unfreeze_waits_cooling_off(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    assert post(client, "/v1/lines/A0001/freeze", customer(clock)).json()["line"]["available"] == "0.00"
    body = post(client, "/v1/lines/A0001/unfreeze", customer(clock, strong=True)).json()
    assert body["line"]["customer_frozen"] is True
    clock.advance(timedelta(hours=24))
    state = client.get("/v1/lines/A0001/state", headers=customer(clock)).json()
    assert state["customer_frozen"] is False
    assert state["available"] == "14700.00"


def test_cap_raise_shows_pending(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    post(client, "/v1/lines/A0001/cap", customer(clock), {"cap": "10000.00"})
    body = post(client, "/v1/lines/A0001/cap", customer(clock, strong=True), {"cap": "15000.00"}).json()
    assert body["line"]["customer_cap"] == "10000.00"
    assert body["line"]["pending_cap"] == "15000.00"


def test_balance_post_is_admin_only(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/lines/A0001/balance", customer(clock), {"outstanding": "100.00"})
    assert response.status_code == 403


def test_alert_notice_on_balance(client, engine: Engine, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    post(client, "/v1/lines/A0001/alert", customer(clock), {"threshold": "7000.00"})
    admin = bearer(clock, subject="core", role="admin")
    assert post(client, "/v1/lines/A0001/balance", admin, {"outstanding": "7500.00"}).status_code == 200
    with engine.connect() as conn:
        kinds = list(conn.scalars(select(notices.c.kind).where(notices.c.account_id == "A0001")))
    assert kinds == ["alert_set", "overspend_alert"]
    assert verify(engine).ok


def test_history_lists_decline_reasons(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    post(client, "/v1/lines/A0004/increase", customer(clock, "C0004", strong=True), {"requested_limit": "25000.00"})
    history = client.get("/v1/lines/A0004/history", headers={**customer(clock, "C0004"), "Accept-Language": "zh"}).json()
    assert history[0]["kind"] == "increase_declined"
    assert [reason["code"] for reason in history[0]["reasons"]] == ["C_PERSISTENT_DEBT", "C_RECENT_ARREARS"]
    assert history[-1]["kind"] == "LineOpened"


def test_history_names_review_subject(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    declined = post(client, "/v1/lines/A0004/increase", customer(clock, "C0004", strong=True), {"requested_limit": "25000.00"})
    lowered = post(client, "/v1/lines/A0001/decrease", customer(clock), {"new_limit": "8000.00"})

    declined_entry = client.get("/v1/lines/A0004/history", headers=customer(clock, "C0004")).json()[0]
    lowered_entry = client.get("/v1/lines/A0001/history", headers=customer(clock)).json()[0]
    review = post(
        client, "/v1/lines/A0004/reviews", customer(clock, "C0004"),
        {"subject_type": declined_entry["subject_type"], "subject_id": declined_entry["subject_id"]},
    )

    assert (declined_entry["subject_type"], declined_entry["subject_id"]) == ("request", declined.json()["request_id"])
    assert (lowered_entry["subject_type"], lowered_entry["subject_id"]) == ("adjustment", lowered.json()["adjustment_id"])
    assert review.status_code == 201


def test_consent_withdraw_and_list(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    response = post(client, "/v1/customers/C0001/consents/income/withdraw", customer(clock))
    assert response.json()["active"] is False
    states = client.get("/v1/customers/C0001/consents", headers=customer(clock)).json()
    assert {state["category"]: state["active"] for state in states} == {
        "bureau": True, "transactions": False, "income": False, "third_party": False,
    }


def test_income_verified_by_officer(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    declared = post(client, "/v1/customers/C0001/income", customer(clock), {"monthly_income": "30000.00", "evidence_ref": "slip-9"})
    assert declared.json()["status"] == "declared"
    declaration_id = declared.json()["declaration_id"]
    refused = post(client, f"/v1/income/{declaration_id}/verify", customer(clock), {"verified": True})
    assert refused.status_code == 403
    officer = bearer(clock, subject="officer-1", role="officer")
    verified = post(client, f"/v1/income/{declaration_id}/verify", officer, {"verified": True, "comment": "ok"})
    assert verified.json()["status"] == "verified"
    assert verified.json()["reviewed_by"] == "officer-1"


def test_temporary_limit_reply_is_utc(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    body = {"amount": "3000.00", "expires_on": "2026-12-10"}
    response = post(client, "/v1/lines/A0001/temporary-limit", customer(clock, strong=True), body)
    assert response.status_code == 200
    # The limit counts through 10 December in Shanghai, so it stops at 16:00 UTC that day.
    assert response.json()["effective_at"] == "2026-12-10T16:00:00Z"
    assert response.json()["line"]["temporary_expires_at"] == "2026-12-10T16:00:00Z"


def closed_offer(engine: Engine, clock: FixedClock, offer_id: str, **values: object) -> None:
    row = {
        "offer_id": offer_id, "account_id": "A0001", "customer_id": "C0001", "currency": "CNY",
        "old_limit": 1_500_000, "offered_limit": 1_800_000, "reason_codes": ["S_NEAR_LIMIT"], "inputs": {},
        "created_at": clock.now() - timedelta(days=40), "expires_at": clock.now() - timedelta(days=10),
        "status": "open", **values,
    }
    with engine.begin() as conn:
        conn.execute(insert(offers).values(**row))


@pytest.mark.parametrize(
    ("status", "zh", "en"),
    [
        ("accepted", "提额邀请 O-1 已被接受，不能再接受。", "Offer O-1 is accepted and can no longer be accepted."),
        ("open", "提额邀请 O-1 已过期，不能再接受。", "Offer O-1 is expired and can no longer be accepted."),
    ],
)
def test_closed_offer_status_in_locale(client, engine: Engine, clock: FixedClock, status: str, zh: str, en: str) -> None:  # type: ignore[no-untyped-def]
    closed_offer(engine, clock, "O-1", status=status)
    headers = customer(clock, strong=True)
    in_chinese = post(client, "/v1/offers/O-1/accept", {**headers, "Accept-Language": "zh"})
    in_english = post(client, "/v1/offers/O-1/accept", headers)
    assert in_chinese.status_code == 409
    assert in_chinese.json()["detail"] == zh
    assert in_english.json()["detail"] == en


def test_blocked_increase_records_data_read(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    officer = bearer(clock, subject="officer-1", role="officer")
    assert post(client, "/v1/customers/C0001/flags", officer, {"flag": "student", "active": True}).status_code == 200
    reply = post(client, "/v1/lines/A0001/increase", customer(clock, strong=True), {"requested_limit": "22000.00"})
    assert reply.json()["outcome"] == "declined"
    expected = {
        "statements_as_of": "2026-11-01",
        "statement_months": ["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"],
        "months_past_due": [],
        "birth_year": 1971,
        "flags": ["student"],
        "risk_frozen": False,
        "customer_frozen": False,
        "outstanding": "6300.00",
        "risk_band": None,
    }
    assert reply.json()["data_used"] == expected
    history = client.get("/v1/lines/A0001/history", headers=customer(clock)).json()
    assert history[0]["kind"] == "increase_declined"
    assert history[0]["data_used"] == expected


def test_frozen_increase_records_freeze(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    assert post(client, "/v1/lines/A0001/freeze", customer(clock)).status_code == 200
    reply = post(client, "/v1/lines/A0001/increase", customer(clock, strong=True), {"requested_limit": "22000.00"})
    assert [reason["code"] for reason in reply.json()["reasons"]] == ["C_CUSTOMER_FROZEN"]
    assert reply.json()["data_used"]["customer_frozen"] is True
    assert reply.json()["data_used"]["statements_as_of"] == "2026-11-01"


def test_unfreeze_of_risk_freeze_names_it(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    risk_system = bearer(clock, subject="risk-engine", role="service")
    frozen = post(client, "/v1/lines/A0001/risk-actions", risk_system, {"action": "freeze", "reason_codes": ["R_FRAUD"]})
    assert frozen.status_code == 200
    headers = customer(clock, strong=True)
    in_english = post(client, "/v1/lines/A0001/unfreeze", headers)
    in_chinese = post(client, "/v1/lines/A0001/unfreeze", {**headers, "Accept-Language": "zh"})
    assert in_english.status_code == 409
    assert in_english.json()["detail"] == (
        "This line has a risk freeze placed by the lender, not a freeze of your own, so you cannot unfreeze it. "
        "Only the lender can lift a risk freeze; contact us with any questions."
    )
    assert in_chinese.json()["detail"] == (
        "额度已被我们风控冻结，并非您本人冻结，您无法自行解除；风控冻结只能由我们解除，如有疑问请联系我们。"
    )


def test_other_currency_policy_refuses_changes(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 3), clock)
    twd_policy = Path(__file__).parents[2] / "src" / "creditline" / "policies" / "taiwan_demo.yaml"
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False), policy_path=twd_policy)

    with TestClient(create_app(settings, clock=clock)) as client:
        response = post(client, "/v1/lines/A0001/decrease", customer(clock), {"new_limit": "8000.00"})
        other = post(client, "/v1/lines/A0002/decrease", customer(clock), {"new_limit": "8000.00"})
        history = client.get("/v1/lines/A0001/history", headers=customer(clock))

    assert response.status_code == 409
    assert response.json()["type"].endswith("/customer-error-policy_currency")
    assert response.json()["detail"].startswith(
        "Line A0001 is in CNY, but the limit policy in force (taiwan-demo@"
    )
    assert "set CREDITLINE_POLICY_PATH to a CNY policy file" in response.json()["detail"]
    # Another customer's line stays not found: the currency is not revealed.
    assert other.status_code == 404
    # Reading needs no policy, so the history stays available.
    assert history.status_code == 200
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(notices)) == 0


def test_input_mistakes_get_a_hint(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    headers = {**customer(clock, strong=True), "Idempotency-Key": "hint-1"}

    number = client.post("/v1/lines/A0001/decrease", json={"new_limit": 8000}, headers=headers)
    no_type = client.post(
        "/v1/lines/A0001/decrease", content=b'{"new_limit": "8000.00"}', headers={**headers, "Idempotency-Key": "hint-2"}
    )
    bad_date = client.post(
        "/v1/lines/A0001/temporary-limit",
        json={"amount": "1000.00", "expires_on": "31/12/2026"},
        headers={**headers, "Idempotency-Key": "hint-3"},
    )

    assert number.json()["errors"] == [
        {"location": "body.new_limit", "problem": 'Must be a string in quotes, got 8000; amounts are strings too, such as "8000.00"'}
    ]
    assert no_type.json()["errors"][0]["problem"] == (
        "Must be a JSON object, sent with the header Content-Type: application/json"
    )
    assert bad_date.json()["errors"] == [
        {"location": "body.expires_on", "problem": "Must be a date as YYYY-MM-DD, such as 2026-12-31"}
    ]
