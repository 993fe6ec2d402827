"""Customer self-service endpoints under /v1: limit requests, freeze, cap, alert, offers, consents, income.

Customers reach only their own lines and records, and another customer's line returns 404.
Staff roles are named per route. Actions listed in the policy's
``customer.require_strong_auth_for`` need a token with the strong-authentication flag.
Amounts are decimal strings in major units, parsed strictly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import Engine, bindparam, select
from starlette.concurrency import run_in_threadpool

from creditline.api.auth import Principal, Role, ensure_line_access, require_roles
from creditline.api.deps import locale
from creditline.api.schemas import ReasonPublic
from creditline.api.views import reasons
from creditline.domain.line import CreditLine
from creditline.domain.money import format_amount, parse_amount
from creditline.errors import Conflict, Forbidden, NotFound
from creditline.policy import Policy
from creditline.service import consents as consent_service
from creditline.service import customer as service
from creditline.service import income as income_service
from creditline.service import offers as offer_service
from creditline.service.flags import set_flag
from creditline.service.history import line_history
from creditline.service.lines import line_from_row
from creditline.service.policies import active_policy
from creditline.store.tables import credit_lines
from creditline.store.transactions import reading

router = APIRouter(prefix="/v1", tags=["customer"])

Locale = Annotated[str, Depends(locale)]
Customer = Annotated[Principal, Depends(require_roles(Role.CUSTOMER))]
CustomerOrStaff = Annotated[Principal, Depends(require_roles(Role.CUSTOMER, Role.OFFICER, Role.AUDITOR, Role.ADMIN))]
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER, Role.ADMIN))]
Admin = Annotated[Principal, Depends(require_roles(Role.ADMIN))]


# --- schemas ------------------------------------------------------------------------------------


class DecreaseCreate(BaseModel):
    new_limit: str = Field(description="New approved limit, major units, e.g. '8000.00'")


class IncreaseCreate(BaseModel):
    requested_limit: str = Field(description="Requested approved limit, major units")


class TemporaryLimitCreate(BaseModel):
    amount: str = Field(description="Temporary headroom, major units")
    expires_on: date = Field(description="Last day it counts, in the lender's time zone")


class CapCreate(BaseModel):
    cap: str = Field(description="Own ceiling below the approved limit, major units")


class AlertCreate(BaseModel):
    threshold: str | None = Field(description="Outstanding balance that triggers an alert; null turns it off")


class PreferenceUpdate(BaseModel):
    increase_preference: str = Field(description="auto, ask or never")


class BalanceUpdate(BaseModel):
    outstanding: str = Field(description="Balance owed from the core system, major units")


class ConsentCreate(BaseModel):
    category: str = Field(description="bureau, transactions, income or third_party")
    purpose: str


class IncomeCreate(BaseModel):
    monthly_income: str = Field(description="Declared monthly income, major units")
    evidence_ref: str


class IncomeReview(BaseModel):
    verified: bool
    comment: str = ""


class FlagUpdate(BaseModel):
    flag: str = Field(description="student")
    active: bool


class LineState(BaseModel):
    account_id: str
    currency: str
    approved_limit: str
    temporary_limit: str
    temporary_expires_at: datetime | None
    customer_cap: str | None
    pending_cap: str | None
    cap_change_at: datetime | None
    effective_limit: str
    outstanding: str
    available: str
    customer_frozen: bool
    customer_unfreeze_at: datetime | None
    risk_frozen: bool
    increase_preference: str
    alert_threshold: str | None
    version: int


class ChangePublic(BaseModel):
    action: str
    outcome: str | None
    request_id: str | None
    requested: str | None
    reasons: list[ReasonPublic]
    effective_at: datetime | None
    data_used: dict[str, Any]
    adjustment_id: str | None
    line: LineState


class OfferPublic(BaseModel):
    offer_id: str
    account_id: str
    old_limit: str
    offered_limit: str
    reasons: list[ReasonPublic]
    created_at: datetime
    expires_at: datetime
    status: str


class ConsentPublic(BaseModel):
    category: str
    active: bool
    purpose: str | None
    granted_at: datetime | None
    withdrawn_at: datetime | None
    source: str


class IncomePublic(BaseModel):
    declaration_id: str
    customer_id: str
    monthly_income: str
    evidence_ref: str
    declared_at: datetime
    status: str
    reviewed_by: str | None
    reviewed_at: datetime | None


class HistoryEntry(BaseModel):
    at: datetime
    kind: str
    channel: str | None
    decided_by: str | None
    old_limit: str | None
    new_limit: str | None
    reasons: list[ReasonPublic]
    data_used: dict[str, Any]
    seq: int | None
    subject_type: str | None = Field(description="With subject_id: the decision to name when asking for a human review")
    subject_id: str | None


# --- helpers ------------------------------------------------------------------------------------


def _money(minor: int | None, currency: str) -> str | None:
    return format_amount(minor, currency) if minor is not None else None


def line_state(line: CreditLine, now: datetime) -> LineState:
    """Return the line's stored and derived values at ``now``, amounts in major units."""
    money = lambda minor: format_amount(minor, line.currency)  # noqa: E731
    return LineState(
        account_id=line.account_id,
        currency=line.currency,
        approved_limit=money(line.approved_limit),
        temporary_limit=money(line.active_temporary_limit(now)),
        temporary_expires_at=line.temporary_expires_at if line.active_temporary_limit(now) else None,
        customer_cap=_money(line.customer_cap_at(now), line.currency),
        pending_cap=_money(line.pending_cap, line.currency) if line.cap_change_pending(now) else None,
        cap_change_at=line.cap_change_at if line.cap_change_pending(now) else None,
        effective_limit=money(line.effective_limit(now)),
        outstanding=money(line.outstanding),
        available=money(line.available(now)),
        customer_frozen=line.customer_frozen_at(now),
        customer_unfreeze_at=line.customer_unfreeze_at if line.customer_frozen_at(now) else None,
        risk_frozen=line.risk_frozen,
        increase_preference=str(line.increase_preference),
        alert_threshold=_money(line.alert_threshold, line.currency),
        version=line.version,
    )


