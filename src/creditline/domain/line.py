"""State of one credit line and the values derived from it.

Stored truth: approved limit, temporary limit with its expiry, customer cap, the two
freeze flags, outstanding balance and the unsolicited-increase preference. Derived, never
stored: effective limit and available credit, both computed for a given instant so that
a temporary limit stops counting at its expiry without any job running.

Changes a customer makes that wait out a cooling-off period are stored with the instant
they take effect (``customer_unfreeze_at``; ``pending_cap`` with ``cap_change_at``), and
the ``*_at(now)`` methods read them, so no job has to run when the period ends either.
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
    # The customer's own freeze ends at this instant (a requested unfreeze that cools off).
    customer_unfreeze_at: datetime | None = None
    # From cap_change_at on, pending_cap replaces customer_cap (None there removes the cap).
    pending_cap: int | None = None
    cap_change_at: datetime | None = None
    # Outstanding balance above which the customer wants an over-spend alert.
    alert_threshold: int | None = None
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
        if self.pending_cap is not None and self.pending_cap < 0:
            raise ValueError(f"pending_cap must be >= 0 minor units, got {self.pending_cap}")
        if self.pending_cap is not None and self.cap_change_at is None:
            raise ValueError("a pending cap needs the instant it takes effect")
        if self.alert_threshold is not None and self.alert_threshold < 0:
            raise ValueError(f"alert_threshold must be >= 0 minor units, got {self.alert_threshold}")
        for name in ("customer_unfreeze_at", "cap_change_at"):
            moment = getattr(self, name)
            if moment is not None and moment.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")

    @property
    def frozen(self) -> bool:
        """True when either stored freeze flag is set, ignoring a scheduled unfreeze.

        Use :meth:`is_frozen` for the state at an instant.
        """
        return self.customer_frozen or self.risk_frozen

    def customer_frozen_at(self, now: datetime) -> bool:
        """Return whether the customer's own freeze is in force at ``now``."""
        if not self.customer_frozen:
            return False
        return self.customer_unfreeze_at is None or now < self.customer_unfreeze_at

    def is_frozen(self, now: datetime) -> bool:
        """Return whether either freeze stops new drawing at ``now``."""
        return self.risk_frozen or self.customer_frozen_at(now)

    def customer_cap_at(self, now: datetime) -> int | None:
        """Return the customer's cap in force at ``now``, minor units (None when there is none)."""
        if self.cap_change_at is not None and now >= self.cap_change_at:
            return self.pending_cap
        return self.customer_cap

    def cap_change_pending(self, now: datetime) -> bool:
        """Return whether a raise or removal of the customer's cap still waits at ``now``."""
        return self.cap_change_at is not None and now < self.cap_change_at

    def active_temporary_limit(self, now: datetime) -> int:
        """Return the temporary headroom still in force at ``now`` (0 once expired)."""
        if self.temporary_limit and self.temporary_expires_at is not None and now < self.temporary_expires_at:
            return self.temporary_limit
        return 0

    def effective_limit(self, now: datetime) -> int:
        """Return min(approved + unexpired temporary, customer cap if set), in minor units."""
        ceiling = self.approved_limit + self.active_temporary_limit(now)
        cap = self.customer_cap_at(now)
        if cap is not None:
            ceiling = min(ceiling, cap)
        return ceiling

    def available(self, now: datetime) -> int:
        """Return available credit: 0 when frozen, else max(0, effective - outstanding)."""
        if self.is_frozen(now):
            return 0
        return max(0, self.effective_limit(now) - self.outstanding)

    def with_changes(self, **changes: object) -> CreditLine:
        """Return a copy with ``changes`` applied and validated."""
        return replace(self, **changes)  # type: ignore[arg-type]
