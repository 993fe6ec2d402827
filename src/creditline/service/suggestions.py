"""Limit suggestions: one suggested range per customer and calendar month, and who needs one first.

A suggestion reads the line's last statements, the need-for-change model and the
policy's bounds, and, only for categories the customer consented to, income and the
credit bureau report. It is stored in ``suggestions``; asking again in the same calendar
month (in the lender's time zone) returns the stored one instead of a new one.

Preference "never" blocks unsolicited increases only. A customer who asks for a
suggestion (``requested=True``) sees an increase range too, because asking is consent to
the advice; the lender's own outreach (``requested=False``, and :func:`prioritise`) never
suggests an increase to them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Any

import polars as pl
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from creditline.clock import FixedClock
from creditline.domain.line import IncreasePreference
from creditline.domain.money import format_amount
from creditline.errors import Conflict, Forbidden, InvalidInput, ModelNotReady, NotFound, PolicyViolation
from creditline.policy import customer_rules
from creditline.policy.schema import Policy
from creditline.store import frames
from creditline.store.registry import champion_artifact
from creditline.store.tables import (
    bureau_reports,
    consents,
    credit_lines,
    customer_flags,
    customers,
    income_declarations,
    statements,
    suggestions,
)
from creditline.suggestion.advice import Advice, AdviceInputs, Direction, SuggestionRules, advise
from creditline.suggestion.features import WINDOW_MONTHS, StatementWindow, shift_month, statement_windows
from creditline.suggestion.model import ARTIFACT_KIND, UtilisationModel, load_shipped_model
from creditline.store.transactions import reading, transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A stored suggestion; amounts in minor units of ``currency``."""

    suggestion_id: str
    account_id: str
    customer_id: str
    period: str  # "YYYY-MM" in the lender's time zone
    requested: bool
    created_at: datetime
    currency: str
    current_limit: int
    direction: Direction
    range_low: int
    range_high: int
    predicted_utilisation: float | None
    pressing_probability: float | None
    falling_probability: float | None
    reason_codes: tuple[str, ...]
    inputs: dict[str, Any]  # figures used and the data sources read
    model_version: str | None
    policy_version: str
    status: str  # open | accepted
    accepted_at: datetime | None = None
    accepted_limit: int | None = None
    adjustment_id: str | None = None


@dataclass(frozen=True, slots=True)
class PriorityItem:
    """One customer to reach with a suggestion, with the model's view of their best line."""

    customer_id: str
    account_id: str
    direction: Direction  # the larger predicted need; not yet a suggested range
    need_score: float  # max of the pressing and falling probabilities
    predicted_utilisation: float
    pressing_probability: float
    falling_probability: float


def calendar_period(now: datetime, zone: tzinfo) -> str:
    """Return the calendar month of ``now`` in ``zone`` as "YYYY-MM"."""
    return now.astimezone(zone).strftime("%Y-%m")


def next_period_start(now: datetime, zone: tzinfo) -> date:
    """Return the first day of the next calendar month in ``zone``."""
    return shift_month(now.astimezone(zone).date().replace(day=1), 1)


def active_model(conn: Connection) -> UtilisationModel:
    """Return the champion utilisation model in the registry, else the shipped one."""
    try:
        return UtilisationModel.from_json(champion_artifact(conn, ARTIFACT_KIND))
    except ModelNotReady:
        return load_shipped_model()


