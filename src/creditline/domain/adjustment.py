"""A decided change of a line's approved limit, with its reasons and provenance."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Channel(enum.StrEnum):
    """Who or what originated a limit change."""

    REVIEW = "review"  # periodic portfolio review, approved by an officer
    CUSTOMER = "customer"  # the customer's own request
    RISK = "risk"  # a risk signal
    OFFICER = "officer"  # a manual decision by a credit officer


class Direction(enum.StrEnum):
    """Whether the approved limit goes up, down or stays."""

    INCREASE = "increase"
    DECREASE = "decrease"
    UNCHANGED = "unchanged"

    @classmethod
    def of(cls, old_limit: int, new_limit: int) -> Direction:
        if new_limit > old_limit:
            return cls.INCREASE
        if new_limit < old_limit:
            return cls.DECREASE
        return cls.UNCHANGED


@dataclass(frozen=True, slots=True)
class Adjustment:
    """One change of an approved limit; amounts in integer minor units of ``currency``.

    ``policy_version`` and ``model_version`` name the policy file and the fitted model
    that produced the decision, so an auditor can rerun it on the same inputs.
    """

    adjustment_id: str
    account_id: str
    channel: Channel
    old_limit: int
    new_limit: int
    currency: str
    reason_codes: tuple[str, ...]
    decided_at: datetime
    decided_by: str
    policy_version: str | None = None
    model_version: str | None = None
    batch_id: str | None = None
    inputs: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.decided_at.tzinfo is None:
            raise ValueError("decided_at must be timezone-aware")
        if self.new_limit < 0:
            raise ValueError(f"new_limit must be >= 0 minor units, got {self.new_limit}")
        if not self.reason_codes:
            raise ValueError("every adjustment needs at least one reason code")

    @property
    def direction(self) -> Direction:
        return Direction.of(self.old_limit, self.new_limit)

    @property
    def delta(self) -> int:
        """Signed change in minor units."""
        return self.new_limit - self.old_limit
