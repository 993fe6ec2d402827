"""Scorecard on the Taiwan credit-card default data (UCI 350, 30,000 accounts)."""

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creditline.scoring import auc, ks
from creditline.scoring.train import fit_scorecard

DATA_HOME = os.environ.get("CREDITLINE_DATA_HOME")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not DATA_HOME,
        reason="set CREDITLINE_DATA_HOME to the folder that contains taiwan_credit_default/",
    ),
]

PAY_STATUS = ["PAY_0", "PAY_2", "PAY_3", "PAY_4", "PAY_5", "PAY_6"]


def taiwan_features():
    path = Path(DATA_HOME) / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz"
    raw = pl.read_csv(path)
    limit = pl.col("LIMIT_BAL").cast(pl.Float64)
    # A payment in month t mostly settles the statement of month t+1 (the older one).
    paid_share = pl.when(pl.col("BILL_AMT2") > 0).then(pl.col("PAY_AMT1") / pl.col("BILL_AMT2"))
    return raw.select(
        (limit / 1000).alias("limit_amount"),
        pl.col("AGE").alias("age"),
        pl.col("PAY_0").alias("latest_dpd"),
        pl.max_horizontal(PAY_STATUS).alias("worst_dpd_6m"),
        pl.sum_horizontal([(pl.col(c) > 0).cast(pl.Int64) for c in PAY_STATUS]).alias("months_delinquent_6m"),
        (pl.col("BILL_AMT1") / limit).alias("utilisation_latest"),
        (pl.mean_horizontal([f"BILL_AMT{k}" for k in range(1, 7)]) / limit).alias("utilisation_mean_6m"),
        paid_share.alias("payment_ratio_mean"),
        (pl.sum_horizontal([f"PAY_AMT{k}" for k in range(1, 7)]) / limit).alias("payment_to_limit"),
        pl.col("SEX").alias("sex"),
        pl.col("MARRIAGE").alias("marital_status"),
        pl.col("default_payment_next_month").alias("bad"),
    )


def test_scorecard_on_taiwan_holdout_beats_auc_070():
    data = taiwan_features()
    holdout_mask = np.random.default_rng(2005).random(data.height) < 0.3
    train = data.filter(pl.Series(~holdout_mask))
    holdout = data.filter(pl.Series(holdout_mask))
    features = [c for c in data.columns if c != "bad"]
    trends = {
        "latest_dpd": "ascending",
        "worst_dpd_6m": "ascending",
        "months_delinquent_6m": "ascending",
        "limit_amount": "descending",
        "payment_ratio_mean": "descending",
        "payment_to_limit": "descending",
    }

    model = fit_scorecard(train, features=features, trends=trends)
    scored = model.score(holdout)
    bad = scored["bad"].to_numpy()

    assert "sex" not in model.features
    assert "marital_status" not in model.features
    assert "latest_dpd" in model.features
    assert auc(bad, scored["pd"].to_numpy()) > 0.70
    assert auc(bad, -scored["score"].to_numpy()) == pytest.approx(auc(bad, scored["pd"].to_numpy()), abs=1e-6)
    assert ks(bad, scored["pd"].to_numpy()) > 0.30
    assert scored["reason_codes"].list.len().max() <= 4
