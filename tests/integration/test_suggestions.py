"""Limit suggestions through the service and the API, on SQLite and PostgreSQL.

The synthetic portfolio of tests.factories has six months of statements ending in
November 2026; the clock is fixed at 4 December 2026 (Asia/Shanghai). Line A0006 uses
about 80 % of its limit and repays in full, A0007 about 20 %, and every fourth line pays
5 % of its bill and runs late.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import Engine, func, insert, select, update
from starlette.exceptions import StarletteDeprecationWarning

from creditline.api.app import create_app
from creditline.clock import FixedClock
from creditline.errors import Conflict, InvalidInput, NotFound, PolicyViolation
from creditline.policy import Policy, load_shipped_policy, parse_policy
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.service.suggestions import accept_suggestion, prioritise, suggest, suggestion_history
from creditline.settings import Settings
from creditline.store.tables import bureau_reports, credit_lines, customer_flags, suggestions
from creditline.suggestion.advice import Direction
from tests.access import bearer
from tests.factories import SHIPPED_CNY_POLICY, write_policy, write_portfolio

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ZONE = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def policy() -> Policy:
    return load_shipped_policy("default_cny")


@pytest.fixture
def imported(engine: Engine, tmp_path: Path, clock: FixedClock) -> Engine:
    import_folder(engine, write_portfolio(tmp_path / "in", 14), clock)
    return engine


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(suggestions)) or 0)


def test_pressing_line_gets_increase_range(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.INCREASE
    assert (suggestion.current_limit, suggestion.range_low, suggestion.range_high) == (2_600_000, 2_830_000, 3_770_000)
    assert suggestion.reason_codes == ("S_NEAR_LIMIT",)
    assert suggestion.period == "2026-12"
    assert suggestion.inputs["sources"] == ["statements", "model", "profile", "flags", "income"]
    assert suggestion.inputs["figures"]["peak_bill"] == 2_085_000


def test_low_use_line_gets_decrease_range(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggestion = suggest(imported, "A0007", "C0007", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.DECREASE
    assert (suggestion.range_low, suggestion.range_high) == (560_000, 740_000)
    assert suggestion.range_low >= suggestion.inputs["figures"]["outstanding"]


def with_min_change(policy: Policy, fraction: str) -> Policy:
    guardrails = policy.guardrails.model_copy(update={"min_change_fraction": Decimal(fraction)})
    return policy.model_copy(update={"guardrails": guardrails})


def test_increase_range_starts_at_min_change(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, with_min_change(policy, "0.2"))

    # 26,000.00 + 20 % = 31,200.00, above the 28,300.00 the need alone calls for.
    assert suggestion.direction is Direction.INCREASE
    assert (suggestion.range_low, suggestion.range_high) == (3_120_000, 3_770_000)
    assert suggestion.reason_codes == ("S_NEAR_LIMIT",)


def test_min_change_above_range_keeps_limit(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, with_min_change(policy, "0.5"))

    assert suggestion.direction is Direction.KEEP
    assert suggestion.range_low == suggestion.range_high == 2_600_000
    assert suggestion.reason_codes == ("S_NEAR_LIMIT", "P_MIN_CHANGE")


def shipped_policy_text_with(thresholds: dict[str, Any]) -> str:
    """Return the shipped CNY policy file with ``thresholds`` set in customer.suggestion."""
    document = yaml.safe_load(SHIPPED_CNY_POLICY.read_text(encoding="utf-8"))
    document["customer"]["suggestion"].update(thresholds)
    return yaml.safe_dump(document, sort_keys=False)


def with_thresholds(**thresholds: Any) -> Policy:
    return parse_policy(shipped_policy_text_with(thresholds), path="policy.yaml")


def test_policy_targets_set_increase_range(imported: Engine, clock: FixedClock) -> None:
    policy = with_thresholds(target_utilisation_high=0.9, target_utilisation_low=0.7)
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    # The need of 22,565.40 over 0.7 is 32,236.29, rounded up to 32,300.00 (over 0.6: 37,700.00).
    # Over 0.9 it is below the current 26,000.00, so the low end is the 5 % minimum change.
    assert suggestion.direction is Direction.INCREASE
    assert (suggestion.range_low, suggestion.range_high) == (2_730_000, 3_230_000)
    assert suggestion.inputs["figures"]["need"] == 2_256_540
    assert suggestion.reason_codes == ("S_NEAR_LIMIT",)


def test_policy_falling_threshold_keeps_limit(imported: Engine, clock: FixedClock) -> None:
    # A0007's falling probability is about 0.81, above the default 0.7.
    policy = with_thresholds(falling_probability=0.9)
    suggestion = suggest(imported, "A0007", "C0007", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.KEEP
    assert (suggestion.range_low, suggestion.range_high) == (suggestion.current_limit, suggestion.current_limit)
    assert suggestion.reason_codes == ("S_LIMIT_FITS",)


def test_policy_pressing_thresholds_keep_limit(imported: Engine, clock: FixedClock) -> None:
    # A0006's predicted utilisation is about 0.87 and its pressing probability about 0.85.
    policy = with_thresholds(pressing_utilisation=0.95, pressing_probability=0.9)
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.KEEP
    assert suggestion.reason_codes == ("S_LIMIT_FITS",)


def test_policy_history_months_skip_short_windows(imported: Engine, clock: FixedClock) -> None:
    # The shipped model reads five statement months, so no line has six.
    policy = with_thresholds(min_history_months=6)
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.KEEP
    assert suggestion.reason_codes == ("C_PROFILE_UNAVAILABLE",)
    assert "model" not in suggestion.inputs["sources"]
    assert prioritise(imported, clock.now(), 20, zone=ZONE, policy=policy) == []


def test_persistent_debt_blocks_increase(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggestion = suggest(imported, "A0004", "C0004", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.KEEP
    assert suggestion.range_low == suggestion.range_high == 2_400_000
    assert suggestion.reason_codes == ("C_PERSISTENT_DEBT", "C_RECENT_ARREARS")


def test_student_flag_blocks_increase(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    with imported.begin() as conn:
        conn.execute(
            insert(customer_flags).values(
                flag_id="f1", customer_id="C0006", flag="student", noted_by="officer-1", noted_at=clock.now()
            )
        )
    suggestion = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    assert suggestion.direction is Direction.KEEP
    assert suggestion.reason_codes == ("C_STUDENT",)


def test_bureau_enforcement_counts_only_with_consent(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    with imported.begin() as conn:
        for customer_id in ("C0005", "C0006"):
            conn.execute(
                insert(bureau_reports).values(
                    customer_id=customer_id,
                    report_date=datetime(2026, 11, 1).date(),
                    external_debt=0,
                    lenders_count=1,
                    inquiries_3m=0,
                    enforcement=True,
                )
            )
    # The factory's customers consented to "bureau;income".
    blocked = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    assert blocked.direction is Direction.KEEP
    assert blocked.reason_codes == ("S_BUREAU_ENFORCEMENT",)
    assert "bureau" in blocked.inputs["sources"]


def test_never_preference_blocks_only_unsolicited(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    with imported.begin() as conn:
        conn.execute(
            update(credit_lines).where(credit_lines.c.account_id.in_(["A0005", "A0006"])).values(increase_preference="never")
        )
    unasked = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy, requested=False)
    asked = suggest(imported, "A0005", "C0005", clock.now(), ZONE, policy, requested=True)

    assert unasked.direction is Direction.KEEP
    assert unasked.reason_codes == ("P_GUARD_OPT_OUT",)
    assert asked.direction is Direction.INCREASE


def test_second_request_in_month_returns_stored(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    first = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    second = suggest(imported, "A0006", "C0006", clock.now() + timedelta(days=10), ZONE, policy)

    assert second == first
    assert stored_count(imported) == 1


def test_month_follows_lender_zone(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    # 2026-11-30 17:00 UTC is already 1 December 01:00 in Shanghai.
    late_november_utc = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
    first = suggest(imported, "A0006", "C0006", late_november_utc, ZONE, policy)
    again = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    assert first.period == "2026-12"
    assert again.suggestion_id == first.suggestion_id


def test_next_month_makes_new_suggestion(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    first = suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    later = suggest(imported, "A0006", "C0006", datetime(2027, 1, 2, tzinfo=UTC), ZONE, policy)

    assert later.suggestion_id != first.suggestion_id
    assert later.period == "2027-01"
    assert [item.period for item in suggestion_history(imported, "A0006")] == ["2027-01", "2026-12"]


def test_other_line_same_month_is_rejected(imported: Engine, tmp_path: Path, clock: FixedClock, policy: Policy) -> None:
    with imported.begin() as conn:
        conn.execute(update(credit_lines).where(credit_lines.c.account_id == "A0007").values(customer_id="C0006"))
    suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)

    with pytest.raises(Conflict) as caught:
        suggest(imported, "A0007", "C0006", clock.now(), ZONE, policy)
    assert caught.value.render("en") == (
        "A limit suggestion was already made this month for your account A0006; each customer can have one "
        "per calendar month. Try again from 2027-01-01."
    )


def test_other_customers_line_is_not_found(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    with pytest.raises(NotFound):
        suggest(imported, "A0006", "C0005", clock.now(), ZONE, policy)
    assert stored_count(imported) == 0


def test_accept_calls_request_with_chosen_limit(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    calls: list[tuple[str, int]] = []

    def request_change(suggestion: Any, limit: int) -> SimpleNamespace:
        calls.append((suggestion.account_id, limit))
        return SimpleNamespace(outcome="approved", adjustment_id=None)

    acceptance = accept_suggestion(
        imported, "A0006", "C0006", 3_000_000, clock.now(), ZONE, policy, request_change=request_change
    )

    assert calls == [("A0006", 3_000_000)]
    assert acceptance.suggestion.status == "accepted"
    assert acceptance.suggestion.accepted_limit == 3_000_000
    with pytest.raises(Conflict):
        accept_suggestion(imported, "A0006", "C0006", None, clock.now(), ZONE, policy, request_change=request_change)
    assert len(calls) == 1


def test_declined_request_keeps_suggestion_open(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    outcomes = iter(["declined", "partial"])

    def request_change(suggestion: Any, limit: int) -> SimpleNamespace:
        return SimpleNamespace(outcome=next(outcomes), adjustment_id=None)

    declined = accept_suggestion(imported, "A0006", "C0006", None, clock.now(), ZONE, policy, request_change=request_change)
    assert (declined.suggestion.status, declined.suggestion.accepted_at) == ("open", None)
    assert [item.status for item in suggestion_history(imported, "A0006")] == ["open"]

    partial = accept_suggestion(imported, "A0006", "C0006", None, clock.now(), ZONE, policy, request_change=request_change)
    assert (partial.suggestion.status, partial.suggestion.accepted_limit) == ("accepted", 2_830_000)
    assert [item.status for item in suggestion_history(imported, "A0006")] == ["accepted"]


def test_accept_outside_range_is_rejected(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggest(imported, "A0006", "C0006", clock.now(), ZONE, policy)
    with pytest.raises(InvalidInput) as caught:
        accept_suggestion(imported, "A0006", "C0006", 5_000_000, clock.now(), ZONE, policy, request_change=print)
    assert caught.value.render("en") == (
        "The chosen limit 50000.00 is outside the suggested range 28300.00 to 37700.00; choose a limit within it."
    )


def test_accept_keep_suggestion_is_rejected(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    suggest(imported, "A0004", "C0004", clock.now(), ZONE, policy)
    with pytest.raises(PolicyViolation):
        accept_suggestion(imported, "A0004", "C0004", None, clock.now(), ZONE, policy, request_change=print)


def test_prioritise_ranks_need_and_skips_served(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    ranked = prioritise(imported, clock.now(), 20, zone=ZONE, policy=policy)
    customers = [item.customer_id for item in ranked]

    assert len(customers) == len(set(customers))
    assert [item.need_score for item in ranked] == sorted((item.need_score for item in ranked), reverse=True)
    # Lines running late and paying 5 % are never ranked for an increase.
    assert all(item.direction is Direction.DECREASE for item in ranked if int(item.account_id[1:]) % 4 == 0)
    assert ranked[0].account_id in {"A0006", "A0007", "A0013", "A0014"}

    suggest(imported, ranked[0].account_id, ranked[0].customer_id, clock.now(), ZONE, policy)
    again = prioritise(imported, clock.now(), 20, zone=ZONE, policy=policy)
    assert ranked[0].customer_id not in {item.customer_id for item in again}
    assert len(prioritise(imported, clock.now(), 2, zone=ZONE, policy=policy)) == 2


# --- API --------------------------------------------------------------------------------------


@pytest.fixture
def app_client(imported: Engine, clock: FixedClock) -> Iterator[TestClient]:
    url = imported.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url), clock=clock)) as test_client:
        yield test_client


def test_api_returns_suggestion_in_locale(app_client: TestClient, clock: FixedClock) -> None:
    headers = {**bearer(clock, subject="C0006", role="customer"), "Accept-Language": "en"}
    response = app_client.get("/v1/lines/A0006/suggestion", headers=headers)

    assert response.status_code == 200
    body = response.json()
    assert (body["direction"], body["range_low"], body["range_high"]) == ("increase", "28300.00", "37700.00")
    assert body["explanation"][0] == (
        "From your bills and repayments of the last 5 months, we suggest raising your approved limit "
        "from 26000.00 CNY to between 28300.00 and 37700.00 CNY."
    )
    assert body["action"] == {
        "method": "POST",
        "path": "/v1/lines/A0006/suggestion/accept",
        "body": {"new_limit": "28300.00"},
    }
    assert body["data_used"] == ["statements", "model", "profile", "flags", "income"]


def test_api_reads_thresholds_from_policy_file(imported: Engine, tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(shipped_policy_text_with({"falling_probability": 0.9}), encoding="utf-8")
    url = imported.url.render_as_string(hide_password=False)
    headers = {**bearer(clock, subject="C0007", role="customer"), "Accept-Language": "en"}

    with TestClient(create_app(Settings(database_url=url, policy_path=path), clock=clock)) as client:
        response = client.get("/v1/lines/A0007/suggestion", headers=headers)

    # With the shipped policy, A0007 (limit 20,000.00) is suggested a decrease to 5,600.00 to 7,400.00.
    assert response.status_code == 200
    body = response.json()
    assert (body["direction"], body["range_low"], body["range_high"]) == ("keep", "20000.00", "20000.00")
    assert [reason["code"] for reason in body["reasons"]] == ["S_LIMIT_FITS"]
    assert body["action"] is None


def test_api_hides_other_customers_line(app_client: TestClient, clock: FixedClock) -> None:
    response = app_client.get("/v1/lines/A0006/suggestion", headers=bearer(clock, subject="C0005", role="customer"))

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_api_priority_needs_staff(app_client: TestClient, clock: FixedClock) -> None:
    as_customer = app_client.get("/v1/suggestions/priority", headers=bearer(clock, subject="C0006", role="customer"))
    as_officer = app_client.get(
        "/v1/suggestions/priority?limit=3", headers=bearer(clock, subject="officer-1", role="officer")
    )

    assert as_customer.status_code == 403
    assert as_officer.status_code == 200
    assert len(as_officer.json()) == 3


def test_api_accept_rejects_range_miss(app_client: TestClient, clock: FixedClock) -> None:
    headers = {**bearer(clock, subject="C0006", role="customer", strong_auth=True), "Accept-Language": "en"}
    app_client.get("/v1/lines/A0006/suggestion", headers=headers)
    response = app_client.post(
        "/v1/lines/A0006/suggestion/accept",
        json={"new_limit": "50000.00"},
        headers={**headers, "Idempotency-Key": "accept-1"},
    )

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The chosen limit 50000.00 is outside the suggested range 28300.00 to 37700.00; choose a limit within it."
    )


def test_accept_decrease_lowers_limit(imported: Engine, clock: FixedClock, policy: Policy) -> None:
    pytest.importorskip("creditline.service.customer")
    suggest(imported, "A0007", "C0007", clock.now(), ZONE, policy)

    acceptance = accept_suggestion(imported, "A0007", "C0007", None, clock.now(), ZONE, policy)

    assert acceptance.suggestion.accepted_limit == 740_000
    with imported.connect() as conn:
        limit = conn.scalar(select(credit_lines.c.approved_limit).where(credit_lines.c.account_id == "A0007"))
    assert limit == 740_000


def test_api_accept_returns_change_reply(app_client: TestClient, clock: FixedClock) -> None:
    headers = {**bearer(clock, subject="C0007", role="customer", strong_auth=True), "Accept-Language": "en"}
    app_client.get("/v1/lines/A0007/suggestion", headers=headers)
    response = app_client.post(
        "/v1/lines/A0007/suggestion/accept", json={}, headers={**headers, "Idempotency-Key": "accept-decrease"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["suggestion"]["status"], body["suggestion"]["accepted_limit"]) == ("accepted", "7400.00")
    reply = body["request"]
    assert set(reply) == {
        "action", "outcome", "request_id", "requested", "reasons", "effective_at", "data_used", "adjustment_id", "line",
    }
    assert (reply["action"], reply["outcome"], reply["requested"]) == ("decrease", "honoured", "7400.00")
    assert reply["reasons"] == [{"code": "C_CUSTOMER_DECREASE", "text": "Limit lowered at your request"}]
    assert reply["data_used"] == {"outstanding": "4000.00"}
    assert reply["effective_at"] is None
    assert (reply["line"]["account_id"], reply["line"]["approved_limit"]) == ("A0007", "7400.00")
    assert reply["line"]["version"] == 2


def test_api_accept_without_body(app_client: TestClient, clock: FixedClock) -> None:
    headers = {**bearer(clock, subject="C0007", role="customer", strong_auth=True), "Accept-Language": "en"}
    app_client.get("/v1/lines/A0007/suggestion", headers=headers)

    response = app_client.post("/v1/lines/A0007/suggestion/accept", headers={**headers, "Idempotency-Key": "no-body"})

    assert response.status_code == 200
    assert response.json()["suggestion"]["accepted_limit"] == "7400.00"
    assert response.json()["request"]["outcome"] == "honoured"


@pytest.fixture
def scored_client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    # Scoring an increase needs a scorecard, and training one needs the larger portfolio.
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url), clock=clock)) as test_client:
        yield test_client


@pytest.fixture
def banded_client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    # The synthetic policy's bands fit this portfolio's scores, so some lines can be raised.
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, policy_path=write_policy(tmp_path / "policy"))
    with TestClient(create_app(settings, clock=clock)) as test_client:
        yield test_client


def test_api_no_increase_suggested_beyond_decision(scored_client: TestClient, clock: FixedClock) -> None:
    # A0006 presses against its limit, but its risk band allows no increase a request
    # would be granted, so the suggestion keeps the limit instead of inviting a decline.
    headers = {**bearer(clock, subject="C0006", role="customer", strong_auth=True), "Accept-Language": "en"}
    suggestion = scored_client.get("/v1/lines/A0006/suggestion", headers=headers).json()
    assert suggestion["direction"] == "keep"
    assert (suggestion["range_low"], suggestion["range_high"]) == ("26000.00", "26000.00")

    response = scored_client.post(
        "/v1/lines/A0006/suggestion/accept", json={}, headers={**headers, "Idempotency-Key": "accept-increase"}
    )

    assert response.status_code == 422
    again = scored_client.get("/v1/lines/A0006/suggestion", headers=headers).json()
    assert again["status"] == "open"


def _increase_suggestion(client: TestClient, clock: FixedClock) -> tuple[str, str]:
    for index in range(1, 121):
        customer_id, account_id = f"C{index:04d}", f"A{index:04d}"
        headers = {**bearer(clock, subject=customer_id, role="customer", strong_auth=True), "Accept-Language": "en"}
        if client.get(f"/v1/lines/{account_id}/suggestion", headers=headers).json().get("direction") == "increase":
            return customer_id, account_id
    raise AssertionError("no line of the synthetic portfolio is suggested an increase")


def test_api_accepted_increase_is_granted(banded_client: TestClient, clock: FixedClock) -> None:
    scored_client = banded_client
    customer_id, account_id = _increase_suggestion(scored_client, clock)
    headers = {**bearer(clock, subject=customer_id, role="customer", strong_auth=True), "Accept-Language": "en"}
    suggestion = scored_client.get(f"/v1/lines/{account_id}/suggestion", headers=headers).json()

    response = scored_client.post(
        f"/v1/lines/{account_id}/suggestion/accept", json={}, headers={**headers, "Idempotency-Key": "accept-granted"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["request"]["outcome"] in ("approved", "partial")
    assert body["request"]["line"]["approved_limit"] == suggestion["range_low"]
    assert body["suggestion"]["status"] == "accepted"
    assert body["suggestion"]["accepted_limit"] == body["request"]["line"]["approved_limit"]


def test_api_accepting_increase_needs_strong_auth(banded_client: TestClient, clock: FixedClock) -> None:
    scored_client = banded_client
    customer_id, account_id = _increase_suggestion(scored_client, clock)
    strong = {**bearer(clock, subject=customer_id, role="customer", strong_auth=True), "Accept-Language": "en"}
    weak = {**bearer(clock, subject=customer_id, role="customer", strong_auth=False), "Accept-Language": "en"}

    response = scored_client.post(
        f"/v1/lines/{account_id}/suggestion/accept", json={}, headers={**weak, "Idempotency-Key": "accept-weak"}
    )

    assert response.status_code == 403
    assert response.json()["detail"].startswith("Strong authentication is needed for asking for a higher limit")
    after = scored_client.get(f"/v1/lines/{account_id}/suggestion", headers=strong).json()
    assert after["status"] == "open"
