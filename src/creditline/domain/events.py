"""Limit events: the facts recorded in the ledger, and their replay into line state.

Each event is a type name and a JSON payload with integer minor-unit amounts and ISO 8601
UTC timestamps. :func:`replay` folds a line's events, in sequence order, into the stored
fields of :class:`~creditline.domain.line.CreditLine`; the ledger verifier compares that
result with the stored line.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from creditline.domain.line import CreditLine, IncreasePreference


class EventType(enum.StrEnum):
    LINE_OPENED = "LineOpened"
    LIMIT_ADJUSTED = "LimitAdjusted"
    BALANCE_SYNCED = "BalanceSynced"
    LINE_FROZEN = "LineFrozen"
    LINE_UNFROZEN = "LineUnfrozen"
    TEMPORARY_LIMIT_GRANTED = "TemporaryLimitGranted"
    CUSTOMER_CAP_SET = "CustomerCapSet"
    CUSTOMER_CAP_REMOVED = "CustomerCapRemoved"
    PREFERENCE_CHANGED = "PreferenceChanged"
    # The customer's unfreeze, taking effect at payload "effective_at" after cooling-off.
    CUSTOMER_UNFREEZE_SCHEDULED = "CustomerUnfreezeScheduled"
    # A raise or removal of the customer's cap, effective at "effective_at"; "current_cap"
    # is the cap in force until then, "cap" the one after (null removes it).
    CUSTOMER_CAP_CHANGE_SCHEDULED = "CustomerCapChangeScheduled"
    ALERT_THRESHOLD_SET = "AlertThresholdSet"


@dataclass(frozen=True, slots=True)
class LimitEvent:
    """One fact about one line, as stored in the ledger (without its hash)."""

    stream_id: str
    seq: int
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]


def line_opened_payload(line: CreditLine) -> dict[str, Any]:
    """Return the LineOpened payload that replays into ``line``'s stored fields."""
    return {
        "customer_id": line.customer_id,
        "product": line.product,
        "currency": line.currency,
        "approved_limit": line.approved_limit,
        "outstanding": line.outstanding,
        "increase_preference": str(line.increase_preference),
    }


class ReplayError(ValueError):
    """A line's events cannot be folded into a state (bad order or unknown type)."""


def _fold(state: dict[str, Any] | None, event: LimitEvent) -> dict[str, Any]:
    p = event.payload
    kind = event.event_type
    if state is None:
        if kind != EventType.LINE_OPENED:
            raise ReplayError(f"first event of {event.stream_id} is {kind}, expected LineOpened")
        return {
            "account_id": event.stream_id,
            "customer_id": p["customer_id"],
            "product": p["product"],
            "currency": p["currency"],
            "approved_limit": p["approved_limit"],
            "outstanding": p["outstanding"],
            "temporary_limit": 0,
            "temporary_expires_at": None,
            "customer_cap": None,
            "customer_frozen": False,
            "risk_frozen": False,
            "increase_preference": IncreasePreference(p.get("increase_preference", "auto")),
            "customer_unfreeze_at": None,
            "pending_cap": None,
            "cap_change_at": None,
            "alert_threshold": None,
        }
    new = dict(state)
    if kind == EventType.LINE_OPENED:
        raise ReplayError(f"{event.stream_id} opened twice (seq {event.seq})")
    elif kind == EventType.LIMIT_ADJUSTED:
        new["approved_limit"] = p["new_limit"]
    elif kind == EventType.BALANCE_SYNCED:
        new["outstanding"] = p["new_outstanding"]
    elif kind in (EventType.LINE_FROZEN, EventType.LINE_UNFROZEN):
        flag = "risk_frozen" if p["by"] == "risk" else "customer_frozen"
        new[flag] = kind == EventType.LINE_FROZEN
        if flag == "customer_frozen":
            # A freeze or an immediate unfreeze cancels any scheduled unfreeze.
            new["customer_unfreeze_at"] = None
    elif kind == EventType.CUSTOMER_UNFREEZE_SCHEDULED:
        new["customer_unfreeze_at"] = datetime.fromisoformat(p["effective_at"])
    elif kind == EventType.TEMPORARY_LIMIT_GRANTED:
        new["temporary_limit"] = p["amount"]
        new["temporary_expires_at"] = datetime.fromisoformat(p["expires_at"]) if p["amount"] else None
    elif kind in (EventType.CUSTOMER_CAP_SET, EventType.CUSTOMER_CAP_REMOVED):
        # An immediate cap change replaces any scheduled one.
        new["customer_cap"] = p["cap"] if kind == EventType.CUSTOMER_CAP_SET else None
        new["pending_cap"] = None
        new["cap_change_at"] = None
    elif kind == EventType.CUSTOMER_CAP_CHANGE_SCHEDULED:
        new["customer_cap"] = p["current_cap"]
        new["pending_cap"] = p["cap"]
        new["cap_change_at"] = datetime.fromisoformat(p["effective_at"])
    elif kind == EventType.PREFERENCE_CHANGED:
        new["increase_preference"] = IncreasePreference(p["preference"])
    elif kind == EventType.ALERT_THRESHOLD_SET:
        new["alert_threshold"] = p["threshold"]
    else:
        raise ReplayError(f"unknown event type {kind!r} at {event.stream_id} seq {event.seq}")
    return new


REPLAYED_FIELDS = (
    "customer_id",
    "product",
    "currency",
    "approved_limit",
    "outstanding",
    "temporary_limit",
    "temporary_expires_at",
    "customer_cap",
    "customer_frozen",
    "risk_frozen",
    "increase_preference",
    "customer_unfreeze_at",
    "pending_cap",
    "cap_change_at",
    "alert_threshold",
)


def replay(events: list[LimitEvent]) -> dict[str, Any]:
    """Fold one line's events (in sequence order) into its stored fields.

    Raises
    ------
    ReplayError
        When the stream is empty, does not start with LineOpened, or holds an unknown type.
    """
    state: dict[str, Any] | None = None
    for event in events:
        state = _fold(state, event)
    if state is None:
        raise ReplayError("no events to replay")
    return state
