"""Consent records: which categories of data a customer lets decisions use.

Categories are bureau, transactions, income and third_party. Each grant is a row with
its purpose and time; a withdrawal ends it. For a category with no record, the consents
imported with the customer (``customers.consents``, separated by ";") decide.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, case, exists, func, insert, literal_column, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect

from creditline.clock import Clock
from creditline.policy.customer_rules import CONSENT_CATEGORIES
from creditline.errors import Conflict, InvalidInput, NotFound
from creditline.store.tables import consents, customers
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConsentState:
    """One category's consent: active or not, and the record that says so (None when imported)."""

    category: str
    active: bool
    purpose: str | None
    granted_at: datetime | None
    withdrawn_at: datetime | None
    source: str  # "record" or "import"


def _check_category(category: str) -> None:
    if category not in CONSENT_CATEGORIES:
        raise InvalidInput("customer.error.consent_category", category=category, allowed=", ".join(CONSENT_CATEGORIES))


_CONSENT_RECORDS = (
    select(consents).where(consents.c.customer_id == bindparam("customer_id")).order_by(consents.c.granted_at)
)


def _imported(conn: Connection, customer_id: str) -> set[str]:
    text = conn.scalar(select(customers.c.consents).where(customers.c.customer_id == customer_id))
    if text is None:
        raise NotFound(kind="customer", ident=customer_id)
    return parse_imported(text)


def parse_imported(text: str) -> set[str]:
    """Return the categories in ``customers.consents`` (separated by ";")."""
    return {part.strip() for part in str(text).split(";") if part.strip()}


def consent_records(conn: Connection, customer_id: str) -> list[Any]:
    """Return the customer's ``consents`` rows, oldest grant first."""
    return list(conn.execute(_CONSENT_RECORDS, {"customer_id": customer_id}).all())


def consent_states(conn: Connection, customer_id: str) -> list[ConsentState]:
    """Return every category's consent state for ``customer_id``."""
    return states_from(_imported(conn, customer_id), consent_records(conn, customer_id))


def states_from(imported: set[str], rows: list[Any]) -> list[ConsentState]:
    """Return every category's consent state from the imported categories and the records, oldest first.

    The newest record of a category decides; a category without records is active when imported.
    """
    newest = {row.category: row for row in rows}
    states = []
    for category in CONSENT_CATEGORIES:
        row = newest.get(category)
        if row is None:
            states.append(ConsentState(category, category in imported, None, None, None, "import"))
        else:
            states.append(
                ConsentState(category, row.withdrawn_at is None, row.purpose, row.granted_at, row.withdrawn_at, "record")
            )
    return states


def newest_record_states(customer_id: ColumnElement[Any]) -> ScalarSelect[Any]:
    """Build a scalar subquery of the newest record's state per category of ``customer_id`` (a column).

    It yields text such as ``"income:active,bureau:withdrawn"`` (None without records),
    for :func:`active_from_states`, so that a decision reads consents in the same
    statement as the rest of its data.
    """
    newer = consents.alias("newer_consent")
    state = case((consents.c.withdrawn_at.is_(None), "active"), else_="withdrawn")
    return (
        select(func.aggregate_strings(consents.c.category + ":" + state, literal_column("','")))
        .where(
            consents.c.customer_id == customer_id,
            ~exists().where(
                newer.c.customer_id == consents.c.customer_id,
                newer.c.category == consents.c.category,
                newer.c.granted_at > consents.c.granted_at,
            ),
        )
        .scalar_subquery()
    )


def active_from_states(imported: set[str], states: str | None) -> set[str]:
    """Return the active categories from the imported ones and :func:`newest_record_states` text.

    A category with a record follows its newest record; two records granted at the same
    instant with different states count as withdrawn. Other categories follow the import.
    """
    recorded: dict[str, bool] = {}
    for part in (states or "").split(","):
        category, _, state = part.partition(":")
        if category:
            recorded[category] = recorded.get(category, True) and state == "active"
    return {
        category
        for category in CONSENT_CATEGORIES
        if recorded.get(category, category in imported)
    }


def active_categories(conn: Connection, customer_id: str) -> set[str]:
    """Return the categories a decision about ``customer_id`` may use now."""
    return {state.category for state in consent_states(conn, customer_id) if state.active}


def grant_consent(engine: Engine, customer_id: str, category: str, purpose: str, clock: Clock) -> ConsentState:
    """Record a consent; granting an active category again keeps the existing record."""
    _check_category(category)
    if not purpose.strip() or len(purpose) > 200:
        raise InvalidInput("customer.error.consent_purpose")
    with transaction(engine) as conn:
        current = {state.category: state for state in consent_states(conn, customer_id)}[category]
        if current.active and current.source == "record":
            return current
        conn.execute(
            insert(consents).values(
                consent_id=str(uuid.uuid4()), customer_id=customer_id, category=category,
                purpose=purpose.strip(), granted_at=clock.now(),
            )
        )
        state = {state.category: state for state in consent_states(conn, customer_id)}[category]
    logger.info("consent %s granted by %s", category, customer_id)
    return state


def withdraw_consent(engine: Engine, customer_id: str, category: str, clock: Clock) -> ConsentState:
    """Withdraw a category; later decisions no longer use its data.

    Raises
    ------
    Conflict
        When the category is not active.
    """
    _check_category(category)
    now = clock.now()
    with transaction(engine) as conn:
        current = {state.category: state for state in consent_states(conn, customer_id)}[category]
        if not current.active:
            raise Conflict("customer.error.consent_not_active", category=category)
        if current.source == "import":
            # An imported consent has no record to end, so the withdrawal is recorded as
            # a grant that ended at once.
            conn.execute(
                insert(consents).values(
                    consent_id=str(uuid.uuid4()), customer_id=customer_id, category=category,
                    purpose="imported", granted_at=now, withdrawn_at=now,
                )
            )
        else:
            conn.execute(
                update(consents)
                .where(consents.c.customer_id == customer_id, consents.c.category == category,
                       consents.c.withdrawn_at.is_(None))
                .values(withdrawn_at=now)
            )
        state = {state.category: state for state in consent_states(conn, customer_id)}[category]
    logger.info("consent %s withdrawn by %s", category, customer_id)
    return state