def change_public(reply: service.LineReply, lang: str) -> ChangePublic:
    """Return the public reply of a customer line change, reasons in ``lang`` and amounts in major units."""
    return ChangePublic(
        action=reply.action,
        outcome=reply.outcome,
        request_id=reply.request_id,
        requested=_money(reply.requested, reply.line.currency),
        reasons=reasons(reply.reason_codes, lang),
        effective_at=reply.effective_at,
        data_used=reply.inputs,
        adjustment_id=reply.adjustment_id,
        line=line_state(reply.line, reply.at),
    )


class Context:
    """Application state every route needs: engine, clock, zone and policy."""

    def __init__(self, request: Request) -> None:
        app = request.app
        self.engine = app.state.engine
        self.clock = app.state.clock
        self.zone = app.state.settings.zone
        self.policy: Policy = active_policy(app.state.settings)


async def _context(request: Request) -> Context:
    # A coroutine, so FastAPI builds the context on the event loop and not in its thread pool.
    return Context(request)


Ctx = Annotated[Context, Depends(_context)]


_OWNER_AND_CURRENCY = select(credit_lines.c.customer_id, credit_lines.c.currency).where(
    credit_lines.c.account_id == bindparam("account_id")
)


def _line_for(ctx: Context, principal: Principal, account_id: str, *, decides: bool = True) -> Any:
    """Check that ``principal`` may reach the line and, when the route ``decides`` a change
    with the policy in force, that the policy is for the line's currency."""
    with reading(ctx.engine) as conn:
        row = conn.execute(_OWNER_AND_CURRENCY, {"account_id": account_id}).first()
    if row is None:
        raise NotFound(kind="line", ident=account_id)
    ensure_line_access(principal, row.customer_id, account_id)
    if decides and row.currency != ctx.policy.currency:
        # A misconfigured server, not a bad request: the amounts and bands would not fit the line.
        raise Conflict(
            "customer.error.policy_currency",
            account_id=account_id,
            line_currency=row.currency,
            policy=ctx.policy.version_tag,
            policy_currency=ctx.policy.currency,
        )
    return row


