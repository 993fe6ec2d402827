"""Schema of the limit policy file, validated into frozen pydantic models.

A policy file is YAML. Amounts are decimal strings (or whole numbers) in major units of
the policy currency, and the models hold them as integer minor units. Factors and
fractions are decimals with at most four places, held as exact :class:`~decimal.Decimal`.
Unknown keys are rejected so that a misspelt rule never passes silently.

Every failed check raises a :class:`pydantic_core.PydanticCustomError` whose type is a
``policy.invalid.*`` message key; :mod:`creditline.policy.load` turns the first one into
:class:`creditline.errors.PolicyInvalid` with the field path and the value given.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    SerializationInfo,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from creditline.domain.money import MINOR_UNIT_DIGITS, format_amount, parse_amount
from creditline.domain.reasons import FEATURE_REASONS
from creditline.errors import InvalidAmount

# Factors and fractions carry at most this many decimal places, so evaluation can hold
# them as exact integers of 1 / FACTOR_SCALE.
FACTOR_PLACES = 4
FACTOR_SCALE = 10**FACTOR_PLACES

DEFAULT_BUCKET_NAMES: dict[int, tuple[str, ...]] = {
    1: ("low", "high"),
    2: ("low", "mid", "high"),
}

_POLICY_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$", re.ASCII)
_VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,31}$", re.ASCII)
_NAME_RE = re.compile(r"^[A-Za-z0-9_]{1,20}$", re.ASCII)


def _fail(kind: str, **context: Any) -> PydanticCustomError:
    # The English template only shows up in pydantic's own repr; users see the catalogue text.
    return PydanticCustomError(f"policy.invalid.{kind}", f"invalid policy value ({kind})", context)


# --- scalar field types -------------------------------------------------------------


def _check_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail("text")
    return value


def _check_pattern(pattern: re.Pattern[str], rule: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail("text")
        if not pattern.match(value):
            raise _fail("pattern", rule=rule)
        return value

    return check


def _check_currency(value: Any) -> str:
    if value not in MINOR_UNIT_DIGITS:
        raise _fail("choice", allowed=", ".join(MINOR_UNIT_DIGITS))
    return str(value)


def _check_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("boolean")
    return value


def _integer_range(minimum: int, maximum: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            raise _fail("integer_range", minimum=minimum, maximum=maximum)
        return value

    return check


def _list_length(minimum: int, maximum: int) -> Callable[[Any], list[Any]]:
    def check(value: Any) -> list[Any]:
        if not isinstance(value, list):
            raise _fail("list")
        if not minimum <= len(value) <= maximum:
            raise _fail("list_length", minimum=minimum, maximum=maximum)
        return value

    return check


def _check_score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail("score")
    return float(value)


def _decimal_range(low: Decimal, high: Decimal, *, low_open: bool = False) -> Callable[[Any], Decimal]:
    interval = f"{'(' if low_open else '['}{low}, {high}]"

    def check(value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _fail("decimal_range", interval=interval)
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise _fail("decimal_range", interval=interval) from None
        if not number.is_finite() or number.normalize().as_tuple().exponent < -FACTOR_PLACES:  # type: ignore[operator]
            raise _fail("decimal_range", interval=interval)
        too_low = number <= low if low_open else number < low
        if too_low or number > high:
            raise _fail("decimal_range", interval=interval)
        # One spelling per value ("1.30" and 1.3 both become "1.3"), so the content hash
        # depends on the values only.
        return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()

    return check


def _context_currency(info: ValidationInfo | SerializationInfo) -> str:
    context = info.context if isinstance(info.context, dict) else {}
    currency = context.get("currency")
    return currency if currency in MINOR_UNIT_DIGITS else "CNY"


def _parse_policy_amount(value: Any, info: ValidationInfo) -> int:
    # Whole numbers are exact in YAML; a float such as 10000.5 may not be, so amounts with
    # decimals must be quoted strings.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _fail("amount")
    try:
        return parse_amount(str(value), _context_currency(info))
    except InvalidAmount:
        raise _fail("amount") from None


def _check_positive(value: int) -> int:
    if value <= 0:
        raise _fail("amount_positive")
    return value


def _format_policy_amount(value: int, info: SerializationInfo) -> str:
    return format_amount(value, _context_currency(info))


Text = Annotated[str, BeforeValidator(_check_text)]
Flag = Annotated[bool, BeforeValidator(_check_bool)]
Score = Annotated[float, BeforeValidator(_check_score)]
Name = Annotated[str, BeforeValidator(_check_pattern(_NAME_RE, "A-Z a-z 0-9 _ (1-20)"))]
# Amounts in minor units of the policy currency; text in the file is in major units.
Amount = Annotated[
    int,
    BeforeValidator(_parse_policy_amount),
    PlainSerializer(_format_policy_amount, return_type=str),
]
PositiveAmount = Annotated[Amount, AfterValidator(_check_positive)]
_decimal_to_text = PlainSerializer(str, return_type=str)
Fraction = Annotated[Decimal, BeforeValidator(_decimal_range(Decimal(0), Decimal(1))), _decimal_to_text]
CutFactor = Annotated[
    Decimal, BeforeValidator(_decimal_range(Decimal(0), Decimal(1), low_open=True)), _decimal_to_text
]
LimitFactor = Annotated[
    Decimal, BeforeValidator(_decimal_range(Decimal(0), Decimal(10), low_open=True)), _decimal_to_text
]
IncomeMultiple = Annotated[
    Decimal, BeforeValidator(_decimal_range(Decimal(0), Decimal(1000), low_open=True)), _decimal_to_text
]
Edge = Annotated[
    Decimal, BeforeValidator(_decimal_range(Decimal(0), Decimal(10), low_open=True)), _decimal_to_text
]


# --- sections -------------------------------------------------------------------------


class _Section(BaseModel):
    """Base of every mapping in the file: frozen, strict, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail("mapping")
        for key in data:
            if key not in cls.model_fields:
                raise _fail("unknown_key", key=str(key), value=data[key], allowed=", ".join(cls.model_fields))
        return data


