"""Scorecard on the Taiwan credit-card default data (UCI 350, 30,000 accounts)."""

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creditline.scoring import ScorecardSettings, auc, ks
from creditline.scoring.metrics import brier_score
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


def test_calibrated_scorecard_with_categories_and_special_values():
    path = Path(DATA_HOME) / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz"
    raw = pl.read_csv(path)
    data = taiwan_features().with_columns(
        # EDUCATION codes 0, 5 and 6 are undocumented in the source; they stay as labels of their own.
        raw["EDUCATION"].cast(pl.String).alias("education_level"),
        # PAY_0 = -2 means no consumption in the month, not a repayment status.
        raw["PAY_0"].alias("latest_status"),
    )
    rng = np.random.default_rng(2005)
    part = rng.random(data.height)
    fit, calibration, holdout = (
        data.filter(pl.Series(part < 0.525)),
        data.filter(pl.Series((part >= 0.525) & (part < 0.7))),
        data.filter(pl.Series(part >= 0.7)),
    )
    settings = ScorecardSettings(special_values={"latest_status": [-2]}, calibration="isotonic")

    model = fit_scorecard(
        fit,
        features=["latest_status", "education_level", "limit_amount", "payment_to_limit"],
        trends={"latest_status": "ascending", "limit_amount": "descending", "payment_to_limit": "descending"},
        settings=settings,
        calibration_frame=calibration,
    )
    scored = model.score(holdout)
    bad = scored["bad"].to_numpy()

    status = next(c for c in model.characteristics if c.name == "latest_status")
    assert [s.value for s in status.special_bins] == [-2.0]
    assert status.special_bins[0].count == int((fit["latest_status"] == -2).sum())
    assert model.calibration is not None
    assert auc(bad, scored["pd"].to_numpy()) > 0.70
    assert brier_score(bad, scored["pd"].to_numpy()) < brier_score(bad, scored["pd_raw"].to_numpy()) + 0.002
