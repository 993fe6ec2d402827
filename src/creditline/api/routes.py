"""Read endpoints for lines, adjustments, ledger history and review batches.

Customers read their own lines only: the list is filtered to them, and another customer's
line gets 404 as a missing one does. Staff (officer, auditor, admin) read every line,
adjustment and batch.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Connection, Engine, bindparam, select
from starlette.concurrency import run_in_threadpool

from creditline.api import views
from creditline.api.auth import STAFF_ROLES, Principal, Role, ensure_line_access, require_roles
from creditline.api.deps import clock, connection, locale
from creditline.api.schemas import (
    AdjustmentPublic,
    BatchItemPublic,
    BatchPublic,
    LedgerEventPublic,
    LinePublic,
    Page,
)
from creditline.clock import Clock
from creditline.errors import NotFound
from creditline.i18n import translate
from creditline.store.tables import adjustments, credit_lines, ledger_events, review_batches, review_items
from creditline.store.transactions import reading

router = APIRouter(prefix="/v1")

Conn = Annotated[Connection, Depends(connection)]
Locale = Annotated[str, Depends(locale)]
PageSize = Annotated[int, Query(ge=1, le=500, description="Rows per page, 1 to 500")]
After = Annotated[str | None, Query(description="Cursor: the next_cursor of the previous page")]
LineReader = Annotated[Principal, Depends(require_roles(Role.CUSTOMER, *sorted(STAFF_ROLES)))]
Staff = Annotated[Principal, Depends(require_roles(*sorted(STAFF_ROLES)))]


_SELECT_LINE = select(credit_lines).where(credit_lines.c.account_id == bindparam("account_id"))


def _get_line(conn: Connection, account_id: str, lang: str, principal: Principal) -> Any:
    row = conn.execute(_SELECT_LINE, {"account_id": account_id}).first()
    return _accessible_line(row, account_id, lang, principal)


def _accessible_line(row: Any, account_id: str, lang: str, principal: Principal) -> Any:
    if row is None:
        # The error renders its parameters as given, so the record kind is translated here.
        raise NotFound(kind=translate("kind.line", lang), ident=account_id)
    ensure_line_access(principal, row.customer_id, account_id)
    return row


def _read_line(engine: Engine, account_id: str) -> Any:
    with reading(engine) as conn:
        return conn.execute(_SELECT_LINE, {"account_id": account_id}).first()


@router.get("/lines", response_model=Page[LinePublic], tags=["lines"], summary="List credit lines")
def list_lines(
    conn: Conn,
    principal: LineReader,
    now_clock: Annotated[Clock, Depends(clock)],
    customer_id: str | None = None,
    limit: PageSize = 100,
    after: After = None,
) -> Page[LinePublic]:
    query = select(credit_lines).order_by(credit_lines.c.account_id).limit(limit + 1)
    if principal.role is Role.CUSTOMER:
        # A customer_id of someone else then matches nothing, so the page is empty.
        query = query.where(credit_lines.c.customer_id == principal.subject)
    if customer_id is not None:
        query = query.where(credit_lines.c.customer_id == customer_id)
    if after is not None:
        query = query.where(credit_lines.c.account_id > after)
    rows = conn.execute(query).all()
    now = now_clock.now()
    page = rows[:limit]
    cursor = page[-1].account_id if len(rows) > limit else None
    return Page[LinePublic](items=[views.line_public(row, now) for row in page], next_cursor=cursor)


@router.get("/lines/{account_id}", response_model=LinePublic, tags=["lines"], summary="One credit line with derived values")
async def get_line(
    account_id: str, request: Request, lang: Locale, principal: LineReader, now_clock: Annotated[Clock, Depends(clock)]
) -> LinePublic:
    # The most frequent request: a coroutine that makes one thread-pool hand-off for the
    # database read, where a sync route with a connection dependency makes four.
    row = await run_in_threadpool(_read_line, request.app.state.engine, account_id)
    return views.line_public(_accessible_line(row, account_id, lang, principal), now_clock.now())


@router.get(
    "/lines/{account_id}/adjustments",
    response_model=list[AdjustmentPublic],
    tags=["lines"],
    summary="Every adjustment of a line, newest first in the order the ledger recorded them",
)
def line_adjustments(account_id: str, conn: Conn, lang: Locale, principal: LineReader) -> list[AdjustmentPublic]:
    _get_line(conn, account_id, lang, principal)
    # Ledger order holds for adjustments decided in the same instant too. Rows that no ledger
    # event names have no ledger_seq and come last.
    rows = conn.execute(
        select(adjustments)
        .where(adjustments.c.account_id == account_id)
        .order_by(
            adjustments.c.ledger_seq.desc().nulls_last(), adjustments.c.decided_at.desc(), adjustments.c.adjustment_id
        )
    ).all()
    return [views.adjustment_public(row, lang) for row in rows]


@router.get(
    "/lines/{account_id}/events",
    response_model=list[LedgerEventPublic],
    tags=["lines"],
    summary="The line's ledger events in sequence order, with their hashes",
)
def line_events(account_id: str, conn: Conn, lang: Locale, principal: LineReader) -> list[LedgerEventPublic]:
    _get_line(conn, account_id, lang, principal)
    rows = conn.execute(
        select(ledger_events).where(ledger_events.c.stream_id == account_id).order_by(ledger_events.c.seq)
    ).all()
    return [views.event_public(row) for row in rows]


@router.get("/adjustments", response_model=Page[AdjustmentPublic], tags=["adjustments"], summary="List adjustments")
def list_adjustments(
    conn: Conn,
    lang: Locale,
    _staff: Staff,
    batch_id: str | None = None,
    channel: str | None = None,
    limit: PageSize = 100,
    after: After = None,
) -> Page[AdjustmentPublic]:
    query = select(adjustments).order_by(adjustments.c.adjustment_id).limit(limit + 1)
    if batch_id is not None:
        query = query.where(adjustments.c.batch_id == batch_id)
    if channel is not None:
        query = query.where(adjustments.c.channel == channel)
    if after is not None:
        query = query.where(adjustments.c.adjustment_id > after)
    rows = conn.execute(query).all()
    page = rows[:limit]
    cursor = page[-1].adjustment_id if len(rows) > limit else None
    return Page[AdjustmentPublic](items=[views.adjustment_public(row, lang) for row in page], next_cursor=cursor)


@router.get("/batches", response_model=list[BatchPublic], tags=["review"], summary="Review batches, newest first")
def list_batches(conn: Conn, lang: Locale, _staff: Staff, status: str | None = None) -> list[BatchPublic]:
    # batch_id breaks ties, so batches created in the same instant keep one order across requests.
    query = select(review_batches).order_by(review_batches.c.created_at.desc(), review_batches.c.batch_id)
    if status is not None:
        query = query.where(review_batches.c.status == status)
    return [views.batch_public(row, lang) for row in conn.execute(query)]


@router.get("/batches/{batch_id}", response_model=BatchPublic, tags=["review"], summary="One review batch")
def get_batch(batch_id: str, conn: Conn, lang: Locale, _staff: Staff) -> BatchPublic:
    return _get_batch(batch_id, conn, lang)


def _get_batch(batch_id: str, conn: Conn, lang: Locale) -> BatchPublic:
    row = conn.execute(select(review_batches).where(review_batches.c.batch_id == batch_id)).first()
    if row is None:
        raise NotFound(kind=translate("kind.batch", lang), ident=batch_id)
    return views.batch_public(row, lang)


@router.get(
    "/batches/{batch_id}/items",
    response_model=Page[BatchItemPublic],
    tags=["review"],
    summary="Proposals of a batch, one per line",
)
def batch_items(
    batch_id: str,
    conn: Conn,
    lang: Locale,
    _staff: Staff,
    direction: str | None = None,
    status: str | None = None,
    limit: PageSize = 100,
    after: After = None,
) -> Page[BatchItemPublic]:
    _get_batch(batch_id, conn, lang)
    query = (
        select(review_items)
        .where(review_items.c.batch_id == batch_id)
        .order_by(review_items.c.account_id)
        .limit(limit + 1)
    )
    if direction is not None:
        query = query.where(review_items.c.direction == direction)
    if status is not None:
        query = query.where(review_items.c.status == status)
    if after is not None:
        query = query.where(review_items.c.account_id > after)
    rows = conn.execute(query).all()
    page = rows[:limit]
    cursor = page[-1].account_id if len(rows) > limit else None
    return Page[BatchItemPublic](items=[views.item_public(row, lang) for row in page], next_cursor=cursor)
