"""State of one credit line and the values derived from it.

Stored truth: approved limit, temporary limit with its expiry, customer cap, the two
freeze flags, outstanding balance and the unsolicited-increase preference. Derived, never
stored: effective limit and available credit, both computed for a given instant so that
a temporary limit stops counting at its expiry without any job running.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime


class IncreasePreference(enum.StrEnum):
    """The customer's choice for increases the lender offers unasked."""

    AUTO = "auto"  # apply automatically
    ASK = "ask"  # make an offer the customer accepts or lets expire
    NEVER = "never"  # no unsolicited increases at all


@dataclass(frozen=True, slots=True)
class CreditLine:
    """One revolving credit line; all amounts in integer minor units of ``currency``.

    ``version`` increases by one with every stored change, so a writer that read an
    older version fails instead of overwriting a concurrent change. ``ledger_seq`` and
    ``ledger_head`` are the sequence number and hash of the line's last ledger event.
    """

    account_id: str
    customer_id: str
    product: str
    currency: str
    approved_limit: int
    outstanding: int = 0
    temporary_limit: int = 0
    temporary_expires_at: datetime | None = None
    customer_cap: int | None = None
    customer_frozen: bool = False
    risk_frozen: bool = False
    increase_preference: IncreasePreference = IncreasePreference.AUTO
    version: int = 0
    ledger_seq: int = 0
    ledger_head: str | None = None

    def __post_init__(self) -> None:
        if self.approved_limit < 0:
            raise ValueError(f"approved_limit must be >= 0 minor units, got {self.approved_limit}")
        if self.temporary_limit < 0:
            raise ValueError(f"temporary_limit must be >= 0 minor units, got {self.temporary_limit}")
        if self.temporary_limit and self.temporary_expires_at is None:
            raise ValueError("a temporary limit needs an expiry")
        if self.temporary_expires_at is not None and self.temporary_expires_at.tzinfo is None:
            raise ValueError("temporary_expires_at must be timezone-aware")
        if self.customer_cap is not None and self.customer_cap < 0:
            raise ValueError(f"customer_cap must be >= 0 minor units, got {self.customer_cap}")

    @property
    def frozen(self) -> bool:
        """True when either the customer's or the lender's freeze stops new drawing."""
        return self.customer_frozen or self.risk_frozen

    def active_temporary_limit(self, now: datetime) -> int:
        """Return the temporary headroom still in force at ``now`` (0 once expired)."""
        if self.temporary_limit and self.temporary_expires_at is not None and now < self.temporary_expires_at:
            return self.temporary_limit
        return 0

    def effective_limit(self, now: datetime) -> int:
        """Return min(approved + unexpired temporary, customer cap if set), in minor units."""
        ceiling = self.approved_limit + self.active_temporary_limit(now)
        if self.customer_cap is not None:
            ceiling = min(ceiling, self.customer_cap)
        return ceiling

    def available(self, now: datetime) -> int:
        """Return available credit: 0 when frozen, else max(0, effective - outstanding)."""
        if self.frozen:
            return 0
        return max(0, self.effective_limit(now) - self.outstanding)

    def with_changes(self, **changes: object) -> CreditLine:
        """Return a copy with ``changes`` applied and validated."""
        return replace(self, **changes)  # type: ignore[arg-type]