def _require_strong_auth(ctx: Context, principal: Principal, action: str) -> None:
    if action in ctx.policy.customer.require_strong_auth_for and not principal.strong_auth:
        raise Forbidden("customer.error.strong_auth", action_key=f"customer.action.{action}")


def _own_customer(principal: Principal, customer_id: str) -> None:
    if principal.role is Role.CUSTOMER and principal.subject != customer_id:
        raise NotFound(kind="customer", ident=customer_id)


# --- line actions -------------------------------------------------------------------------------


@router.post("/lines/{account_id}/decrease", response_model=ChangePublic, summary="Lower one's approved limit at once")
def decrease(account_id: str, body: DecreaseCreate, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "decrease")
    amount = parse_amount(body.new_limit, ctx.policy.currency)
    reply = service.request_decrease(ctx.engine, account_id, amount, principal.subject, ctx.clock, ctx.zone, ctx.policy)
    return change_public(reply, lang)


@router.post("/lines/{account_id}/increase", response_model=ChangePublic, summary="Ask for a higher limit, decided at once")
def increase(account_id: str, body: IncreaseCreate, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "increase")
    amount = parse_amount(body.requested_limit, ctx.policy.currency)
    reply = service.request_increase(ctx.engine, account_id, amount, principal.subject, ctx.clock, ctx.zone, ctx.policy)
    return change_public(reply, lang)


@router.post("/lines/{account_id}/temporary-limit", response_model=ChangePublic, summary="Ask for a temporary limit")
def temporary_limit(
    account_id: str, body: TemporaryLimitCreate, principal: Customer, ctx: Ctx, lang: Locale
) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "temporary_limit")
    amount = parse_amount(body.amount, ctx.policy.currency)
    reply = service.request_temporary_limit(
        ctx.engine, account_id, amount, body.expires_on, principal.subject, ctx.clock, ctx.zone, ctx.policy
    )
    return change_public(reply, lang)


@router.post("/lines/{account_id}/freeze", response_model=ChangePublic, summary="Freeze one's own line at once")
def freeze(account_id: str, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "freeze")
    return change_public(service.freeze(ctx.engine, account_id, principal.subject, ctx.clock, ctx.zone), lang)


@router.post("/lines/{account_id}/unfreeze", response_model=ChangePublic, summary="Lift one's own freeze after cooling-off")
def unfreeze(account_id: str, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "unfreeze")
    return change_public(service.unfreeze(ctx.engine, account_id, principal.subject, ctx.clock, ctx.zone, ctx.policy), lang)


