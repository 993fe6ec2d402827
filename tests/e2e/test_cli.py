"""The installed ``creditline`` console script, run as a subprocess.

Every test runs in its own folder with its own SQLite file. The child's environment drops
the caller's locale variables and CREDITLINE_* settings, so the output language and the
database are exactly what the test sets.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from creditline.store import tables
from creditline.store.db import make_engine
from tests.factories import write_policy, write_portfolio

SCRIPT = Path(sys.executable).with_name("creditline")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "creditline.cli"]
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# Generous bound so that a hung child fails the test instead of stalling the run.
CHILD_TIMEOUT_SECONDS = 600

ZH_LEDGER_EMPTY = "账本校验通过：0 个额度账户，0 个事件，哈希链完整，回放结果与账户状态一致。\n"
EN_LEDGER_EMPTY = "Ledger verified: 0 lines, 0 events; every hash chain is intact and replay matches the stored lines.\n"


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def child_environment(**overrides: str) -> dict[str, str]:
    """Return the caller's environment without locale and creditline settings, plus ``overrides``."""
    dropped = ("LANG", "LANGUAGE", "COLUMNS", "LINES")
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in dropped and not name.startswith(("LC_", "CREDITLINE_"))
    }
    # The child's encoding must not depend on the locale variables the tests vary.
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(overrides)
    return env


def creditline(*args: str, cwd: Path, env: Mapping[str, str]) -> Run:
    done = subprocess.run(
        [*COMMAND, *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        encoding="utf-8",
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def count_rows(database: Path, table: str) -> int:
    engine = make_engine(sqlite_url(database))
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(getattr(tables, table))))
    finally:
        engine.dispose()


def count_line_events(database: Path) -> int:
    """Count ledger events of credit lines, leaving out the model registry's "registry:" streams."""
    events = tables.ledger_events
    engine = make_engine(sqlite_url(database))
    try:
        with engine.connect() as conn:
            query = select(func.count()).select_from(events).where(~events.c.stream_id.like("registry:%"))
            return int(conn.scalar(query))
    finally:
        engine.dispose()


def edit_payload(database: Path, row_id: int, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in one ledger row's payload, as someone with file access could."""
    with closing(sqlite3.connect(database)) as conn, conn:
        (payload,) = conn.execute("SELECT payload FROM ledger_events WHERE id = ?", (row_id,)).fetchone()
        assert old in payload
        conn.execute("UPDATE ledger_events SET payload = ? WHERE id = ?", (payload.replace(old, new), row_id))


def first_event(database: Path, event_type: str) -> tuple[int, str, int]:
    with closing(sqlite3.connect(database)) as conn:
        row = conn.execute(
            "SELECT id, stream_id, seq FROM ledger_events WHERE event_type = ? ORDER BY id LIMIT 1", (event_type,)
        ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1]), int(row[2])


# Language selection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale_env", "options", "expected"),
    [
        ({}, [], ZH_LEDGER_EMPTY),
        ({"LANG": "zh_CN.UTF-8"}, [], ZH_LEDGER_EMPTY),
        ({"LANG": "en_US.UTF-8"}, [], EN_LEDGER_EMPTY),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "en_GB.UTF-8"}, [], EN_LEDGER_EMPTY),
        ({"LANG": "zh_CN.UTF-8", "CREDITLINE_LANG": "en"}, [], EN_LEDGER_EMPTY),
        ({"LANG": "en_US.UTF-8"}, ["--lang", "zh"], ZH_LEDGER_EMPTY),
        ({"LANG": "zh_CN.UTF-8"}, ["--lang", "en"], EN_LEDGER_EMPTY),
        ({"LANG": "zh_CN.UTF-8"}, ["--lang=en"], EN_LEDGER_EMPTY),
    ],
    ids=["no-locale", "LANG-zh", "LANG-en", "LC_ALL-over-LANG", "CREDITLINE_LANG", "flag-zh", "flag-en", "flag-equals"],
)
def test_output_language(tmp_path: Path, locale_env: dict[str, str], options: list[str], expected: str) -> None:
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "creditline.db"), **locale_env)

    run = creditline(*options, "ledger", "verify", cwd=tmp_path, env=env)

    assert run.code == 0, run.stderr
    assert run.stdout == expected


