"""Fit and evaluate the need-for-change model on the Taiwan credit-card statements.

Statements of April to August 2005 are the history, September 2005 is the month
predicted. Accounts are split 70/30 by the salted hash the scorecard uses
(``creditline.service.models.in_training_split``), the model is fitted on the 70 % and
scored on the held-out 30 % against the naive forecast "September = August".

Usage::

    CREDITLINE_DATA_HOME=/path/to/data python benchmarks/suggestion_model.py [--write-artifact]

``--write-artifact`` replaces the model shipped in ``src/creditline/suggestion/``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from creditline.datasets.taiwan import convert_taiwan_default, locate_taiwan_source
from creditline.ingest import load_portfolio
from creditline.service.models import DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_SHARE, in_training_split
from creditline.suggestion.features import WINDOW_MONTHS, next_month_targets, statement_windows
from creditline.suggestion.model import SHIPPED_ARTIFACT, UtilisationModel, evaluate, fit_utilisation_model

TARGET_MONTH = date(2005, 9, 1)
ARTIFACT_PATH = Path(__file__).parents[1] / "src" / "creditline" / "suggestion" / SHIPPED_ARTIFACT


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-artifact", action="store_true", help="save the fitted model as the shipped one")
    args = parser.parse_args()
    home = os.environ.get("CREDITLINE_DATA_HOME")
    if not home:
        print("Set CREDITLINE_DATA_HOME to the folder that contains taiwan_credit_default/", file=sys.stderr)
        return 2

    source = locate_taiwan_source(None, Path(home))
    with tempfile.TemporaryDirectory() as folder:
        convert_taiwan_default(source, Path(folder), "parquet")
        portfolio = load_portfolio(Path(folder))

    # Six months ending in September: the first five are the history, the last the target.
    full = statement_windows(portfolio.accounts, portfolio.statements, TARGET_MONTH, WINDOW_MONTHS + 1)
    history = full.head(WINDOW_MONTHS)
    targets = next_month_targets(history, full.bills[:, -1], full.paid[:, -1])

    in_train = in_training_split(pl.Series(full.account_ids), DEFAULT_TRAIN_SHARE, DEFAULT_SPLIT_SEED).to_numpy()
    train_rows, test_rows = np.flatnonzero(in_train), np.flatnonzero(~in_train)
    model = fit_utilisation_model(
        history.take(train_rows),
        targets.take(train_rows),
        trained_on="UCI 350 Taiwan statements, 2005-04..2005-08 -> 2005-09, 70% hash split",
    )
    metrics = evaluate(model, history.take(test_rows), targets.take(test_rows))

    print(f"train accounts {train_rows.size}, held-out accounts {test_rows.size}")
    print("| metric | model | naive (August utilisation) |")
    print("| --- | --- | --- |")
    print(f"| MAE of September utilisation | {metrics['mae']:.4f} | {metrics['mae_baseline']:.4f} |")
    print(f"| R^2 of September utilisation | {metrics['r2']:.4f} | {metrics['r2_baseline']:.4f} |")
    print(f"| AUC pressing (>= 0.9) | {metrics['auc_pressing']:.4f} | {metrics['auc_pressing_baseline']:.4f} |")
    print(f"| AUC falling far below | {metrics['auc_falling']:.4f} | {metrics['auc_falling_baseline']:.4f} |")
    print(f"pressing rate {metrics['pressing_rate']:.4f}, falling rate {metrics['falling_rate']:.4f}")
    print(f"model version {model.version_}")

    if args.write_artifact:
        fitted = type(model)(**{**_fields(model), "metrics_": metrics})
        ARTIFACT_PATH.write_text(fitted.to_json(), encoding="utf-8")
        print(f"wrote {ARTIFACT_PATH}")
    return 0


def _fields(model: UtilisationModel) -> dict[str, object]:
    return {name: getattr(model, name) for name in model.__dataclass_fields__}


if __name__ == "__main__":
    raise SystemExit(main())
