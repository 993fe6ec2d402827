"""Persist a validated portfolio import in one transaction, with ledger events for lines."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl
from sqlalchemy import Connection, Engine, Table, and_, delete, insert, select, tuple_, update

from creditline.clock import Clock
from creditline.domain.events import EventType, line_opened_payload
from creditline.domain.line import CreditLine, IncreasePreference
from creditline.errors import ImportRejected
from creditline.ingest import Portfolio, RowError, load_portfolio
from creditline.store.ledger import StreamHead, chain_event
from creditline.service.lines import line_from_row
from creditline.settings import DEFAULT_TIMEZONE
from creditline.store.tables import (
    bureau_reports,
    credit_lines,
    customers,
    import_runs,
    ledger_events,
    notices,
    outcomes,
    statements,
    transactions,
)
from creditline.store.transactions import transaction

logger = logging.getLogger(__name__)

# Rows per executemany call: large enough for PostgreSQL's multi-row VALUES batching,
# small enough to keep memory flat on big imports.
CHUNK_ROWS = 10_000
# Fields of a stored line that an import may not change: they identify the line.
IDENTITY_FIELDS = ("customer_id", "product", "currency")


@dataclass(frozen=True, slots=True)
class ImportResult:
    import_id: str
    row_counts: dict[str, int]
    lines_opened: int
    balances_synced: int
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)


def _chunks(rows: list[dict[str, Any]], size: int = CHUNK_ROWS) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        conn.execute(insert(table), chunk)


def _replace_keyed(conn: Connection, table: Table, frame: pl.DataFrame, key: tuple[str, ...]) -> None:
    """Replace stored rows that share a key with ``frame``'s rows, then insert ``frame``."""
    rows = frame.to_dicts()
    key_columns = [table.c[name] for name in key]
    for chunk in _chunks(rows, 1000):
        keys = [tuple(row[name] for name in key) for row in chunk]
        conn.execute(delete(table).where(tuple_(*key_columns).in_(keys)))
    _insert(conn, table, rows)


def _existing_lines(conn: Connection, account_ids: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(account_ids), 1000):
        chunk = account_ids[start : start + 1000]
        for row in conn.execute(select(credit_lines).where(credit_lines.c.account_id.in_(chunk))):
            found[row.account_id] = row
    return found


def _identity_errors(accounts: pl.DataFrame, existing: dict[str, Any], source: str) -> list[RowError]:
    errors: list[RowError] = []
    for position, row in enumerate(accounts.iter_rows(named=True)):
        stored = existing.get(row["account_id"])
        if stored is None:
            continue
        for name in IDENTITY_FIELDS:
            if row[name] != getattr(stored, name):
                errors.append(
                    RowError(
                        file=source,
                        line=position + 2,
                        column=name,
                        value=str(row[name]),
                        key="import.identity_changed",
                        params={"account_id": row["account_id"], "stored": getattr(stored, name)},
                    )
                )
    return errors


def _upsert_customers(conn: Connection, frame: pl.DataFrame, now: Any) -> None:
    rows = [dict(row, updated_at=now) for row in frame.to_dicts()]
    ids = [row["customer_id"] for row in rows]
    stored: set[str] = set()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        stored.update(conn.scalars(select(customers.c.customer_id).where(customers.c.customer_id.in_(chunk))))
    _insert(conn, customers, [row for row in rows if row["customer_id"] not in stored])
    updates = [row for row in rows if row["customer_id"] in stored]
    if updates:
        statement = (
            update(customers)
            .where(customers.c.customer_id == _param("b_customer_id"))
            .values({name: _param(f"b_{name}") for name in rows[0] if name != "customer_id"})
        )
        for chunk in _chunks(updates):
            conn.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in chunk])


def _param(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name)