def suggest(
    engine: Engine,
    account_id: str,
    customer_id: str,
    now: datetime,
    zone: tzinfo,
    policy: Policy,
    *,
    requested: bool = True,
) -> Suggestion:
    """Return this month's suggestion for the line, making and storing it on the first call.

    The thresholds of the range rule come from the policy's ``customer.suggestion`` section.

    Raises
    ------
    NotFound
        When the line does not exist or belongs to another customer (the same message).
    Conflict
        When the customer already had a suggestion this month for another line.
    """
    period = calendar_period(now, zone)
    rules = suggestion_rules(policy)
    with transaction(engine) as conn:
        line = _owned_line(conn, account_id, customer_id)
        existing = _suggestion_of_period(conn, customer_id, period)
        if existing is not None:
            return _existing_or_conflict(existing, account_id, now, zone)
        suggestion = _make_suggestion(conn, line, now, zone, policy, period, requested, rules)
        try:
            with conn.begin_nested():
                conn.execute(insert(suggestions).values(**_row_values(suggestion)))
        except IntegrityError:
            # A concurrent request of the same customer stored this month's suggestion first.
            stored = _suggestion_of_period(conn, customer_id, period)
            if stored is None:
                raise
            return _existing_or_conflict(stored, account_id, now, zone)
    logger.info(
        "suggestion %s for line %s: %s", suggestion.suggestion_id, account_id, suggestion.direction,
        extra={"account_id": account_id},
    )
    return suggestion


def suggestion_rules(policy: Policy) -> SuggestionRules:
    """Return the thresholds of the policy's ``customer.suggestion`` section for :func:`advise`."""
    section = policy.customer.suggestion
    return SuggestionRules(
        pressing_utilisation=float(section.pressing_utilisation),
        pressing_probability=float(section.pressing_probability),
        falling_probability=float(section.falling_probability),
        low_peak_utilisation=float(section.low_peak_utilisation),
        target_utilisation_high=section.target_utilisation_high,
        target_utilisation_low=section.target_utilisation_low,
        min_history_months=section.min_history_months,
        default_max_increase_fraction=section.default_max_increase_fraction,
    )


def suggestion_history(engine: Engine, account_id: str) -> list[Suggestion]:
    """Return every suggestion made for the line, newest first."""
    with reading(engine) as conn:
        rows = conn.execute(
            select(suggestions)
            .where(suggestions.c.account_id == account_id)
            .order_by(suggestions.c.created_at.desc(), suggestions.c.suggestion_id)
        ).all()
    return [_from_row(row) for row in rows]


def current_suggestion(conn: Connection, account_id: str, customer_id: str, now: datetime, zone: tzinfo) -> Suggestion:
    """Return this month's suggestion of the line.

    Raises
    ------
    NotFound
        When the line is not the customer's, or it has no suggestion this month.
    """
    _owned_line(conn, account_id, customer_id)
    stored = _suggestion_of_period(conn, customer_id, calendar_period(now, zone))
    if stored is None or stored.account_id != account_id:
        raise NotFound("suggestion.error.none_this_month", account_id=account_id)
    return stored


def line_owner(conn: Connection, account_id: str) -> str:
    """Return the customer id of a line, or raise NotFound."""
    owner = conn.scalar(select(credit_lines.c.customer_id).where(credit_lines.c.account_id == account_id))
    if owner is None:
        raise NotFound(kind="line", ident=account_id)
    return str(owner)


def line_currency(conn: Connection, account_id: str, customer_id: str) -> str:
    """Return the currency of the customer's line, or raise NotFound for anyone else's."""
    return str(_owned_line(conn, account_id, customer_id).currency)


def _existing_or_conflict(existing: Suggestion, account_id: str, now: datetime, zone: tzinfo) -> Suggestion:
    if existing.account_id == account_id:
        return existing
    raise Conflict(
        "suggestion.error.monthly_limit",
        account_id=existing.account_id,
        next_date=next_period_start(now, zone).isoformat(),
    )


def _owned_line(conn: Connection, account_id: str, customer_id: str) -> Any:
    row = conn.execute(select(credit_lines).where(credit_lines.c.account_id == account_id)).first()
    if row is None or row.customer_id != customer_id:
        raise NotFound(kind="line", ident=account_id)
    return row


def _suggestion_of_period(conn: Connection, customer_id: str, period: str) -> Suggestion | None:
    row = conn.execute(
        select(suggestions).where(suggestions.c.customer_id == customer_id, suggestions.c.period == period)
    ).first()
    return _from_row(row) if row is not None else None


