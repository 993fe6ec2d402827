"""Load the HTTP API with mixed customer traffic and time in-process increase decisions.

Usage (PostgreSQL on 127.0.0.1, wrk from Debian's package)::

    .venv/bin/python benchmarks/api_load.py --accounts 3000 --duration 20 --workers 2 --connections 4,8,16

Creates and drops its own PostgreSQL database, imports a synthetic portfolio, trains the
scorecard and proposes a periodic review (which stores every line's profile snapshot, as
in production), vacuums and checkpoints the database after that bulk load, then:

1. times ``request_increase`` in process on distinct lines (each line may change once a
   month), each asking for the approved limit plus 1,000 yuan, and prints p50/p99
   milliseconds and the count of each outcome;
2. serves the API with uvicorn on 127.0.0.1, sends 10 s of uncounted warm-up traffic, and
   runs ``wrk`` once per connection count
   (each run a closed loop: a connection sends its next request when the reply arrives,
   so more connections queue more requests at a saturated server) with benchmarks/wrk/mixed.lua
   (80 % line reads, 10 % state reads, 6 % decreases, 4 % increases, each with its own
   Idempotency-Key), prints wrk's report and then the status of every POST, read from
   the stored idempotency replies. Most non-2xx replies are the policy's own 422s: a
   second change of a line in one month, or a decrease below the outstanding balance.

Every request goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from creditline.api.tokens import issue_token  # noqa: E402
from creditline.clock import SystemClock  # noqa: E402
from creditline.errors import CreditlineError  # noqa: E402
from creditline.policy import parse_policy  # noqa: E402
from creditline.service.customer import request_increase  # noqa: E402
from creditline.service.imports import import_folder  # noqa: E402
from creditline.service.models import train_scorecard  # noqa: E402
from creditline.service.review import propose_review  # noqa: E402
from creditline.settings import Settings  # noqa: E402
from creditline.store.db import make_engine, normalize_url, upgrade  # noqa: E402
from creditline.store.tables import credit_lines, idempotency_keys  # noqa: E402
from tests.factories import synthetic_policy_text, write_portfolio  # noqa: E402

ADMIN_URL = os.environ.get("CREDITLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def create_database() -> tuple[str, str]:
    from sqlalchemy.engine import make_url

    name = f"creditline_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(normalize_url(ADMIN_URL)).set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = make_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_increases(url: str, calls: int, policy_text: str, warm_up: int = 20) -> None:
    """Time ``calls`` increase decisions in process, each on its own line, and count their outcomes.

    Each request asks for the line's approved limit plus 1,000 yuan, so it is a valid
    request that the policy approves or declines. A line may change once a month, so no
    line is asked twice. The first ``warm_up`` lines load the scorecard and prepare the
    statements and are not timed.
    """
    engine = make_engine(url)
    policy = parse_policy(policy_text)
    zone = Settings().zone
    clock = SystemClock()
    with engine.connect() as conn:
        limits = dict(conn.execute(select(credit_lines.c.account_id, credit_lines.c.approved_limit)).all())
    account_ids = sorted(limits)[: warm_up + calls]
    elapsed: list[float] = []
    outcomes: Counter[str] = Counter()
    for index, account_id in enumerate(account_ids):
        started = time.perf_counter()
        try:
            reply = request_increase(engine, account_id, limits[account_id] + 100_000, "bench", clock, zone, policy)
            outcome = str(reply.outcome)
        except CreditlineError as error:
            outcome = f"rejected: {error.key}"
        if index >= warm_up:
            elapsed.append((time.perf_counter() - started) * 1000)
            outcomes[outcome] += 1
    print(
        f"in-process increase (approved limit + 1,000 yuan, one request per line): n={len(elapsed)} "
        f"p50={statistics.median(elapsed):.2f} ms p99={percentile(elapsed, 0.99):.2f} ms max={max(elapsed):.2f} ms"
    )
    print("in-process outcomes:", ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items())))
    engine.dispose()


def prepare_snapshots(url: str, policy_text: str) -> None:
    """Propose a periodic review, which writes the profile snapshot of every scored line."""
    engine = make_engine(url)
    summary = propose_review(engine, parse_policy(policy_text), policy_text, SystemClock(), proposed_by="bench")
    print(f"review proposed: {summary.lines} lines profiled and scored, snapshots stored")
    engine.dispose()


def settle_database(url: str) -> None:
    """Vacuum, analyse and checkpoint after the bulk load, as autovacuum would soon do anyway.

    Without this, autovacuum and the checkpointer run during the first timed minute and
    take CPU from the server under test.
    """
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE"))
        conn.execute(text("CHECKPOINT"))
    engine.dispose()


def print_post_outcomes(url: str) -> None:
    """Print the stored status of every POST that wrk sent (from ``idempotency_keys``)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(idempotency_keys.c.path, idempotency_keys.c.status_code, func.count())
            .group_by(idempotency_keys.c.path, idempotency_keys.c.status_code)
        ).all()
    engine.dispose()
    statuses: Counter[tuple[str, str]] = Counter()
    for path, status, count in rows:
        statuses[(path.rsplit("/", 1)[-1], str(status))] += count
    print("POST statuses:", ", ".join(f"{kind} {status}: {count}" for (kind, status), count in sorted(statuses.items())))


