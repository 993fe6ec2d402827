from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select

from creditline.clock import FixedClock
from creditline.errors import Conflict, PolicyViolation
from creditline.policy import parse_policy
from creditline.service import consents, customer, income
from creditline.service.flags import set_flag
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.service.models import train_scorecard
from creditline.store.tables import customer_requests, notices
from tests.factories import synthetic_policy_text, write_portfolio

ZONE = ZoneInfo("Asia/Shanghai")
POLICY = parse_policy(synthetic_policy_text())


@pytest.fixture
def portfolio(engine: Engine, tmp_path: Path, clock: FixedClock) -> Engine:
    import_folder(engine, write_portfolio(tmp_path / "in", 120), clock)
    train_scorecard(engine, clock, trained_by="analyst")
    return engine


def notice_kinds(engine: Engine, account_id: str) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(notices.c.kind).where(notices.c.account_id == account_id).order_by(notices.c.notice_id)))


def test_decrease_applies_at_once(portfolio: Engine, clock: FixedClock) -> None:
    # A0001: limit 21,000.00, outstanding 6,300.00.
    reply = customer.request_decrease(portfolio, "A0001", 800_000, "C0001", clock, ZONE, POLICY)
    assert reply.line.approved_limit == 800_000
    assert reply.line.available(clock.now()) == 800_000 - 630_000
    assert notice_kinds(portfolio, "A0001") == ["customer_decrease"]
    assert verify(portfolio).ok


def test_decrease_below_balance_names_lowest(portfolio: Engine, clock: FixedClock) -> None:
    with pytest.raises(PolicyViolation) as caught:
        customer.request_decrease(portfolio, "A0001", 600_000, "C0001", clock, ZONE, POLICY)
    assert caught.value.render("en") == (
        "The new limit 6000.00 is below the lowest allowed limit 6300.00 (the balance owed rounded up to the step, "
        "and at least the product minimum). Enter 6300.00 or more."
    )


def test_increase_after_decrease_waits(portfolio: Engine, clock: FixedClock) -> None:
    customer.request_decrease(portfolio, "A0002", 2_000_000, "C0002", clock, ZONE, POLICY)
    with pytest.raises(PolicyViolation) as caught:
        customer.request_increase(portfolio, "A0002", 2_100_000, "C0002", clock, ZONE, POLICY)
    assert caught.value.render("en") == (
        "You already changed your limit this month (at most 1 per calendar month): ask for an increase from 2027-01-01."
    )
    clock.advance(timedelta(days=28))
    with pytest.raises(PolicyViolation) as caught:
        customer.request_increase(portfolio, "A0002", 2_100_000, "C0002", clock, ZONE, POLICY)
    assert caught.value.render("en") == (
        "You lowered your limit recently, and increases wait out a cooling-off period: ask again from 2027-01-03."
    )


def test_increase_decided_from_profile(portfolio: Engine, clock: FixedClock) -> None:
    results = {}
    for index in (1, 2, 3, 5, 6, 7):
        account = f"A{index:04d}"
        results[account] = customer.request_increase(portfolio, account, 5_000_000, f"C{index:04d}", clock, ZONE, POLICY)
    outcomes = {account: reply.outcome for account, reply in results.items()}
    assert set(outcomes.values()) <= {"approved", "partial", "declined"}
    assert verify(portfolio).ok
    with portfolio.connect() as conn:
        stored = conn.execute(select(customer_requests.c.account_id, customer_requests.c.outcome)).all()
    assert sorted(stored) == sorted(outcomes.items())
    for reply in results.values():
        assert reply.inputs["statements_as_of"] == "2026-11-01"


def test_risky_customer_is_declined(portfolio: Engine, clock: FixedClock) -> None:
    # Every fourth account pays 5 % of its bill and runs late.
    reply = customer.request_increase(portfolio, "A0004", 2_500_000, "C0004", clock, ZONE, POLICY)
    assert reply.outcome == "declined"
    assert reply.reason_codes == ["C_PERSISTENT_DEBT", "C_RECENT_ARREARS"]
    assert reply.line.approved_limit == 2_400_000
    assert notice_kinds(portfolio, "A0004") == ["increase_declined"]


def test_student_flag_blocks_increase(portfolio: Engine, clock: FixedClock) -> None:
    set_flag(portfolio, "C0001", "student", True, "officer-1", clock)
    reply = customer.request_increase(portfolio, "A0001", 2_200_000, "C0001", clock, ZONE, POLICY)
    assert reply.outcome == "declined"
    assert reply.reason_codes == ["C_STUDENT"]


def test_withdrawn_income_consent_declines(portfolio: Engine, clock: FixedClock) -> None:
    consents.withdraw_consent(portfolio, "C0001", "income", clock)
    reply = customer.request_increase(portfolio, "A0001", 2_200_000, "C0001", clock, ZONE, POLICY)
    assert reply.outcome == "declined"
    assert reply.reason_codes == ["C_INCOME_UNAVAILABLE"]
    assert reply.inputs["income_source"] is None
    assert "income" in reply.inputs["consents_missing"]