@pytest.mark.parametrize(
    ("locale_env", "expected"),
    [
        ({"LANG": "en_US.UTF-8"}, "Unsupported language 'fr': use zh or en.\n"),
        ({}, "不支持的语言“fr”：请使用 zh 或 en。\n"),
    ],
    ids=["en", "zh"],
)
def test_unsupported_language_rejected(tmp_path: Path, locale_env: dict[str, str], expected: str) -> None:
    database = tmp_path / "creditline.db"
    env = child_environment(**locale_env)

    run = creditline("--lang", "fr", "--database-url", sqlite_url(database), "ledger", "verify", cwd=tmp_path, env=env)

    assert run.code == 2
    assert run.stderr == expected
    assert run.stdout == ""
    assert not database.exists()


def test_unknown_option_is_usage_error(tmp_path: Path) -> None:
    env = child_environment(LANG="en_US.UTF-8", CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "creditline.db"))

    run = creditline("ledger", "verify", "--no-such-option", cwd=tmp_path, env=env)

    assert run.code == 2
    assert "No such option: --no-such-option" in run.stderr
    assert "Traceback" not in run.stderr


# Import ---------------------------------------------------------------------------------


def write_bad_statement(folder: Path) -> None:
    """Put 'abc' in the bill_amount of statements.csv line 6 (the header is line 1)."""
    path = folder / "statements.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[5][2] = "abc"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def test_import_bad_row_rejected(tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "portfolio", 12)
    write_bad_statement(folder)
    database = tmp_path / "creditline.db"
    env = child_environment(LANG="en_US.UTF-8")

    run = creditline("--database-url", sqlite_url(database), "import", str(folder), cwd=tmp_path, env=env)

    assert run.code == 1
    assert run.stdout == ""
    assert run.stderr == (
        "These rows have errors (1 in all, first 1 shown):\n"
        "  statements.csv, line 6, column bill_amount: 'abc' is not a valid amount; write plain digits with at most"
        " two decimals, no separators and an optional leading minus sign, for example 8000, 8000.50 or -8000.50.\n"
        "Error: Import rejected; problems found: 1. The database was not changed.\n"
    )
    assert count_rows(database, "credit_lines") == 0
    assert count_rows(database, "customers") == 0
    assert count_rows(database, "ledger_events") == 0
    verified = creditline("--database-url", sqlite_url(database), "ledger", "verify", cwd=tmp_path, env=env)
    assert (verified.code, verified.stdout) == (0, EN_LEDGER_EMPTY)


def test_import_rejection_in_chinese(tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "portfolio", 12)
    write_bad_statement(folder)
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "creditline.db"))

    run = creditline("import", str(folder), cwd=tmp_path, env=env)

    assert run.code == 1
    assert run.stderr.splitlines() == [
        "以下数据行有错误（共 1 行，显示前 1 行）：",
        "  statements.csv 第 6 行，列 bill_amount：“abc”不是有效金额：请使用不带千位分隔符、最多两位小数的阿拉伯数字，"
        "负数前加减号，例如 8000、8000.50 或 -8000.50。",
        "错误：导入被拒绝：发现 1 处问题，数据库未做任何修改。",
    ]


def test_import_prints_counts(tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "portfolio", 200)
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "creditline.db"))

    run = creditline("import", str(folder), cwd=tmp_path, env=env)

    assert run.code == 0, run.stderr
    assert re.fullmatch(
        rf"导入完成（批次 {UUID}）：客户 200 个，账户 200 个，账单 1,200 条；新开额度账户 200 个，同步余额 0 个。\n",
        run.stdout,
    )


# The whole review journey ---------------------------------------------------------------


