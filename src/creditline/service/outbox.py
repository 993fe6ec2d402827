"""The notice outbox as the lender's messaging system reads it: pages by notice id and per-consumer cursors.

A consumer reads ``notice_id > after`` in id order, sends the notices, and acknowledges
the last one it sent. The cursor only moves forward, so an acknowledgement that arrives
late or twice changes nothing.

NOTE: notice ids come from an autoincrement column. On PostgreSQL, a transaction that
commits after a later-numbered one may add a notice below a cursor that already passed
it. Consumers that must see every notice should re-read a short window behind their cursor.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update

from creditline.errors import InvalidInput
from creditline.store.tables import notices, outbox_cursors

logger = logging.getLogger(__name__)

MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Notice:
    """One customer notice with its texts in both languages."""

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


@dataclass(frozen=True, slots=True)
class Cursor:
    """How far a consumer has acknowledged; 0 before its first acknowledgement."""

    consumer: str
    acknowledged_notice_id: int
    updated_at: datetime | None


def _notice(row: Any) -> Notice:
    return Notice(
        notice_id=row.notice_id,
        customer_id=row.customer_id,
        account_id=row.account_id,
        kind=row.kind,
        adjustment_id=row.adjustment_id,
        title_zh=row.title_zh,
        body_zh=row.body_zh,
        title_en=row.title_en,
        body_en=row.body_en,
        created_at=row.created_at,
    )


def read_notices(conn: Connection, after: int, limit: int) -> list[Notice]:
    """Return up to ``limit`` (1 to 500) notices with ids greater than ``after``, oldest first."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("access.outbox.limit_invalid", limit=limit, maximum=MAX_PAGE)
    rows = conn.execute(
        select(notices).where(notices.c.notice_id > after).order_by(notices.c.notice_id).limit(limit)
    ).all()
    return [_notice(row) for row in rows]


def read_cursor(conn: Connection, consumer: str) -> Cursor:
    row = conn.execute(select(outbox_cursors).where(outbox_cursors.c.consumer == consumer)).first()
    if row is None:
        return Cursor(consumer=consumer, acknowledged_notice_id=0, updated_at=None)
    return Cursor(consumer=consumer, acknowledged_notice_id=row.acknowledged_notice_id, updated_at=row.updated_at)


def acknowledge(engine: Engine, consumer: str, notice_id: int, now: datetime) -> Cursor:
    """Move ``consumer``'s cursor forward to ``notice_id``; a lower id leaves it where it is.

    Notices up to ``notice_id`` that no consumer acknowledged before get ``acknowledged_at``.

    Raises
    ------
    InvalidInput
        When ``notice_id`` is beyond the newest notice, because a cursor past the end
        would skip notices written later.
    """
    with engine.begin() as conn:
        newest = conn.scalar(select(func.max(notices.c.notice_id))) or 0
        if notice_id > newest:
            raise InvalidInput("access.outbox.ack_beyond_newest", notice_id=notice_id, newest=newest)
        current = _lock_cursor(conn, consumer)
        if current is None:
            conn.execute(
                insert(outbox_cursors).values(consumer=consumer, acknowledged_notice_id=notice_id, updated_at=now)
            )
        elif notice_id > current:
            conn.execute(
                update(outbox_cursors)
                .where(outbox_cursors.c.consumer == consumer)
                .values(acknowledged_notice_id=notice_id, updated_at=now)
            )
        else:
            return read_cursor(conn, consumer)
        conn.execute(
            update(notices)
            .where(notices.c.notice_id <= notice_id, notices.c.acknowledged_at.is_(None))
            .values(acknowledged_at=now)
        )
        logger.info("outbox consumer %s acknowledged up to notice %d", consumer, notice_id)
        return read_cursor(conn, consumer)


def _lock_cursor(conn: Connection, consumer: str) -> int | None:
    query = select(outbox_cursors.c.acknowledged_notice_id).where(outbox_cursors.c.consumer == consumer)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    value = conn.scalar(query)
    return int(value) if value is not None else None