class Product(_Section):
    """Limits and steps of the credit product, in minor units of the policy currency."""

    minimum_limit: Amount
    maximum_limit: PositiveAmount
    # Proposed limits are rounded down to this step for increases and up for decreases.
    rounding_step: PositiveAmount
    # A customer's own decrease rounds the lowest allowed limit up to this step.
    decrease_step: PositiveAmount = Field(default="10", validate_default=True)  # type: ignore[assignment]

    @model_validator(mode="after")
    def _check_limits(self, info: ValidationInfo) -> Product:
        currency = _context_currency(info)
        if self.minimum_limit > self.maximum_limit:
            raise _fail(
                "product_range",
                key="minimum_limit",
                value=format_amount(self.minimum_limit, currency),
                maximum=format_amount(self.maximum_limit, currency),
            )
        for key in ("minimum_limit", "maximum_limit"):
            amount = getattr(self, key)
            if amount % self.rounding_step:
                raise _fail(
                    "step_multiple",
                    key=key,
                    value=format_amount(amount, currency),
                    step=format_amount(self.rounding_step, currency),
                )
        return self


class RiskBand(_Section):
    """One risk grade: scores at or above ``min_score`` (higher is safer) fall in it."""

    name: Name
    min_score: Score | None = None


class Utilisation(_Section):
    """The utilisation feature and the edges that cut it into buckets.

    A value below ``edges[0]`` is in the first bucket, a value at or above ``edges[-1]``
    in the last. Lines with a missing value go to ``missing_bucket`` (the first bucket
    unless set), because a line with no usable statement history has shown no need for
    more credit.
    """

    feature: Annotated[str, BeforeValidator(_check_text)] = "utilisation_mean_6m"
    edges: Annotated[list[Edge], BeforeValidator(_list_length(1, 9))]
    buckets: list[Name] | None = None
    missing_bucket: Name | None = None

    @model_validator(mode="after")
    def _check_buckets(self) -> Utilisation:
        if self.feature not in FEATURE_REASONS or not self.feature.startswith("utilisation"):
            allowed = sorted(name for name in FEATURE_REASONS if name.startswith("utilisation"))
            raise _fail("choice", key="feature", value=self.feature, allowed=", ".join(allowed))
        for position in range(1, len(self.edges)):
            if self.edges[position] <= self.edges[position - 1]:
                raise _fail("edges_order", key=f"edges[{position}]", value=str(self.edges[position]))
        names = self._configured_bucket_names()
        if names is None:
            raise _fail("buckets_needed", key="buckets", count=len(self.edges) + 1)
        if len(names) != len(self.edges) + 1:
            raise _fail("buckets_count", key="buckets", value=list(names), count=len(self.edges) + 1)
        if len(set(names)) != len(names):
            raise _fail("duplicate_name", key="buckets", value=list(names))
        if self.missing_bucket is not None and self.missing_bucket not in names:
            raise _fail("choice", key="missing_bucket", value=self.missing_bucket, allowed=", ".join(names))
        return self

    def _configured_bucket_names(self) -> tuple[str, ...] | None:
        if self.buckets is not None:
            return tuple(self.buckets)
        return DEFAULT_BUCKET_NAMES.get(len(self.edges))

    @property
    def bucket_names(self) -> tuple[str, ...]:
        """Bucket names from the lowest utilisation to the highest."""
        names = self._configured_bucket_names()
        assert names is not None  # checked by _check_buckets
        return names

    @property
    def missing_bucket_index(self) -> int:
        """Position of the bucket that lines with a missing utilisation value fall in."""
        if self.missing_bucket is None:
            return 0
        return self.bucket_names.index(self.missing_bucket)


