"""The notice outbox for the lender's messaging system: read by cursor, acknowledge forward."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection

from creditline.api.auth import Principal, Role, require_roles
from creditline.api.deps import clock, connection
from creditline.clock import Clock
from creditline.service import outbox

router = APIRouter(prefix="/v1/outbox", tags=["outbox"])

Conn = Annotated[Connection, Depends(connection)]
Reader = Annotated[Principal, Depends(require_roles(Role.SERVICE, Role.ADMIN))]
ConsumerName = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class NoticePublic(BaseModel):
    notice_id: int
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
    next_after: int = Field(description="Pass as 'after' to read on; equal to 'after' when nothing is new")


class AckCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consumer: ConsumerName
    notice_id: int = Field(ge=0)


class CursorPublic(BaseModel):
    consumer: str
    acknowledged_notice_id: int
    updated_at: datetime | None


def _cursor_public(cursor: outbox.Cursor) -> CursorPublic:
    return CursorPublic(
        consumer=cursor.consumer, acknowledged_notice_id=cursor.acknowledged_notice_id, updated_at=cursor.updated_at
    )


@router.get("/notices", response_model=NoticePage, summary="Notices after a notice id, oldest first, in zh and en")
def read_notices(
    conn: Conn,
    _reader: Reader,
    after: Annotated[int, Query(ge=0, description="Last notice id already read; 0 from the start")] = 0,
    limit: Annotated[int, Query(ge=1, le=outbox.MAX_PAGE)] = 100,
) -> NoticePage:
    found = outbox.read_notices(conn, after, limit)
    items = [NoticePublic(**{name: getattr(notice, name) for name in outbox.Notice.__slots__}) for notice in found]
    return NoticePage(items=items, next_after=found[-1].notice_id if found else after)


@router.post("/ack", response_model=CursorPublic, summary="Move a consumer's cursor forward")
def acknowledge(body: AckCreate, request: Request, _reader: Reader, now: Annotated[Clock, Depends(clock)]) -> CursorPublic:
    return _cursor_public(outbox.acknowledge(request.app.state.engine, body.consumer, body.notice_id, now.now()))


@router.get("/cursor", response_model=CursorPublic, summary="Where a consumer's cursor is")
def read_cursor(conn: Conn, _reader: Reader, consumer: Annotated[str, Query(min_length=1, max_length=64)]) -> CursorPublic:
    return _cursor_public(outbox.read_cursor(conn, consumer))