@router.post("/lines/{account_id}/cap", response_model=ChangePublic, summary="Set one's own cap; a raise waits cooling-off")
def set_cap(account_id: str, body: CapCreate, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    cap = parse_amount(body.cap, ctx.policy.currency)
    with reading(ctx.engine) as conn:
        current = conn.scalar(select(credit_lines.c.customer_cap).where(credit_lines.c.account_id == account_id))
    # NOTE: the raise-or-lower test here reads the stored cap without a lock; the service
    # decides again under the lock, so a race can only ask for strong authentication needlessly.
    _require_strong_auth(ctx, principal, "cap_raise" if current is not None and cap > current else "cap_lower")
    reply = service.set_cap(ctx.engine, account_id, cap, principal.subject, ctx.clock, ctx.zone, ctx.policy)
    return change_public(reply, lang)


@router.post("/lines/{account_id}/cap/remove", response_model=ChangePublic, summary="Remove one's own cap after cooling-off")
def remove_cap(account_id: str, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "cap_remove")
    return change_public(service.remove_cap(ctx.engine, account_id, principal.subject, ctx.clock, ctx.zone, ctx.policy), lang)


@router.post("/lines/{account_id}/alert", response_model=ChangePublic, summary="Set or clear the over-spend alert")
def set_alert(account_id: str, body: AlertCreate, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "alert")
    threshold = parse_amount(body.threshold, ctx.policy.currency) if body.threshold is not None else None
    return change_public(service.set_alert(ctx.engine, account_id, threshold, principal.subject, ctx.clock, ctx.zone), lang)


@router.post("/lines/{account_id}/preference", response_model=ChangePublic, summary="Choose auto, ask or never")
def set_preference(account_id: str, body: PreferenceUpdate, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    _require_strong_auth(ctx, principal, "preference")
    reply = service.set_preference(
        ctx.engine, account_id, body.increase_preference, principal.subject, ctx.clock, ctx.zone
    )
    return change_public(reply, lang)


@router.post("/lines/{account_id}/balance", response_model=ChangePublic, summary="Mirror the balance from the core system")
def sync_balance(account_id: str, body: BalanceUpdate, principal: Admin, ctx: Ctx, lang: Locale) -> ChangePublic:
    _line_for(ctx, principal, account_id)
    amount = parse_amount(body.outstanding, ctx.policy.currency)
    return change_public(service.sync_balance(ctx.engine, account_id, amount, principal.subject, ctx.clock, ctx.zone), lang)


@router.get("/lines/{account_id}/state", response_model=LineState, summary="The line with pending changes, now")
async def state(account_id: str, principal: CustomerOrStaff, ctx: Ctx) -> LineState:
    # A frequent request: one thread-pool hand-off reads the whole line, which the
    # ownership check then uses as well.
    row = await run_in_threadpool(_read_line, ctx.engine, account_id)
    if row is None:
        raise NotFound(kind="line", ident=account_id)
    ensure_line_access(principal, row.customer_id, account_id)
    return line_state(line_from_row(row), ctx.clock.now())


def _read_line(engine: Engine, account_id: str) -> Any:
    with reading(engine) as conn:
        return conn.execute(select(credit_lines).where(credit_lines.c.account_id == account_id)).first()


@router.get("/lines/{account_id}/history", response_model=list[HistoryEntry], summary="Everything that happened to the line")
def history(account_id: str, principal: CustomerOrStaff, ctx: Ctx, lang: Locale) -> list[HistoryEntry]:
    _line_for(ctx, principal, account_id, decides=False)
    with reading(ctx.engine) as conn:
        entries = line_history(conn, account_id)
    return [
        HistoryEntry(
            at=entry.at, kind=entry.kind, channel=entry.channel, decided_by=entry.decided_by,
            old_limit=_money(entry.old_limit, entry.currency), new_limit=_money(entry.new_limit, entry.currency),
            reasons=reasons(entry.reason_codes, lang), data_used=entry.data_used, seq=entry.seq,
            subject_type=entry.subject_type, subject_id=entry.subject_id,
        )
        for entry in entries
    ]


# --- offers ---------------------------------------------------------------------------------------


def _offer(view: offer_service.OfferView, lang: str) -> OfferPublic:
    return OfferPublic(
        offer_id=view.offer_id, account_id=view.account_id, old_limit=format_amount(view.old_limit, view.currency),
        offered_limit=format_amount(view.offered_limit, view.currency), reasons=reasons(view.reason_codes, lang),
        created_at=view.created_at, expires_at=view.expires_at, status=view.status,
    )


@router.get("/lines/{account_id}/offers", response_model=list[OfferPublic], summary="Increase offers, newest first")
def list_offers(account_id: str, principal: CustomerOrStaff, ctx: Ctx, lang: Locale) -> list[OfferPublic]:
    _line_for(ctx, principal, account_id, decides=False)
    with reading(ctx.engine) as conn:
        views = offer_service.list_offers(conn, account_id, ctx.clock.now())
    return [_offer(view, lang) for view in views]


@router.post("/offers/{offer_id}/accept", response_model=ChangePublic, summary="Accept an open offer")
def accept_offer(offer_id: str, principal: Customer, ctx: Ctx, lang: Locale) -> ChangePublic:
    _require_strong_auth(ctx, principal, "offer_accept")
    reply = offer_service.accept_offer(
        ctx.engine, offer_id, principal.subject, ctx.clock, ctx.zone, ctx.policy, customer_id=principal.subject
    )
    return change_public(reply, lang)


# --- consents, income, flags ---------------------------------------------------------------------


def _consent(state: consent_service.ConsentState) -> ConsentPublic:
    return ConsentPublic(
        category=state.category, active=state.active, purpose=state.purpose, granted_at=state.granted_at,
        withdrawn_at=state.withdrawn_at, source=state.source,
    )


@router.get("/customers/{customer_id}/consents", response_model=list[ConsentPublic], summary="Consent by category")
def list_consents(customer_id: str, principal: CustomerOrStaff, ctx: Ctx) -> list[ConsentPublic]:
    _own_customer(principal, customer_id)
    with reading(ctx.engine) as conn:
        return [_consent(state) for state in consent_service.consent_states(conn, customer_id)]


@router.post("/customers/{customer_id}/consents", response_model=ConsentPublic, summary="Grant a consent")
def grant_consent(customer_id: str, body: ConsentCreate, principal: Customer, ctx: Ctx) -> ConsentPublic:
    _own_customer(principal, customer_id)
    return _consent(consent_service.grant_consent(ctx.engine, customer_id, body.category, body.purpose, ctx.clock))


@router.post("/customers/{customer_id}/consents/{category}/withdraw", response_model=ConsentPublic,
             summary="Withdraw a consent")
def withdraw_consent(customer_id: str, category: str, principal: Customer, ctx: Ctx) -> ConsentPublic:
    _own_customer(principal, customer_id)
    return _consent(consent_service.withdraw_consent(ctx.engine, customer_id, category, ctx.clock))


def _income(declaration: income_service.Declaration) -> IncomePublic:
    return IncomePublic(
        declaration_id=declaration.declaration_id, customer_id=declaration.customer_id,
        monthly_income=format_amount(declaration.monthly_income, declaration.currency),
        evidence_ref=declaration.evidence_ref, declared_at=declaration.declared_at, status=declaration.status,
        reviewed_by=declaration.reviewed_by, reviewed_at=declaration.reviewed_at,
    )


@router.post("/customers/{customer_id}/income", response_model=IncomePublic, summary="Declare monthly income")
def declare_income(customer_id: str, body: IncomeCreate, principal: Customer, ctx: Ctx) -> IncomePublic:
    _own_customer(principal, customer_id)
    amount = parse_amount(body.monthly_income, ctx.policy.currency)
    declaration = income_service.declare_income(
        ctx.engine, customer_id, amount, body.evidence_ref, ctx.policy.currency, ctx.clock
    )
    return _income(declaration)


@router.get("/customers/{customer_id}/income", response_model=list[IncomePublic], summary="Income declarations")
def list_income(customer_id: str, principal: CustomerOrStaff, ctx: Ctx) -> list[IncomePublic]:
    _own_customer(principal, customer_id)
    with reading(ctx.engine) as conn:
        return [_income(item) for item in income_service.list_declarations(conn, customer_id)]


@router.post("/income/{declaration_id}/verify", response_model=IncomePublic, summary="Verify or reject a declaration")
def verify_income(declaration_id: str, body: IncomeReview, principal: Officer, ctx: Ctx) -> IncomePublic:
    declaration = income_service.review_income(
        ctx.engine, declaration_id, principal.subject, body.verified, body.comment, ctx.clock
    )
    return _income(declaration)


@router.post("/customers/{customer_id}/flags", response_model=list[str], summary="Note or clear a customer flag")
def update_flag(customer_id: str, body: FlagUpdate, principal: Officer, ctx: Ctx) -> list[str]:
    return set_flag(ctx.engine, customer_id, body.flag, body.active, principal.subject, ctx.clock)
