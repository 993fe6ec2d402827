"""A customer's own line changes, and an officer's limit decision, through the shared write path.

Each function runs one transaction: it locks the line, loads what the rule needs (request
counts, profile snapshot, consents, income), lets a pure rule from
:mod:`creditline.policy.customer_rules` decide, and writes the result with
:func:`~creditline.service.lines.change_line`, which adds the ledger events, the
adjustment and a notice in Chinese and English. Amounts are integer minor units.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, bindparam, case, func, insert, literal_column, or_, select

from creditline.clock import Clock
from creditline.policy import customer_rules as rules
from creditline.domain.adjustment import Adjustment, Channel
from creditline.domain.events import EventType
from creditline.domain.line import CreditLine, IncreasePreference
from creditline.domain.money import format_amount, format_grouped
from creditline.domain.reasons import CATALOGUE, reason_text
from creditline.errors import Conflict, InvalidInput, NotFound, PolicyViolation
from creditline.i18n import LOCALES, translate
from creditline.policy import Policy
from creditline.service.consents import active_from_states, newest_record_states, parse_imported
from creditline.service.income import choose_income, newest_verified_income
from creditline.service.lines import LineDecision, change_line, line_from_row, lock_line, new_adjustment_id
from creditline.service.snapshots import SNAPSHOT_COLUMNS, SNAPSHOT_PREFIX, Snapshot, current_snapshot, stored_snapshot
from creditline.store.tables import (
    credit_lines,
    customer_flags,
    customer_requests,
    customers,
    notices,
    profile_snapshots,
    statements,
)
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
OWN_CHANGE_KINDS = ("increase", "decrease")
CHANGED_OUTCOMES = (rules.APPROVED, rules.PARTIAL, rules.HONOURED)


@dataclass(frozen=True, slots=True)
class LineReply:
    """The line after a customer action, with what was decided and why.

    ``effective_at`` is set for changes that wait out a cooling-off period. ``inputs`` is
    the data the decision read, by name.
    """

    action: str
    line: CreditLine
    at: datetime
    outcome: str | None = None
    request_id: str | None = None
    requested: int | None = None
    reason_codes: list[str] = field(default_factory=list)
    effective_at: datetime | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    adjustment_id: str | None = None


# --- notices ------------------------------------------------------------------------------


def render_customer_notice(kind: str, line: CreditLine, zone: ZoneInfo, **params: Any) -> dict[str, str]:
    """Return the notice texts of ``kind`` for ``line`` in every locale.

    ``params`` with int values are amounts in minor units and appear grouped in major
    units; datetimes appear in the lender's zone; ``reasons`` is a list of reason codes.
    """
    texts: dict[str, str] = {"kind": kind}
    for locale in LOCALES:
        values: dict[str, Any] = {"tail": line.account_id[-4:], "currency": translate(f"currency.{line.currency}", locale)}
        for name, value in params.items():
            if isinstance(value, bool) or value is None:
                values[name] = value
            elif isinstance(value, int):
                values[name] = format_grouped(value, line.currency)
            elif isinstance(value, datetime):
                values[name] = value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            elif isinstance(value, list):
                separator = translate("notice.reason_separator", locale)
                values[name] = separator.join(reason_text(code, locale) for code in value)
            elif name == "preference":
                values[name] = translate(f"preference.{value}", locale)
            else:
                values[name] = value
        texts[f"title_{locale}"] = translate(f"notice.{kind}.title", locale)
        texts[f"body_{locale}"] = translate(f"notice.{kind}.body", locale, **values)
    return texts


# --- loading what the rules read ------------------------------------------------------------
# The statements are built once at import, because building and hashing an expression
# costs more than running it on a warm connection. Reads that the rules need together
# share one round trip.

_requests = customer_requests.c


# A separator written into the SQL text: a plain "," would be a post-compiled parameter,
# which makes SQLAlchemy render the statement again on every execution. For the same
# reason the fixed kinds and outcomes below are compared with "=" and not with IN.
_COMMA = literal_column("','")


def _own_change_columns(account_id: Any) -> tuple[Any, Any]:
    """Scalar subqueries of ``account_id``'s own changes this month and its last own decrease."""
    changes = select(
        func.count(
            case(
                (
                    or_(*(_requests.kind == kind for kind in OWN_CHANGE_KINDS))
                    & or_(*(_requests.outcome == outcome for outcome in CHANGED_OUTCOMES))
                    & (_requests.created_at >= bindparam("month_start"))
                    & (_requests.created_at < bindparam("month_end")),
                    1,
                )
            )
        )
    ).where(_requests.account_id == account_id)
    last_decrease = select(
        func.max(case(((_requests.kind == "decrease") & (_requests.outcome == rules.HONOURED), _requests.created_at)))
    ).where(_requests.account_id == account_id)
    return (
        changes.scalar_subquery().label("changes_this_month"),
        last_decrease.scalar_subquery().label("last_decrease"),
    )


