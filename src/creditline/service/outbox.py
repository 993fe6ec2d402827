"""The notice outbox as the lender's messaging system reads it: pages by cursor and per-consumer cursors.

Notices are read in outbox order: by the id of the transaction that wrote them
(``notices.xact_id``), then by notice id. A consumer reads the notices after its cursor,
sends them, and acknowledges the cursor of the last one it sent. The acknowledged cursor
only moves forward, so an acknowledgement that arrives late or twice changes nothing.

Why not notice ids alone: they come from an autoincrement column. On PostgreSQL a
transaction can take a lower id and commit after a transaction with a higher id, and its
notice would then appear behind a cursor that already passed it. So on PostgreSQL a read
returns only notices whose writing transaction is below the xmin of the reading
statement's snapshot (``pg_snapshot_xmin(pg_current_snapshot())``). Every transaction
below xmin has ended, and a transaction that writes later gets an id at or above xmin, so
no notice can later appear before a position that was handed out. SQLite serialises
writers, so notice ids follow commit order there. Its ``xact_id`` is 0 for every notice
and the order is the notice id alone, with the same cursor format.

NOTE: on PostgreSQL every open transaction that was assigned an id keeps xmin at or below
that id, whatever it writes and in whichever database of the server, because transaction
ids are server-wide. Notices written after it got its id are delivered only once it has
ended, so a long transaction delays the outbox for its whole duration.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, tuple_, update
from sqlalchemy.sql.elements import ColumnElement

from creditline.errors import InvalidInput
from creditline.store.db import insert_if_absent
from creditline.store.tables import notices, outbox_cursors
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

MAX_PAGE = 500
# Upper bounds of the two parts of a cursor: BIGINT for the notice id, and the same for the
# transaction id, so that it binds as an integer on SQLite too. An xid8 above 2**63 - 1
# would need 2**31 wraparounds of PostgreSQL's 32-bit transaction counter.
MAX_XACT_ID = 2**63 - 1
MAX_NOTICE_ID = 2**63 - 1
_CURSOR_PATTERN = re.compile(r"([0-9]{1,19})-([0-9]{1,19})")
# Maximum number of characters of a rejected cursor that an error message repeats.
_SHOWN_CURSOR_CHARS = 64


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """A place in outbox order: the writing transaction's id, then the notice id.

    ``Position(0, 0)`` is the start, before every notice.
    """

    xact_id: int
    notice_id: int

    def cursor(self) -> str:
        """Return the opaque cursor string the API hands out for this position."""
        return f"{self.xact_id}-{self.notice_id}"


START = Position(0, 0)


def parse_cursor(text: str) -> Position:
    """Read a cursor string that :meth:`Position.cursor` produced.

    Raises
    ------
    InvalidInput
        When ``text`` is not two decimal numbers joined by "-" within the id ranges.
    """
    match = _CURSOR_PATTERN.fullmatch(text)
    if match is None or int(match[1]) > MAX_XACT_ID or int(match[2]) > MAX_NOTICE_ID:
        shown = text if len(text) <= _SHOWN_CURSOR_CHARS else text[:_SHOWN_CURSOR_CHARS] + "…"
        raise InvalidInput("access.outbox.cursor_invalid", cursor=shown)
    return Position(int(match[1]), int(match[2]))


@dataclass(frozen=True, slots=True)
class Notice:
    """One customer notice with its texts in both languages and its place in the outbox."""

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
    position: Position


@dataclass(frozen=True, slots=True)
class Cursor:
    """How far a consumer has acknowledged, at :data:`START` before its first acknowledgement."""

    consumer: str
    position: Position
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
        position=Position(row.xact_id, row.notice_id),
    )


# A notice's place in outbox order, and a position bound with the same column types.
_NOTICE_POSITION = tuple_(notices.c.xact_id, notices.c.notice_id)


def _bound_position(position: Position) -> ColumnElement[Any]:
    return tuple_(position.xact_id, position.notice_id, types=(notices.c.xact_id.type, notices.c.notice_id.type))


def _delivered_condition(conn: Connection) -> ColumnElement[bool] | None:
    """Return the condition that a notice's writing transaction has ended, or None when all have.

    The condition is evaluated with the statement's own snapshot, so it agrees with the
    rows that statement reads.
    """
    if conn.dialect.name != "postgresql":
        return None
    return notices.c.xact_id < func.pg_snapshot_xmin(func.pg_current_snapshot())


def read_notices(conn: Connection, after: Position, limit: int) -> list[Notice]:
    """Return up to ``limit`` (1 to 500) notices after ``after`` in outbox order."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("access.outbox.limit_invalid", limit=limit, maximum=MAX_PAGE)
    query = (
        select(notices)
        .where(_NOTICE_POSITION > _bound_position(after))
        .order_by(notices.c.xact_id, notices.c.notice_id)
        .limit(limit)
    )
    delivered = _delivered_condition(conn)
    if delivered is not None:
        query = query.where(delivered)
    return [_notice(row) for row in conn.execute(query)]


