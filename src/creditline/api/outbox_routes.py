"""The notice outbox for the lender's messaging system: read by cursor, acknowledge forward.

Cursors are opaque strings (see :mod:`creditline.service.outbox` for the order they encode).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from creditline.api.auth import Principal, Role, require_roles
from creditline.api.deps import clock, connection
from creditline.clock import Clock
from creditline.errors import InvalidInput
from creditline.service import outbox
from creditline.service.outbox import MAX_NOTICE_ID

router = APIRouter(prefix="/v1/outbox", tags=["outbox"])

Conn = Annotated[Connection, Depends(connection)]
Reader = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]
ConsumerName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class NoticePublic(BaseModel):
    notice_id: int
    cursor: str = Field(
        description="Opaque place of this notice in outbox order: pass it as 'after' to read on, or acknowledge it"
    )
    customer_id: str
    account_id: str
    kind: str
    adjustment_id: str | None
    title_zh: str
    body_zh: str
    title_en: str
    body_en: str
    created_at: datetime


class NoticePage(BaseModel):
    items: list[NoticePublic]
    next_after: str = Field(
        description="Cursor to pass as 'after' to read on: the last item's, or 'after' when nothing is new"
    )


class AckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consumer: ConsumerName
    cursor: str | None = Field(default=None, description="Cursor of the last notice sent; send this or notice_id")
    notice_id: int | None = Field(
        default=None,
        ge=0,
        le=MAX_NOTICE_ID,
        description="Id of the last notice sent, naming the same place as its cursor",
    )


class CursorPublic(BaseModel):
    consumer: str
    acknowledged_notice_id: int = Field(description="Id of the last acknowledged notice; 0 before the first")
    cursor: str = Field(description="The acknowledged cursor: pass it as 'after' to read on from there")
    updated_at: datetime | None


def _cursor_public(cursor: outbox.Cursor) -> CursorPublic:
    return CursorPublic(
        consumer=cursor.consumer,
        acknowledged_notice_id=cursor.position.notice_id,
        cursor=cursor.position.cursor(),
        updated_at=cursor.updated_at,
    )


def _notice_public(notice: outbox.Notice) -> NoticePublic:
    return NoticePublic(
        notice_id=notice.notice_id,
        cursor=notice.position.cursor(),
        customer_id=notice.customer_id,
        account_id=notice.account_id,
        kind=notice.kind,
        adjustment_id=notice.adjustment_id,
        title_zh=notice.title_zh,
        body_zh=notice.body_zh,
        title_en=notice.title_en,
        body_en=notice.body_en,
        created_at=notice.created_at,
    )


@router.get("/notices", response_model=NoticePage, summary="Notices after a cursor, in outbox order, in zh and en")
def read_notices(
    conn: Conn,
    _reader: Reader,
    after: Annotated[
        str | None, Query(description="A cursor the API returned; leave it out to read from the start")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=outbox.MAX_PAGE)] = 100,
) -> NoticePage:
    position = outbox.parse_cursor(after) if after is not None else outbox.START
    found = outbox.read_notices(conn, position, limit)
    next_after = found[-1].position if found else position
    return NoticePage(items=[_notice_public(notice) for notice in found], next_after=next_after.cursor())


@router.post("/ack", response_model=CursorPublic, summary="Move a consumer's cursor forward")
def acknowledge(body: AckCreate, request: Request, _reader: Reader, now: Annotated[Clock, Depends(clock)]) -> CursorPublic:
    if (body.cursor is None) == (body.notice_id is None):
        raise InvalidInput("access.outbox.ack_target_invalid")
    target = outbox.parse_cursor(body.cursor) if body.cursor is not None else body.notice_id
    return _cursor_public(outbox.acknowledge(request.app.state.engine, body.consumer, target, now.now()))


@router.get("/cursor", response_model=CursorPublic, summary="Where a consumer's cursor is")
def read_cursor(conn: Conn, _reader: Reader, consumer: Annotated[str, Query(min_length=1, max_length=64)]) -> CursorPublic:
    return _cursor_public(outbox.read_cursor(conn, consumer))
