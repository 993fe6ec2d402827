"""Periodic portfolio review: propose a batch, approve it, apply it in chunks.

A batch moves proposed -> approved -> applying -> applied. Each item (one line) moves
from "proposed" to "applied", "offered" or "stale" in the same transaction that writes
its adjustment, ledger event and notice, so an interrupted apply can simply run again.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, select, update

from creditline.clock import Clock
from creditline.domain.adjustment import Channel, Direction
from creditline.domain.events import EventType
from creditline.domain.money import format_amount
from creditline.errors import Conflict, InvalidInput, NotFound, PolicyViolation
from creditline.policy import Policy, evaluate_portfolio, parse_policy
from creditline.policy import customer_rules as rules
from creditline.profile import build_profiles
from creditline.scoring import Scorecard
from creditline.service.notices import render_notice
from creditline.service.snapshots import store_snapshots
from creditline.settings import DEFAULT_TIMEZONE
from creditline.service.offers import offer_row, replace_open_offers
from creditline.store import frames
from creditline.store.ledger import StreamHead, chain_event
from creditline.store.registry import champion_artifact
from creditline.store.tables import (
    customer_flags,
    adjustments,
    credit_lines,
    ledger_events,
    notices,
    offers,
    review_batches,
    review_items,
)
from creditline.store.transactions import reading, transaction

logger = logging.getLogger(__name__)

# Profile values copied into each item, so that an auditor can check which data drove the decision.
EXPLAINED_INPUTS = (
    "as_of_month",
    "n_months",
    "utilisation_latest",
    "utilisation_mean_6m",
    "payment_ratio_mean",
    "months_delinquent_6m",
    "months_since_delinquency",
    "months_since_limit_change",
    "inactive_months_6m",
    "monthly_income",
    "outstanding",
)
INSERT_CHUNK = 5000


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """Counts and amounts (minor units) of one batch, by direction, with its top reasons."""

    batch_id: str
    status: str
    currency: str
    lines: int
    increases: int
    increase_amount: int
    decreases: int
    decrease_amount: int
    unchanged: int
    offers: int
    errors: int
    top_reasons: list[tuple[str, int]]
    policy_version: str
    model_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "currency": self.currency,
            "increases": self.increases,
            "increase_amount": self.increase_amount,
            "decreases": self.decreases,
            "decrease_amount": self.decrease_amount,
            "unchanged": self.unchanged,
            "offers": self.offers,
            "errors": self.errors,
            "top_reasons": [[code, count] for code, count in self.top_reasons],
        }


def _portfolio_frame(conn: Connection, model: Scorecard) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the scored portfolio frame and the statements it was built from."""
    lines = frames.load_lines(conn)
    statements = frames.load_statements(conn)
    customers = frames.load_customers(conn)
    profiles = build_profiles(lines, statements, customers)
    scored = model.score(profiles).rename({"reason_codes": "risk_reasons"})
    portfolio = lines.join(scored.drop("customer_id"), on="account_id", how="left").join(
        customers.select("customer_id", "monthly_income", "birth_year"), on="customer_id", how="left"
    )
    return portfolio, statements


def _last_limit_changes(conn: Connection) -> pl.DataFrame:
    """Return ``account_id`` and ``last_limit_change_at`` (UTC) of every line whose limit changed.

    Every channel counts: review, customer, officer, risk and accepted offers. Opening a
    line writes no adjustment, so a line never changed since has no row.
    """
    latest = func.max(adjustments.c.decided_at)
    rows = conn.execute(
        select(adjustments.c.account_id, latest.label("last_limit_change_at"))
        .where(adjustments.c.new_limit != adjustments.c.old_limit)
        .group_by(adjustments.c.account_id)
    ).all()
    schema = {"account_id": pl.Utf8, "last_limit_change_at": pl.Datetime("us", "UTC")}
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")


def _with_months_since_limit_change(
    portfolio: pl.DataFrame, changes: pl.DataFrame, now: datetime, zone: ZoneInfo
) -> pl.DataFrame:
    """Add ``months_since_limit_change``: whole calendar months from the last change to ``now``.

    Both dates are taken in the lender's time zone. A month is complete on the same day of
    a later month, or on that month's last day when it is shorter (31 January to 28
    February is one month). A line never changed gets null.
    """
    today = now.astimezone(zone).date()
    month_end = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    changed = pl.col("last_limit_change_at").dt.convert_time_zone(zone.key).dt.date()
    years = today.year - changed.dt.year().cast(pl.Int64)
    months = years * 12 + (today.month - changed.dt.month().cast(pl.Int64))
    short = (changed.dt.day() > today.day) & pl.lit(today != month_end)
    # A change stamped after ``now`` (a clock behind the writer's) counts as this month's.
    elapsed = (months - short.cast(pl.Int64)).clip(lower_bound=0)
    return (
        portfolio.join(changes, on="account_id", how="left", maintain_order="left")
        .with_columns(elapsed.alias("months_since_limit_change"))
        .drop("last_limit_change_at")
    )