def test_regranted_income_counts_again(portfolio: Engine, clock: FixedClock) -> None:
    consents.withdraw_consent(portfolio, "C0001", "income", clock)
    clock.advance(timedelta(minutes=1))
    consents.grant_consent(portfolio, "C0001", "income", "limit decisions", clock)
    clock.advance(timedelta(minutes=1))
    consents.withdraw_consent(portfolio, "C0001", "bureau", clock)

    reply = customer.request_increase(portfolio, "A0001", 2_200_000, "C0001", clock, ZONE, POLICY)

    assert reply.inputs["income_source"] == "lender_record"
    assert reply.inputs["consents_used"] == ["income"]
    assert "bureau" in reply.inputs["consents_missing"]
    assert "income" not in reply.inputs["consents_missing"]


def test_unverified_income_does_not_count(portfolio: Engine, clock: FixedClock) -> None:
    declared = income.declare_income(portfolio, "C0001", 10_000_000, "payslip-1", "CNY", clock)
    with portfolio.connect() as conn:
        assert income.usable_income(conn, "C0001") == (1_210_000, "lender_record")
    income.review_income(portfolio, declared.declaration_id, "officer-1", True, "payslip checked", clock)
    with portfolio.connect() as conn:
        assert income.usable_income(conn, "C0001") == (10_000_000, "verified_declaration")


def test_unfreeze_waits_cooling_off(portfolio: Engine, clock: FixedClock) -> None:
    customer.freeze(portfolio, "A0003", "C0003", clock, ZONE)
    reply = customer.unfreeze(portfolio, "A0003", "C0003", clock, ZONE, POLICY)
    assert reply.effective_at == clock.now() + timedelta(hours=24)
    assert reply.line.is_frozen(clock.now())
    assert not reply.line.is_frozen(clock.now() + timedelta(hours=24))
    assert verify(portfolio).ok


def test_cap_raise_waits_and_lower_applies(portfolio: Engine, clock: FixedClock) -> None:
    first = customer.set_cap(portfolio, "A0003", 1_000_000, "C0003", clock, ZONE, POLICY)
    assert first.line.effective_limit(clock.now()) == 1_000_000
    raised = customer.set_cap(portfolio, "A0003", 1_500_000, "C0003", clock, ZONE, POLICY)
    assert raised.line.effective_limit(clock.now()) == 1_000_000
    assert raised.line.effective_limit(clock.now() + timedelta(hours=24)) == 1_500_000
    lowered = customer.set_cap(portfolio, "A0003", 900_000, "C0003", clock, ZONE, POLICY)
    assert lowered.line.cap_change_at is None
    assert lowered.line.effective_limit(clock.now() + timedelta(hours=48)) == 900_000
    assert verify(portfolio).ok


def test_balance_above_alert_sends_notice(portfolio: Engine, clock: FixedClock) -> None:
    customer.set_alert(portfolio, "A0001", 1_000_000, "C0001", clock, ZONE)
    customer.sync_balance(portfolio, "A0001", 900_000, "core", clock, ZONE)
    customer.sync_balance(portfolio, "A0001", 1_100_000, "core", clock, ZONE)
    customer.sync_balance(portfolio, "A0001", 1_200_000, "core", clock, ZONE)
    assert notice_kinds(portfolio, "A0001") == ["alert_set", "overspend_alert"]
    assert verify(portfolio).ok


def test_temporary_limit_blocks_increase(portfolio: Engine, clock: FixedClock) -> None:
    reply = customer.request_temporary_limit(portfolio, "A0001", 500_000, date(2026, 12, 31), "C0001", clock, ZONE, POLICY)
    assert reply.line.effective_limit(clock.now()) == 2_600_000
    assert reply.effective_at == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    with pytest.raises(PolicyViolation):
        customer.request_increase(portfolio, "A0001", 2_200_000, "C0001", clock, ZONE, POLICY)


def test_officer_sets_limit(portfolio: Engine, clock: FixedClock) -> None:
    with portfolio.begin() as conn:
        decision = customer.officer_set_limit(conn, "A0001", 2_500_000, "officer-7", ["P_UNCHANGED"], "ok", clock.now())
    assert decision.line.approved_limit == 2_500_000
    assert decision.adjustment is not None
    assert decision.adjustment.reason_codes == ("P_UNCHANGED", "C_OFFICER_DECISION")
    assert notice_kinds(portfolio, "A0001") == ["officer_adjustment"]


def test_second_freeze_conflicts(portfolio: Engine, clock: FixedClock) -> None:
    customer.freeze(portfolio, "A0001", "C0001", clock, ZONE)
    with pytest.raises(Conflict):
        customer.freeze(portfolio, "A0001", "C0001", clock, ZONE)