def read_cursor(conn: Connection, consumer: str) -> Cursor:
    row = conn.execute(select(outbox_cursors).where(outbox_cursors.c.consumer == consumer)).first()
    if row is None:
        return Cursor(consumer=consumer, position=START, updated_at=None)
    position = Position(row.acknowledged_xact_id, row.acknowledged_notice_id)
    return Cursor(consumer=consumer, position=position, updated_at=row.updated_at)


def acknowledge(engine: Engine, consumer: str, target: Position | int, now: datetime) -> Cursor:
    """Move ``consumer``'s cursor forward to ``target``; an earlier position leaves it where it is.

    ``target`` is a position from a cursor string, or a notice id, which names the same
    position as that notice's cursor. Notices up to the new position that no consumer
    acknowledged before get ``acknowledged_at``.

    Raises
    ------
    InvalidInput
        When ``target`` is neither the start nor a notice that a read could have returned,
        because a cursor ahead of what was delivered would skip notices.
    """
    with transaction(engine) as conn:
        position = _delivered_position(conn, target)
        # A consumer's first acknowledgement inserts its cursor; two first acknowledgements
        # at once do not collide, because the second waits and then finds the row.
        first = conn.execute(
            insert_if_absent(outbox_cursors, conn.dialect.name).returning(outbox_cursors.c.consumer),
            {
                "consumer": consumer,
                "acknowledged_xact_id": position.xact_id,
                "acknowledged_notice_id": position.notice_id,
                "updated_at": now,
            },
        ).first()
        if first is None:
            current = _lock_cursor(conn, consumer)
            if current is not None and not position > current:
                return read_cursor(conn, consumer)
            conn.execute(
                update(outbox_cursors)
                .where(outbox_cursors.c.consumer == consumer)
                .values(
                    acknowledged_xact_id=position.xact_id,
                    acknowledged_notice_id=position.notice_id,
                    updated_at=now,
                )
            )
        conn.execute(
            update(notices)
            .where(
                _NOTICE_POSITION <= _bound_position(position),
                notices.c.acknowledged_at.is_(None),
            )
            .values(acknowledged_at=now)
        )
        logger.info("outbox consumer %s acknowledged up to cursor %s", consumer, position.cursor())
        return read_cursor(conn, consumer)


def _delivered_position(conn: Connection, target: Position | int) -> Position:
    """Return the position of ``target`` after checking that a read could have returned it."""
    if target == START or target == 0:
        return START
    notice_id = target.notice_id if isinstance(target, Position) else target
    query = select(notices.c.xact_id).where(notices.c.notice_id == notice_id)
    delivered = _delivered_condition(conn)
    if delivered is not None:
        query = query.where(delivered)
    xact_id = conn.scalar(query)
    if isinstance(target, Position):
        if xact_id is None or xact_id != target.xact_id:
            raise InvalidInput("access.outbox.ack_cursor_unknown", cursor=target.cursor())
    elif xact_id is None:
        raise InvalidInput("access.outbox.ack_notice_unknown", notice_id=target)
    return Position(xact_id, notice_id)


def _lock_cursor(conn: Connection, consumer: str) -> Position | None:
    query = select(outbox_cursors.c.acknowledged_xact_id, outbox_cursors.c.acknowledged_notice_id).where(
        outbox_cursors.c.consumer == consumer
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return Position(row.acknowledged_xact_id, row.acknowledged_notice_id) if row is not None else None