def _fact_columns(customer_id: Any, account_id: Any) -> tuple[Any, ...]:
    """Build the columns of the customer's data that the rules read (see :class:`_CustomerFacts`)."""
    other_line = credit_lines.alias("other_line")
    return (
        customers.c.customer_id.label("customer_row"),
        customers.c.birth_year,
        customers.c.consents.label("imported_consents"),
        customers.c.monthly_income.label("imported_income"),
        newest_verified_income(customer_id).label("verified_income"),
        select(func.aggregate_strings(customer_flags.c.flag, _COMMA))
        .where(customer_flags.c.customer_id == customer_id, customer_flags.c.cleared_at.is_(None))
        .scalar_subquery()
        .label("active_flags"),
        select(func.coalesce(func.sum(other_line.c.approved_limit), 0))
        .where(
            other_line.c.customer_id == customer_id,
            other_line.c.account_id != account_id,
            other_line.c.currency == bindparam("currency"),
        )
        .scalar_subquery()
        .label("other_limits"),
        newest_record_states(customer_id).label("consent_states"),
    )


_STATEMENTS = select(statements).where(statements.c.account_id == bindparam("account_id"))

_CUSTOMER_FACTS = select(*_fact_columns(customers.c.customer_id, bindparam("account_id"))).where(
    customers.c.customer_id == bindparam("customer_id")
)

# Everything an increase decision reads except the statements, in one round trip: the line
# (locked on PostgreSQL), its own changes this month, its holder's data and consents, and
# its stored profile snapshot with the champion's version.
_INCREASE_CONTEXT = (
    select(
        credit_lines,
        *_own_change_columns(credit_lines.c.account_id),
        *_fact_columns(credit_lines.c.customer_id, credit_lines.c.account_id),
        *SNAPSHOT_COLUMNS,
    )
    .select_from(
        credit_lines.outerjoin(customers, customers.c.customer_id == credit_lines.c.customer_id).outerjoin(
            profile_snapshots, profile_snapshots.c.account_id == credit_lines.c.account_id
        )
    )
    .where(credit_lines.c.account_id == bindparam("account_id"))
)
_INCREASE_CONTEXT_LOCKED = _INCREASE_CONTEXT.with_for_update(of=credit_lines)


@dataclass(frozen=True, slots=True)
class _CustomerFacts:
    """The line holder's data that the rules read.

    ``found`` is False when the customer row is missing. ``other_limits`` is the sum of the
    approved limits of the holder's other lines in the policy currency, minor units.
    """

    found: bool
    birth_year: int | None = None
    imported_consents: str = ""
    imported_income: int | None = None
    verified_income: int | None = None
    active_flags: tuple[str, ...] = ()
    other_limits: int = 0
    consent_states: str | None = None  # see consents.newest_record_states

    @property
    def consented(self) -> set[str]:
        """The data categories decisions may use now."""
        return active_from_states(parse_imported(self.imported_consents), self.consent_states)


def _facts_from(row: Any) -> _CustomerFacts:
    """Build the facts from a row with :func:`_fact_columns`."""
    if row is None or row.customer_row is None:
        return _CustomerFacts(found=False)
    return _CustomerFacts(
        found=True,
        birth_year=row.birth_year,
        imported_consents=row.imported_consents,
        imported_income=row.imported_income,
        verified_income=row.verified_income,
        active_flags=tuple(row.active_flags.split(",")) if row.active_flags else (),
        other_limits=int(row.other_limits or 0),
        consent_states=row.consent_states,
    )


def _customer_facts(conn: Connection, line: CreditLine, currency: str) -> _CustomerFacts:
    row = conn.execute(
        _CUSTOMER_FACTS, {"customer_id": line.customer_id, "account_id": line.account_id, "currency": currency}
    ).first()
    return _facts_from(row)


