"""Suggested limit ranges: steps, the minimum change and the policy thresholds, on a line whose limit is off the step."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from creditline.suggestion.advice import AdviceInputs, Direction, SuggestionRules, advise

# The defaults of the policy's customer.suggestion section.
RULES = SuggestionRules(
    pressing_utilisation=0.9,
    pressing_probability=0.5,
    falling_probability=0.7,
    low_peak_utilisation=0.3,
    target_utilisation_high=Decimal("0.8"),
    target_utilisation_low=Decimal("0.6"),
    min_history_months=3,
    default_max_increase_fraction=Decimal("0.5"),
)

# 26,050.00 CNY is not a multiple of the 100.00 rounding step.
OFF_STEP = AdviceInputs(
    current_limit=2_605_000,
    outstanding=1_000_000,
    bills=(1_800_000, 1_900_000, 2_000_000),
    paid=(1_800_000, 1_900_000, 2_000_000),
    months_present=3,
    predicted_utilisation=0.5,
    pressing_probability=0.6,
    falling_probability=0.1,
    minimum_limit=100_000,
    maximum_limit=50_000_000,
    rounding_step=10_000,
    decrease_step=1_000,
)


def test_increase_low_end_is_on_step() -> None:
    advice = advise(OFF_STEP, RULES)

    assert advice.direction is Direction.INCREASE
    assert (advice.low, advice.high) == (2_610_000, 3_340_000)


def test_increase_low_end_meets_min_change() -> None:
    advice = advise(replace(OFF_STEP, min_change_fraction=Decimal("0.05")), RULES)

    # 26,050.00 + 5 % = 27,352.50, rounded up to the step.
    assert (advice.low, advice.high) == (2_740_000, 3_340_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT",)


def test_min_change_above_caps_keeps_limit() -> None:
    inputs = replace(OFF_STEP, min_change_fraction=Decimal("0.3"), max_increase_fraction=Decimal("0.2"))
    advice = advise(inputs, RULES)

    assert advice.direction is Direction.KEEP
    assert (advice.low, advice.high) == (2_605_000, 2_605_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT", "P_GUARD_MAX_INCREASE", "P_MIN_CHANGE")


FALLING = replace(
    OFF_STEP,
    outstanding=1_600_000,
    bills=(500_000, 400_000, 300_000),
    paid=(500_000, 400_000, 300_000),
    predicted_utilisation=0.2,
    pressing_probability=0.1,
    falling_probability=0.8,
)


def test_decrease_high_end_is_on_step() -> None:
    advice = advise(FALLING, RULES)

    assert advice.direction is Direction.DECREASE
    assert (advice.low, advice.high) == (2_000_000, 2_600_000)


# --- thresholds from the policy ------------------------------------------------------


def test_targets_set_increase_range() -> None:
    rules = replace(RULES, target_utilisation_high=Decimal("0.9"), target_utilisation_low=Decimal("0.7"))
    advice = advise(OFF_STEP, rules)

    # Need 20,000.00 / 0.7 = 28,571.43, rounded up to 28,600.00 (was / 0.6 = 33,400.00).
    assert advice.direction is Direction.INCREASE
    assert (advice.low, advice.high) == (2_610_000, 2_860_000)


def test_pressing_probability_threshold_keeps_limit() -> None:
    advice = advise(OFF_STEP, replace(RULES, pressing_probability=0.7))

    assert advice.direction is Direction.KEEP
    assert (advice.low, advice.high) == (2_605_000, 2_605_000)
    assert advice.reason_codes == ("S_LIMIT_FITS",)


def test_pressing_utilisation_threshold_allows_increase() -> None:
    # The pressing probability of 0.6 no longer counts, but a predicted utilisation of 0.5 does.
    advice = advise(OFF_STEP, replace(RULES, pressing_probability=0.9, pressing_utilisation=0.5))

    assert advice.direction is Direction.INCREASE
    assert (advice.low, advice.high) == (2_610_000, 3_340_000)


def test_falling_probability_threshold_keeps_limit() -> None:
    advice = advise(FALLING, replace(RULES, falling_probability=0.9))

    assert advice.direction is Direction.KEEP
    assert advice.reason_codes == ("S_LIMIT_FITS",)


def test_low_peak_utilisation_threshold_keeps_limit() -> None:
    # The peak bill of 5,000.00 uses 19 % of the limit, not below 10 %.
    advice = advise(FALLING, replace(RULES, low_peak_utilisation=0.1))

    assert advice.direction is Direction.KEEP
    assert advice.reason_codes == ("S_LIMIT_FITS",)


def test_min_history_months_keeps_short_line() -> None:
    advice = advise(OFF_STEP, replace(RULES, min_history_months=4))

    assert advice.direction is Direction.KEEP
    assert advice.reason_codes == ("C_PROFILE_UNAVAILABLE",)


def test_default_increase_cap_applies_without_guardrail() -> None:
    advice = advise(OFF_STEP, replace(RULES, default_max_increase_fraction=Decimal("0.1")))

    # 26,050.00 + 10 % = 28,655.00, rounded down to 28,600.00.
    assert (advice.low, advice.high) == (2_610_000, 2_860_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT", "P_GUARD_MAX_INCREASE")


def test_zero_guardrail_fraction_blocks_increase() -> None:
    # A guardrail of 0 allows no increase. The default cap applies only when none is set.
    advice = advise(replace(OFF_STEP, max_increase_fraction=Decimal(0)), RULES)

    assert advice.direction is Direction.KEEP
    assert (advice.low, advice.high) == (2_605_000, 2_605_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT", "P_GUARD_MAX_INCREASE")
