"""Suggested limit ranges: steps and the minimum change, on a line whose limit is off the step."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from creditline.suggestion.advice import AdviceInputs, Direction, advise

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
    advice = advise(OFF_STEP)

    assert advice.direction is Direction.INCREASE
    assert (advice.low, advice.high) == (2_610_000, 3_340_000)


def test_increase_low_end_meets_min_change() -> None:
    advice = advise(replace(OFF_STEP, min_change_fraction=Decimal("0.05")))

    # 26,050.00 + 5 % = 27,352.50, rounded up to the step.
    assert (advice.low, advice.high) == (2_740_000, 3_340_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT",)


def test_min_change_above_caps_keeps_limit() -> None:
    inputs = replace(OFF_STEP, min_change_fraction=Decimal("0.3"), max_increase_fraction=Decimal("0.2"))
    advice = advise(inputs)

    assert advice.direction is Direction.KEEP
    assert (advice.low, advice.high) == (2_605_000, 2_605_000)
    assert advice.reason_codes == ("S_NEAR_LIMIT", "P_GUARD_MAX_INCREASE", "P_MIN_CHANGE")


def test_decrease_high_end_is_on_step() -> None:
    falling = replace(
        OFF_STEP,
        outstanding=1_600_000,
        bills=(500_000, 400_000, 300_000),
        paid=(500_000, 400_000, 300_000),
        predicted_utilisation=0.2,
        pressing_probability=0.1,
        falling_probability=0.8,
    )
    advice = advise(falling)

    assert advice.direction is Direction.DECREASE
    assert (advice.low, advice.high) == (2_000_000, 2_600_000)