def _own_changes_from(row: Any, now: datetime) -> tuple[int, datetime | None]:
    """Return the own changes this month and the last own decrease from a row with :func:`_own_change_columns`."""
    last_decrease = row.last_decrease
    if last_decrease is not None and not isinstance(last_decrease, datetime):
        # func.max bypasses the column type on SQLite, which returns the stored UTC text.
        last_decrease = datetime.fromisoformat(last_decrease)
    if last_decrease is not None and last_decrease.tzinfo is None:
        last_decrease = last_decrease.replace(tzinfo=now.tzinfo)
    return int(row.changes_this_month or 0), last_decrease


def _statement_rows(conn: Connection, account_id: str) -> list[Any]:
    return list(conn.execute(_STATEMENTS, {"account_id": account_id}).all())


def _blocking_reasons(
    conn: Connection,
    line: CreditLine,
    policy: Policy,
    now: datetime,
    zone: ZoneInfo,
    statement_rows: list[Any],
    facts: _CustomerFacts | None = None,
) -> list[str]:
    """Return the reasons that stop any increase of ``line`` now: freezes and vulnerability.

    ``facts`` are read from ``conn`` when the caller has not read them yet.
    """
    if facts is None:
        facts = _customer_facts(conn, line, policy.currency)
    reasons: list[str] = []
    if line.risk_frozen:
        reasons.append("C_RISK_FROZEN")
    if line.customer_frozen_at(now):
        reasons.append("C_CUSTOMER_FROZEN")
    history = [
        rules.Statement(row.statement_month, row.bill_amount, row.paid_amount, row.dpd) for row in statement_rows
    ]
    reasons += rules.vulnerability_reasons(
        policy.customer.vulnerable,
        today=now.astimezone(zone).date(),
        birth_year=facts.birth_year,
        flags=list(facts.active_flags),
        statements=history,
    )
    return reasons


def _blocking_data(line: CreditLine, now: datetime, statement_rows: list[Any], facts: _CustomerFacts) -> dict[str, Any]:
    """Return what :func:`_blocking_reasons` read, by name, for the record of a blocked request."""
    months = sorted(row.statement_month for row in statement_rows)
    return {
        "statements_as_of": months[-1].isoformat() if months else None,
        "statement_months": [month.isoformat() for month in months],
        "months_past_due": sorted(row.statement_month.isoformat() for row in statement_rows if row.dpd > 0),
        "birth_year": facts.birth_year,
        "flags": sorted(facts.active_flags),
        "risk_frozen": line.risk_frozen,
        "customer_frozen": line.customer_frozen_at(now),
        "outstanding": format_amount(line.outstanding, line.currency),
    }


def _increase_inputs(
    conn: Connection,
    line: CreditLine,
    policy: Policy,
    now: datetime,
    statement_rows: list[Any],
    facts: _CustomerFacts,
    snapshot_read: tuple[Snapshot | None, str | None] | None = None,
) -> tuple[rules.IncreaseInputs, dict[str, Any], str]:
    """Return the rule's inputs, the data used by name, and the model version.

    ``snapshot_read`` is the stored snapshot and champion version when already read.
    """
    snapshot = current_snapshot(conn, line, statement_rows, now, prefetched=snapshot_read)
    if not facts.found:
        raise NotFound(kind="customer", ident=line.customer_id)
    consented = facts.consented
    if "income" in consented:
        income, income_source = choose_income(facts.verified_income, facts.imported_income)
    else:
        income, income_source = None, None
    inputs = rules.IncreaseInputs(
        approved_limit=line.approved_limit,
        score=snapshot.score,
        features=snapshot.features,
        monthly_income=income,
        other_limits=facts.other_limits,
        risk_reasons=snapshot.risk_reasons,
    )
    shown = ("utilisation_mean_6m", "utilisation_latest", "payment_ratio_mean", "months_delinquent_6m",
             "months_since_delinquency", "inactive_months_6m")
    data_used: dict[str, Any] = {
        "statements_as_of": snapshot.as_of_month.isoformat() if snapshot.as_of_month else None,
        "score": snapshot.score,
        "pd": snapshot.pd,
        **{name: snapshot.features.get(name) for name in shown},
        "monthly_income": format_amount(income, line.currency) if income is not None else None,
        "income_source": income_source,
        "outstanding": format_amount(line.outstanding, line.currency),
        "consents_used": sorted(consented & {"income"}),
        "consents_missing": sorted(set(rules.CONSENT_CATEGORIES) - consented),
    }
    return inputs, data_used, snapshot.model_version


_INSERT_REQUEST = insert(customer_requests)
_INSERT_NOTICE = insert(notices)