# --- making one suggestion ------------------------------------------------------------------


def _make_suggestion(
    conn: Connection,
    line: Any,
    now: datetime,
    zone: tzinfo,
    policy: Policy,
    period: str,
    requested: bool,
    rules: SuggestionRules,
) -> Suggestion:
    model = active_model(conn)
    window = _line_window(conn, line, model.window_months)
    granted = _active_consents(conn, line.customer_id, now)
    sources = ["statements"]

    predicted = pressing = falling = None
    if window is not None and int(window.months_present[0]) >= rules.min_history_months:
        scores = model.predict(window)
        predicted = float(scores.utilisation[0])
        pressing = float(scores.pressing[0])
        falling = float(scores.falling[0])
        sources.append("model")

    blocks, block_sources = _increase_blocks(conn, line, window, now, zone, policy, requested, granted)
    sources.extend(source for source in block_sources if source not in sources)
    income_cap = None
    if "income" in granted and policy.income is not None:
        income = _verified_income(conn, line.customer_id)
        if income is not None:
            income_cap = int(income * policy.income.max_limit_to_monthly_income)
            sources.append("income")

    decision_ceiling, ceiling_reasons = _decision_ceiling(conn, line, policy, now, blocks)
    inputs = AdviceInputs(
        current_limit=line.approved_limit,
        outstanding=line.outstanding,
        bills=tuple(int(value) for value in window.bills[0]) if window is not None else (),
        paid=tuple(int(value) for value in window.paid[0]) if window is not None else (),
        months_present=int(window.months_present[0]) if window is not None else 0,
        predicted_utilisation=predicted,
        pressing_probability=pressing,
        falling_probability=falling,
        minimum_limit=policy.product.minimum_limit,
        maximum_limit=policy.product.maximum_limit,
        rounding_step=policy.product.rounding_step,
        decrease_step=policy.customer.decrease_step,
        regulatory_cap=policy.regulatory_cap_per_borrower,
        max_increase_fraction=policy.guardrails.max_increase_fraction,
        max_increase_amount=policy.guardrails.max_increase_amount,
        min_change_fraction=policy.guardrails.min_change_fraction,
        income_cap=income_cap,
        increase_blocks=tuple(blocks),
        decision_ceiling=decision_ceiling,
        decision_ceiling_reasons=ceiling_reasons,
    )
    advice = advise(inputs, rules)
    return _suggestion_from(advice, line, now, period, requested, policy, model, inputs, sources)


def _decision_ceiling(
    conn: Any, line: Any, policy: Policy, now: datetime, blocks: list[str]
) -> tuple[int | None, tuple[str, ...]]:
    """Return the limit an increase request would be granted now, or None when unknown.

    Blocked customers get no increase suggestion anyway, and a line without a scored
    profile has no ceiling to compare with; both return None.
    """
    if blocks:
        return None, ()
    from creditline.service.customer import increase_ceiling
    from creditline.service.lines import line_from_row

    domain_line = line if hasattr(line, "active_temporary_limit") else line_from_row(line)
    try:
        ceiling = increase_ceiling(conn, domain_line, policy, now)
    except (ModelNotReady, NotFound):
        return None, ()
    return ceiling.limit, tuple(ceiling.reason_codes)


def _suggestion_from(
    advice: Advice,
    line: Any,
    now: datetime,
    period: str,
    requested: bool,
    policy: Policy,
    model: UtilisationModel,
    inputs: AdviceInputs,
    sources: list[str],
) -> Suggestion:
    figures = {**advice.figures, "outstanding": line.outstanding}
    return Suggestion(
        suggestion_id=str(uuid.uuid4()),
        account_id=line.account_id,
        customer_id=line.customer_id,
        period=period,
        requested=requested,
        created_at=now,
        currency=line.currency,
        current_limit=line.approved_limit,
        direction=advice.direction,
        range_low=advice.low,
        range_high=advice.high,
        predicted_utilisation=inputs.predicted_utilisation,
        pressing_probability=inputs.pressing_probability,
        falling_probability=inputs.falling_probability,
        reason_codes=advice.reason_codes,
        inputs={"figures": figures, "sources": sources},
        model_version=model.version_ if "model" in sources else None,
        policy_version=f"{policy.id}@{policy.version}",
        status="open",
    )