def test_review_journey_and_tampered_ledger(tmp_path: Path) -> None:
    database = tmp_path / "creditline.db"
    env = child_environment(LANG="en_US.UTF-8", CREDITLINE_DATABASE_URL=sqlite_url(database))
    folder = write_portfolio(tmp_path / "portfolio", 200)

    imported = creditline("import", str(folder), cwd=tmp_path, env=env)
    assert imported.code == 0, imported.stderr
    assert re.fullmatch(
        rf"Import done \({UUID}\): 200 customers, 200 accounts, 1,200 statements; 200 lines opened, 0 balances synced\.\n",
        imported.stdout,
    )

    trained = creditline("model", "train", "--by", "analyst", cwd=tmp_path, env=env)
    assert trained.code == 0, trained.stderr
    sizes = re.search(r"trained and made champion: (\d+) training accounts, (\d+) hold-out accounts\.", trained.stdout)
    assert sizes is not None, trained.stdout
    assert int(sizes[1]) + int(sizes[2]) == 200
    metrics = re.search(r"^Hold-out performance: AUC (\d\.\d{4}), KS (\d\.\d{4}), Gini (-?\d\.\d{4})\.$", trained.stdout, re.M)
    assert metrics is not None, trained.stdout
    auc, gini = float(metrics[1]), float(metrics[3])
    assert abs(gini - (2 * auc - 1)) <= 0.0002

    proposed = creditline("review", "run", "--policy", str(write_policy(tmp_path / "policy")), "--by", "alice", cwd=tmp_path, env=env)
    assert proposed.code == 0, proposed.stderr
    found = re.search(rf"^Next: creditline review approve ({UUID}) --by <approver>$", proposed.stdout, re.M)
    assert found is not None, proposed.stdout
    batch_id = found[1]
    assert proposed.stdout.startswith(f"Review batch {batch_id} (proposed)\n")
    with closing(sqlite3.connect(database)) as conn:
        to_apply = conn.execute(
            "SELECT count(*) FROM review_items WHERE batch_id = ? AND status = 'proposed'", (batch_id,)
        ).fetchone()[0]
    assert to_apply > 0

    own = creditline("review", "approve", batch_id, "--by", "alice", cwd=tmp_path, env=env)
    assert own.code == 1
    assert own.stderr == (
        f"Error: Batch {batch_id} was proposed by alice; another officer must approve it "
        "(the limit policy requires a different approver).\n"
    )

    approved = creditline("review", "approve", batch_id, "--by", "bob", cwd=tmp_path, env=env)
    assert approved.code == 0, approved.stderr
    assert approved.stdout == f"Batch {batch_id} approved by bob.\n"

    applied = creditline("review", "apply", batch_id, cwd=tmp_path, env=env)
    assert applied.code == 0, applied.stderr
    assert applied.stdout == (
        f"Batch {batch_id} applied: {to_apply:,} lines adjusted, offers made: 0, "
        "0 skipped because the line had changed.\n"
    )
    assert count_rows(database, "adjustments") == to_apply
    events = count_line_events(database)
    assert events == 200 + to_apply

    again = creditline("review", "apply", batch_id, cwd=tmp_path, env=env)
    assert again.code == 0
    assert again.stdout == f"Batch {batch_id} was already applied; nothing left to do.\n"
    assert count_rows(database, "adjustments") == to_apply
    assert count_line_events(database) == events

    verified = creditline("ledger", "verify", cwd=tmp_path, env=env)
    assert verified.code == 0, verified.stderr
    assert verified.stdout == (
        f"Ledger verified: 200 lines, {events:,} events; every hash chain is intact and replay matches the stored lines.\n"
    )

    row_id, account_id, seq = first_event(database, "LimitAdjusted")
    edit_payload(database, row_id, '"approved_by":"bob"', '"approved_by":"eve"')

    tampered = creditline("ledger", "verify", cwd=tmp_path, env=env)
    assert tampered.code == 1
    assert tampered.stdout == ""
    assert tampered.stderr == (
        "Ledger verification failed; faults found: 1.\n"
        f"First bad event: ledger row id={row_id}, line {account_id}, sequence {seq}: "
        "event content does not match its hash (the event was edited)\n"
    )


# The real-data demo ---------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    run: Run
    database: Path
    env: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """Run ``creditline demo --no-serve`` once for the module, in English, into its own folder."""
    data_home = os.environ.get("CREDITLINE_DATA_HOME")
    if not data_home:
        pytest.skip("CREDITLINE_DATA_HOME is not set; the demo needs the Taiwan credit-card default data")
    workdir = tmp_path_factory.mktemp("demo")
    env = child_environment(LANG="en_US.UTF-8", CREDITLINE_DATA_HOME=data_home)
    run = creditline("demo", "--no-serve", "--workdir", str(workdir), cwd=workdir, env=env)
    return Demo(run, workdir / "creditline-demo.db", env)


