"""Increase offers: a review increase for a customer who asked to be asked first.

The review writes an open offer; the customer accepts it (the limit changes through the
shared write path) or lets it expire. Expiry needs no job: an open offer past its
``expires_at`` reads as expired and can no longer be accepted.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select, update

from creditline.clock import Clock
from creditline.domain.adjustment import Channel
from creditline.domain.line import CreditLine
from creditline.domain.money import format_amount
from creditline.errors import Conflict, NotFound, PolicyViolation
from creditline.policy import Policy
from creditline.service.customer import LineReply, _blocking_reasons, _limit_change, _reason_list, _statement_rows
from creditline.service.customer import render_customer_notice
from creditline.service.lines import LineDecision, change_line, lock_line
from creditline.store.tables import offers
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

OPEN = "open"
ACCEPTED = "accepted"
EXPIRED = "expired"
REPLACED = "replaced"  # a later review made the line a new offer


def replace_open_offers(conn: Connection, account_ids: list[str]) -> int:
    """Close the open offers of ``account_ids`` as replaced, before a review makes them new ones.

    A customer then has one open offer per line to accept or let expire: the newest
    review's. Returns the number of offers replaced.
    """
    if not account_ids:
        return 0
    replaced = conn.execute(
        update(offers).where(offers.c.account_id.in_(account_ids), offers.c.status == OPEN).values(status=REPLACED)
    )
    return int(replaced.rowcount or 0)


@dataclass(frozen=True, slots=True)
class OfferView:
    """An offer with its status at the time it was read; amounts in minor units."""

    offer_id: str
    account_id: str
    customer_id: str
    currency: str
    old_limit: int
    offered_limit: int
    reason_codes: list[str]
    inputs: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    status: str
    accepted_at: datetime | None
    adjustment_id: str | None


def offer_row(item: Any, line: Any, batch: Any, now: datetime, valid_days: int) -> dict[str, Any]:
    """Return the ``offers`` row for a review item that may only be offered."""
    return {
        "offer_id": str(uuid.uuid4()),
        "account_id": line.account_id,
        "customer_id": line.customer_id,
        "batch_id": batch.batch_id,
        "currency": line.currency,
        "old_limit": line.approved_limit,
        "offered_limit": item.proposed_limit,
        "reason_codes": list(item.reason_codes),
        "inputs": dict(item.inputs),
        "policy_version": batch.policy_version,
        "model_version": batch.model_version,
        "created_at": now,
        "expires_at": now + timedelta(days=valid_days),
        "status": OPEN,
    }


def _view(row: Any, now: datetime) -> OfferView:
    status = EXPIRED if row.status == OPEN and now >= row.expires_at else row.status
    return OfferView(
        offer_id=row.offer_id, account_id=row.account_id, customer_id=row.customer_id, currency=row.currency,
        old_limit=row.old_limit, offered_limit=row.offered_limit, reason_codes=list(row.reason_codes),
        inputs=dict(row.inputs), created_at=row.created_at, expires_at=row.expires_at, status=status,
        accepted_at=row.accepted_at, adjustment_id=row.adjustment_id,
    )


def list_offers(conn: Connection, account_id: str, now: datetime) -> list[OfferView]:
    """Return a line's offers, newest first, with expired ones marked as such."""
    rows = conn.execute(
        select(offers).where(offers.c.account_id == account_id).order_by(offers.c.created_at.desc())
    ).all()
    return [_view(row, now) for row in rows]


def get_offer(conn: Connection, offer_id: str, now: datetime) -> OfferView:
    row = conn.execute(select(offers).where(offers.c.offer_id == offer_id)).first()
    if row is None:
        raise NotFound(kind="offer", ident=offer_id)
    return _view(row, now)


def accept_offer(
    engine: Engine, offer_id: str, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy,
    *, customer_id: str | None = None,
) -> LineReply:
    """Accept an open offer: the approved limit becomes the offered limit.

    ``customer_id``, when given, must own the offer (otherwise it reads as not found).

    Raises
    ------
    NotFound
        When the offer does not exist or belongs to another customer.
    Conflict
        When the offer is accepted or expired, or the line's limit changed since.
    PolicyViolation
        When a freeze or a vulnerability rule now stops any increase.
    """
    now = clock.now()
    with transaction(engine) as conn:
        offer = get_offer(conn, offer_id, now)
        if customer_id is not None and offer.customer_id != customer_id:
            raise NotFound(kind="offer", ident=offer_id)
        current = lock_line(conn, offer.account_id)
        if offer.status != OPEN:
            # The error renders the status in the caller's language from its catalogue key.
            raise Conflict("customer.error.offer_closed", offer_id=offer_id, status_key=f"customer.status.{offer.status}")
        if current.approved_limit != offer.old_limit:
            raise Conflict(
                "customer.error.offer_stale", offer_id=offer_id,
                old=format_amount(offer.old_limit, offer.currency), current=format_amount(current.approved_limit, current.currency),
            )
        blocking = _blocking_reasons(conn, current, policy, now, zone, _statement_rows(conn, offer.account_id))
        if blocking:
            raise PolicyViolation("customer.error.offer_blocked", reasons=_reason_list(blocking))
        reasons = list(dict.fromkeys([*offer.reason_codes, "C_OFFER_ACCEPTED"]))

        def decide(line: CreditLine, at: datetime) -> LineDecision:
            notice = render_customer_notice("offer_accepted", line, zone, old=line.approved_limit,
                                            new=offer.offered_limit, reasons=reasons)
            return _limit_change(
                line, at, offer.offered_limit, channel=Channel.REVIEW, decided_by=actor, reason_codes=reasons,
                notice=notice, inputs=offer.inputs, extra={"offer_id": offer_id}, batch_id=None,
            )

        decision = change_line(conn, offer.account_id, decide, now)
        adjustment_id = decision.adjustment.adjustment_id if decision.adjustment else None
        conn.execute(
            update(offers).where(offers.c.offer_id == offer_id, offers.c.status == OPEN)
            .values(status=ACCEPTED, accepted_at=now, adjustment_id=adjustment_id)
        )
    logger.info("offer %s accepted on %s", offer_id, offer.account_id, extra={"account_id": offer.account_id})
    return LineReply("offer_accept", decision.line, now, ACCEPTED, offer_id, offer.offered_limit, reasons,
                     inputs=offer.inputs, adjustment_id=adjustment_id)
