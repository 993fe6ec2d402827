"""Human review (人工复核) endpoints: customers open cases, officers take and decide them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, Engine, select

from creditline.api.auth import STAFF_ROLES, Principal, Role, ensure_line_access, require_roles
from creditline.api.deps import clock, connection
from creditline.api.schemas import Page
from creditline.clock import Clock
from creditline.domain.money import format_amount, parse_amount
from creditline.errors import NotFound
from creditline.service import cases
from creditline.store.tables import credit_lines
from creditline.store.transactions import reading

router = APIRouter(prefix="/v1", tags=["human review"])

Conn = Annotated[Connection, Depends(connection)]
Now = Annotated[Clock, Depends(clock)]
Customer = Annotated[Principal, Depends(require_roles(Role.CUSTOMER))]
CaseReader = Annotated[Principal, Depends(require_roles(*sorted(STAFF_ROLES)))]
Officer = Annotated[Principal, Depends(require_roles(Role.OFFICER))]
LineReader = Annotated[Principal, Depends(require_roles(Role.CUSTOMER, *sorted(STAFF_ROLES)))]
Comment = Annotated[str, Field(max_length=cases.MAX_COMMENT_LENGTH)]


class CaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_type: Literal["adjustment", "request"] = Field(description="The decision to review: an adjustment or a limit request")
    subject_id: str = Field(min_length=1, max_length=64)
    comment: Comment = ""


class CaseDecide(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["uphold", "change"]
    new_limit: str | None = Field(default=None, description="New approved limit for 'change', major units, e.g. '15000.00'")
    comment: Comment


class CasePublic(BaseModel):
    case_id: str
    customer_id: str
    account_id: str
    subject_type: str
    subject_id: str
    status: str
    opened_by: str
    opened_at: datetime
    customer_comment: str
    taken_by: str | None
    taken_at: datetime | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    officer_comment: str | None
    new_limit: str | None = Field(description="Approved limit set by a 'change' decision, major units")
    adjustment_id: str | None


def engine_of(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


EngineDep = Annotated[Engine, Depends(engine_of)]


def _currency(conn: Connection, account_id: str) -> str:
    return str(conn.scalar(select(credit_lines.c.currency).where(credit_lines.c.account_id == account_id)) or "CNY")


def case_public(case: cases.Case, currency: str) -> CasePublic:
    fields = {name: getattr(case, name) for name in cases.Case.__slots__}
    fields["new_limit"] = format_amount(case.new_limit, currency) if case.new_limit is not None else None
    return CasePublic(**fields)


def _public(engine: Engine, case: cases.Case) -> CasePublic:
    with reading(engine) as conn:
        return case_public(case, _currency(conn, case.account_id))


@router.post("/lines/{account_id}/reviews", status_code=201, response_model=CasePublic, summary="Ask for a human review of a decision")
def open_review(account_id: str, body: CaseCreate, principal: Customer, engine: EngineDep, now: Now) -> CasePublic:
    case = cases.open_case(
        engine,
        principal.subject,
        account_id,
        cases.SubjectType(body.subject_type),
        body.subject_id,
        body.comment,
        now.now(),
    )
    return _public(engine, case)


@router.get("/lines/{account_id}/reviews", response_model=list[CasePublic], summary="Review cases of one line, oldest first")
def line_reviews(account_id: str, conn: Conn, principal: LineReader) -> list[CasePublic]:
    owner = conn.scalar(select(credit_lines.c.customer_id).where(credit_lines.c.account_id == account_id))
    if owner is None:
        raise NotFound(kind="line", ident=account_id)
    ensure_line_access(principal, owner, account_id)
    currency = _currency(conn, account_id)
    return [case_public(case, currency) for case in cases.list_cases(conn, account_id=account_id, limit=500)]


@router.get("/cases", response_model=Page[CasePublic], summary="The review queue, oldest first")
def list_cases(
    conn: Conn,
    _staff: CaseReader,
    status: Annotated[Literal["open", "taken", "decided"] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    after: Annotated[str | None, Query(description="Cursor: the next_cursor of the previous page")] = None,
) -> Page[CasePublic]:
    found = cases.list_cases(
        conn, status=cases.CaseStatus(status) if status else None, limit=limit + 1, after=after
    )
    page = found[:limit]
    cursor = page[-1].case_id if len(found) > limit else None
    return Page[CasePublic](items=[case_public(case, _currency(conn, case.account_id)) for case in page], next_cursor=cursor)


@router.get("/cases/{case_id}", response_model=CasePublic, summary="One review case")
def get_case(case_id: str, conn: Conn, _staff: CaseReader) -> CasePublic:
    case = cases.get_case(conn, case_id)
    return case_public(case, _currency(conn, case.account_id))


@router.post("/cases/{case_id}/take", response_model=CasePublic, summary="Take a case from the queue")
def take_case(case_id: str, principal: Officer, engine: EngineDep, now: Now) -> CasePublic:
    return _public(engine, cases.take_case(engine, case_id, principal.subject, now.now()))


@router.post("/cases/{case_id}/decide", response_model=CasePublic, summary="Uphold the decision or change the limit")
def decide_case(case_id: str, body: CaseDecide, principal: Officer, engine: EngineDep, now: Now) -> CasePublic:
    new_limit = None
    if body.new_limit is not None:
        with reading(engine) as conn:
            currency = _currency(conn, cases.get_case(conn, case_id).account_id)
        new_limit = parse_amount(body.new_limit, currency)
    case = cases.decide_case(
        engine, case_id, principal.subject, cases.Decision(body.decision), body.comment, now.now(), new_limit=new_limit
    )
    return _public(engine, case)
