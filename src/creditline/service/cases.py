"""Human review (人工复核): a customer requests that a person look again at an automated decision.

A case moves open -> taken -> decided. The customer opens it on their own line for one
adjustment (channel review, risk or customer) or one customer request, with one open case
per decision. An officer takes it from the queue, and no other officer can take it then.
The officer who took it decides: "uphold" keeps the decision, "change" sets a new approved
limit through :func:`creditline.service.customer.officer_set_limit` (an adjustment with
channel "officer"). Each step stores who did it and when, and the decision sends the
customer a notice in Chinese and English.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from creditline.domain.adjustment import Channel
from creditline.errors import Conflict, InvalidInput, NotFound
from creditline.i18n import LOCALES, translate
from creditline.store.tables import adjustments, credit_lines, customer_requests, notices, review_cases
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

OFFICER_REASON = "C_OFFICER_DECISION"
MAX_COMMENT_LENGTH = 2000


class SubjectType(enum.StrEnum):
    ADJUSTMENT = "adjustment"
    REQUEST = "request"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    DECIDED = "decided"


class Decision(enum.StrEnum):
    UPHOLD = "uphold"
    CHANGE = "change"


@dataclass(frozen=True, slots=True)
class Case:
    """A review case; ``new_limit`` is in minor units of the line's currency."""

    case_id: str
    customer_id: str
    account_id: str
    subject_type: str
    subject_id: str
    status: str
    opened_by: str
    opened_at: datetime
    customer_comment: str
    taken_by: str | None
    taken_at: datetime | None
    decision: str | None
    decided_by: str | None
    decided_at: datetime | None
    officer_comment: str | None
    new_limit: int | None
    adjustment_id: str | None


def _case(row: Any) -> Case:
    return Case(**{name: getattr(row, name) for name in Case.__slots__})


def _check_comment(comment: str) -> None:
    if len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput("cases.comment_too_long", length=len(comment), maximum=MAX_COMMENT_LENGTH)


def _check_subject(conn: Connection, account_id: str, subject_type: SubjectType, subject_id: str) -> None:
    """Reject a subject that is not an automated decision on this line."""
    if subject_type is SubjectType.ADJUSTMENT:
        row = conn.execute(
            select(adjustments.c.channel).where(
                adjustments.c.adjustment_id == subject_id, adjustments.c.account_id == account_id
            )
        ).first()
        if row is None:
            raise NotFound(kind="adjustment", ident=subject_id)
        if row.channel == Channel.OFFICER:
            raise InvalidInput("cases.not_automated", subject_id=subject_id)
        return
    found = conn.scalar(
        select(customer_requests.c.request_id).where(
            customer_requests.c.request_id == subject_id, customer_requests.c.account_id == account_id
        )
    )
    if found is None:
        raise NotFound(kind="customer_request", ident=subject_id)


def open_case(
    engine: Engine,
    customer_id: str,
    account_id: str,
    subject_type: SubjectType,
    subject_id: str,
    comment: str,
    now: datetime,
) -> Case:
    """Open a review case for the customer's own line.

    Raises
    ------
    NotFound
        When the line is not the customer's (same message as a missing line) or the
        subject is not a decision on this line.
    InvalidInput
        When the subject is an officer's decision, which is already a human review.
    Conflict
        When the decision already has an open case.
    """
    _check_comment(comment)
    with transaction(engine) as conn:
        owner = conn.scalar(select(credit_lines.c.customer_id).where(credit_lines.c.account_id == account_id))
        if owner != customer_id:
            raise NotFound(kind="line", ident=account_id)
        _check_subject(conn, account_id, subject_type, subject_id)
        open_subject = f"{subject_type}:{subject_id}"
        if conn.scalar(select(review_cases.c.case_id).where(review_cases.c.open_subject == open_subject)):
            raise Conflict("cases.already_open", subject_id=subject_id)
        case_id = str(uuid.uuid4())
        values = {
            "case_id": case_id,
            "customer_id": customer_id,
            "account_id": account_id,
            "subject_type": str(subject_type),
            "subject_id": subject_id,
            "open_subject": open_subject,
            "status": str(CaseStatus.OPEN),
            "opened_by": customer_id,
            "opened_at": now,
            "customer_comment": comment,
        }
        try:
            with conn.begin_nested():
                conn.execute(insert(review_cases).values(**values))
        except IntegrityError:
            # A concurrent request opened the case between the check and the insert.
            raise Conflict("cases.already_open", subject_id=subject_id) from None
        logger.info("review case %s opened on line %s", case_id, account_id)
        return get_case(conn, case_id)


def get_case(conn: Connection, case_id: str) -> Case:
    row = conn.execute(select(review_cases).where(review_cases.c.case_id == case_id)).first()
    if row is None:
        raise NotFound(kind="review_case", ident=case_id)
    return _case(row)


