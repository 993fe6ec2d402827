"""Risk-triggered changes (被动降额): reduce or freeze a line at once on a risk signal.

The lender's risk systems decide the action and, for a reduction, the new limit. Unlike a
customer's own decrease, a risk reduction may go below the outstanding balance: nothing
new can then be drawn, and the balance stays payable on its original terms. A risk freeze
sets the lender's freeze flag, which only a lender's decision lifts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from creditline.domain.adjustment import Adjustment, Channel
from creditline.domain.events import EventType
from creditline.domain.line import CreditLine
from creditline.domain.reasons import CATALOGUE
from creditline.errors import InvalidInput
from creditline.service.lines import LineDecision, change_line, new_adjustment_id
from creditline.service.notices import render_notice


@dataclass(frozen=True, slots=True)
class RiskAction:
    """A decided risk action on one line; amounts in minor units of the line's currency."""

    action: str  # "reduce", "freeze" or "unfreeze"
    reason_codes: tuple[str, ...]
    decided_by: str  # the risk system or person, recorded for audit
    signal_id: str | None = None  # the signal's id in the lender's stream, for tracing
    new_limit: int | None = None  # required for "reduce"

    def __post_init__(self) -> None:
        if self.action not in ("reduce", "freeze", "unfreeze"):
            raise InvalidInput("risk.error.action_unknown", action=self.action)
        if self.action == "reduce" and (self.new_limit is None or self.new_limit < 0):
            raise InvalidInput("risk.error.new_limit_missing")
        unknown = [code for code in self.reason_codes if code not in CATALOGUE]
        if not self.reason_codes or unknown:
            raise InvalidInput(
                "risk.error.reason_codes",
                codes=", ".join(unknown) or "[]",
                allowed=", ".join(code for code in CATALOGUE if code.startswith("R_")),
            )


def _decide(action: RiskAction, zone: ZoneInfo) -> Any:
    def decide(line: CreditLine, now: datetime) -> LineDecision:
        trace = {"signal_id": action.signal_id, "decided_by": action.decided_by}
        if action.action in ("freeze", "unfreeze"):
            frozen = action.action == "freeze"
            if line.risk_frozen == frozen:
                return LineDecision(line=line, result="unchanged")
            kind = EventType.LINE_FROZEN if frozen else EventType.LINE_UNFROZEN
            payload = {"by": "risk", "reason_codes": list(action.reason_codes), **trace}
            return LineDecision(line=line.with_changes(risk_frozen=frozen), events=[(kind, payload)], result="applied")

        assert action.new_limit is not None
        if action.new_limit >= line.approved_limit:
            return LineDecision(line=line, result="unchanged")
        adjustment = Adjustment(
            adjustment_id=new_adjustment_id(),
            account_id=line.account_id,
            channel=Channel.RISK,
            old_limit=line.approved_limit,
            new_limit=action.new_limit,
            currency=line.currency,
            reason_codes=action.reason_codes,
            decided_at=now,
            decided_by=action.decided_by,
            inputs={"signal_id": action.signal_id, "outstanding": line.outstanding},
        )
        payload = {
            "adjustment_id": adjustment.adjustment_id,
            "channel": str(Channel.RISK),
            "old_limit": line.approved_limit,
            "new_limit": action.new_limit,
            "currency": line.currency,
            "reason_codes": list(action.reason_codes),
            **trace,
        }
        notice = render_notice(
            "decrease",
            account_id=line.account_id,
            currency=line.currency,
            old_limit=line.approved_limit,
            new_limit=action.new_limit,
            reason_codes=action.reason_codes,
            effective_at=now,
            zone=zone,
        )
        return LineDecision(
            line=line.with_changes(approved_limit=action.new_limit),
            events=[(EventType.LIMIT_ADJUSTED, payload)],
            adjustment=adjustment,
            notices=[{"kind": "risk_decrease", **notice}],
            result="applied",
        )

    return decide


def apply_risk_action(
    conn: Connection, account_id: str, action: RiskAction, now: datetime, zone: ZoneInfo
) -> LineDecision:
    """Apply ``action`` to one line inside ``conn``'s transaction; "unchanged" when already in effect."""
    return change_line(conn, account_id, _decide(action, zone), now)


def reduce_lines(
    conn: Connection, targets: Sequence[tuple[str, RiskAction]], now: datetime, zone: ZoneInfo
) -> list[LineDecision]:
    """Apply several risk actions in one transaction, in the given order."""
    return [apply_risk_action(conn, account_id, action, now, zone) for account_id, action in targets]
