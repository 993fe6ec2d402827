"""Customer rules through the HTTP API, on SQLite and PostgreSQL."""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.policy import parse_policy
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import train_scorecard
from creditline.service.review import apply_batch, approve_batch, propose_review
from creditline.store.tables import adjustments
from creditline.api.app import create_app
from creditline.settings import Settings
from tests.access import TestClient, bearer
from tests.factories import synthetic_policy_text, write_policy, write_portfolio


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[object]:
    write_policy(tmp_path / "policy")
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, policy_path=tmp_path / "policy" / "policy.yaml")
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def customer(clock: FixedClock, subject: str = "C0001", strong: bool = True) -> dict[str, str]:
    return {**bearer(clock, subject=subject, role="customer", strong_auth=strong), "Accept-Language": "en"}


def post(client, path: str, headers: dict[str, str], body: dict | None = None, key: str | None = None):  # type: ignore[no-untyped-def]
    idempotency = key or f"{path}|{sorted((body or {}).items())}|{headers['Authorization'][-12:]}"
    return client.post(path, json=body or {}, headers={**headers, "Idempotency-Key": idempotency})


def test_second_increase_in_month_is_rejected(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    first = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "25000.00"})
    assert first.status_code == 200
    assert first.json()["outcome"] in ("approved", "partial")
    second = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "26000.00"})
    assert second.status_code == 422
    assert second.json()["detail"] == (
        "You already changed your limit this month (at most 1 per calendar month): ask for an increase from 2027-01-01."
    )


def test_increase_after_own_decrease_waits(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    assert post(client, "/v1/lines/A0002/decrease", customer(clock, "C0002"), {"new_limit": "20000.00"}).status_code == 200
    clock.advance(timedelta(days=29))  # 2027-01-02, a new month but inside the 30-day cooling-off
    early = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "22000.00"})
    assert early.status_code == 422
    assert early.json()["detail"] == (
        "You lowered your limit recently, and increases wait out a cooling-off period: ask again from 2027-01-03."
    )
    clock.advance(timedelta(days=2))
    later = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "22000.00"})
    assert later.status_code == 200


def test_student_flag_declines_increase(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    officer = bearer(clock, subject="officer-1", role="officer")
    flagged = post(client, "/v1/customers/C0002/flags", officer, {"flag": "student", "active": True})
    assert flagged.status_code == 200
    reply = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "25000.00"})
    assert reply.status_code == 200
    assert reply.json()["outcome"] == "declined"
    assert [reason["code"] for reason in reply.json()["reasons"]] == ["C_STUDENT"]
    assert reply.json()["line"]["approved_limit"] == "22000.00"


