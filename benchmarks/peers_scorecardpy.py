"""Fit and time scorecardpy on one split prepared by ``benchmarks/peers.py``.

scorecardpy 0.1.9.7 fails on pandas 3, so this script runs in a virtualenv of its own
with pandas 2 and never imports creditline::

    python3 -m venv .venv-scorecardpy
    .venv-scorecardpy/bin/pip install scorecardpy==0.1.9.7 'pandas<3' polars pyarrow

It reads ``train.parquet``, ``holdout.parquet`` and ``spec.json`` from ``--data`` and
writes the hold-out risk of every row to ``<result>.npy`` and the timings to the JSON
file ``--result``. The pipeline follows scorecardpy's documented one: ``woebin`` (tree
binning), ``woebin_ply``, scikit-learn's ``LogisticRegression`` on the WoE columns,
``scorecard`` for the points table and ``scorecard_ply`` to score raw rows.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def rss_mib() -> float:
    """Return the peak resident memory in MiB from ``VmHWM``, which, unlike ``ru_maxrss``, exec resets."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def best_seconds(call: Any, repeats: int) -> float:
    call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with train.parquet, holdout.parquet, spec.json")
    parser.add_argument("--result", type=Path, required=True, help="JSON file to write; predictions go beside it")
    parser.add_argument("--scoring-rows", type=int, default=200_000, help="minimum rows per timed scoring call")
    parser.add_argument("--repeats", type=int, default=3, help="timed scoring calls; the best counts")
    args = parser.parse_args()

    import scorecardpy as sc
    from sklearn.linear_model import LogisticRegression

    spec = json.loads((args.data / "spec.json").read_text(encoding="utf-8"))
    features = spec["features"]
    train = pd.read_parquet(args.data / "train.parquet")
    holdout = pd.read_parquet(args.data / "holdout.parquet")
    loaded = rss_mib()

    started = time.perf_counter()
    bins = sc.woebin(train[[*features, "bad"]], y="bad", method="tree", no_cores=1)
    woe = sc.woebin_ply(train[features], bins, no_cores=1)
    model = LogisticRegression(max_iter=1000).fit(woe, train["bad"])
    card = sc.scorecard(bins, model, list(woe.columns), points0=600, odds0=1 / 50, pdo=20)
    fit_seconds = time.perf_counter() - started

    # scorecard_ply returns points that rise with safety, so the risk is the negated score.
    scores = sc.scorecard_ply(holdout[features], card, only_total_score=True)
    risk = -scores["score"].to_numpy(dtype=np.float64)
    # As in peers.py: a probe call on 10,000 rows sizes the timed frame, so one call takes
    # about 5 seconds at most.
    def repeated(rows: int) -> pd.DataFrame:
        copies = max(1, -(-rows // len(holdout)))
        return pd.concat([holdout[features]] * copies, ignore_index=True)[:rows]

    probe = repeated(10_000)
    started = time.perf_counter()
    sc.scorecard_ply(probe, card, only_total_score=True)
    rate = len(probe) / max(time.perf_counter() - started, 1e-9)
    frame = repeated(max(len(probe), min(args.scoring_rows, int(rate * 5.0))))
    score_seconds = best_seconds(lambda: sc.scorecard_ply(frame, card, only_total_score=True), args.repeats)

    np.save(args.result.with_suffix(".npy"), risk)
    outcome = {
        "fit_seconds": fit_seconds,
        "scoring_rows": len(frame),
        "scoring_seconds": score_seconds,
        "rss_after_load_mib": loaded,
        "peak_rss_mib": rss_mib(),
        "note": f"scorecardpy {sc.__version__}, pandas {pd.__version__}, own virtualenv",
    }
    args.result.write_text(json.dumps(outcome), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
