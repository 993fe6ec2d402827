"""Pure rules for what a customer does with their own line.

Every amount is integer minor units of the line's currency; every instant is a
timezone-aware datetime, and calendar rules (months, days) take the lender's zone. The
functions here decide; :mod:`creditline.service.customer` loads their inputs and writes
their results through the shared write path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from creditline.domain.money import format_amount, round_down_to_step, round_up_to_step
from creditline.errors import InvalidInput, PolicyViolation
from creditline.policy.schema import FACTOR_SCALE, Policy, Vulnerable

# Outcomes of a customer's limit request, as stored in ``customer_requests.outcome``.
APPROVED = "approved"
PARTIAL = "partial"
DECLINED = "declined"
HONOURED = "honoured"

CONSENT_CATEGORIES = ("bureau", "transactions", "income", "third_party")
STUDENT_FLAG = "student"


def lowest_decrease_limit(outstanding: int, decrease_step: int, minimum_limit: int) -> int:
    """Return the lowest limit a customer may lower their line to, in minor units.

    The rule: at least the outstanding balance rounded up to ``decrease_step`` and at
    least the product's ``minimum_limit``. A credit balance (negative outstanding) counts
    as zero.
    """
    return max(round_up_to_step(max(outstanding, 0), decrease_step), minimum_limit)


def check_decrease(approved_limit: int, outstanding: int, new_limit: int, policy: Policy) -> None:
    """Check a customer's decrease to ``new_limit``; it is honoured whatever the risk state.

    Raises
    ------
    PolicyViolation
        When ``new_limit`` is not below the approved limit, or below the lowest allowed
        limit (the message names that amount).
    """
    currency = policy.currency
    if new_limit >= approved_limit:
        raise PolicyViolation(
            "customer.error.not_a_decrease",
            requested=format_amount(new_limit, currency),
            current=format_amount(approved_limit, currency),
        )
    lowest = lowest_decrease_limit(outstanding, policy.customer.decrease_step, policy.product.minimum_limit)
    if new_limit < lowest:
        raise PolicyViolation(
            "customer.error.decrease_too_low",
            requested=format_amount(new_limit, currency),
            lowest=format_amount(lowest, currency),
        )


def month_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Return the start of ``now``'s calendar month in ``zone`` and the start of the next one."""
    local = now.astimezone(zone)
    start = datetime.combine(local.date().replace(day=1), time(0), tzinfo=zone)
    following = (start.date().replace(day=28) + timedelta(days=4)).replace(day=1)
    return start, datetime.combine(following, time(0), tzinfo=zone)


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """Return the instant a limit "valid until ``day``" stops counting: the next local midnight, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def check_increase_allowed(
    *,
    now: datetime,
    zone: ZoneInfo,
    policy: Policy,
    own_changes_this_month: int,
    last_own_decrease_at: datetime | None,
    temporary_active: bool,
) -> None:
    """Check the rate limit and cooling-off rules that an increase request must pass first.

    Raises
    ------
    PolicyViolation
        When a temporary limit is in force and the policy blocks changes then, when the
        customer already made ``customer.max_own_changes_per_month`` own changes this
        calendar month, or when their own last decrease is within the cooling-off days.
        The message names the first day a new request is accepted.
    """
    rules = policy.customer
    if temporary_active and rules.block_change_during_temporary:
        raise PolicyViolation("customer.error.temporary_active")
    if own_changes_this_month >= rules.max_own_changes_per_month:
        _, next_month = month_bounds(now, zone)
        raise PolicyViolation(
            "customer.error.monthly_limit",
            count=rules.max_own_changes_per_month,
            next_day=next_month.date().isoformat(),
        )
    if last_own_decrease_at is not None:
        ready = last_own_decrease_at + timedelta(days=rules.increase_cooling_off_days)
        if now < ready:
            raise PolicyViolation("customer.error.cooling_off", next_day=ready.astimezone(zone).date().isoformat())


@dataclass(frozen=True, slots=True)
class Statement:
    """One monthly statement: amounts in minor units, ``month`` as its first day."""

    month: date
    bill_amount: int
    paid_amount: int
    dpd: int


def _previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def vulnerability_reasons(
    rules: Vulnerable,
    *,
    today: date,
    birth_year: int | None,
    flags: Sequence[str],
    statements: Sequence[Statement],
) -> list[str]:
    """Return the ``C_*`` reasons that stop any increase for this customer (empty when none).

    Age is counted as ``today.year - birth_year`` because only the birth year is stored,
    so a customer may be treated as up to one year older than they are. A payment in
    month t settles the bill of month t-1, as in the profile features, so persistent
    debt compares each month's payment with the previous month's bill.
    """
    reasons: list[str] = []
    if birth_year is not None and today.year - birth_year < rules.min_age_for_increase:
        reasons.append("C_UNDER_AGE")
    if rules.block_students and STUDENT_FLAG in flags:
        reasons.append("C_STUDENT")
    if _persistent_debt(rules, statements):
        reasons.append("C_PERSISTENT_DEBT")
    newest = sorted(statements, key=lambda item: item.month, reverse=True)
    if rules.arrears_months and any(item.dpd > 0 for item in newest[: rules.arrears_months]):
        reasons.append("C_RECENT_ARREARS")
    return reasons


def _persistent_debt(rules: Vulnerable, statements: Sequence[Statement]) -> bool:
    months = rules.persistent_debt_months
    if not months:
        return False
    by_month = {item.month.replace(day=1): item for item in statements}
    ratio_units = int(rules.persistent_debt_payment_ratio * FACTOR_SCALE)
    checked = 0
    for month in sorted(by_month, reverse=True):
        previous = by_month.get(_previous_month(month))
        if previous is None or previous.bill_amount <= 0:
            continue
        # paid / bill < ratio, in integers: paid * SCALE < ratio_units * bill.
        if by_month[month].paid_amount * FACTOR_SCALE >= ratio_units * previous.bill_amount:
            return False
        checked += 1
        if checked == months:
            return True
    return False


@dataclass(frozen=True, slots=True)
class IncreaseInputs:
    """What a real-time increase decision reads about one line, besides the policy.

    ``features`` are the line's profile features (fractions and counts), ``score`` the
    champion scorecard's score (higher is safer; None when the line has no profile),
    ``monthly_income`` the usable income in minor units (None when unknown or without
    consent) and ``other_limits`` the approved limits of the borrower's other lines.
    """

    approved_limit: int
    score: float | None
    features: dict[str, float | int | None]
    monthly_income: int | None
    other_limits: int = 0
    risk_reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncreaseCeiling:
    """The highest approved limit the policy allows now, and the reasons that bound it."""

    limit: int
    risk_band: str | None
    reason_codes: list[str] = field(default_factory=list)


def _scaled(amount: int, factor: Decimal) -> int:
    return amount * int(factor * FACTOR_SCALE) // FACTOR_SCALE


def _risk_band(policy: Policy, score: float) -> str:
    for band in policy.risk_bands:
        if band.min_score is None or score >= band.min_score:
            return band.name
    return policy.risk_bands[-1].name


def _bucket(policy: Policy, value: float | int | None) -> str:
    names = policy.utilisation.bucket_names
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return names[policy.utilisation.missing_bucket_index]
    for position, edge in enumerate(policy.utilisation.edges):
        if value < float(edge):
            return names[position]
    return names[-1]


def increase_ceiling(policy: Policy, inputs: IncreaseInputs) -> IncreaseCeiling:
    """Return the highest limit the policy grants this line on request, never below the current one.

    The steps follow the periodic review's order for one line (see
    :mod:`creditline.policy.evaluate`): matrix target, dormancy, income cap, product
    maximum, recent delinquency, maximum increase, regulatory cap per borrower, rounding
    down to the product step and the minimum change. The customer's own request ignores
    the unsolicited-increase preference. Unlike the review, an unknown income blocks the
    increase when the policy has an income rule, because affordability cannot be checked.
    """
    limit = inputs.approved_limit
    if inputs.score is None or (isinstance(inputs.score, float) and math.isnan(inputs.score)):
        return IncreaseCeiling(limit, None, ["C_PROFILE_UNAVAILABLE"])
    band = _risk_band(policy, inputs.score)
    bucket = _bucket(policy, inputs.features.get(policy.utilisation.feature))
    target = _scaled(limit, policy.matrix[band][bucket])
    if target <= limit:
        reasons = ["C_NO_INCREASE_AVAILABLE", *inputs.risk_reasons[:3]]
        return IncreaseCeiling(limit, band, reasons)

    bounds: list[str] = []

    def lower(ceiling: int, code: str) -> None:
        nonlocal target
        if target > ceiling:
            target = ceiling
            bounds.append(code)

    dormancy = policy.dormancy
    inactive = inputs.features.get("inactive_months_6m")
    if dormancy is not None and inactive is not None and inactive >= dormancy.inactive_months:
        lower(_scaled(limit, dormancy.factor), "P_DECREASE_DORMANT")
    if policy.income is not None:
        if not inputs.monthly_income or inputs.monthly_income <= 0:
            return IncreaseCeiling(limit, band, ["C_INCOME_UNAVAILABLE"])
        lower(_scaled(inputs.monthly_income, policy.income.max_limit_to_monthly_income), "P_CAP_INCOME")
    lower(policy.product.maximum_limit, "P_CAP_PRODUCT")
    guardrails = policy.guardrails
    since = inputs.features.get("months_since_delinquency")
    months = guardrails.no_increase_within_months_of_delinquency
    if months and since is not None and not (isinstance(since, float) and math.isnan(since)) and since < months:
        lower(limit, "P_GUARD_RECENT_DELINQUENCY")
    if guardrails.max_increase_fraction is not None:
        lower(limit + _scaled(limit, guardrails.max_increase_fraction), "P_GUARD_MAX_INCREASE")
    if guardrails.max_increase_amount is not None:
        lower(limit + guardrails.max_increase_amount, "P_GUARD_MAX_INCREASE")
    if policy.regulatory_cap_per_borrower is not None:
        lower(max(limit, policy.regulatory_cap_per_borrower - inputs.other_limits), "P_CAP_REGULATORY")

    target = max(limit, round_down_to_step(target, policy.product.rounding_step))
    threshold = -(-limit * int(guardrails.min_change_fraction * FACTOR_SCALE) // FACTOR_SCALE)
    if 0 < target - limit < threshold:
        target = limit
        bounds.append("P_MIN_CHANGE")
    if target <= limit:
        return IncreaseCeiling(limit, band, ["C_NO_INCREASE_AVAILABLE", *dict.fromkeys(bounds)])
    return IncreaseCeiling(target, band, list(dict.fromkeys(bounds)))


@dataclass(frozen=True, slots=True)
class IncreaseDecision:
    """The outcome of an increase request: ``new_limit`` equals the old limit when declined."""

    outcome: str
    old_limit: int
    requested_limit: int
    new_limit: int
    risk_band: str | None
    reason_codes: list[str]


def decide_increase(policy: Policy, requested_limit: int, inputs: IncreaseInputs, blocking: Sequence[str]) -> IncreaseDecision:
    """Approve an increase in full or in part, or decline it with reasons.

    Parameters
    ----------
    requested_limit
        The approved limit the customer asks for, minor units; a multiple of the
        product's rounding step and above the current limit.
    blocking
        Reasons that stop any increase whatever the score (freezes, vulnerability).

    Raises
    ------
    InvalidInput
        When ``requested_limit`` is not above the current limit or not on the step.
    """
    old = inputs.approved_limit
    step = policy.product.rounding_step
    if requested_limit <= old:
        raise InvalidInput(
            "customer.error.not_an_increase",
            requested=format_amount(requested_limit, policy.currency),
            current=format_amount(old, policy.currency),
        )
    if requested_limit % step:
        raise InvalidInput(
            "customer.error.not_on_step",
            requested=format_amount(requested_limit, policy.currency),
            step=format_amount(step, policy.currency),
        )
    if blocking:
        return IncreaseDecision(DECLINED, old, requested_limit, old, None, list(blocking))
    ceiling = increase_ceiling(policy, inputs)
    if ceiling.limit <= old:
        return IncreaseDecision(DECLINED, old, requested_limit, old, ceiling.risk_band, ceiling.reason_codes)
    if requested_limit <= ceiling.limit:
        return IncreaseDecision(APPROVED, old, requested_limit, requested_limit, ceiling.risk_band, ["C_CUSTOMER_INCREASE"])
    reasons = ["C_CUSTOMER_INCREASE", "C_INCREASE_PARTIAL", *ceiling.reason_codes]
    return IncreaseDecision(PARTIAL, old, requested_limit, ceiling.limit, ceiling.risk_band, reasons)


def check_temporary_limit(policy: Policy, approved_limit: int, amount: int, expires_on: date, today: date) -> None:
    """Check a requested temporary limit against ``customer.temporary_max_fraction`` and ``_max_days``.

    Raises
    ------
    PolicyViolation
        When the amount is zero or above the fraction of the approved limit, or the
        expiry is not after today or beyond the longest term.
    """
    rules = policy.customer
    largest = _scaled(approved_limit, rules.temporary_max_fraction)
    if amount <= 0 or amount > largest:
        raise PolicyViolation(
            "customer.error.temporary_amount",
            requested=format_amount(amount, policy.currency),
            largest=format_amount(largest, policy.currency),
        )
    latest = today + timedelta(days=rules.temporary_max_days)
    if not today < expires_on <= latest:
        raise PolicyViolation(
            "customer.error.temporary_expiry", expires_on=expires_on.isoformat(), latest=latest.isoformat()
        )