def test_temporary_limit_counts_until_end_of_day(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    granted = post(
        client,
        "/v1/lines/A0002/temporary-limit",
        customer(clock, "C0002"),
        {"amount": "3000.00", "expires_on": "2026-12-10"},
    )
    assert granted.status_code == 200
    assert granted.json()["line"]["effective_limit"] == "25000.00"
    blocked = post(client, "/v1/lines/A0002/increase", customer(clock, "C0002"), {"requested_limit": "25000.00"})
    assert blocked.status_code == 422
    clock.advance(timedelta(days=7))
    state = client.get("/v1/lines/A0002/state", headers=customer(clock, "C0002")).json()
    assert state["effective_limit"] == "22000.00"


def test_second_freeze_is_409(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    assert post(client, "/v1/lines/A0002/freeze", customer(clock, "C0002"), key="f1").status_code == 200
    again = post(client, "/v1/lines/A0002/freeze", customer(clock, "C0002"), key="f2")
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"


def test_never_preference_blocks_review_increase(client, engine: Engine, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    text = synthetic_policy_text()
    first = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    with engine.connect() as conn:
        from creditline.store.tables import review_items

        raised = conn.execute(
            select(review_items.c.account_id, review_items.c.customer_id)
            .where(review_items.c.batch_id == first.batch_id, review_items.c.direction == "increase")
            .limit(1)
        ).one()
    headers = customer(clock, raised.customer_id)
    assert post(client, f"/v1/lines/{raised.account_id}/preference", headers, {"increase_preference": "never"}).status_code == 200

    second = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    with engine.connect() as conn:
        item = conn.execute(
            select(review_items).where(
                review_items.c.batch_id == second.batch_id, review_items.c.account_id == raised.account_id
            )
        ).one()
    assert item.direction == "unchanged"
    assert "P_GUARD_OPT_OUT" in item.reason_codes


def test_ask_preference_makes_offer_to_accept(client, engine: Engine, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    text = synthetic_policy_text()
    first = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    with engine.connect() as conn:
        from creditline.store.tables import review_items

        raised = conn.execute(
            select(review_items.c.account_id, review_items.c.customer_id, review_items.c.proposed_limit)
            .where(review_items.c.batch_id == first.batch_id, review_items.c.direction == "increase")
            .limit(1)
        ).one()
    headers = customer(clock, raised.customer_id)
    assert post(client, f"/v1/lines/{raised.account_id}/preference", headers, {"increase_preference": "ask"}).status_code == 200
    batch = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    approve_batch(engine, batch.batch_id, clock, approved_by="bob")
    from zoneinfo import ZoneInfo

    apply_batch(engine, batch.batch_id, clock, ZoneInfo("Asia/Shanghai"))

    offers = client.get(f"/v1/lines/{raised.account_id}/offers", headers=headers).json()
    assert len(offers) == 1
    offer = offers[0]
    with engine.connect() as conn:
        before = conn.scalar(select(adjustments.c.adjustment_id).where(adjustments.c.account_id == raised.account_id))
    assert before is None
    accepted = post(client, f"/v1/offers/{offer['offer_id']}/accept", headers)
    assert accepted.status_code == 200
    with engine.connect() as conn:
        new_limit = conn.scalar(select(adjustments.c.new_limit).where(adjustments.c.account_id == raised.account_id))
    assert new_limit == raised.proposed_limit
    assert verify(engine).ok


def test_new_offer_replaces_open_one(client, engine: Engine, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    from creditline.store.tables import review_items

    text = synthetic_policy_text()
    first = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
    with engine.connect() as conn:
        raised = conn.execute(
            select(review_items.c.account_id, review_items.c.customer_id)
            .where(review_items.c.batch_id == first.batch_id, review_items.c.direction == "increase")
            .limit(1)
        ).one()
    headers = {**customer(clock, raised.customer_id), "Accept-Language": "en"}
    assert post(client, f"/v1/lines/{raised.account_id}/preference", headers, {"increase_preference": "ask"}).status_code == 200
    for _ in range(2):
        batch = propose_review(engine, parse_policy(text), text, clock, proposed_by="alice")
        approve_batch(engine, batch.batch_id, clock, approved_by="bob")
        apply_batch(engine, batch.batch_id, clock, ZoneInfo("Asia/Shanghai"))
        clock.advance(timedelta(days=1))

    headers = {**customer(clock, raised.customer_id), "Accept-Language": "en"}
    offers = client.get(f"/v1/lines/{raised.account_id}/offers", headers=headers).json()
    older = post(client, f"/v1/offers/{offers[1]['offer_id']}/accept", headers)

    assert [offer["status"] for offer in offers] == ["open", "replaced"]
    assert older.status_code == 409
    assert older.json()["detail"] == (
        f"Offer {offers[1]['offer_id']} is replaced by a newer offer and can no longer be accepted."
    )
    assert post(client, f"/v1/offers/{offers[0]['offer_id']}/accept", headers).status_code == 200


def test_line_read_agrees_with_state(client, clock: FixedClock) -> None:  # type: ignore[no-untyped-def]
    headers = customer(clock, "C0002")
    assert post(client, "/v1/lines/A0002/freeze", headers, key="agree-freeze").status_code == 200
    assert post(client, "/v1/lines/A0002/unfreeze", headers, key="agree-unfreeze").status_code == 200
    clock.advance(timedelta(hours=25))

    line = client.get("/v1/lines/A0002", headers=customer(clock, "C0002")).json()
    state = client.get("/v1/lines/A0002/state", headers=customer(clock, "C0002")).json()

    assert line["customer_frozen"] is False
    assert state["customer_frozen"] is False
    assert line["available"] == state["available"]
    assert line["customer_cap"] == state["customer_cap"]