def _active_flags(conn: Connection) -> dict[str, list[str]]:
    rows = conn.execute(
        select(customer_flags.c.customer_id, customer_flags.c.flag).where(customer_flags.c.cleared_at.is_(None))
    ).all()
    flags: dict[str, list[str]] = {}
    for row in rows:
        flags.setdefault(row.customer_id, []).append(row.flag)
    return flags


def _hold_increases_of_vulnerable(
    evaluated: pl.DataFrame, statements: pl.DataFrame, flags: dict[str, list[str]], policy: Policy, today: date
) -> pl.DataFrame:
    """Turn proposed increases of vulnerable customers into "unchanged" with the reasons why.

    The same rules stop a customer's own increase request: under the policy's minimum age,
    a declared student, persistent debt or recent arrears.
    """
    increases = evaluated.filter(pl.col("direction") == Direction.INCREASE)
    if increases.is_empty():
        return evaluated
    wanted = statements.filter(pl.col("account_id").is_in(increases["account_id"].implode()))
    by_account: dict[str, list[rules.Statement]] = {}
    for row in wanted.iter_rows(named=True):
        by_account.setdefault(row["account_id"], []).append(
            rules.Statement(row["statement_month"], row["bill_amount"], row["paid_amount"], row["dpd"])
        )
    held: dict[str, list[str]] = {}
    for row in increases.iter_rows(named=True):
        reasons = rules.vulnerability_reasons(
            policy.customer.vulnerable,
            today=today,
            birth_year=row["birth_year"],
            flags=flags.get(row["customer_id"], []),
            statements=by_account.get(row["account_id"], []),
        )
        if reasons:
            held[row["account_id"]] = reasons
    if not held:
        return evaluated
    held_frame = pl.DataFrame(
        {"account_id": list(held), "held_reasons": list(held.values())},
        schema={"account_id": pl.Utf8, "held_reasons": pl.List(pl.Utf8)},
    )
    is_held = pl.col("held_reasons").is_not_null()
    return (
        evaluated.join(held_frame, on="account_id", how="left")
        .with_columns(
            pl.when(is_held).then(pl.col("approved_limit")).otherwise(pl.col("proposed_limit")).alias("proposed_limit"),
            pl.when(is_held).then(pl.lit(str(Direction.UNCHANGED))).otherwise(pl.col("direction")).alias("direction"),
            pl.when(is_held).then(pl.lit(False)).otherwise(pl.col("offer_only")).alias("offer_only"),
            pl.when(is_held).then(pl.col("held_reasons")).otherwise(pl.col("reason_codes")).alias("reason_codes"),
        )
        .drop("held_reasons")
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value != value:  # NaN has no JSON form
        return None
    return value


# Amount inputs are stored as decimal strings in major units, like every amount people read.
MONEY_INPUTS = ("monthly_income", "outstanding")


def _explained_inputs(row: dict[str, Any], names: list[str]) -> dict[str, Any]:
    explained = {}
    for name in names:
        value = row[name]
        if name in MONEY_INPUTS and value is not None:
            explained[name] = format_amount(value, row["currency"])
        else:
            explained[name] = _json_value(value)
    return explained


def _item_rows(batch_id: str, evaluated: pl.DataFrame) -> list[dict[str, Any]]:
    inputs = [name for name in EXPLAINED_INPUTS if name in evaluated.columns]
    rows = []
    for row in evaluated.iter_rows(named=True):
        if row.get("error"):
            status = "error"
        elif row["direction"] == Direction.UNCHANGED:
            status = "unchanged"
        else:
            status = "proposed"
        rows.append(
            {
                "batch_id": batch_id,
                "account_id": row["account_id"],
                "customer_id": row["customer_id"],
                "line_version": row["version"],
                "currency": row["currency"],
                "old_limit": row["approved_limit"],
                "proposed_limit": row["proposed_limit"],
                "direction": row["direction"],
                "offer_only": bool(row["offer_only"]),
                "risk_band": row.get("risk_band"),
                "score": _json_value(row.get("score")),
                "pd": _json_value(row.get("pd")),
                "reason_codes": list(row["reason_codes"] or []),
                "inputs": _explained_inputs(row, inputs),
                "status": status,
                "error": row.get("error"),
            }
        )
    return rows


def summarize(batch_id: str, status: str, items: list[dict[str, Any]], policy_version: str, model_version: str) -> BatchSummary:
    """Summarise item rows: counts and summed limit changes by direction, top 5 reasons."""
    reasons: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    amounts: Counter[str] = Counter()
    offers = errors = 0
    for item in items:
        if item["status"] == "error":
            errors += 1
            continue
        direction = item["direction"]
        counts[direction] += 1
        amounts[direction] += abs(item["proposed_limit"] - item["old_limit"])
        offers += bool(item["offer_only"]) and direction == Direction.INCREASE
        if direction != Direction.UNCHANGED:
            reasons.update(item["reason_codes"])
    currencies = {item["currency"] for item in items}
    return BatchSummary(
        batch_id=batch_id,
        status=status,
        currency=currencies.pop() if len(currencies) == 1 else "mixed",
        lines=len(items),
        increases=counts[Direction.INCREASE],
        increase_amount=amounts[Direction.INCREASE],
        decreases=counts[Direction.DECREASE],
        decrease_amount=amounts[Direction.DECREASE],
        unchanged=counts[Direction.UNCHANGED],
        offers=offers,
        errors=errors,
        top_reasons=reasons.most_common(5),
        policy_version=policy_version,
        model_version=model_version,
    )


def _reject_if_nothing_evaluated(evaluated: pl.DataFrame) -> None:
    """Raise when the policy could evaluate no line at all, naming the most common cause."""
    if evaluated.is_empty():
        raise PolicyViolation("review.error.no_lines")
    errors = evaluated["error"].drop_nulls()
    if errors.len() == evaluated.height:
        cause = errors.value_counts(sort=True)[0, "error"]
        raise PolicyViolation("review.error.nothing_evaluated", count=evaluated.height, cause_key=cause)


def propose_review(
    engine: Engine,
    policy: Policy,
    policy_document: str,
    clock: Clock,
    *,
    proposed_by: str,
    zone: ZoneInfo | None = None,
) -> BatchSummary:
    """Profile, score and evaluate every line, and store the proposals as a new batch."""
    proposed_by = proposed_by.strip()
    if not proposed_by:
        raise InvalidInput("review.error.empty_name")
    zone = zone or ZoneInfo(DEFAULT_TIMEZONE)
    with reading(engine) as conn:
        model = Scorecard.from_json(champion_artifact(conn))
        portfolio, statements = _portfolio_frame(conn, model)
        flags = _active_flags(conn)
        changes = _last_limit_changes(conn)
    # The snapshots below keep the scored profile only, so the months go to the evaluation frame.
    evaluated = evaluate_portfolio(policy, _with_months_since_limit_change(portfolio, changes, clock.now(), zone))
    _reject_if_nothing_evaluated(evaluated)
    today = clock.now().astimezone(zone).date()
    evaluated = _hold_increases_of_vulnerable(evaluated, statements, flags, policy, today)
    batch_id = str(uuid.uuid4())
    items = _item_rows(batch_id, evaluated)
    summary = summarize(batch_id, "proposed", items, policy.version_tag, model.model_version)
    as_of = evaluated["as_of_month"].max() if "as_of_month" in evaluated.columns else None
    with transaction(engine) as conn:
        conn.execute(
            insert(review_batches).values(
                batch_id=batch_id,
                status="proposed",
                created_at=clock.now(),
                proposed_by=proposed_by,
                as_of_month=as_of,
                policy_version=policy.version_tag,
                policy_document=policy_document,
                model_version=model.model_version,
                summary=summary.to_json(),
            )
        )
        for start in range(0, len(items), INSERT_CHUNK):
            conn.execute(insert(review_items), items[start : start + INSERT_CHUNK])
        store_snapshots(conn, portfolio.filter(pl.col("score").is_not_null()), model.model_version, clock.now())
    logger.info(
        "review batch %s proposed: %d lines, %d increases, %d decreases",
        batch_id,
        summary.lines,
        summary.increases,
        summary.decreases,
        extra={"batch_id": batch_id},
    )
    return summary


def _load_batch(conn: Connection, batch_id: str) -> Any:
    batch = conn.execute(select(review_batches).where(review_batches.c.batch_id == batch_id)).first()
    if batch is None:
        raise NotFound(kind="batch", ident=batch_id)
    return batch


def _require_status(batch: Any, expected: tuple[str, ...]) -> None:
    if batch.status not in expected:
        raise Conflict(
            "review.error.wrong_status",
            batch_id=batch.batch_id,
            status=batch.status,
            expected=" / ".join(expected),
        )


def same_person(first: str, second: str) -> bool:
    """Return True when two recorded names are the same after trimming and case folding."""
    return first.strip().casefold() == second.strip().casefold()


def approve_batch(engine: Engine, batch_id: str, clock: Clock, *, approved_by: str) -> None:
    """Record an officer's approval; the approver must differ from the proposer unless the policy allows it."""
    approved_by = approved_by.strip()
    if not approved_by:
        raise InvalidInput("review.error.empty_name")
    with transaction(engine) as conn:
        batch = _load_batch(conn, batch_id)
        _require_status(batch, ("proposed",))
        policy = parse_policy(batch.policy_document)
        # Names are compared without case, so "Alice" cannot approve what "alice" proposed.
        if policy.approval.require_distinct_approver and same_person(approved_by, batch.proposed_by):
            raise Conflict("review.error.same_approver", batch_id=batch_id, name=approved_by)
        conn.execute(
            update(review_batches)
            .where(review_batches.c.batch_id == batch_id, review_batches.c.status == "proposed")
            .values(status="approved", approved_by=approved_by, approved_at=clock.now())
        )
    logger.info("review batch %s approved", batch_id, extra={"batch_id": batch_id})


@dataclass(frozen=True, slots=True)
class ApplyReport:
    batch_id: str
    applied: int
    offered: int
    stale: int
    chunks: int
    complete: bool


def _apply_chunk(conn: Connection, batch: Any, items: list[Any], clock: Clock, zone: ZoneInfo) -> Counter[str]:
    now = clock.now()
    account_ids = [item.account_id for item in items]
    query = select(credit_lines).where(credit_lines.c.account_id.in_(account_ids))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    lines = {row.account_id: row for row in conn.execute(query)}

    outcome: Counter[str] = Counter()
    adjustment_rows, event_rows, notice_rows, line_updates, item_updates, offer_rows = [], [], [], [], [], []
    offer_valid_days = parse_policy(batch.policy_document).customer.offer_valid_days
    for item in items:
        line = lines[item.account_id]
        if line.version != item.line_version:
            item_updates.append({"b_account_id": item.account_id, "status": "stale", "adjustment_id": None,
                                 "error": f"version {item.line_version} -> {line.version}"})
            outcome["stale"] += 1
            continue
        reasons = list(item.reason_codes)
        notice_kind = "offer" if item.offer_only else item.direction
        notice_rows.append(
            {
                "customer_id": line.customer_id,
                "account_id": line.account_id,
                "kind": f"review_{notice_kind}",
                "created_at": now,
                **render_notice(
                    notice_kind,
                    account_id=line.account_id,
                    currency=line.currency,
                    old_limit=line.approved_limit,
                    new_limit=item.proposed_limit,
                    reason_codes=reasons,
                    effective_at=now,
                    zone=zone,
                ),
            }
        )
        if item.offer_only:
            offer_rows.append(offer_row(item, line, batch, now, offer_valid_days))
            item_updates.append({"b_account_id": item.account_id, "status": "offered", "adjustment_id": None, "error": None})
            outcome["offered"] += 1
            continue
        adjustment_id = str(uuid.uuid4())
        notice_rows[-1]["adjustment_id"] = adjustment_id
        adjustment_rows.append(
            {
                "adjustment_id": adjustment_id,
                "account_id": line.account_id,
                "channel": str(Channel.REVIEW),
                "direction": item.direction,
                "currency": line.currency,
                "old_limit": line.approved_limit,
                "new_limit": item.proposed_limit,
                "reason_codes": reasons,
                "policy_version": batch.policy_version,
                "model_version": batch.model_version,
                "batch_id": batch.batch_id,
                "decided_by": batch.approved_by,
                "decided_at": now,
                "inputs": item.inputs,
            }
        )
        head = StreamHead(line.ledger_seq, line.ledger_head)
        payload = {
            "adjustment_id": adjustment_id,
            "channel": str(Channel.REVIEW),
            "old_limit": line.approved_limit,
            "new_limit": item.proposed_limit,
            "currency": line.currency,
            "reason_codes": reasons,
            "policy_version": batch.policy_version,
            "model_version": batch.model_version,
            "batch_id": batch.batch_id,
            "proposed_by": batch.proposed_by,
            "approved_by": batch.approved_by,
            "inputs": item.inputs,
        }
        event_rows.append(chain_event(head, line.account_id, EventType.LIMIT_ADJUSTED, now, payload))
        adjustment_rows[-1]["ledger_seq"] = head.seq
        line_updates.append(
            {
                "b_account_id": line.account_id,
                "b_version": line.version,
                "approved_limit": item.proposed_limit,
                "version": line.version + 1,
                "ledger_seq": head.seq,
                "ledger_head": head.hash,
                "updated_at": now,
            }
        )
        item_updates.append({"b_account_id": item.account_id, "status": "applied", "adjustment_id": adjustment_id, "error": None})
        outcome["applied"] += 1

    if line_updates:
        conn.execute(
            update(credit_lines)
            .where(
                and_(
                    credit_lines.c.account_id == bindparam("b_account_id"),
                    credit_lines.c.version == bindparam("b_version"),
                )
            )
            .values(
                approved_limit=bindparam("approved_limit"),
                version=bindparam("version"),
                ledger_seq=bindparam("ledger_seq"),
                ledger_head=bindparam("ledger_head"),
                updated_at=bindparam("updated_at"),
            ),
            line_updates,
        )
    if adjustment_rows:
        conn.execute(insert(adjustments), adjustment_rows)
    if event_rows:
        conn.execute(insert(ledger_events), event_rows)
    if offer_rows:
        replace_open_offers(conn, [row["account_id"] for row in offer_rows])
        conn.execute(insert(offers), offer_rows)
    if notice_rows:
        for row in notice_rows:
            row.setdefault("adjustment_id", None)
        conn.execute(insert(notices), notice_rows)
    conn.execute(
        update(review_items)
        .where(
            and_(
                review_items.c.batch_id == batch.batch_id,
                review_items.c.account_id == bindparam("b_account_id"),
                review_items.c.status == "proposed",
            )
        )
        .values(status=bindparam("status"), adjustment_id=bindparam("adjustment_id"), error=bindparam("error")),
        item_updates,
    )
    return outcome


def apply_batch(
    engine: Engine,
    batch_id: str,
    clock: Clock,
    zone: ZoneInfo,
    *,
    chunk_size: int | None = None,
    max_chunks: int | None = None,
) -> ApplyReport:
    """Apply an approved batch chunk by chunk; safe to interrupt and run again.

    Each chunk is one transaction: line updates (version-checked), adjustments, ledger
    events, notices and item statuses land together or not at all. A line changed since
    the batch was proposed is marked "stale" and left alone.
    """
    with transaction(engine) as conn:
        batch = _load_batch(conn, batch_id)
        if batch.status == "applied":
            # Running apply again after it finished is the same as resuming: nothing is left.
            return ApplyReport(batch_id, 0, 0, 0, 0, True)
        _require_status(batch, ("approved", "applying"))
        conn.execute(update(review_batches).where(review_batches.c.batch_id == batch_id).values(status="applying"))
        size = chunk_size or parse_policy(batch.policy_document).approval.chunk_size
    totals: Counter[str] = Counter()
    chunks = 0
    while max_chunks is None or chunks < max_chunks:
        with transaction(engine) as conn:
            items = conn.execute(
                select(review_items)
                .where(review_items.c.batch_id == batch_id, review_items.c.status == "proposed")
                .order_by(review_items.c.account_id)
                .limit(size)
            ).all()
            if not items:
                conn.execute(
                    update(review_batches)
                    .where(review_batches.c.batch_id == batch_id)
                    .values(status="applied", applied_at=clock.now())
                )
                logger.info("review batch %s applied: %s", batch_id, dict(totals), extra={"batch_id": batch_id})
                return ApplyReport(batch_id, totals["applied"], totals["offered"], totals["stale"], chunks, True)
            totals += _apply_chunk(conn, batch, items, clock, zone)
        chunks += 1
        logger.info(
            "review batch %s chunk %d applied (%d items)", batch_id, chunks, len(items), extra={"batch_id": batch_id}
        )
    return ApplyReport(batch_id, totals["applied"], totals["offered"], totals["stale"], chunks, False)


def batch_summary(engine: Engine, batch_id: str) -> BatchSummary:
    """Return the stored summary of a batch with its current status."""
    with reading(engine) as conn:
        batch = _load_batch(conn, batch_id)
        items = [dict(row._mapping) for row in conn.execute(select(review_items).where(review_items.c.batch_id == batch_id))]
    return summarize(batch_id, batch.status, items, batch.policy_version, batch.model_version)
