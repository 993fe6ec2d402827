"""Risk actions from the lender's risk systems: reduce or freeze a line at once.

Callers hold the "service" role (the lender's systems) or "admin". The reply shows the line
after the action; an action already in effect answers ``"result": "unchanged"``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from creditline.api.auth import Principal, Role, require_roles
from creditline.domain.money import format_amount, parse_amount
from creditline.service.lines import lock_line
from creditline.service.risk import RiskAction, apply_risk_action
from creditline.store.transactions import transaction

router = APIRouter(prefix="/v1", tags=["risk"])

RiskCaller = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]


class RiskActionCreate(BaseModel):
    action: Literal["reduce", "freeze", "unfreeze"]
    reason_codes: list[str] = Field(min_length=1, description="R_* reason codes, e.g. R_COURT_ENFORCEMENT")
    new_limit: str | None = Field(default=None, description="For 'reduce': the new approved limit, major units")
    signal_id: str | None = Field(default=None, max_length=128, description="The signal's id in the lender's stream")


class RiskActionPublic(BaseModel):
    account_id: str
    result: Literal["applied", "unchanged"]
    approved_limit: str
    available: str
    risk_frozen: bool
    version: int


@router.post("/lines/{account_id}/risk-actions", response_model=RiskActionPublic, summary="Reduce or freeze a line on a risk signal")
def post_risk_action(account_id: str, body: RiskActionCreate, caller: RiskCaller, request: Request) -> RiskActionPublic:
    state = request.app.state
    now = state.clock.now()
    with transaction(state.engine) as conn:
        currency = lock_line(conn, account_id).currency
        new_limit = parse_amount(body.new_limit, currency) if body.new_limit is not None else None
        action = RiskAction(
            body.action,
            tuple(body.reason_codes),
            decided_by=caller.subject,
            signal_id=body.signal_id,
            new_limit=new_limit,
        )
        decision = apply_risk_action(conn, account_id, action, now, state.settings.zone)
    line = decision.line
    return RiskActionPublic(
        account_id=account_id,
        result=decision.result,
        approved_limit=format_amount(line.approved_limit, line.currency),
        available=format_amount(line.available(now), line.currency),
        risk_frozen=line.risk_frozen,
        version=line.version,
    )