class Income(_Section):
    """Affordability cap: the target limit is at most this multiple of monthly income."""

    max_limit_to_monthly_income: IncomeMultiple


class Dormancy(_Section):
    """Cut for lines unused in at least ``inactive_months`` of the profile window."""

    inactive_months: Annotated[int, BeforeValidator(_integer_range(1, 60))] = 6
    factor: CutFactor


class Guardrails(_Section):
    """Guardrails: increase caps, holds for opted-out, recently late or recently changed lines, floors."""

    # Largest increase per review as a fraction of the current limit; None = no cap.
    max_increase_fraction: Fraction | None = None
    max_increase_amount: PositiveAmount | None = None
    # Changes smaller than this fraction of the current limit are dropped.
    min_change_fraction: Fraction = Decimal(0)
    # months_since_delinquency below this blocks increases; 0 turns the rule off.
    no_increase_within_months_of_delinquency: Annotated[int, BeforeValidator(_integer_range(0, 120))] = 0
    # A line whose approved limit changed fewer than this many whole months before the
    # review keeps its limit in the review, in both directions; 0 turns the rule off.
    min_months_between_changes: Annotated[int, BeforeValidator(_integer_range(0, 120))] = 0
    decrease_below_outstanding: Flag = False
    respect_increase_preference: Flag = True


class Approval(_Section):
    """Settings for applying an approved review batch."""

    require_distinct_approver: Flag = True
    chunk_size: Annotated[int, BeforeValidator(_integer_range(1, 100_000))] = 1000


# Customer actions a policy may reserve for tokens that carry the strong-authentication flag.
CUSTOMER_ACTIONS = (
    "decrease",
    "increase",
    "temporary_limit",
    "freeze",
    "unfreeze",
    "cap_lower",
    "cap_raise",
    "cap_remove",
    "alert",
    "preference",
    "offer_accept",
)