def _line_window(conn: Connection, line: Any, months: int) -> StatementWindow | None:
    """Return the line's last ``months`` statement months ending at its newest statement."""
    rows = conn.execute(
        select(
            statements.c.account_id,
            statements.c.statement_month,
            statements.c.bill_amount,
            statements.c.paid_amount,
            statements.c.dpd,
        ).where(statements.c.account_id == line.account_id)
    ).all()
    if not rows:
        return None
    frame = pl.DataFrame(
        [tuple(row) for row in rows],
        schema={
            "account_id": pl.Utf8,
            "statement_month": pl.Date,
            "bill_amount": pl.Int64,
            "paid_amount": pl.Int64,
            "dpd": pl.Int64,
        },
        orient="row",
    )
    lines = pl.DataFrame({"account_id": [line.account_id], "approved_limit": [line.approved_limit]})
    newest = frame["statement_month"].max()
    return statement_windows(lines, frame, newest, months)  # type: ignore[arg-type]


def _active_consents(conn: Connection, customer_id: str, now: datetime) -> set[str]:
    """Return the consent categories in force at ``now``.

    The categories imported with the customer count until a consent record of the same
    category exists; then the newest record decides (withdrawn or not).
    """
    imported = conn.scalar(select(customers.c.consents).where(customers.c.customer_id == customer_id)) or ""
    granted = {part.strip() for part in imported.split(";") if part.strip()}
    rows = conn.execute(
        select(consents.c.category, consents.c.granted_at, consents.c.withdrawn_at)
        .where(consents.c.customer_id == customer_id, consents.c.granted_at <= now)
        .order_by(consents.c.granted_at)
    ).all()
    for row in rows:
        if row.withdrawn_at is not None and row.withdrawn_at <= now:
            granted.discard(row.category)
        else:
            granted.add(row.category)
    return granted


def _verified_income(conn: Connection, customer_id: str) -> int | None:
    """Return the newest officer-verified monthly income, else the lender's own record (minor units)."""
    verified = conn.scalar(
        select(income_declarations.c.monthly_income)
        .where(income_declarations.c.customer_id == customer_id, income_declarations.c.status == "verified")
        .order_by(income_declarations.c.reviewed_at.desc())
        .limit(1)
    )
    if verified is not None:
        return int(verified)
    recorded = conn.scalar(select(customers.c.monthly_income).where(customers.c.customer_id == customer_id))
    return int(recorded) if recorded is not None else None


def _increase_blocks(
    conn: Connection,
    line: Any,
    window: StatementWindow | None,
    now: datetime,
    zone: tzinfo,
    policy: Policy,
    requested: bool,
    granted: set[str],
) -> tuple[list[str], list[str]]:
    """Return the reason codes that rule out an increase, and the data sources read for them."""
    blocks: list[str] = []
    sources: list[str] = ["profile", "flags"]
    if line.risk_frozen:
        blocks.append("C_RISK_FROZEN")
    if not requested and line.increase_preference == IncreasePreference.NEVER:
        blocks.append("P_GUARD_OPT_OUT")

    rules = policy.customer.vulnerable
    birth_year = conn.scalar(select(customers.c.birth_year).where(customers.c.customer_id == line.customer_id))
    if birth_year is not None and now.astimezone(zone).year - birth_year < rules.min_age_for_increase:
        blocks.append("C_UNDER_AGE")
    if rules.block_students and _has_flag(conn, line.customer_id, "student", now):
        blocks.append("C_STUDENT")
    if window is not None:
        blocks.extend(vulnerability_codes(window, rules.persistent_debt_payment_ratio, rules.persistent_debt_months, rules.arrears_months)[0])

    if "bureau" in granted:
        enforcement = conn.scalar(
            select(bureau_reports.c.enforcement)
            .where(bureau_reports.c.customer_id == line.customer_id)
            .order_by(bureau_reports.c.report_date.desc())
            .limit(1)
        )
        if enforcement is not None:
            sources.append("bureau")
        if enforcement:
            blocks.append("S_BUREAU_ENFORCEMENT")
    return blocks, sources


