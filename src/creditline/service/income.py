"""Income declarations: a customer declares, an officer verifies, and only then it counts."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, ScalarSelect, insert, select, update

from creditline.clock import Clock
from creditline.errors import Conflict, InvalidInput, NotFound
from creditline.store.tables import customers, income_declarations
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

DECLARED = "declared"
VERIFIED = "verified"
REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Declaration:
    """One income declaration; ``monthly_income`` in minor units of ``currency``."""

    declaration_id: str
    customer_id: str
    currency: str
    monthly_income: int
    evidence_ref: str
    declared_at: datetime
    status: str
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None


def _declaration(row: object) -> Declaration:
    return Declaration(**{name: getattr(row, name) for name in Declaration.__dataclass_fields__})


def declare_income(
    engine: Engine, customer_id: str, monthly_income: int, evidence_ref: str, currency: str, clock: Clock
) -> Declaration:
    """Record a customer's declared monthly income; it waits for an officer's verification."""
    if not evidence_ref.strip() or len(evidence_ref) > 200:
        raise InvalidInput("customer.error.evidence_ref")
    declaration_id = str(uuid.uuid4())
    with transaction(engine) as conn:
        if conn.scalar(select(customers.c.customer_id).where(customers.c.customer_id == customer_id)) is None:
            raise NotFound(kind="customer", ident=customer_id)
        conn.execute(
            insert(income_declarations).values(
                declaration_id=declaration_id, customer_id=customer_id, currency=currency,
                monthly_income=monthly_income, evidence_ref=evidence_ref.strip(), declared_at=clock.now(),
                status=DECLARED,
            )
        )
        row = conn.execute(select(income_declarations).where(income_declarations.c.declaration_id == declaration_id)).one()
    logger.info("income declared by %s (%s)", customer_id, declaration_id)
    return _declaration(row)


def review_income(
    engine: Engine, declaration_id: str, officer: str, verified: bool, comment: str, clock: Clock
) -> Declaration:
    """Record an officer's verification (or rejection) of a declaration.

    Raises
    ------
    NotFound
        When the declaration does not exist.
    Conflict
        When it was already reviewed.
    """
    with transaction(engine) as conn:
        row = conn.execute(
            select(income_declarations).where(income_declarations.c.declaration_id == declaration_id)
        ).first()
        if row is None:
            raise NotFound(kind="income_declaration", ident=declaration_id)
        if row.status != DECLARED:
            raise Conflict("customer.error.income_reviewed", declaration_id=declaration_id, status=row.status)
        conn.execute(
            update(income_declarations)
            .where(income_declarations.c.declaration_id == declaration_id, income_declarations.c.status == DECLARED)
            .values(status=VERIFIED if verified else REJECTED, reviewed_by=officer, reviewed_at=clock.now(),
                    review_comment=comment[:400])
        )
        row = conn.execute(select(income_declarations).where(income_declarations.c.declaration_id == declaration_id)).one()
    logger.info("income declaration %s reviewed: %s", declaration_id, row.status)
    return _declaration(row)


def list_declarations(conn: Connection, customer_id: str) -> list[Declaration]:
    rows = conn.execute(
        select(income_declarations)
        .where(income_declarations.c.customer_id == customer_id)
        .order_by(income_declarations.c.declared_at.desc())
    ).all()
    return [_declaration(row) for row in rows]


def usable_income(conn: Connection, customer_id: str) -> tuple[int | None, str | None]:
    """Return the monthly income decisions may use, minor units, and where it comes from.

    The newest verified declaration wins; without one, the income the lender imported
    with the customer. Declarations not yet verified never count. The caller checks the
    "income" consent.
    """
    verified = conn.scalar(select(newest_verified_income(customer_id)))
    if verified is not None:
        return choose_income(verified, None)
    imported = conn.scalar(select(customers.c.monthly_income).where(customers.c.customer_id == customer_id))
    return choose_income(None, imported)


def choose_income(verified: int | None, imported: int | None) -> tuple[int | None, str | None]:
    """Return the monthly income that counts and its source, given both candidates (see :func:`usable_income`)."""
    if verified is not None:
        return int(verified), "verified_declaration"
    if imported is not None:
        return int(imported), "lender_record"
    return None, None


def newest_verified_income(customer_id: Any) -> ScalarSelect[Any]:
    """Build a scalar subquery of the newest verified declared income of ``customer_id`` (a column or value)."""
    return (
        select(income_declarations.c.monthly_income)
        .where(income_declarations.c.customer_id == customer_id, income_declarations.c.status == VERIFIED)
        .order_by(income_declarations.c.reviewed_at.desc())
        .limit(1)
        .scalar_subquery()
    )