def _record_request(conn: Connection, line: CreditLine, now: datetime, **values: Any) -> str:
    """Insert the request row; an ``adjustment_id`` in ``values`` names the adjustment written later in the transaction."""
    request_id = str(uuid.uuid4())
    conn.execute(
        _INSERT_REQUEST,
        {
            "request_id": request_id,
            "account_id": line.account_id,
            "customer_id": line.customer_id,
            "currency": line.currency,
            "created_at": now,
            "old_limit": line.approved_limit,
            "adjustment_id": None,
            **values,
        },
    )
    return request_id


def _limit_change(
    line: CreditLine,
    now: datetime,
    new_limit: int,
    *,
    channel: Channel,
    decided_by: str,
    reason_codes: list[str],
    notice: dict[str, str],
    policy_version: str | None = None,
    model_version: str | None = None,
    inputs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    batch_id: str | None = None,
    adjustment_id: str | None = None,
) -> LineDecision:
    """Build the decision that moves the approved limit, with its adjustment, event and notice.

    ``adjustment_id`` is the id the caller already recorded elsewhere, else a new one.
    """
    adjustment = Adjustment(
        adjustment_id=adjustment_id or new_adjustment_id(),
        account_id=line.account_id,
        channel=channel,
        old_limit=line.approved_limit,
        new_limit=new_limit,
        currency=line.currency,
        reason_codes=tuple(reason_codes),
        decided_at=now,
        decided_by=decided_by,
        policy_version=policy_version,
        model_version=model_version,
        batch_id=batch_id,
        inputs=inputs or {},
    )
    payload = {
        "adjustment_id": adjustment.adjustment_id,
        "channel": str(channel),
        "old_limit": line.approved_limit,
        "new_limit": new_limit,
        "currency": line.currency,
        "reason_codes": list(reason_codes),
        "policy_version": policy_version,
        "model_version": model_version,
        "batch_id": batch_id,
        "decided_by": decided_by,
        "inputs": inputs or {},
        **(extra or {}),
    }
    return LineDecision(
        line=line.with_changes(approved_limit=new_limit),
        events=[(EventType.LIMIT_ADJUSTED, payload)],
        adjustment=adjustment,
        notices=[notice],
    )


# --- limit requests -------------------------------------------------------------------------


def request_decrease(
    engine: Engine, account_id: str, new_limit: int, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy
) -> LineReply:
    """Lower the approved limit at once, whatever the risk state, down to the lowest allowed limit.

    Raises
    ------
    PolicyViolation
        When ``new_limit`` is not a decrease or is below the outstanding balance rounded
        up to ``customer.decrease_step`` or the product minimum (the message names the
        lowest allowed limit).
    """
    now = clock.now()
    with transaction(engine) as conn:
        current = lock_line(conn, account_id)
        rules.check_decrease(current.approved_limit, current.outstanding, new_limit, policy)
        data_used = {"outstanding": format_amount(current.outstanding, current.currency)}
        adjustment_id = new_adjustment_id()
        request_id = _record_request(
            conn, current, now, kind="decrease", requested_amount=new_limit, outcome=rules.HONOURED,
            new_limit=new_limit, reason_codes=["C_CUSTOMER_DECREASE"], inputs=data_used,
            policy_version=policy.version_tag, adjustment_id=adjustment_id,
        )

        def decide(line: CreditLine, at: datetime) -> LineDecision:
            after = line.with_changes(approved_limit=new_limit)
            notice = render_customer_notice(
                "customer_decrease", line, zone, old=line.approved_limit, new=new_limit, available=after.available(at)
            )
            return _limit_change(
                line, at, new_limit, channel=Channel.CUSTOMER, decided_by=actor, reason_codes=["C_CUSTOMER_DECREASE"],
                notice=notice, policy_version=policy.version_tag, inputs=data_used, extra={"request_id": request_id},
                adjustment_id=adjustment_id,
            )

        decision = change_line(conn, account_id, decide, now, locked=current)
    return LineReply("decrease", decision.line, now, rules.HONOURED, request_id, new_limit, ["C_CUSTOMER_DECREASE"],
                     inputs=data_used, adjustment_id=_adjustment_id(decision))


def _adjustment_id(decision: LineDecision) -> str | None:
    return decision.adjustment.adjustment_id if decision.adjustment is not None else None