def list_cases(
    conn: Connection,
    *,
    status: CaseStatus | None = None,
    account_id: str | None = None,
    limit: int = 100,
    after: str | None = None,
) -> list[Case]:
    """Return cases oldest first (the officer queue), optionally of one status or line.

    ``after`` is the case id of the previous page's last case.
    """
    query = select(review_cases).order_by(review_cases.c.opened_at, review_cases.c.case_id).limit(limit)
    if status is not None:
        query = query.where(review_cases.c.status == str(status))
    if account_id is not None:
        query = query.where(review_cases.c.account_id == account_id)
    if after is not None:
        previous = conn.execute(
            select(review_cases.c.opened_at, review_cases.c.case_id).where(review_cases.c.case_id == after)
        ).first()
        if previous is None:
            raise NotFound(kind="review_case", ident=after)
        query = query.where(
            (review_cases.c.opened_at > previous.opened_at)
            | ((review_cases.c.opened_at == previous.opened_at) & (review_cases.c.case_id > previous.case_id))
        )
    return [_case(row) for row in conn.execute(query)]


def _lock_case(conn: Connection, case_id: str) -> Case:
    query = select(review_cases).where(review_cases.c.case_id == case_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(kind="review_case", ident=case_id)
    return _case(row)


def take_case(engine: Engine, case_id: str, officer: str, now: datetime) -> Case:
    """Assign an open case to ``officer``; taking one's own case again changes nothing.

    Raises
    ------
    Conflict
        When another officer has taken the case, or it is already decided.
    """
    with transaction(engine) as conn:
        case = _lock_case(conn, case_id)
        if case.status == CaseStatus.TAKEN and case.taken_by == officer:
            return case
        if case.status == CaseStatus.TAKEN:
            raise Conflict("cases.taken_by_other", case_id=case_id, officer=case.taken_by)
        if case.status == CaseStatus.DECIDED:
            raise Conflict("cases.already_decided", case_id=case_id)
        # The status in WHERE makes the second of two racing officers update nothing.
        taken = conn.execute(
            update(review_cases)
            .where(review_cases.c.case_id == case_id, review_cases.c.status == str(CaseStatus.OPEN))
            .values(status=str(CaseStatus.TAKEN), taken_by=officer, taken_at=now)
        )
        if taken.rowcount != 1:
            raise Conflict("cases.taken_by_other", case_id=case_id, officer="?")
        logger.info("review case %s taken by %s", case_id, officer)
        return get_case(conn, case_id)


def decide_case(
    engine: Engine,
    case_id: str,
    officer: str,
    decision: Decision,
    comment: str,
    now: datetime,
    *,
    new_limit: int | None = None,
    reason_codes: Sequence[str] = (OFFICER_REASON,),
) -> Case:
    """Record the officer's decision and notify the customer, in one transaction.

    Parameters
    ----------
    new_limit
        The new approved limit in minor units; required for "change", rejected for "uphold".

    Raises
    ------
    Conflict
        When the case is not held by ``officer`` or is already decided.
    InvalidInput
        When ``new_limit`` does not fit the decision.
    """
    _check_comment(comment)
    if decision is Decision.CHANGE and new_limit is None:
        raise InvalidInput("cases.new_limit_missing")
    if decision is Decision.UPHOLD and new_limit is not None:
        raise InvalidInput("cases.new_limit_with_uphold")
    with transaction(engine) as conn:
        case = _lock_case(conn, case_id)
        if case.status == CaseStatus.DECIDED:
            raise Conflict("cases.already_decided", case_id=case_id)
        if case.status != CaseStatus.TAKEN or case.taken_by != officer:
            raise Conflict("cases.not_held", case_id=case_id)
        adjustment_id = None
        if decision is Decision.CHANGE:
            assert new_limit is not None
            adjustment_id = _change_limit(conn, case, officer, new_limit, list(reason_codes), comment, now)
        conn.execute(
            update(review_cases)
            .where(review_cases.c.case_id == case_id)
            .values(
                status=str(CaseStatus.DECIDED),
                open_subject=None,
                decision=str(decision),
                decided_by=officer,
                decided_at=now,
                officer_comment=comment,
                new_limit=new_limit,
                adjustment_id=adjustment_id,
            )
        )
        conn.execute(insert(notices).values(**_decision_notice(case, decision, comment, adjustment_id, now)))
        logger.info("review case %s decided by %s: %s", case_id, officer, decision)
        return get_case(conn, case_id)


def _change_limit(
    conn: Connection, case: Case, officer: str, new_limit: int, reason_codes: list[str], comment: str, now: datetime
) -> str | None:
    from creditline.service.customer import officer_set_limit

    decision = officer_set_limit(conn, case.account_id, new_limit, officer, reason_codes, comment, now, case_id=case.case_id)
    # An unchanged limit writes no adjustment.
    return decision.adjustment.adjustment_id if decision.adjustment is not None else None


def _decision_notice(case: Case, decision: Decision, comment: str, adjustment_id: str | None, now: datetime) -> dict[str, Any]:
    texts: dict[str, Any] = {}
    for locale in LOCALES:
        params = {"tail": case.account_id[-4:], "comment": comment or translate("cases.notice.no_comment", locale)}
        texts[f"title_{locale}"] = translate(f"cases.notice.{decision}.title", locale)
        texts[f"body_{locale}"] = translate(f"cases.notice.{decision}.body", locale, **params)
    return {
        "customer_id": case.customer_id,
        "account_id": case.account_id,
        "kind": f"review_{decision}",
        "adjustment_id": adjustment_id,
        "created_at": now,
        **texts,
    }
