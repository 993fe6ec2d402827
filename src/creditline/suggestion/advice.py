"""The suggested limit range of one line: a pure rule on its recent statements and the model.

The customer's need is the largest of the peak bill of the window, the predicted
next-month balance and the outstanding balance. A range is suggested that lets the need
use between ``target_utilisation_low`` and ``target_utilisation_high`` of the limit:

* increase, when next month looks pressing (predicted utilisation reaches
  ``pressing_utilisation`` or the pressing probability reaches
  ``pressing_probability``), capped by the product maximum, the
  regulatory cap per borrower, the policy's increase guardrails and, when the customer
  consented and an officer verified it, the income multiple, and starting no lower than
  the policy's minimum change above the current limit;
* decrease, when use is falling far below the limit (falling probability reaches
  ``falling_probability`` and the peak bill used less than ``low_peak_utilisation`` of it),
  floored at the outstanding balance rounded up to the decrease step and the product
  minimum;
* keep, otherwise, or when an increase is blocked (vulnerable customer, bureau
  enforcement, the customer's own "never" preference for an unasked suggestion, a risk freeze).

The thresholds come from the policy's ``customer.suggestion`` section. Both ends of an
increase or decrease range are multiples of the product's rounding step. Amounts are
integer minor units throughout.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from decimal import Decimal

from creditline.domain.money import round_down_to_step, round_up_to_step


class Direction(enum.StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    KEEP = "keep"


@dataclass(frozen=True, slots=True)
class SuggestionRules:
    """Thresholds of the suggestion rule, from the policy's ``customer.suggestion`` section.

    Utilisations are fractions of the limit. Probabilities and fractions are in [0, 1].
    """

    pressing_utilisation: float
    pressing_probability: float
    falling_probability: float
    low_peak_utilisation: float
    target_utilisation_high: Decimal  # the low end of the range: the need uses this share
    target_utilisation_low: Decimal  # the high end of the range
    min_history_months: int
    # Increase cap when the policy's guardrails set none.
    default_max_increase_fraction: Decimal


@dataclass(frozen=True, slots=True)
class AdviceInputs:
    """What the rule reads about one line; amounts in minor units."""

    current_limit: int
    outstanding: int
    bills: tuple[int, ...]  # oldest month first
    paid: tuple[int, ...]
    months_present: int
    predicted_utilisation: float | None  # None when the history is too short to score
    pressing_probability: float | None
    falling_probability: float | None
    # Product and policy bounds.
    minimum_limit: int
    maximum_limit: int
    rounding_step: int
    decrease_step: int
    regulatory_cap: int | None = None
    max_increase_fraction: Decimal | None = None
    max_increase_amount: int | None = None
    # The smallest increase the policy grants, as a fraction of the current limit.
    min_change_fraction: Decimal = Decimal(0)
    income_cap: int | None = None  # verified income x policy multiple, only with consent
    # Reasons that rule out an increase, already decided by the caller (C_*, P_*, S_* codes).
    increase_blocks: tuple[str, ...] = ()
    # The highest limit an increase request would be granted now, and the reasons bounding it.
    decision_ceiling: int | None = None
    decision_ceiling_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Advice:
    """A suggested range [low, high] in minor units, with its reasons and the figures used."""

    direction: Direction
    low: int
    high: int
    reason_codes: tuple[str, ...]
    figures: dict[str, int | float] = field(default_factory=dict)


def need_amount(inputs: AdviceInputs) -> int:
    """Return max(peak bill, predicted next-month balance, outstanding) in minor units."""
    peak = max(inputs.bills, default=0)
    predicted = 0
    if inputs.predicted_utilisation is not None:
        predicted = int(round(inputs.predicted_utilisation * inputs.current_limit))
    return max(peak, predicted, inputs.outstanding, 0)


def advise(inputs: AdviceInputs, rules: SuggestionRules) -> Advice:
    """Suggest a limit range for one line.

    Returns
    -------
    Advice
        ``keep`` advice has ``low == high ==`` the current limit.
    """
    need = need_amount(inputs)
    figures: dict[str, int | float] = {
        "need": need,
        "peak_bill": max(inputs.bills, default=0),
        "mean_paid": sum(inputs.paid) // len(inputs.paid) if inputs.paid else 0,
        "months": inputs.months_present,
    }
    if inputs.predicted_utilisation is not None:
        figures["predicted_utilisation"] = round(inputs.predicted_utilisation, 4)
    keep = Advice(Direction.KEEP, inputs.current_limit, inputs.current_limit, ("S_LIMIT_FITS",), figures)
    if inputs.months_present < rules.min_history_months or inputs.predicted_utilisation is None:
        return Advice(Direction.KEEP, inputs.current_limit, inputs.current_limit, ("C_PROFILE_UNAVAILABLE",), figures)

    pressing = inputs.predicted_utilisation >= rules.pressing_utilisation or (
        inputs.pressing_probability is not None and inputs.pressing_probability >= rules.pressing_probability
    )
    peak_share = figures["peak_bill"] / inputs.current_limit if inputs.current_limit else 1.0
    falling = (
        inputs.falling_probability is not None
        and inputs.falling_probability >= rules.falling_probability
        and peak_share < rules.low_peak_utilisation
    )
    if pressing:
        if inputs.increase_blocks:
            return Advice(Direction.KEEP, inputs.current_limit, inputs.current_limit, inputs.increase_blocks, figures)
        return _increase(inputs, rules, need, figures)
    if falling:
        return _decrease(inputs, rules, need, figures) or keep
    return keep


def _increase(inputs: AdviceInputs, rules: SuggestionRules, need: int, figures: dict[str, int | float]) -> Advice:
    step = inputs.rounding_step
    low = round_up_to_step(_over(need, rules.target_utilisation_high), step)
    high = round_up_to_step(_over(need, rules.target_utilisation_low), step)
    reasons = ["S_NEAR_LIMIT"]

    ceilings = [(inputs.maximum_limit, "P_CAP_PRODUCT")]
    if inputs.regulatory_cap is not None:
        ceilings.append((inputs.regulatory_cap, "P_CAP_REGULATORY"))
    fraction = inputs.max_increase_fraction
    if fraction is None:
        fraction = rules.default_max_increase_fraction
    ceilings.append((inputs.current_limit + int(inputs.current_limit * fraction), "P_GUARD_MAX_INCREASE"))
    if inputs.max_increase_amount is not None:
        ceilings.append((inputs.current_limit + inputs.max_increase_amount, "P_GUARD_MAX_INCREASE"))
    if inputs.income_cap is not None:
        ceilings.append((inputs.income_cap, "P_CAP_INCOME"))
    if inputs.decision_ceiling is not None:
        # Never suggest more than the increase decision would grant: the risk band's matrix
        # factor, caps and guardrails, as a request would meet them.
        code = inputs.decision_ceiling_reasons[0] if inputs.decision_ceiling_reasons else "P_UNCHANGED"
        ceilings.append((inputs.decision_ceiling, code))
    for ceiling, code in ceilings:
        ceiling = round_down_to_step(ceiling, step)
        if high > ceiling:
            high = ceiling
            if code not in reasons:
                reasons.append(code)
    # An increase request below the minimum change, or off the step, is never granted.
    smallest = inputs.current_limit + _ceil(inputs.current_limit * inputs.min_change_fraction)
    low = max(min(low, high), round_up_to_step(max(smallest, inputs.current_limit + 1), step))
    if inputs.current_limit < high < low:
        reasons.append("P_MIN_CHANGE")
    if high <= inputs.current_limit or low > high:
        # The caps or the minimum change leave nothing to suggest upwards.
        return Advice(Direction.KEEP, inputs.current_limit, inputs.current_limit, tuple(reasons), figures)
    return Advice(Direction.INCREASE, low, high, tuple(reasons), figures)


def _decrease(inputs: AdviceInputs, rules: SuggestionRules, need: int, figures: dict[str, int | float]) -> Advice | None:
    floor = max(round_up_to_step(max(inputs.outstanding, 0), inputs.decrease_step), inputs.minimum_limit)
    step = inputs.rounding_step
    low = round_up_to_step(max(_over(need, rules.target_utilisation_high), floor), step)
    high = max(round_up_to_step(_over(need, rules.target_utilisation_low), step), low)
    high = min(high, round_down_to_step(inputs.current_limit - 1, step))
    if low > high:
        return None
    return Advice(Direction.DECREASE, low, high, ("S_LOW_USE",), figures)


def _ceil(amount: Decimal) -> int:
    """Return ``amount`` rounded up to whole minor units."""
    return math.ceil(amount)


def _over(amount: int, fraction: Decimal) -> int:
    """Return ``amount / fraction`` rounded up to whole minor units."""
    # Decimal's // truncates towards zero, so the negated floor division would round down.
    return _ceil(Decimal(amount) / fraction)
