"""Load the HTTP API with mixed customer traffic and time in-process increase decisions.

Usage (PostgreSQL on 127.0.0.1, wrk from Debian's package)::

    .venv/bin/python benchmarks/api_load.py --accounts 5000 --duration 30 --workers 2

Creates and drops its own PostgreSQL database, imports a synthetic portfolio, trains the
scorecard, then:

1. times ``request_increase`` in process on distinct lines (each line may change once a
   month) and prints p50/p99 milliseconds;
2. serves the API with uvicorn on 127.0.0.1 and runs ``wrk`` with benchmarks/wrk/mixed.lua
   (80 % line reads, 10 % state reads, 6 % decreases, 4 % increases, each with its own
   Idempotency-Key) and prints wrk's report.

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
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from creditline.api.tokens import issue_token  # noqa: E402
from creditline.clock import SystemClock  # noqa: E402
from creditline.policy import parse_policy  # noqa: E402
from creditline.service.customer import request_increase  # noqa: E402
from creditline.service.imports import import_folder  # noqa: E402
from creditline.service.models import train_scorecard  # noqa: E402
from creditline.settings import Settings  # noqa: E402
from creditline.store.db import make_engine, normalize_url, upgrade  # noqa: E402
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


def time_increases(url: str, accounts: int, calls: int, policy_text: str) -> None:
    engine = make_engine(url)
    policy = parse_policy(policy_text)
    zone = Settings().zone
    clock = SystemClock()
    warm = [f"A{index:04d}" for index in range(1, accounts + 1)][:calls]
    # The first request per line builds its profile snapshot; time the second pass separately.
    for phase in ("first request per line", "decision on a prepared line"):
        elapsed = []
        for account_id in warm:
            started = time.perf_counter()
            try:
                request_increase(engine, account_id, 99_999_900, "bench", clock, zone, policy)
            except Exception:  # noqa: BLE001 - a declined or rate-limited request is timed as well
                pass
            elapsed.append((time.perf_counter() - started) * 1000)
        print(
            f"in-process increase, {phase}: n={len(elapsed)} p50={statistics.median(elapsed):.2f} ms "
            f"p99={percentile(elapsed, 0.99):.2f} ms max={max(elapsed):.2f} ms"
        )
    engine.dispose()


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


def run_wrk(url: str, policy_path: Path, tokens: Path, args: argparse.Namespace) -> None:
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
        command = [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "-s",
            str(ROOT / "benchmarks" / "wrk" / "mixed.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(tokens),
        ]
        print("$", " ".join(command))
        subprocess.run(command, check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description="Load the creditline API on 127.0.0.1.")
    parser.add_argument("--accounts", type=int, default=5000, help="synthetic accounts (default 5000)")
    parser.add_argument("--increase-calls", type=int, default=1000, help="in-process increase decisions to time")
    parser.add_argument("--duration", type=int, default=30, help="wrk seconds (default 30)")
    parser.add_argument("--connections", type=int, default=32, help="wrk open connections (default 32)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
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
        time_increases(url, args.accounts, args.increase_calls, policy_text)
        tokens = work / "tokens.txt"
        write_tokens(tokens, args.accounts, Settings())
        run_wrk(url, policy_path, tokens, args)
    finally:
        drop_database(name)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