def increase_ceiling(conn: Connection, line: CreditLine, policy: Policy, now: datetime) -> rules.IncreaseCeiling:
    """Return the highest limit an increase request on ``line`` could be granted now.

    It reads the same snapshot, consents, income and other limits as
    :func:`request_increase` and applies the same ceiling, but records nothing, so a
    suggestion can stay within what a request would be given.
    """
    statement_rows = _statement_rows(conn, line.account_id)
    facts = _customer_facts(conn, line, policy.currency)
    inputs, _, _ = _increase_inputs(conn, line, policy, now, statement_rows, facts)
    return rules.increase_ceiling(policy, inputs)


def request_increase(
    engine: Engine, account_id: str, requested_limit: int, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy
) -> LineReply:
    """Decide an increase in real time from the latest profile, the champion score and the policy.

    The request must first pass the rate limit and cooling-off rules; it is then approved
    in full, in part (up to the policy's ceiling) or declined with reasons. A decline is
    recorded and sent as a notice, and changes no limit.

    Raises
    ------
    PolicyViolation
        When the monthly rate limit, the cooling-off after one's own decrease or an
        active temporary limit stops the request.
    InvalidInput
        When ``requested_limit`` is not above the current limit or not on the step.
    """
    now = clock.now()
    month_start, month_end = rules.month_bounds(now, zone)
    with transaction(engine) as conn:
        query = _INCREASE_CONTEXT_LOCKED if conn.dialect.name == "postgresql" else _INCREASE_CONTEXT
        row = conn.execute(
            query,
            {"account_id": account_id, "currency": policy.currency, "month_start": month_start, "month_end": month_end},
        ).first()
        if row is None:
            raise NotFound(kind="line", ident=account_id)
        current = line_from_row(row)
        count, last_decrease = _own_changes_from(row, now)
        rules.check_increase_allowed(
            now=now, zone=zone, policy=policy, own_changes_this_month=count, last_own_decrease_at=last_decrease,
            temporary_active=current.active_temporary_limit(now) > 0,
        )
        statement_rows = _statement_rows(conn, account_id)
        facts = _facts_from(row)
        blocking = _blocking_reasons(conn, current, policy, now, zone, statement_rows, facts)
        if blocking:
            # A blocked request reads nothing beyond the blocking rules' inputs, so the record shows those.
            inputs = rules.IncreaseInputs(current.approved_limit, None, {}, None)
            data_used: dict[str, Any] = _blocking_data(current, now, statement_rows, facts)
            model_version = None
        else:
            snapshot_read = (stored_snapshot(row, SNAPSHOT_PREFIX), row.champion_version)
            inputs, data_used, model_version = _increase_inputs(
                conn, current, policy, now, statement_rows, facts, snapshot_read
            )
        outcome = rules.decide_increase(policy, requested_limit, inputs, blocking)
        data_used["risk_band"] = outcome.risk_band
        adjustment_id = None if outcome.outcome == rules.DECLINED else new_adjustment_id()
        request_id = _record_request(
            conn, current, now, kind="increase", requested_amount=requested_limit, outcome=outcome.outcome,
            new_limit=outcome.new_limit, reason_codes=outcome.reason_codes, inputs=data_used,
            policy_version=policy.version_tag, model_version=model_version, adjustment_id=adjustment_id,
        )
        if outcome.outcome == rules.DECLINED:
            notice = render_customer_notice(
                "increase_declined", current, zone, requested=requested_limit, old=current.approved_limit,
                reasons=outcome.reason_codes,
            )
            conn.execute(
                _INSERT_NOTICE,
                {"customer_id": current.customer_id, "account_id": account_id, "created_at": now, **notice},
            )
            line = current
        else:

            def decide(line: CreditLine, at: datetime) -> LineDecision:
                notice = render_customer_notice(
                    "customer_increase", line, zone, requested=requested_limit, old=line.approved_limit,
                    new=outcome.new_limit, reasons=outcome.reason_codes,
                )
                return _limit_change(
                    line, at, outcome.new_limit, channel=Channel.CUSTOMER, decided_by=actor,
                    reason_codes=outcome.reason_codes, notice=notice, policy_version=policy.version_tag,
                    model_version=model_version, inputs=data_used, extra={"request_id": request_id},
                    adjustment_id=adjustment_id,
                )

            line = change_line(conn, account_id, decide, now, locked=current).line
    logger.info("increase request on %s: %s", account_id, outcome.outcome, extra={"account_id": account_id})
    return LineReply("increase", line, now, outcome.outcome, request_id, requested_limit, outcome.reason_codes,
                     inputs=data_used, adjustment_id=adjustment_id)


