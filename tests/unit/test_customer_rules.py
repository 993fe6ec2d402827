from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from creditline.policy import customer_rules as rules
from creditline.domain.events import LimitEvent, replay
from creditline.domain.line import CreditLine
from creditline.errors import InvalidInput, PolicyViolation
from creditline.policy import evaluate_portfolio, load_shipped_policy, parse_policy

POLICY = load_shipped_policy("default_cny")
ZONE = ZoneInfo("Asia/Shanghai")


def test_lowest_decrease_rounds_balance_up() -> None:
    assert rules.lowest_decrease_limit(500_001, 1_000, 100_000) == 501_000
    assert rules.lowest_decrease_limit(-5_000, 1_000, 100_000) == 100_000


def test_decrease_must_lower_limit() -> None:
    with pytest.raises(PolicyViolation) as caught:
        rules.check_decrease(2_000_000, 0, 2_000_000, POLICY)
    assert caught.value.key == "customer.error.not_a_decrease"


def test_month_bounds_follow_lender_zone() -> None:
    # 2026-11-30 17:00 UTC is already 1 December in Shanghai.
    start, end = rules.month_bounds(datetime(2026, 11, 30, 17, 0, tzinfo=UTC), ZONE)
    assert start == datetime(2026, 12, 1, tzinfo=ZONE)
    assert end == datetime(2027, 1, 1, tzinfo=ZONE)


def test_rate_limit_names_next_month() -> None:
    with pytest.raises(PolicyViolation) as caught:
        rules.check_increase_allowed(now=datetime(2026, 12, 4, tzinfo=UTC), zone=ZONE, policy=POLICY,
                                     own_changes_this_month=1, last_own_decrease_at=None, temporary_active=False)
    assert caught.value.params == {"count": 1, "next_day": "2027-01-01"}


def test_persistent_debt_needs_every_month() -> None:
    months = [date(2026, m, 1) for m in range(6, 12)]
    low = [rules.Statement(month, 100_000, 5_000, 0) for month in months]
    assert rules.vulnerability_reasons(POLICY.customer.vulnerable, today=date(2026, 12, 4), birth_year=1990,
                                       flags=[], statements=low) == ["C_PERSISTENT_DEBT"]
    mixed = low[:-1] + [rules.Statement(months[-1], 100_000, 50_000, 0)]
    assert rules.vulnerability_reasons(POLICY.customer.vulnerable, today=date(2026, 12, 4), birth_year=1990,
                                       flags=[], statements=mixed) == []


def test_young_student_is_blocked() -> None:
    reasons = rules.vulnerability_reasons(POLICY.customer.vulnerable, today=date(2026, 12, 4), birth_year=2006,
                                          flags=["student"], statements=[])
    assert reasons == ["C_UNDER_AGE", "C_STUDENT"]


def test_increase_off_step_is_rejected() -> None:
    inputs = rules.IncreaseInputs(2_000_000, 700.0, {"utilisation_mean_6m": 0.8}, 5_000_000)
    with pytest.raises(InvalidInput) as caught:
        rules.decide_increase(POLICY, 2_050_050, inputs, [])
    assert caught.value.key == "customer.error.not_on_step"


def test_partial_increase_names_binding_cap() -> None:
    inputs = rules.IncreaseInputs(2_000_000, 700.0, {"utilisation_mean_6m": 0.8}, 600_000)
    decision = rules.decide_increase(POLICY, 3_000_000, inputs, [])
    # Band A, high use: 1.3 x 20,000 = 26,000, capped at 4 x 6,000 = 24,000 of income.
    assert decision.outcome == rules.PARTIAL
    assert decision.new_limit == 2_400_000
    assert decision.reason_codes == ["C_CUSTOMER_INCREASE", "C_INCREASE_PARTIAL", "P_CAP_INCOME"]


def test_blocking_reasons_decline() -> None:
    inputs = rules.IncreaseInputs(2_000_000, 700.0, {"utilisation_mean_6m": 0.8}, 600_000)
    decision = rules.decide_increase(POLICY, 2_100_000, inputs, ["C_RISK_FROZEN"])
    assert (decision.outcome, decision.new_limit, decision.reason_codes) == (rules.DECLINED, 2_000_000, ["C_RISK_FROZEN"])


@pytest.mark.parametrize("score", [500.0, 560.0, 590.0, 620.0, 700.0])
@pytest.mark.parametrize("utilisation", [None, 0.1, 0.5, 0.9])
def test_ceiling_matches_portfolio_evaluation(score: float, utilisation: float | None) -> None:
    frame = pl.DataFrame(
        {"account_id": ["A1"], "customer_id": ["C1"], "currency": ["CNY"], "approved_limit": [2_000_000],
         "outstanding": [500_000], "score": [score], "utilisation_mean_6m": [utilisation],
         "increase_preference": ["auto"], "months_since_delinquency": [None], "inactive_months_6m": [0],
         "monthly_income": [1_500_000], "months_since_limit_change": [None]},
        schema_overrides={"utilisation_mean_6m": pl.Float64, "months_since_delinquency": pl.Int64,
                          "months_since_limit_change": pl.Int64},
    )
    proposed = evaluate_portfolio(POLICY, frame).row(0, named=True)["proposed_limit"]
    inputs = rules.IncreaseInputs(2_000_000, score, {"utilisation_mean_6m": utilisation, "inactive_months_6m": 0}, 1_500_000)
    ceiling = rules.increase_ceiling(POLICY, inputs)
    assert ceiling.limit == max(proposed, 2_000_000)


def test_replay_keeps_scheduled_cap_and_unfreeze() -> None:
    at = datetime(2026, 12, 4, tzinfo=UTC)
    later = datetime(2026, 12, 5, tzinfo=UTC)
    line = CreditLine("A1", "C1", "card", "CNY", 2_000_000)
    events = [
        LimitEvent("A1", 1, "LineOpened", at, {"customer_id": "C1", "product": "card", "currency": "CNY",
                                               "approved_limit": 2_000_000, "outstanding": 0}),
        LimitEvent("A1", 2, "CustomerCapSet", at, {"cap": 1_000_000}),
        LimitEvent("A1", 3, "CustomerCapChangeScheduled", at,
                   {"current_cap": 1_000_000, "cap": None, "effective_at": later.isoformat()}),
        LimitEvent("A1", 4, "LineFrozen", at, {"by": "customer"}),
        LimitEvent("A1", 5, "CustomerUnfreezeScheduled", at, {"by": "customer", "effective_at": later.isoformat()}),
    ]
    state = replay(events)
    replayed = line.with_changes(**{name: state[name] for name in (
        "customer_cap", "pending_cap", "cap_change_at", "customer_frozen", "customer_unfreeze_at")})
    assert replayed.effective_limit(at) == 1_000_000
    assert replayed.effective_limit(later) == 2_000_000
    assert replayed.is_frozen(at)
    assert not replayed.is_frozen(later)


def test_policy_without_customer_section_loads() -> None:
    shipped = Path(__file__).parents[2] / "src" / "creditline" / "policies" / "default_cny.yaml"
    legacy = shipped.read_text(encoding="utf-8").split("\n# What customers")[0]
    legacy = legacy.replace("  rounding_step: \"100\"\n", "  rounding_step: \"100\"\n  decrease_step: \"50\"\n")
    policy = parse_policy(legacy)
    assert policy.customer.decrease_step == 5_000
    assert policy.customer.max_own_changes_per_month == 1