def write_tokens(path: Path, accounts: int, settings: Settings) -> None:
    secret = settings.token_secrets()[settings.token_active_kid]
    now = datetime.now(UTC)
    with path.open("w", encoding="utf-8") as handle:
        for index in range(1, accounts + 1):
            token = issue_token(
                secret,
                settings.token_active_kid,
                subject=f"C{index:04d}",
                role="customer",
                now=now,
                ttl=timedelta(hours=2),
                strong_auth=True,
            )
            handle.write(f"A{index:04d} {token}\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text(encoding="ascii").split()[0]
    except OSError:
        return "?"


def run_wrk(url: str, policy_path: Path, tokens: Path, args: argparse.Namespace) -> None:
    """Serve the API with uvicorn and run wrk once per connection count, one server for all runs."""
    port = free_port()
    env = dict(os.environ, CREDITLINE_DATABASE_URL=url, CREDITLINE_POLICY_PATH=str(policy_path), CREDITLINE_LOG_LEVEL="ERROR")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("uvicorn")),
            "creditline.api.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)

        def wrk(connections: int, duration: int) -> list[str]:
            return [
                "wrk",
                f"-t{args.threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                str(ROOT / "benchmarks" / "wrk" / "mixed.lua"),
                f"http://127.0.0.1:{port}",
                "--",
                str(tokens),
            ]

        # Each worker loads its modules, model and connections on its first requests.
        warm_up = subprocess.run(wrk(8, args.warm_up), check=True, capture_output=True, text=True)
        rate = next((line for line in warm_up.stdout.splitlines() if line.startswith("Requests/sec")), "?")
        print(f"warm-up run, {args.warm_up} s at 8 connections, not counted: {rate}")
        for connections in args.connections:
            print(f"load average before the run: {load_average()}")
            command = wrk(connections, args.duration)
            print("$", " ".join(command), flush=True)
            subprocess.run(command, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def connection_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--connections {text!r}: give whole numbers separated by commas, e.g. 4,8,16") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"--connections {text!r}: every count must be at least 1")
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description="Load the creditline API on 127.0.0.1.")
    parser.add_argument("--accounts", type=int, default=5000, help="synthetic accounts (default 5000)")
    parser.add_argument("--increase-calls", type=int, default=1000, help="in-process increase decisions to time")
    parser.add_argument("--duration", type=int, default=30, help="wrk seconds (default 30)")
    parser.add_argument(
        "--connections",
        type=connection_counts,
        default=[4, 8, 16],
        help="wrk open connections, one run per comma-separated count (default 4,8,16)",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--warm-up", type=int, default=10, help="seconds of uncounted traffic first (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")

    name, url = create_database()
    work = Path(tempfile.mkdtemp(prefix="creditline-bench-"))
    try:
        engine = make_engine(url)
        upgrade(engine)
        import_folder(engine, write_portfolio(work / "portfolio", args.accounts), SystemClock())
        train_scorecard(engine, SystemClock(), trained_by="bench")
        engine.dispose()
        policy_path = work / "policy.yaml"
        policy_text = synthetic_policy_text()
        policy_path.write_text(policy_text, encoding="utf-8")
        prepare_snapshots(url, policy_text)
        settle_database(url)
        time_increases(url, min(args.increase_calls, args.accounts - 20), policy_text)
        tokens = work / "tokens.txt"
        write_tokens(tokens, args.accounts, Settings())
        run_wrk(url, policy_path, tokens, args)
        print_post_outcomes(url)
    finally:
        drop_database(name)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
