"""Limit-suggestion endpoints: a customer's monthly suggestion, accepting it, and the outreach ranking."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from creditline.api.auth import Principal, Role, ensure_line_access, require_roles
from creditline.api.customer_routes import ChangePublic, change_public
from creditline.api.deps import locale
from creditline.domain.money import format_amount, parse_amount
from creditline.domain.reasons import CATALOGUE
from creditline.service import suggestions as service
from creditline.service.policies import active_policy
from creditline.suggestion.explain import explain
from creditline.store.transactions import reading

router = APIRouter(prefix="/v1", tags=["suggestions"])

Locale = Annotated[str, Depends(locale)]
CustomerCaller = Annotated[Principal, Depends(require_roles(Role.CUSTOMER))]
StaffCaller = Annotated[Principal, Depends(require_roles(Role.OFFICER, Role.ADMIN))]
AnyCaller = Annotated[Principal, Depends(require_roles(Role.CUSTOMER, Role.OFFICER, Role.AUDITOR, Role.ADMIN))]


class SuggestionReason(BaseModel):
    code: str
    text: str


class SuggestionAction(BaseModel):
    """The one request that turns the suggestion into the customer's own change request."""

    method: str
    path: str
    body: dict[str, str]


class SuggestionPublic(BaseModel):
    suggestion_id: str
    account_id: str
    period: str = Field(description="Calendar month of the suggestion in the lender's time zone, YYYY-MM")
    direction: str = Field(description="increase | decrease | keep")
    currency: str
    current_limit: str
    range_low: str = Field(description="Lowest suggested limit, major units")
    range_high: str = Field(description="Highest suggested limit, major units")
    predicted_utilisation: float | None
    reasons: list[SuggestionReason]
    explanation: list[str]
    data_used: list[str]
    status: str
    created_at: datetime
    accepted_at: datetime | None
    accepted_limit: str | None
    action: SuggestionAction | None


class SuggestionAccept(BaseModel):
    new_limit: str | None = Field(
        default=None, description="Chosen limit within the range, e.g. '25000.00'; omitted: the end nearest the current limit"
    )


class AcceptancePublic(BaseModel):
    suggestion: SuggestionPublic = Field(description="The suggestion: accepted, or still open when the request was declined")
    request: ChangePublic = Field(description="The reply of the increase or decrease request that was made")


class PriorityPublic(BaseModel):
    customer_id: str
    account_id: str
    direction: str
    need_score: float
    predicted_utilisation: float
    pressing_probability: float
    falling_probability: float


def _public(suggestion: service.Suggestion, lang: str) -> SuggestionPublic:
    currency = suggestion.currency
    action = None
    if suggestion.direction is not service.Direction.KEEP and suggestion.status == "open":
        default = service.chosen_limit(suggestion, None)
        action = SuggestionAction(
            method="POST",
            path=f"/v1/lines/{suggestion.account_id}/suggestion/accept",
            body={"new_limit": format_amount(default, currency)},
        )
    return SuggestionPublic(
        suggestion_id=suggestion.suggestion_id,
        account_id=suggestion.account_id,
        period=suggestion.period,
        direction=str(suggestion.direction),
        currency=currency,
        current_limit=format_amount(suggestion.current_limit, currency),
        range_low=format_amount(suggestion.range_low, currency),
        range_high=format_amount(suggestion.range_high, currency),
        predicted_utilisation=suggestion.predicted_utilisation,
        reasons=[
            SuggestionReason(code=code, text=CATALOGUE[code].text(lang))
            for code in suggestion.reason_codes
            if code in CATALOGUE
        ],
        explanation=explain(
            direction=str(suggestion.direction),
            currency=currency,
            current_limit=suggestion.current_limit,
            low=suggestion.range_low,
            high=suggestion.range_high,
            reason_codes=suggestion.reason_codes,
            inputs=suggestion.inputs,
            locale=lang,
        ),
        data_used=list(suggestion.inputs.get("sources", [])),
        status=suggestion.status,
        created_at=suggestion.created_at,
        accepted_at=suggestion.accepted_at,
        accepted_limit=format_amount(suggestion.accepted_limit, currency) if suggestion.accepted_limit is not None else None,
        action=action,
    )


@router.get("/lines/{account_id}/suggestion", response_model=SuggestionPublic, summary="This month's limit suggestion")
def get_suggestion(account_id: str, request: Request, caller: CustomerCaller, lang: Locale) -> SuggestionPublic:
    settings = request.app.state.settings
    suggestion = service.suggest(
        request.app.state.engine,
        account_id,
        caller.subject,
        request.app.state.clock.now(),
        settings.zone,
        active_policy(settings),
        requested=True,
    )
    return _public(suggestion, lang)


@router.post(
    "/lines/{account_id}/suggestion/accept",
    response_model=AcceptancePublic,
    summary="Turn this month's suggestion into an increase or decrease request",
)
def accept_suggestion(
    account_id: str,
    request: Request,
    caller: CustomerCaller,
    lang: Locale,
    body: SuggestionAccept | None = None,
) -> AcceptancePublic:
    # The body is optional: with no body, or no new_limit, the end of the range nearest the current limit is taken.
    body = body or SuggestionAccept()
    settings = request.app.state.settings
    engine = request.app.state.engine
    with reading(engine) as conn:
        currency = service.line_currency(conn, account_id, caller.subject)
    new_limit = parse_amount(body.new_limit, currency) if body.new_limit is not None else None
    acceptance = service.accept_suggestion(
        engine,
        account_id,
        caller.subject,
        new_limit,
        request.app.state.clock.now(),
        settings.zone,
        active_policy(settings),
        strong_auth=caller.strong_auth,
    )
    return AcceptancePublic(
        suggestion=_public(acceptance.suggestion, lang), request=change_public(acceptance.request_reply, lang)
    )


@router.get(
    "/lines/{account_id}/suggestions", response_model=list[SuggestionPublic], summary="Every suggestion of a line, newest first"
)
def list_suggestions(account_id: str, request: Request, caller: AnyCaller, lang: Locale) -> list[SuggestionPublic]:
    engine = request.app.state.engine
    with reading(engine) as conn:
        owner = service.line_owner(conn, account_id)
    ensure_line_access(caller, owner, account_id)
    return [_public(suggestion, lang) for suggestion in service.suggestion_history(engine, account_id)]


@router.get(
    "/suggestions/priority",
    response_model=list[PriorityPublic],
    summary="Customers ranked by predicted need for a limit change, for outreach",
)
def priority(
    request: Request,
    caller: StaffCaller,
    limit: Annotated[int, Query(ge=1, le=1000, description="Customers to return, 1 to 1000")] = 100,
) -> list[PriorityPublic]:
    settings = request.app.state.settings
    items = service.prioritise(
        request.app.state.engine,
        request.app.state.clock.now(),
        limit,
        zone=settings.zone,
        policy=active_policy(settings),
    )
    return [
        PriorityPublic(
            customer_id=item.customer_id,
            account_id=item.account_id,
            direction=str(item.direction),
            need_score=item.need_score,
            predicted_utilisation=item.predicted_utilisation,
            pressing_probability=item.pressing_probability,
            falling_probability=item.falling_probability,
        )
        for item in items
    ]