def _check_actions(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise _fail("list")
    for position, action in enumerate(value):
        if action not in CUSTOMER_ACTIONS:
            raise _fail("choice", key=f"[{position}]", value=action, allowed=", ".join(CUSTOMER_ACTIONS))
    return value


Days = Annotated[int, BeforeValidator(_integer_range(0, 3650))]


class Vulnerable(_Section):
    """Rules that stop increases for customers in a vulnerable position.

    Financial difficulty is persistent debt (less than ``persistent_debt_payment_ratio``
    of the bill paid in each of the last ``persistent_debt_months`` statements with a
    bill) or any days past due in the last ``arrears_months`` statements. A month count
    of 0 turns that test off.
    """

    min_age_for_increase: Annotated[int, BeforeValidator(_integer_range(0, 120))] = 22
    block_students: Flag = True
    persistent_debt_payment_ratio: Fraction = Decimal("0.1")
    persistent_debt_months: Annotated[int, BeforeValidator(_integer_range(0, 36))] = 3
    arrears_months: Annotated[int, BeforeValidator(_integer_range(0, 36))] = 6


class SuggestionThresholds(_Section):
    """Thresholds of the monthly limit suggestion a customer can ask for.

    Next month is pressing when the predicted utilisation reaches ``pressing_utilisation``
    or the model's pressing probability reaches ``pressing_probability``. Use is falling
    far below the limit when the falling probability reaches ``falling_probability`` and
    the peak bill of the window is below ``low_peak_utilisation`` of the limit. A
    suggested range lets the customer's need use ``target_utilisation_high`` of the limit
    at its low end and ``target_utilisation_low`` at its high end.
    """

    pressing_utilisation: Fraction = Decimal("0.9")
    pressing_probability: Fraction = Decimal("0.5")
    falling_probability: Fraction = Decimal("0.7")
    low_peak_utilisation: Fraction = Decimal("0.3")
    # The need is divided by these, so 0 is excluded.
    target_utilisation_high: CutFactor = Decimal("0.8")
    target_utilisation_low: CutFactor = Decimal("0.6")
    # Statement months a line needs within the model's window (5 months for the shipped
    # model) before it is scored. A line with fewer keeps its limit.
    min_history_months: Annotated[int, BeforeValidator(_integer_range(1, 24))] = 3
    # Largest suggested increase as a fraction of the current limit, used only when
    # guardrails.max_increase_fraction is not set.
    default_max_increase_fraction: Fraction = Decimal("0.5")

    @model_validator(mode="after")
    def _check_targets(self) -> SuggestionThresholds:
        if self.target_utilisation_low >= self.target_utilisation_high:
            raise _fail(
                "target_order",
                key="target_utilisation_low",
                value=float(self.target_utilisation_low),
                high=str(self.target_utilisation_high),
            )
        return self


class Customer(_Section):
    """Rules for what customers do with their own line (self-service).

    Amounts are minor units of the policy currency. Periods in days and months follow
    the lender's time zone.
    """

    # The lowest limit a customer may lower to is the outstanding balance rounded up to this.
    decrease_step: PositiveAmount = Field(default="10", validate_default=True)  # type: ignore[assignment]
    # Own approved-limit changes (increases and decreases) counted per calendar month;
    # an increase request beyond the count is rejected. Decreases are always honoured.
    max_own_changes_per_month: Annotated[int, BeforeValidator(_integer_range(0, 31))] = 1
    increase_cooling_off_days: Days = 30
    block_change_during_temporary: Flag = True
    # Wait before raising or removing one's own cap, or lifting one's own freeze, takes effect.
    cooling_off_hours: Annotated[int, BeforeValidator(_integer_range(0, 720))] = 24
    offer_valid_days: Annotated[int, BeforeValidator(_integer_range(1, 365))] = 30
    # Largest temporary limit as a fraction of the approved limit, and its longest term.
    temporary_max_fraction: Fraction = Decimal("0.5")
    temporary_max_days: Annotated[int, BeforeValidator(_integer_range(1, 366))] = 90
    require_strong_auth_for: Annotated[list[str], BeforeValidator(_check_actions)] = Field(
        default_factory=lambda: ["increase", "temporary_limit", "unfreeze", "cap_raise", "cap_remove", "offer_accept"]
    )
    vulnerable: Vulnerable = Vulnerable()
    suggestion: SuggestionThresholds = SuggestionThresholds()


class Policy(_Section):
    """A validated limit policy. Amounts are integer minor units of ``currency``.

    Evaluation order (the hit policy) is fixed: band and matrix target, dormancy,
    income cap, product maximum, guardrails, floors, regulatory cap, rounding, minimum
    change; see :func:`creditline.policy.evaluate.evaluate_portfolio`.
    """

    FORMAT: ClassVar[int] = 1

    id: Annotated[str, BeforeValidator(_check_pattern(_POLICY_ID_RE, "a-z 0-9 _ . - (1-64)"))]
    version: Annotated[str, BeforeValidator(_check_pattern(_VERSION_RE, "A-Z a-z 0-9 _ . + - (1-32)"))]
    currency: Annotated[str, BeforeValidator(_check_currency)]
    description: str = ""
    product: Product
    regulatory_cap_per_borrower: PositiveAmount | None = None
    risk_bands: Annotated[list[RiskBand], BeforeValidator(_list_length(1, 20))]
    utilisation: Utilisation
    matrix: dict[str, dict[str, LimitFactor]]
    income: Income | None = None
    dormancy: Dormancy | None = None
    guardrails: Guardrails = Guardrails()
    approval: Approval = Approval()
    customer: Customer = Customer()

    @model_validator(mode="before")
    @classmethod
    def _inherit_decrease_step(cls, data: Any) -> Any:
        # Files written before the customer section kept the step under product; it still
        # applies when customer.decrease_step is not given.
        if isinstance(data, dict) and isinstance(data.get("product"), dict) and "decrease_step" in data["product"]:
            section = data.get("customer", {})
            if isinstance(section, dict) and "decrease_step" not in section:
                data = {**data, "customer": {**section, "decrease_step": data["product"]["decrease_step"]}}
        return data

    @model_validator(mode="after")
    def _check_tables(self) -> Policy:
        self._check_bands()
        self._check_matrix()
        return self

    def _check_bands(self) -> None:
        seen: set[str] = set()
        for position, band in enumerate(self.risk_bands):
            if band.name in seen:
                raise _fail("duplicate_name", key=f"risk_bands[{position}].name", value=band.name)
            seen.add(band.name)
        last = len(self.risk_bands) - 1
        for position, band in enumerate(self.risk_bands):
            if (band.min_score is None) != (position == last):
                raise _fail("catch_all", key=f"risk_bands[{position}].min_score", value=band.min_score)
            if 0 < position < last:
                previous = self.risk_bands[position - 1].min_score
                assert previous is not None and band.min_score is not None
                if band.min_score >= previous:
                    raise _fail(
                        "band_order",
                        key=f"risk_bands[{position}].min_score",
                        value=band.min_score,
                        previous=previous,
                    )

    def _check_matrix(self) -> None:
        bands = [band.name for band in self.risk_bands]
        buckets = self.utilisation.bucket_names
        for band_name in self.matrix:
            if band_name not in bands:
                raise _fail("unknown_key", key=f"matrix.{band_name}", allowed=", ".join(bands))
        for band_name in bands:
            row = self.matrix.get(band_name)
            if row is None:
                raise _fail("matrix_missing", key=f"matrix.{band_name}")
            for bucket in row:
                if bucket not in buckets:
                    raise _fail("unknown_key", key=f"matrix.{band_name}.{bucket}", allowed=", ".join(buckets))
            for bucket in buckets:
                if bucket not in row:
                    raise _fail("matrix_missing", key=f"matrix.{band_name}.{bucket}")

    @property
    def band_names(self) -> tuple[str, ...]:
        """Risk band names from the safest to the catch-all."""
        return tuple(band.name for band in self.risk_bands)

    def to_document(self) -> dict[str, Any]:
        """Return the policy as plain JSON data, amounts as decimal strings in major units."""
        document = self.model_dump(mode="json", context={"currency": self.currency})
        document["format"] = self.FORMAT
        return document

    def to_json(self) -> str:
        """Return the canonical JSON text: sorted keys, no whitespace, UTF-8 safe."""
        return json.dumps(self.to_document(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Policy:
        """Copy the policy; the copy computes its own hash and version tag, which ``update`` may change."""
        copy = super().model_copy(update=update, deep=deep)
        for cached in ("content_hash", "version_tag"):
            copy.__dict__.pop(cached, None)
        return copy

    @functools.cached_property
    def content_hash(self) -> str:
        """SHA-256 of :meth:`to_json`, hex; comments and layout of the file do not change it.

        Cached: the policy is frozen, and every decision records it.
        """
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @functools.cached_property
    def version_tag(self) -> str:
        """``id@version:hash12``, recorded with every decision the policy makes."""
        return f"{self.id}@{self.version}:{self.content_hash[:12]}"