def request_temporary_limit(
    engine: Engine, account_id: str, amount: int, expires_on: date, actor: str, clock: Clock, zone: ZoneInfo,
    policy: Policy,
) -> LineReply:
    """Grant a temporary limit valid through ``expires_on`` (a day in the lender's zone).

    It stops counting at the next local midnight after ``expires_on`` with no job
    running. The same freezes and vulnerability rules as for an increase stop it.

    Raises
    ------
    PolicyViolation
        When the amount or expiry breaks ``customer.temporary_*``, a temporary limit is
        already in force, or a freeze or vulnerability rule applies.
    """
    now = clock.now()
    with transaction(engine) as conn:
        current = lock_line(conn, account_id)
        if current.active_temporary_limit(now):
            assert current.temporary_expires_at is not None
            shown = current.temporary_expires_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            raise Conflict("customer.error.temporary_exists", expires_at=shown)
        rules.check_temporary_limit(policy, current.approved_limit, amount, expires_on, now.astimezone(zone).date())
        blocking = _blocking_reasons(conn, current, policy, now, zone, _statement_rows(conn, account_id))
        if blocking:
            raise PolicyViolation("customer.error.temporary_blocked", reasons=_reason_list(blocking))
        expires_at = rules.end_of_local_day(expires_on, zone)
        request_id = _record_request(
            conn, current, now, kind="temporary_limit", requested_amount=amount, outcome=rules.APPROVED,
            new_limit=current.approved_limit, reason_codes=["C_TEMPORARY_LIMIT"],
            inputs={"expires_on": expires_on.isoformat()}, policy_version=policy.version_tag,
        )

        def decide(line: CreditLine, at: datetime) -> LineDecision:
            payload = {"amount": amount, "expires_at": expires_at.isoformat(), "channel": "customer",
                       "decided_by": actor, "request_id": request_id, "reason_codes": ["C_TEMPORARY_LIMIT"]}
            notice = render_customer_notice("temporary_limit", line, zone, amount=amount, until=expires_on.isoformat())
            return LineDecision(
                line=line.with_changes(temporary_limit=amount, temporary_expires_at=expires_at),
                events=[(EventType.TEMPORARY_LIMIT_GRANTED, payload)],
                notices=[notice],
            )

        decision = change_line(conn, account_id, decide, now, locked=current)
    return LineReply("temporary_limit", decision.line, now, rules.APPROVED, request_id, amount, ["C_TEMPORARY_LIMIT"],
                     effective_at=expires_at)


def _reason_list(codes: list[str]) -> str:
    # Error parameters render in one locale only, so reasons are given as their codes' English text.
    return "; ".join(CATALOGUE[code].en if code in CATALOGUE else code for code in codes)


# --- freeze, cap, alert, preference -------------------------------------------------------------


def _simple_change(
    engine: Engine, account_id: str, clock: Clock, decide_change: Any, action: str
) -> LineReply:
    now = clock.now()
    effective: list[datetime | None] = [None]

    def decide(line: CreditLine, at: datetime) -> LineDecision:
        decision, effective_at = decide_change(line, at)
        effective[0] = effective_at
        return decision

    with transaction(engine) as conn:
        decision = change_line(conn, account_id, decide, now)
    return LineReply(action, decision.line, now, effective_at=effective[0])


def freeze(engine: Engine, account_id: str, actor: str, clock: Clock, zone: ZoneInfo) -> LineReply:
    """Freeze the line at the customer's request, at once; it cancels a scheduled unfreeze.

    Raises
    ------
    Conflict
        When the customer's own freeze is already in force with no unfreeze scheduled.
    """

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, None]:
        if line.customer_frozen and line.customer_unfreeze_at is None:
            raise Conflict("customer.error.already_frozen")
        payload = {"by": "customer", "decided_by": actor}
        notice = render_customer_notice("customer_freeze", line, zone)
        changed = line.with_changes(customer_frozen=True, customer_unfreeze_at=None)
        return LineDecision(line=changed, events=[(EventType.LINE_FROZEN, payload)], notices=[notice]), None

    return _simple_change(engine, account_id, clock, decide, "freeze")