def parse_number(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.mark.slow
def test_demo_summary_and_ledger(demo: Demo, tmp_path: Path) -> None:
    out = demo.run.stdout
    assert demo.run.code == 0, demo.run.stderr
    assert f"Demo database: {sqlite_url(demo.database.resolve())}\n" in out
    assert "Converted 30,000 accounts (6,636 defaults) into " in out
    assert re.search(
        rf"^Import done \({UUID}\): 30,000 customers, 30,000 accounts, 180,000 statements; "
        r"30,000 lines opened, 0 balances synced\.$",
        out,
        re.M,
    )
    assert re.search(r"^Hold-out performance: AUC 0\.\d{4}, KS 0\.\d{4}, Gini 0\.\d{4}\.$", out, re.M)

    rows = {
        match[1]: parse_number(match[2])
        for match in re.finditer(r"^│ (Increase|Decrease|Unchanged|of which offers only)\s*│\s*([\d,]+) │", out, re.M)
    }
    assert set(rows) == {"Increase", "Decrease", "Unchanged", "of which offers only"}
    assert rows["Increase"] > 0
    assert rows["Decrease"] > 0
    assert rows["Increase"] + rows["Decrease"] + rows["Unchanged"] == 30_000

    applied = re.search(rf"^Batch {UUID} applied: ([\d,]+) lines adjusted, offers made: ([\d,]+), 0 skipped", out, re.M)
    assert applied is not None
    assert parse_number(applied[1]) + parse_number(applied[2]) == rows["Increase"] + rows["Decrease"]
    events = 30_000 + parse_number(applied[1])
    assert f"Ledger verified: 30,000 lines, {events:,} events;" in out

    holdout = re.search(r"^Outcome on the hold-out \(([\d,]+) accounts not used for training\):$", out, re.M)
    bad = re.search(
        r"^  Of the ([\d,]+) accounts that defaulted the next month, ([\d,]+) had their limit cut "
        r"\((\d+\.\d)%\) and ([\d,]+) were raised\.$",
        out,
        re.M,
    )
    good = re.search(
        r"^  Of the ([\d,]+) accounts that did not default, ([\d,]+) had their limit changed "
        r"\((\d+\.\d)%\): ([\d,]+) raised, ([\d,]+) cut\.$",
        out,
        re.M,
    )
    assert holdout is not None, out
    assert bad is not None, out
    assert good is not None, out
    bads, goods = parse_number(bad[1]), parse_number(good[1])
    assert bads + goods == parse_number(holdout[1])
    assert parse_number(bad[2]) + parse_number(bad[4]) <= bads
    assert parse_number(good[4]) + parse_number(good[5]) == parse_number(good[2])

    verified = creditline("--database-url", sqlite_url(demo.database), "ledger", "verify", cwd=tmp_path, env=demo.env)
    assert verified.code == 0, verified.stderr
    assert verified.stdout == (
        f"Ledger verified: 30,000 lines, {events:,} events; every hash chain is intact and replay matches the stored lines.\n"
    )


@pytest.mark.slow
def test_demo_ledger_tampering_found(demo: Demo, tmp_path: Path) -> None:
    assert demo.run.code == 0, demo.run.stderr
    database = tmp_path / "tampered.db"
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{demo.database}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{database}{suffix}")
    row_id, account_id, seq = first_event(database, "LimitAdjusted")
    edit_payload(database, row_id, '"approved_by":"officer.demo"', '"approved_by":"someone.else"')

    run = creditline("--database-url", sqlite_url(database), "ledger", "verify", cwd=tmp_path, env=demo.env)

    assert run.code == 1
    assert run.stderr == (
        "Ledger verification failed; faults found: 1.\n"
        f"First bad event: ledger row id={row_id}, line {account_id}, sequence {seq}: "
        "event content does not match its hash (the event was edited)\n"
    )


def test_serve_warns_of_currency_mismatch(tmp_path: Path) -> None:
    env = child_environment(CREDITLINE_DATABASE_URL=sqlite_url(tmp_path / "serve.db"), CREDITLINE_LANG="en")
    assert creditline("import", str(write_portfolio(tmp_path / "portfolio", 3)), cwd=tmp_path, env=env).code == 0
    twd_policy = Path(__file__).parents[2] / "src" / "creditline" / "policies" / "taiwan_demo.yaml"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with subprocess.Popen(
        [*COMMAND, "serve", "--port", str(port), "--policy", str(twd_policy)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        encoding="utf-8",
    ) as server:
        try:
            started = server.stdout.readline() + server.stdout.readline()  # type: ignore[union-attr]
            warning = server.stderr.readline()  # type: ignore[union-attr]
        finally:
            server.terminate()
            server.wait(timeout=CHILD_TIMEOUT_SECONDS)

    assert re.search(r"decided with the limit policy taiwan-demo@\S+ \(TWD\)", started)
    assert f"API at http://127.0.0.1:{port}/v1" in started
    assert warning.startswith("Warning: 3 credit lines are in CNY but the limit policy is for TWD")
