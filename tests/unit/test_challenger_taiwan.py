"""Challenger against the scorecard on the Taiwan credit-card default data (30,000 accounts)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from creditline.clock import FixedClock
from creditline.datasets.taiwan import convert_taiwan_default
from creditline.service.challenger import train_challenger
from creditline.service.imports import import_folder
from creditline.service.models import train_scorecard
from creditline.store.db import make_engine, upgrade

DATA_HOME = os.environ.get("CREDITLINE_DATA_HOME")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not DATA_HOME,
        reason="set CREDITLINE_DATA_HOME to the folder that contains taiwan_credit_default/",
    ),
]


def test_challenger_on_taiwan_holdout(tmp_path: Path) -> None:
    source = Path(DATA_HOME or "") / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz"
    engine = make_engine(f"sqlite:///{tmp_path / 'creditline.db'}")
    upgrade(engine)
    clock = FixedClock(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))
    convert_taiwan_default(source, tmp_path / "in")
    import_folder(engine, tmp_path / "in", clock)
    scorecard = train_scorecard(engine, clock, trained_by="analyst")

    result = train_challenger(engine, clock, trained_by="analyst")
    engine.dispose()

    constraints = {f.name: f.monotone_constraint for f in result.model.inputs}
    assert result.scorecard_version == scorecard.model.model_version
    assert result.n_holdout == scorecard.n_holdout
    assert result.scorecard_holdout_metrics["auc"] == pytest.approx(scorecard.holdout_metrics["auc"], abs=1e-12)
    assert constraints["latest_dpd"] == 1
    assert constraints["limit_amount"] == -1
    assert "sex" not in constraints
    assert result.holdout_metrics["auc"] > 0.77
    assert result.holdout_metrics["ks"] > 0.40