def _open_and_sync_lines(
    conn: Connection, accounts: pl.DataFrame, existing: dict[str, Any], now: Any, zone: ZoneInfo
) -> tuple[int, int]:
    from creditline.service.customer import overspend_notice

    alerts: list[dict[str, Any]] = []
    new_lines: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    synced: list[dict[str, Any]] = []
    for row in accounts.iter_rows(named=True):
        stored = existing.get(row["account_id"])
        if stored is None:
            line = CreditLine(
                account_id=row["account_id"],
                customer_id=row["customer_id"],
                product=row["product"],
                currency=row["currency"],
                approved_limit=row["approved_limit"],
                outstanding=row["outstanding"],
                increase_preference=IncreasePreference(row["increase_preference"]),
            )
            head = StreamHead()
            events.append(chain_event(head, line.account_id, EventType.LINE_OPENED, now, line_opened_payload(line)))
            new_lines.append(
                {
                    "account_id": line.account_id,
                    "customer_id": line.customer_id,
                    "product": line.product,
                    "currency": line.currency,
                    "opened_on": row["opened_on"],
                    "approved_limit": line.approved_limit,
                    "outstanding": line.outstanding,
                    "temporary_limit": 0,
                    "customer_frozen": False,
                    "risk_frozen": False,
                    "increase_preference": str(line.increase_preference),
                    "version": 1,
                    "ledger_seq": head.seq,
                    "ledger_head": head.hash,
                    "updated_at": now,
                }
            )
        elif row["outstanding"] != stored.outstanding:
            # Limits change only by decisions; an import only mirrors the balance owed.
            head = StreamHead(stored.ledger_seq, stored.ledger_head)
            payload = {"old_outstanding": stored.outstanding, "new_outstanding": row["outstanding"]}
            events.append(chain_event(head, stored.account_id, EventType.BALANCE_SYNCED, now, payload))
            notice = overspend_notice(line_from_row(stored), row["outstanding"], now, zone)
            if notice is not None:
                alerts.append({"customer_id": stored.customer_id, "account_id": stored.account_id, "created_at": now, **notice})
            synced.append(
                {
                    "b_account_id": stored.account_id,
                    "b_version": stored.version,
                    "outstanding": row["outstanding"],
                    "version": stored.version + 1,
                    "ledger_seq": head.seq,
                    "ledger_head": head.hash,
                    "updated_at": now,
                }
            )
    _insert(conn, credit_lines, new_lines)
    if synced:
        statement = (
            update(credit_lines)
            .where(
                and_(
                    credit_lines.c.account_id == _param("b_account_id"),
                    credit_lines.c.version == _param("b_version"),
                )
            )
            .values(
                outstanding=_param("outstanding"),
                version=_param("version"),
                ledger_seq=_param("ledger_seq"),
                ledger_head=_param("ledger_head"),
                updated_at=_param("updated_at"),
            )
        )
        for chunk in _chunks(synced):
            conn.execute(statement, chunk)
    _insert(conn, ledger_events, events)
    # A balance that passes the customer's over-spend alert threshold sends the alert notice.
    _insert(conn, notices, alerts)
    return len(new_lines), len(synced)


def persist_portfolio(
    conn: Connection, portfolio: Portfolio, source: str, clock: Clock, zone: ZoneInfo | None = None
) -> ImportResult:
    """Write a validated portfolio inside the caller's transaction.

    New accounts open a line with a LineOpened ledger event. Known accounts keep their
    approved limit (only decisions change it) and get a BalanceSynced event when the
    outstanding balance differs. Statements, outcomes and bureau reports replace stored
    rows with the same key; transactions are appended.

    Raises
    ------
    ImportRejected
        When a known account arrives with another customer, product or currency.
    """
    now = clock.now()
    accounts = portfolio.accounts
    existing = _existing_lines(conn, accounts["account_id"].to_list())
    accounts_file = portfolio.source_files.get("accounts")
    errors = _identity_errors(accounts, existing, accounts_file.name if accounts_file else "accounts")
    if errors:
        raise ImportRejected(errors)

    _upsert_customers(conn, portfolio.customers, now)
    opened, synced = _open_and_sync_lines(conn, accounts, existing, now, zone or ZoneInfo(DEFAULT_TIMEZONE))
    _replace_keyed(conn, statements, portfolio.statements, ("account_id", "statement_month"))
    if portfolio.outcomes is not None:
        frame = portfolio.outcomes.with_columns(pl.col("bad").cast(pl.Boolean))
        _replace_keyed(conn, outcomes, frame, ("account_id", "as_of"))
    if portfolio.bureau is not None:
        frame = portfolio.bureau.with_columns(pl.col("enforcement").cast(pl.Boolean))
        _replace_keyed(conn, bureau_reports, frame, ("customer_id", "report_date"))
    if portfolio.transactions is not None:
        _insert(conn, transactions, portfolio.transactions.to_dicts())

    import_id = str(uuid.uuid4())
    counts = dict(portfolio.row_counts)
    conn.execute(insert(import_runs).values(import_id=import_id, imported_at=now, source=source, row_counts=counts))
    logger.info(
        "import %s stored: %s, %d lines opened, %d balances synced",
        import_id,
        counts,
        opened,
        synced,
        extra={"import_id": import_id},
    )
    ignored = {table: list(columns) for table, columns in portfolio.ignored_columns.items() if columns}
    return ImportResult(import_id, counts, opened, synced, ignored)


def import_folder(engine: Engine, folder: Path, clock: Clock, zone: ZoneInfo | None = None) -> ImportResult:
    """Validate and store the portfolio in ``folder``: all of it, or nothing."""
    portfolio = load_portfolio(folder)
    with transaction(engine) as conn:
        return persist_portfolio(conn, portfolio, folder.name, clock, zone)