def unfreeze(engine: Engine, account_id: str, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy) -> LineReply:
    """Schedule the end of the customer's own freeze after ``customer.cooling_off_hours``.

    A risk freeze is not touched: only the lender lifts it.

    Raises
    ------
    Conflict
        When the customer's own freeze is not in force, or its end is already scheduled.
        When only the lender's risk freeze is in force, the message names it.
    """

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, datetime]:
        if not line.customer_frozen_at(now):
            raise Conflict("customer.error.risk_frozen_only" if line.risk_frozen else "customer.error.not_frozen")
        if line.customer_unfreeze_at is not None:
            shown = line.customer_unfreeze_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            raise Conflict("customer.error.unfreeze_pending", effective_at=shown)
        effective_at = now + timedelta(hours=policy.customer.cooling_off_hours)
        payload = {"by": "customer", "effective_at": effective_at.isoformat(), "decided_by": actor}
        notice = render_customer_notice("customer_unfreeze", line, zone, effective_at=effective_at)
        changed = line.with_changes(customer_unfreeze_at=effective_at)
        return (
            LineDecision(line=changed, events=[(EventType.CUSTOMER_UNFREEZE_SCHEDULED, payload)], notices=[notice]),
            effective_at,
        )

    return _simple_change(engine, account_id, clock, decide, "unfreeze")


def set_cap(
    engine: Engine, account_id: str, cap: int, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy
) -> LineReply:
    """Set the customer's own cap below the approved limit.

    A first cap or a lower one applies at once and cancels any scheduled change; a higher
    one takes effect after ``customer.cooling_off_hours``.

    Raises
    ------
    PolicyViolation
        When ``cap`` is not below the approved limit.
    Conflict
        When ``cap`` equals the cap in force and no change is scheduled.
    """

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, datetime | None]:
        if cap >= line.approved_limit:
            raise PolicyViolation(
                "customer.error.cap_not_below_limit",
                cap=format_amount(cap, line.currency),
                approved=format_amount(line.approved_limit, line.currency),
            )
        in_force = line.customer_cap_at(now)
        if in_force == cap and not line.cap_change_pending(now):
            raise Conflict("customer.error.cap_unchanged", cap=format_amount(cap, line.currency))
        if in_force is None or cap <= in_force:
            payload = {"cap": cap, "decided_by": actor}
            notice = render_customer_notice("cap_set", line, zone, cap=cap)
            changed = line.with_changes(customer_cap=cap, pending_cap=None, cap_change_at=None)
            return LineDecision(line=changed, events=[(EventType.CUSTOMER_CAP_SET, payload)], notices=[notice]), None
        return _schedule_cap(line, now, in_force, cap, actor, zone, policy, "cap_raise")

    return _simple_change(engine, account_id, clock, decide, "cap")


def remove_cap(engine: Engine, account_id: str, actor: str, clock: Clock, zone: ZoneInfo, policy: Policy) -> LineReply:
    """Remove the customer's own cap after ``customer.cooling_off_hours``.

    Raises
    ------
    Conflict
        When no cap is in force.
    """

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, datetime | None]:
        in_force = line.customer_cap_at(now)
        if in_force is None:
            raise Conflict("customer.error.no_cap")
        return _schedule_cap(line, now, in_force, None, actor, zone, policy, "cap_remove")

    return _simple_change(engine, account_id, clock, decide, "cap_remove")


def _schedule_cap(
    line: CreditLine, now: datetime, in_force: int, cap: int | None, actor: str, zone: ZoneInfo, policy: Policy,
    kind: str,
) -> tuple[LineDecision, datetime]:
    effective_at = now + timedelta(hours=policy.customer.cooling_off_hours)
    payload = {"current_cap": in_force, "cap": cap, "effective_at": effective_at.isoformat(), "decided_by": actor}
    notice = render_customer_notice(kind, line, zone, old=in_force, cap=cap, effective_at=effective_at)
    changed = line.with_changes(customer_cap=in_force, pending_cap=cap, cap_change_at=effective_at)
    decision = LineDecision(line=changed, events=[(EventType.CUSTOMER_CAP_CHANGE_SCHEDULED, payload)], notices=[notice])
    return decision, effective_at


def set_alert(
    engine: Engine, account_id: str, threshold: int | None, actor: str, clock: Clock, zone: ZoneInfo
) -> LineReply:
    """Set (or, with None, clear) the outstanding balance above which the customer gets an alert."""

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, None]:
        payload = {"threshold": threshold, "decided_by": actor}
        if threshold is None:
            notice = render_customer_notice("alert_cleared", line, zone)
        else:
            notice = render_customer_notice("alert_set", line, zone, threshold=threshold)
        changed = line.with_changes(alert_threshold=threshold)
        return LineDecision(line=changed, events=[(EventType.ALERT_THRESHOLD_SET, payload)], notices=[notice]), None

    return _simple_change(engine, account_id, clock, decide, "alert")


