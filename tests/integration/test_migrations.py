"""Migrations: the schema they build matches the table definitions, and data they move."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.engine import make_url

from creditline.domain.ledger import canonical_json
from creditline.service import outbox
from creditline.store.db import make_engine, upgrade
from creditline.store.tables import (
    adjustments,
    credit_lines,
    customers,
    ledger_events,
    metadata,
    notices,
    outbox_cursors,
)
from tests.delivery import wait_until_deliverable

MOMENT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)


def test_migrations_match_table_definitions(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database without any schema, to migrate step by step."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    # The session database only serves to reach the server, with its skip and CI rules.
    server_url: str = request.getfixturevalue("pg_database_url")
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"creditline_migration_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(server_url).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def upgrade_to_0003_heads(engine: Engine) -> None:
    for revision in ("0003a", "0003b", "0003c", "0003d"):
        upgrade(engine, revision)


def add_line(conn: Connection, account_id: str, events: list[dict[str, Any]]) -> None:
    """Insert a customer, a line and its ledger events as payloads (hashes are placeholders)."""
    customer_id = f"C-{account_id}"
    conn.execute(insert(customers).values(customer_id=customer_id, updated_at=MOMENT))
    conn.execute(
        insert(credit_lines).values(
            account_id=account_id, customer_id=customer_id, product="card", currency="CNY", approved_limit=100,
            outstanding=0, version=len(events), ledger_seq=len(events), updated_at=MOMENT,
        )
    )
    for seq, payload in enumerate(events, start=1):
        conn.execute(
            insert(ledger_events).values(
                stream_id=account_id, seq=seq, event_type="LimitAdjusted", occurred_at=MOMENT,
                payload=canonical_json(payload).decode("utf-8"), prev_hash="0" * 64, hash=f"{seq:064d}",
            )
        )


def add_adjustment(conn: Connection, adjustment_id: str, account_id: str) -> None:
    conn.execute(
        insert(adjustments).values(
            adjustment_id=adjustment_id, account_id=account_id, channel="officer", direction="decrease",
            currency="CNY", old_limit=100, new_limit=90, reason_codes=[], decided_by="officer-1",
            decided_at=MOMENT, inputs={},
        )
    )


def add_notice(conn: Connection) -> None:
    conn.execute(
        insert(notices).values(
            customer_id="C1", account_id="A1", kind="decrease", title_zh="t", body_zh="b", title_en="t", body_en="b",
            created_at=MOMENT,
        )
    )


def test_backfill_takes_seq_of_first_naming_event(empty_engine: Engine) -> None:
    upgrade_to_0003_heads(empty_engine)
    first, second, unnamed, elsewhere = (f"00000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))
    with empty_engine.begin() as conn:
        add_line(
            conn,
            "A1",
            [
                {"event": "opened"},
                {"adjustment_id": first, "new_limit": 90},
                {"adjustment_id": second, "new_limit": 80},
                # A later event that refers back to the first adjustment does not move it.
                {"adjustment_id": first, "note": "review case decided"},
            ],
        )
        # An event naming ``elsewhere`` in another line's stream is not its own.
        add_line(conn, "A2", [{"event": "opened"}, {"adjustment_id": elsewhere}])
        for adjustment_id in (first, second, unnamed, elsewhere):
            add_adjustment(conn, adjustment_id, "A1")

    upgrade(empty_engine, "0004b")

    with empty_engine.connect() as conn:
        recorded = dict(conn.execute(select(adjustments.c.adjustment_id, adjustments.c.ledger_seq)).all())
    assert recorded == {first: 2, second: 3, unnamed: None, elsewhere: None}


def test_existing_notices_and_cursors_keep_their_order(empty_engine: Engine) -> None:
    upgrade_to_0003_heads(empty_engine)
    with empty_engine.begin() as conn:
        for _ in (1, 2, 3):
            add_notice(conn)
        conn.execute(insert(outbox_cursors).values(consumer="sms", acknowledged_notice_id=2, updated_at=MOMENT))

    upgrade(empty_engine, "0004a")
    with empty_engine.begin() as conn:
        add_notice(conn)
    wait_until_deliverable(empty_engine)

    with empty_engine.connect() as conn:
        written = dict(conn.execute(select(notices.c.notice_id, notices.c.xact_id)).all())
        cursor = outbox.read_cursor(conn, "sms")
        unread = outbox.read_notices(conn, cursor.position, 10)
    assert [written[notice_id] for notice_id in (1, 2, 3)] == [0, 0, 0]
    assert cursor.position == outbox.Position(0, 2)
    assert [notice.notice_id for notice in unread] == [3, 4]
    if empty_engine.dialect.name == "postgresql":
        assert written[4] > 0
    else:
        assert written[4] == 0
