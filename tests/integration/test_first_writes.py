"""Two transactions that both write the first row of something (a stream head, a consumer's
cursor) at once: the second waits for the first and then builds on it, on PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select

from creditline.clock import FixedClock
from creditline.service import outbox
from creditline.service.imports import import_folder
from creditline.store.ledger import append_headed_event, verify_ledger
from creditline.store.tables import ledger_events, ledger_heads, notices, outbox_cursors
from creditline.store.transactions import UnitOfWork, transaction
from tests.delivery import wait_until_deliverable
from tests.factories import write_portfolio

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(pg_engine: Engine, tmp_path: Path, clock: FixedClock) -> Engine:
    import_folder(pg_engine, write_portfolio(tmp_path / "portfolio", 2), clock)
    return pg_engine


def wait_for_lock_waiters(engine: Engine, count: int) -> None:
    deadline = time.monotonic() + 20
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    while True:
        with engine.connect() as conn:
            if conn.exec_driver_sql(query).scalar_one() >= count:
                return
        if time.monotonic() > deadline:
            pytest.fail(f"fewer than {count} transactions waited for a lock within 20 s")
        time.sleep(0.02)


def test_first_appends_chain_in_order(pg: Engine, clock: FixedClock) -> None:
    stream = "registry:concurrency-test"

    def append_second() -> None:
        with transaction(pg) as conn:
            append_headed_event(conn, stream, "ModelRegistered", clock.now(), {"model_version": "second"})

    unit = UnitOfWork(pg)
    token = unit.bind()
    try:
        with transaction(pg) as conn:
            append_headed_event(conn, stream, "ModelRegistered", clock.now(), {"model_version": "first"})
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(append_second)
            wait_for_lock_waiters(pg, 1)
            unit.commit()
            second.result(timeout=30)
    finally:
        UnitOfWork.unbind(token)

    with pg.connect() as conn:
        events = conn.execute(
            select(ledger_events.c.seq, ledger_events.c.payload).where(ledger_events.c.stream_id == stream)
            .order_by(ledger_events.c.seq)
        ).all()
        head = conn.execute(select(ledger_heads).where(ledger_heads.c.stream_id == stream)).one()
        report = verify_ledger(conn)
    assert [seq for seq, _ in events] == [1, 2]
    assert head.seq == 2
    assert report.ok, report.faults[:3]


def test_first_acks_do_not_collide(pg: Engine, clock: FixedClock) -> None:
    with pg.begin() as conn:
        ids = [
            int(
                conn.execute(
                    insert(notices)
                    .values(
                        customer_id="C0001", account_id="A0001", kind="decrease", title_zh="标题", body_zh="正文",
                        title_en="Title", body_en="Body", created_at=clock.now() + timedelta(seconds=index),
                    )
                    .returning(notices.c.notice_id)
                ).scalar_one()
            )
            for index in range(3)
        ]
    wait_until_deliverable(pg)
    later = threading.Event()

    def acknowledge_last() -> outbox.Cursor:
        later.set()
        return outbox.acknowledge(pg, "sms", ids[2], clock.now())

    unit = UnitOfWork(pg)
    token = unit.bind()
    try:
        outbox.acknowledge(pg, "sms", ids[0], clock.now())
        with ThreadPoolExecutor(max_workers=1) as pool:
            second = pool.submit(acknowledge_last)
            later.wait(timeout=20)
            wait_for_lock_waiters(pg, 1)
            unit.commit()
            cursor = second.result(timeout=30)
    finally:
        UnitOfWork.unbind(token)

    assert cursor.position.notice_id == ids[2]
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(outbox_cursors)) == 1
        assert conn.scalar(select(outbox_cursors.c.acknowledged_notice_id)) == ids[2]
