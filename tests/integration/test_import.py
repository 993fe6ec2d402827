from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from creditline.clock import FixedClock
from creditline.errors import ImportRejected
from creditline.service.imports import import_folder
from creditline.service.ledger import verify
from creditline.store.tables import credit_lines, customers, ledger_events, statements
from tests.factories import write_portfolio


def count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)))


def test_import_opens_lines_with_ledger_events(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    folder = write_portfolio(tmp_path / "in", 12)
    result = import_folder(engine, folder, clock)
    assert result.lines_opened == 12
    assert result.row_counts["statements"] == 72
    with engine.connect() as conn:
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0003")).one()
    assert line.approved_limit == 2_300_000
    assert line.currency == "CNY"
    assert line.version == 1
    assert line.ledger_seq == 1
    assert line.updated_at.utcoffset() is not None
    assert count(engine, ledger_events) == 12
    assert verify(engine).ok


def test_import_with_one_bad_row_changes_nothing(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    folder = write_portfolio(tmp_path / "in", 12)
    text = (folder / "statements.csv").read_text(encoding="utf-8").splitlines()
    fields = text[5].split(",")
    fields[2] = "12,5"  # a thousands separator splits the field: wrong column count
    fields[2] = "abc"
    text[5] = ",".join(fields)
    (folder / "statements.csv").write_text("\n".join(text) + "\n", encoding="utf-8")

    with pytest.raises(ImportRejected) as caught:
        import_folder(engine, folder, clock)

    errors = caught.value.row_errors
    assert len(errors) == 1
    assert (errors[0].file, errors[0].line, errors[0].column, errors[0].value) == ("statements.csv", 6, "bill_amount", "abc")
    assert count(engine, customers) == 0
    assert count(engine, credit_lines) == 0
    assert count(engine, statements) == 0
    assert count(engine, ledger_events) == 0


def test_reimport_syncs_balance_and_keeps_limit(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    folder = write_portfolio(tmp_path / "in", 4)
    import_folder(engine, folder, clock)
    lines = (folder / "accounts.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[5] = "99999"  # approved limit in the file is ignored for a known line
    fields[6] = "1234.50"
    lines[1] = ",".join(fields)
    (folder / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = import_folder(engine, folder, clock)

    assert (result.lines_opened, result.balances_synced) == (0, 1)
    with engine.connect() as conn:
        line = conn.execute(select(credit_lines).where(credit_lines.c.account_id == "A0001")).one()
    assert (line.approved_limit, line.outstanding, line.version, line.ledger_seq) == (2_100_000, 123_450, 2, 2)
    assert count(engine, statements) == 24
    assert verify(engine).ok


def test_reimport_rejects_changed_customer(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    folder = write_portfolio(tmp_path / "in", 4)
    import_folder(engine, folder, clock)
    text = (folder / "accounts.csv").read_text(encoding="utf-8").replace("A0002,C0002", "A0002,C0003")
    (folder / "accounts.csv").write_text(text, encoding="utf-8")

    with pytest.raises(ImportRejected) as caught:
        import_folder(engine, folder, clock)

    error = caught.value.row_errors[0]
    assert (error.line, error.column, error.value) == (3, "customer_id", "C0003")
    assert "Account A0002 already exists with customer_id 'C0002' but the file has 'C0003'" in error.render("en")
    with engine.connect() as conn:
        assert conn.scalar(select(credit_lines.c.customer_id).where(credit_lines.c.account_id == "A0002")) == "C0002"


def test_verify_names_edited_event(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 6), clock)
    with engine.begin() as conn:
        row_id = conn.scalar(select(ledger_events.c.id).where(ledger_events.c.stream_id == "A0004"))
        conn.execute(
            update(ledger_events)
            .where(ledger_events.c.id == row_id)
            .values(payload=func.replace(ledger_events.c.payload, "2400000", "9400000"))
        )

    report = verify(engine)

    assert not report.ok
    first = report.first_fault
    assert first is not None
    assert (first.stream_id, first.row_id, first.seq, first.problem) == ("A0004", row_id, 1, "ledger.fault.hash_mismatch")


def test_verify_finds_deleted_event_and_changed_line(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "in", 3), clock)
    with engine.begin() as conn:
        conn.execute(ledger_events.delete().where(ledger_events.c.stream_id == "A0001"))
        conn.execute(update(credit_lines).where(credit_lines.c.account_id == "A0002").values(approved_limit=1))

    problems = {(fault.stream_id, fault.problem) for fault in verify(engine).faults}

    assert problems == {("A0001", "ledger.fault.missing_stream"), ("A0002", "ledger.fault.state_mismatch")}


def test_reimport_sends_overspend_alert(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    from zoneinfo import ZoneInfo

    from creditline.service.customer import set_alert
    from creditline.store.tables import notices

    zone = ZoneInfo("Asia/Shanghai")
    folder = write_portfolio(tmp_path / "in", 4)
    import_folder(engine, folder, clock)
    set_alert(engine, "A0001", 700_000, "C0001", clock, zone)
    lines = (folder / "accounts.csv").read_text(encoding="utf-8").splitlines()
    fields = lines[1].split(",")
    fields[6] = "7500"
    lines[1] = ",".join(fields)
    (folder / "accounts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    import_folder(engine, folder, clock, zone)

    with engine.connect() as conn:
        sent = conn.execute(select(notices).where(notices.c.account_id == "A0001").order_by(notices.c.notice_id)).all()
    assert [notice.kind for notice in sent] == ["alert_set", "overspend_alert"]
    assert "7,500.00" in sent[1].body_zh
