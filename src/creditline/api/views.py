"""Conversions from stored rows to public schemas."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from creditline.api.schemas import (
    AdjustmentPublic,
    BatchItemPublic,
    BatchPublic,
    BatchSummaryPublic,
    LedgerEventPublic,
    LinePublic,
    ReasonPublic,
)
from creditline.domain.money import format_amount
from creditline.domain.reasons import reason_text
from creditline.service.lines import line_from_row


def reasons(codes: list[str], locale: str) -> list[ReasonPublic]:
    return [ReasonPublic(code=code, text=reason_text(code, locale)) for code in codes]


def line_public(row: Any, now: datetime) -> LinePublic:
    line = line_from_row(row)
    money = lambda minor: format_amount(minor, line.currency)  # noqa: E731
    active_temporary = line.active_temporary_limit(now)
    return LinePublic(
        account_id=line.account_id,
        customer_id=line.customer_id,
        product=line.product,
        currency=line.currency,
        approved_limit=money(line.approved_limit),
        temporary_limit=money(active_temporary),
        temporary_expires_at=line.temporary_expires_at if active_temporary else None,
        # The cap and the customer's freeze as in force at ``now``: a scheduled cap change or
        # unfreeze takes effect at its time, as in the derived limit and available credit.
        customer_cap=money(cap) if (cap := line.customer_cap_at(now)) is not None else None,
        effective_limit=money(line.effective_limit(now)),
        outstanding=money(line.outstanding),
        available=money(line.available(now)),
        customer_frozen=line.customer_frozen_at(now),
        risk_frozen=line.risk_frozen,
        increase_preference=str(line.increase_preference),
        version=line.version,
        updated_at=row.updated_at,
    )


def adjustment_public(row: Any, locale: str) -> AdjustmentPublic:
    return AdjustmentPublic(
        adjustment_id=row.adjustment_id,
        account_id=row.account_id,
        channel=row.channel,
        direction=row.direction,
        currency=row.currency,
        old_limit=format_amount(row.old_limit, row.currency),
        new_limit=format_amount(row.new_limit, row.currency),
        reasons=reasons(list(row.reason_codes), locale),
        policy_version=row.policy_version,
        model_version=row.model_version,
        batch_id=row.batch_id,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        inputs=dict(row.inputs),
    )


def event_public(row: Any) -> LedgerEventPublic:
    return LedgerEventPublic(
        id=row.id,
        seq=row.seq,
        event_type=row.event_type,
        occurred_at=row.occurred_at,
        payload=json.loads(row.payload),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def batch_public(row: Any, locale: str) -> BatchPublic:
    summary = dict(row.summary)
    currency = summary.get("currency", "CNY")
    amount_currency = currency if currency != "mixed" else "CNY"
    return BatchPublic(
        batch_id=row.batch_id,
        status=row.status,
        created_at=row.created_at,
        proposed_by=row.proposed_by,
        approved_by=row.approved_by,
        approved_at=row.approved_at,
        applied_at=row.applied_at,
        as_of_month=row.as_of_month,
        policy_version=row.policy_version,
        model_version=row.model_version,
        summary=BatchSummaryPublic(
            lines=summary["lines"],
            currency=currency,
            increases=summary["increases"],
            increase_amount=format_amount(summary["increase_amount"], amount_currency),
            decreases=summary["decreases"],
            decrease_amount=format_amount(summary["decrease_amount"], amount_currency),
            unchanged=summary["unchanged"],
            offers=summary["offers"],
            errors=summary["errors"],
            top_reasons=[
                {"code": code, "text": reason_text(code, locale), "lines": count} for code, count in summary["top_reasons"]
            ],
        ),
    )


def item_public(row: Any, locale: str) -> BatchItemPublic:
    return BatchItemPublic(
        account_id=row.account_id,
        currency=row.currency,
        old_limit=format_amount(row.old_limit, row.currency),
        proposed_limit=format_amount(row.proposed_limit, row.currency),
        direction=row.direction,
        offer_only=row.offer_only,
        risk_band=row.risk_band,
        score=row.score,
        pd=row.pd,
        reasons=reasons(list(row.reason_codes), locale),
        inputs=dict(row.inputs),
        status=row.status,
        adjustment_id=row.adjustment_id,
    )