def set_preference(
    engine: Engine, account_id: str, preference: str, actor: str, clock: Clock, zone: ZoneInfo
) -> LineReply:
    """Set the unsolicited-increase preference: "auto", "ask" (offers) or "never".

    Raises
    ------
    InvalidInput
        When ``preference`` is none of the three.
    """
    try:
        chosen = IncreasePreference(preference)
    except ValueError:
        raise InvalidInput(
            "customer.error.preference", value=preference, allowed=", ".join(str(item) for item in IncreasePreference)
        ) from None

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, None]:
        if line.increase_preference == chosen:
            return LineDecision(line=line), None
        payload = {"preference": str(chosen), "decided_by": actor}
        notice = render_customer_notice("preference", line, zone, preference=str(chosen))
        changed = line.with_changes(increase_preference=chosen)
        return LineDecision(line=changed, events=[(EventType.PREFERENCE_CHANGED, payload)], notices=[notice]), None

    return _simple_change(engine, account_id, clock, decide, "preference")


def sync_balance(
    engine: Engine, account_id: str, outstanding: int, actor: str, clock: Clock, zone: ZoneInfo
) -> LineReply:
    """Mirror the outstanding balance from the core system; alert when it passes the customer's threshold.

    The alert notice is written when the balance moves from at or below the threshold to
    above it, so a balance that stays above it sends no repeat.
    """

    def decide(line: CreditLine, now: datetime) -> tuple[LineDecision, None]:
        if outstanding == line.outstanding:
            return LineDecision(line=line), None
        payload = {"old_outstanding": line.outstanding, "new_outstanding": outstanding, "decided_by": actor}
        changed = line.with_changes(outstanding=outstanding)
        decision = LineDecision(line=changed, events=[(EventType.BALANCE_SYNCED, payload)])
        notice = overspend_notice(line, outstanding, now, zone)
        if notice is not None:
            decision.notices.append(notice)
        return decision, None

    return _simple_change(engine, account_id, clock, decide, "balance")


def overspend_notice(line: CreditLine, new_outstanding: int, now: datetime, zone: ZoneInfo) -> dict[str, str] | None:
    """Return the over-spend alert notice when ``new_outstanding`` passes the line's threshold, else None."""
    threshold = line.alert_threshold
    if threshold is None or not line.outstanding <= threshold < new_outstanding:
        return None
    after = line.with_changes(outstanding=new_outstanding)
    return render_customer_notice(
        "overspend_alert", line, zone, outstanding=new_outstanding, threshold=threshold, available=after.available(now)
    )


# --- officer -------------------------------------------------------------------------------------


def officer_set_limit(
    conn: Connection,
    account_id: str,
    new_limit: int,
    officer: str,
    reason_codes: list[str],
    comment: str,
    now: datetime,
    *,
    zone: ZoneInfo = DEFAULT_ZONE,
    case_id: str | None = None,
) -> LineDecision:
    """Set the approved limit by an officer's decision, in the caller's transaction.

    The adjustment has channel "officer", ``officer`` as decider, ``C_OFFICER_DECISION``
    after the given reasons, and the comment and case id among its inputs.

    Raises
    ------
    InvalidInput
        When ``new_limit`` is negative, equals the current limit, or a reason code is
        not in the catalogue.
    """
    codes = list(dict.fromkeys([*reason_codes, "C_OFFICER_DECISION"]))
    unknown = [code for code in codes if code not in CATALOGUE]
    if new_limit < 0 or unknown:
        raise InvalidInput("customer.error.officer_decision", value=new_limit, codes=", ".join(unknown))

    def decide(line: CreditLine, at: datetime) -> LineDecision:
        if new_limit == line.approved_limit:
            raise InvalidInput("customer.error.officer_unchanged", value=format_amount(new_limit, line.currency))
        notice = render_customer_notice(
            "officer_adjustment", line, zone, old=line.approved_limit, new=new_limit, reasons=codes,
            when=at.astimezone(zone).date().isoformat(),
        )
        inputs = {"comment": comment, "case_id": case_id}
        return _limit_change(line, at, new_limit, channel=Channel.OFFICER, decided_by=officer, reason_codes=codes,
                             notice=notice, inputs=inputs)

    return change_line(conn, account_id, decide, now)