def vulnerability_codes(
    window: StatementWindow, payment_ratio: Any, debt_months: int, arrears_months: int
) -> list[list[str]]:
    """Return, per line of ``window``, the financial-difficulty codes that block an increase.

    Persistent debt: less than ``payment_ratio`` of the bill paid in each of the last
    ``debt_months`` months that had a bill. Arrears: any days past due in the last
    ``arrears_months`` months of the window (the window may be shorter). A count of 0
    turns its test off.
    """
    # NOTE: this mirrors the policy's vulnerable-customer rule for the statements in the
    # window only; statements older than the window are not read.
    ratio = float(payment_ratio)
    codes: list[list[str]] = []
    for row in range(len(window.account_ids)):
        line_codes: list[str] = []
        billed = [(bill, paid) for bill, paid in zip(window.bills[row], window.paid[row], strict=True) if bill > 0]
        recent = billed[-debt_months:] if debt_months else []
        if debt_months and len(recent) >= debt_months and all(paid < ratio * bill for bill, paid in recent):
            line_codes.append("C_PERSISTENT_DEBT")
        if arrears_months and (window.dpd[row][-arrears_months:] > 0).any():
            line_codes.append("C_RECENT_ARREARS")
        codes.append(line_codes)
    return codes


def _has_flag(conn: Connection, customer_id: str, flag: str, now: datetime) -> bool:
    rows = conn.execute(
        select(customer_flags.c.cleared_at).where(
            customer_flags.c.customer_id == customer_id, customer_flags.c.flag == flag, customer_flags.c.noted_at <= now
        )
    ).all()
    return any(row.cleared_at is None or row.cleared_at > now for row in rows)


# --- rows -----------------------------------------------------------------------------------


def _row_values(suggestion: Suggestion) -> dict[str, Any]:
    values = {name: getattr(suggestion, name) for name in Suggestion.__dataclass_fields__}
    values["direction"] = str(suggestion.direction)
    values["reason_codes"] = list(suggestion.reason_codes)
    return values


def _from_row(row: Any) -> Suggestion:
    values = {name: getattr(row, name) for name in Suggestion.__dataclass_fields__}
    values["direction"] = Direction(row.direction)
    values["reason_codes"] = tuple(row.reason_codes)
    return Suggestion(**values)


# --- turning a suggestion into a request ----------------------------------------------------


# Request outcomes that changed the limit: an increase approved in full or in part, or a
# decrease, which is always honoured.
CHANGED_OUTCOMES = frozenset({customer_rules.APPROVED, customer_rules.PARTIAL, customer_rules.HONOURED})


@dataclass(frozen=True, slots=True)
class Acceptance:
    """The suggestion after an acceptance and the reply of the customer request it made.

    The suggestion stays open when the request was declined.
    """

    suggestion: Suggestion
    request_reply: Any


def chosen_limit(suggestion: Suggestion, new_limit: int | None) -> int:
    """Return the limit to request: ``new_limit`` if given, else the end of the range nearest the current limit.

    Raises
    ------
    PolicyViolation
        When the suggestion is to keep the limit.
    InvalidInput
        When ``new_limit`` is outside the suggested range.
    """
    if suggestion.direction is Direction.KEEP:
        raise PolicyViolation("suggestion.error.keep")
    if new_limit is None:
        return suggestion.range_low if suggestion.direction is Direction.INCREASE else suggestion.range_high
    if not suggestion.range_low <= new_limit <= suggestion.range_high:
        raise InvalidInput(
            "suggestion.error.out_of_range",
            amount=format_amount(new_limit, suggestion.currency),
            low=format_amount(suggestion.range_low, suggestion.currency),
            high=format_amount(suggestion.range_high, suggestion.currency),
        )
    return new_limit


