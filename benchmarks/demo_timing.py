"""Time `creditline demo --no-serve` on the real Taiwan portfolio, step by step.

Usage::

    CREDITLINE_DATA_HOME=/path/to/datasets .venv/bin/python benchmarks/demo_timing.py --runs 3

Each run uses a fresh work folder and SQLite file (or the database named by
CREDITLINE_DATABASE_URL). Prints a Markdown table of the median and range of each step's
seconds, parsed from the demo's own timing line, and the whole command's wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

def run_once(executable: Path) -> tuple[float, dict[str, float]]:
    with tempfile.TemporaryDirectory() as workdir:
        env = dict(os.environ, LANG="en_US.UTF-8", COLUMNS="200")
        started = time.perf_counter()
        done = subprocess.run(
            [str(executable), "--lang", "en", "demo", "--no-serve", "--workdir", workdir],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"demo failed with exit code {done.returncode}:\n{done.stdout}\n{done.stderr}")
    line = next(text for text in done.stdout.splitlines() if text.startswith("Demo took"))
    # "Demo took 13.7 s (Convert ... 0.1 s; Import ... 4.2 s; ...)."
    inner = line[line.index(" s (") + 4 : line.rindex(")")]
    steps = {}
    for item in inner.split("; "):
        title, seconds, _unit = item.rsplit(" ", 2)
        steps[title] = float(seconds)
    return wall, steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="number of demo runs (default 3)")
    args = parser.parse_args()
    executable = Path(sys.executable).with_name("creditline")
    results = [run_once(executable) for _ in range(args.runs)]

    print(f"| step | median s | min s | max s |  ({args.runs} runs)")
    print("| --- | ---: | ---: | ---: |")
    for title in results[0][1]:
        values = [steps[title] for _, steps in results]
        print(f"| {title} | {statistics.median(values):.1f} | {min(values):.1f} | {max(values):.1f} |")
    walls = [wall for wall, _ in results]
    print(f"| whole command (wall) | {statistics.median(walls):.1f} | {min(walls):.1f} | {max(walls):.1f} |")


if __name__ == "__main__":
    main()
