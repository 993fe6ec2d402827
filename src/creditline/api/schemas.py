"""Public API schemas, one class per role. Amounts are decimal strings in major units."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field


class LinePublic(BaseModel):
    account_id: str
    customer_id: str
    product: str
    currency: str
    approved_limit: str = Field(description="授信额度 approved limit, major units, e.g. '20000.00'")
    temporary_limit: str = Field(description="临时额度 still in force now (0 once expired)")
    temporary_expires_at: datetime | None
    customer_cap: str | None = Field(description="自设上限 set by the customer, if any")
    effective_limit: str = Field(description="min(approved + unexpired temporary, customer cap)")
    outstanding: str = Field(description="已用额度 balance owed, mirrored from the core system")
    available: str = Field(description="可用额度: 0 when frozen, else max(0, effective - outstanding)")
    customer_frozen: bool
    risk_frozen: bool
    increase_preference: str
    version: int
    updated_at: datetime


class ReasonPublic(BaseModel):
    code: str
    text: str


class AdjustmentPublic(BaseModel):
    adjustment_id: str
    account_id: str
    channel: str
    direction: str
    currency: str
    old_limit: str
    new_limit: str
    reasons: list[ReasonPublic]
    policy_version: str | None
    model_version: str | None
    batch_id: str | None
    decided_by: str
    decided_at: datetime
    inputs: dict[str, Any]


class LedgerEventPublic(BaseModel):
    id: int
    seq: int
    event_type: str
    occurred_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str


class BatchSummaryPublic(BaseModel):
    lines: int
    currency: str
    increases: int
    increase_amount: str
    decreases: int
    decrease_amount: str
    unchanged: int
    offers: int
    errors: int
    top_reasons: list[dict[str, Any]]


class BatchPublic(BaseModel):
    batch_id: str
    status: str
    created_at: datetime
    proposed_by: str
    approved_by: str | None
    approved_at: datetime | None
    applied_at: datetime | None
    as_of_month: date | None
    policy_version: str
    model_version: str
    summary: BatchSummaryPublic


class BatchItemPublic(BaseModel):
    account_id: str
    currency: str
    old_limit: str
    proposed_limit: str
    direction: str
    offer_only: bool
    risk_band: str | None
    score: float | None
    pd: float | None
    reasons: list[ReasonPublic]
    inputs: dict[str, Any]
    status: str
    adjustment_id: str | None


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """A page of results; pass ``next_cursor`` as ``after`` to read the next page."""

    items: list[T]
    next_cursor: str | None