def accept_suggestion(
    engine: Engine,
    account_id: str,
    customer_id: str,
    new_limit: int | None,
    now: datetime,
    zone: tzinfo,
    policy: Policy,
    *,
    request_change: Callable[[Suggestion, int], Any] | None = None,
    strong_auth: bool | None = None,
) -> Acceptance:
    """Turn this month's suggestion into the customer's own increase or decrease request.

    ``strong_auth`` is the caller's strong-authentication flag. When given, the policy's
    ``customer.require_strong_auth_for`` applies to the request exactly as on the
    increase and decrease endpoints, so accepting a suggestion is no way around it.

    ``request_change(suggestion, limit)`` makes the request and returns its reply, which
    has an ``outcome`` and an ``adjustment_id``; by default it is the customer
    self-service request of :mod:`creditline.service.customer`. The request decides on
    its own rules, so an increase may still be declined. The suggestion is marked
    accepted only when the request changed the limit; after a decline it stays open,
    and the declined request is kept in the line's request records.

    Raises
    ------
    NotFound
        When the line is not the customer's or has no suggestion this month.
    Conflict
        When the suggestion was already accepted.
    Forbidden
        When the request needs strong authentication and ``strong_auth`` is False.
    """
    with reading(engine) as conn:
        suggestion = current_suggestion(conn, account_id, customer_id, now, zone)
    action = "increase" if suggestion.direction is Direction.INCREASE else "decrease"
    if strong_auth is False and action in policy.customer.require_strong_auth_for:
        raise Forbidden("customer.error.strong_auth", action_key=f"customer.action.{action}")
    if suggestion.status == "accepted":
        when = suggestion.accepted_at.isoformat() if suggestion.accepted_at else "-"
        raise Conflict("suggestion.error.already_accepted", when=when)
    limit = chosen_limit(suggestion, new_limit)
    make_request = request_change or _customer_request(engine, now, zone, policy)
    reply = make_request(suggestion, limit)
    outcome = getattr(reply, "outcome", None)
    if outcome not in CHANGED_OUTCOMES:
        logger.info(
            "suggestion %s stays open: its request on line %s was %s",
            suggestion.suggestion_id, account_id, outcome, extra={"account_id": account_id},
        )
        return Acceptance(suggestion=suggestion, request_reply=reply)

    adjustment_id = getattr(reply, "adjustment_id", None)
    # After a partial approval the line got less than was asked; record what it got.
    granted_line = getattr(reply, "line", None)
    limit = getattr(granted_line, "approved_limit", limit)
    with transaction(engine) as conn:
        written = conn.execute(
            update(suggestions)
            .where(suggestions.c.suggestion_id == suggestion.suggestion_id, suggestions.c.status == "open")
            .values(status="accepted", accepted_at=now, accepted_limit=limit, adjustment_id=adjustment_id)
        )
    if written.rowcount != 1:
        raise Conflict("suggestion.error.already_accepted", when="-")
    logger.info("suggestion %s accepted for line %s", suggestion.suggestion_id, account_id, extra={"account_id": account_id})
    accepted = replace(suggestion, status="accepted", accepted_at=now, accepted_limit=limit, adjustment_id=adjustment_id)
    return Acceptance(suggestion=accepted, request_reply=reply)


