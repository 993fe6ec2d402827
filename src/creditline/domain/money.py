"""Money as integer minor units (fen for CNY, cents for other currencies).

Amounts are never floats. Text crosses the edges as plain decimal strings such as
``"8000.50"``; :func:`parse_amount` accepts only ASCII digits with at most two decimals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from creditline.errors import InvalidAmount, InvalidInput

# ISO 4217 minor-unit exponents of the currencies a consumer lender here books in.
# TWD has two minor digits in ISO 4217 although cash amounts are whole dollars.
MINOR_UNIT_DIGITS: dict[str, int] = {
    "CNY": 2,
    "TWD": 2,
    "HKD": 2,
    "MOP": 2,
    "USD": 2,
    "EUR": 2,
    "GBP": 2,
    "SGD": 2,
    "JPY": 0,
    "KRW": 0,
}

# The largest amount accepted from text: 10^15 minor units fits comfortably in BIGINT
# and far exceeds any consumer credit line.
MAX_MINOR = 10**15

_AMOUNT_RE = re.compile(r"^(?P<whole>[0-9]{1,16})(?:\.(?P<frac>[0-9]{1,2}))?$", re.ASCII)


def minor_digits(currency: str) -> int:
    """Return the number of minor-unit digits of ``currency`` (ISO 4217 code)."""
    try:
        return MINOR_UNIT_DIGITS[currency]
    except KeyError:
        raise InvalidInput("error.unknown_currency", value=currency) from None


def parse_amount(text: str, currency: str = "CNY") -> int:
    """Parse a decimal amount in major units into integer minor units.

    Parameters
    ----------
    text
        Plain ASCII digits with an optional point and at most two decimals
        (``"8000"``, ``"8000.5"``, ``"8000.50"``). Signs, spaces, exponents and
        thousands separators are rejected.
    currency
        ISO 4217 code; decides how many minor digits the amount may carry.

    Returns
    -------
    int
        The amount in minor units, for example 800050 for ``"8000.50"`` CNY.

    Raises
    ------
    InvalidAmount
        When the text is not in the accepted form, or has more decimals than the
        currency allows.
    """
    match = _AMOUNT_RE.match(text) if isinstance(text, str) else None
    if match is None:
        raise InvalidAmount(value=text)
    digits = minor_digits(currency)
    frac = match.group("frac") or ""
    if len(frac) > digits:
        raise InvalidAmount(value=text)
    minor = int(match.group("whole")) * 10**digits + int(frac.ljust(digits, "0") or "0")
    if minor > MAX_MINOR:
        raise InvalidAmount("error.amount_too_large", value=text, maximum=format_amount(MAX_MINOR, currency))
    return minor


def format_amount(minor: int, currency: str = "CNY") -> str:
    """Format integer minor units as a decimal string in major units (``800050`` -> ``"8000.50"``)."""
    digits = minor_digits(currency)
    value = Decimal(minor).scaleb(-digits)
    return f"{value:.{digits}f}"


def format_grouped(minor: int, currency: str = "CNY") -> str:
    """Format minor units for people to read, with thousands separators (``"20,000.00"``).

    For display only: :func:`parse_amount` rejects this form on purpose.
    """
    digits = minor_digits(currency)
    value = Decimal(minor).scaleb(-digits)
    return f"{value:,.{digits}f}"


def to_decimal(minor: int, currency: str = "CNY") -> Decimal:
    """Return the amount in major units as an exact :class:`~decimal.Decimal`."""
    return Decimal(minor).scaleb(-minor_digits(currency))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of one named currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError(f"Money.minor must be int minor units, got {self.minor!r}")
        minor_digits(self.currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Build Money from a decimal string in major units; see :func:`parse_amount`."""
        return cls(parse_amount(text, currency), currency)

    def _check(self, other: Money) -> None:
        if other.currency != self.currency:
            raise InvalidInput("error.currency_mismatch", left=self.currency, right=other.currency)

    def __add__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._check(other)
        return Money(self.minor - other.minor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._check(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._check(other)
        return self.minor <= other.minor

    def __str__(self) -> str:
        return f"{format_amount(self.minor, self.currency)} {self.currency}"

    @property
    def decimal(self) -> Decimal:
        """The amount in major units."""
        return to_decimal(self.minor, self.currency)


def round_up_to_step(minor: int, step: int) -> int:
    """Round ``minor`` up to a multiple of ``step`` (both in minor units, step > 0)."""
    if step <= 0:
        raise ValueError(f"step must be positive minor units, got {step}")
    return -(-minor // step) * step


def round_down_to_step(minor: int, step: int) -> int:
    """Round ``minor`` down to a multiple of ``step`` (both in minor units, step > 0)."""
    if step <= 0:
        raise ValueError(f"step must be positive minor units, got {step}")
    return (minor // step) * step