def _customer_request(engine: Engine, now: datetime, zone: tzinfo, policy: Policy) -> Callable[[Suggestion, int], Any]:
    """Return the self-service request function for a suggestion's direction.

    The self-service module is looked up at call time. When it or its request function
    is missing, the acceptance is rejected with a message that points to the limit page.
    """

    def request(suggestion: Suggestion, limit: int) -> Any:
        try:
            from creditline.service import customer as self_service
        except ImportError:
            raise Conflict("suggestion.error.request_unavailable") from None
        name = "request_increase" if suggestion.direction is Direction.INCREASE else "request_decrease"
        function = getattr(self_service, name, None)
        if function is None:
            raise Conflict("suggestion.error.request_unavailable")
        # The self-service functions read the time from a clock, so this one is fixed at ``now``.
        return function(engine, suggestion.account_id, limit, suggestion.customer_id, FixedClock(now), zone, policy)

    return request


# --- who needs a suggestion first -------------------------------------------------------------


def prioritise(
    engine: Engine,
    now: datetime,
    limit: int,
    *,
    zone: tzinfo,
    policy: Policy,
) -> list[PriorityItem]:
    """Rank customers by the model's predicted need for a limit change, most pressing first.

    One line per customer (the one with the highest need). Customers who already had a
    suggestion this month are left out. An increase need does not count for a customer
    whose preference is "never", who is below the policy's age for increases, or whose
    window shows persistent debt or arrears. Their decrease need still counts. Lines with
    fewer statement months than the policy's ``customer.suggestion.min_history_months``
    are left out.
    """
    with reading(engine) as conn:
        lines = frames.load_lines(conn)
        all_statements = frames.load_statements(conn)
        birth_years = frames.load_customers(conn).select("customer_id", "birth_year")
        served = set(
            conn.scalars(select(suggestions.c.customer_id).where(suggestions.c.period == calendar_period(now, zone)))
        )
        model = active_model(conn)
    if lines.is_empty() or all_statements.is_empty():
        return []
    newest = all_statements["statement_month"].max()
    window = statement_windows(lines, all_statements, newest, model.window_months)  # type: ignore[arg-type]
    scores = model.predict(window)
    rules = policy.customer.vulnerable
    difficulty = vulnerability_codes(
        window, rules.persistent_debt_payment_ratio, rules.persistent_debt_months, rules.arrears_months
    )
    frame = (
        pl.DataFrame(
            {
                "account_id": list(window.account_ids),
                "months": window.months_present,
                "utilisation": scores.utilisation,
                "pressing": scores.pressing,
                "falling": scores.falling,
                "difficulty": [bool(codes) for codes in difficulty],
            }
        )
        .join(lines.select("account_id", "customer_id", "increase_preference"), on="account_id")
        .join(birth_years, on="customer_id", how="left")
        .filter(
            pl.col("months") >= policy.customer.suggestion.min_history_months,
            ~pl.col("customer_id").is_in(list(served)),
        )
    )
    local_year = now.astimezone(zone).year
    increase_blocked = (
        (pl.col("increase_preference") == str(IncreasePreference.NEVER))
        | pl.col("difficulty")
        | ((local_year - pl.col("birth_year")) < rules.min_age_for_increase).fill_null(False)
    )
    ranked = (
        frame.with_columns(pl.when(increase_blocked).then(0.0).otherwise(pl.col("pressing")).alias("pressing_need"))
        .with_columns(pl.max_horizontal("pressing_need", "falling").alias("need"))
        .filter(pl.col("need") > 0)
        .sort(["need", "account_id"], descending=[True, False])
        .unique("customer_id", keep="first", maintain_order=True)
        .head(limit)
    )
    return [
        PriorityItem(
            customer_id=row["customer_id"],
            account_id=row["account_id"],
            direction=Direction.INCREASE if row["pressing_need"] >= row["falling"] else Direction.DECREASE,
            need_score=round(row["need"], 6),
            predicted_utilisation=round(row["utilisation"], 6),
            pressing_probability=round(row["pressing"], 6),
            falling_probability=round(row["falling"], 6),
        )
        for row in ranked.iter_rows(named=True)
    ]
