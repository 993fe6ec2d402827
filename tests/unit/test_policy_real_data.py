"""The Taiwan demo policy on the 30,000 real accounts of UCI data set 350.

The folder named by CREDITLINE_DATA_HOME must contain
``taiwan_credit_default/default_of_credit_card_clients.csv.gz``. The score is a quick
logistic regression on repayment status, utilisation, limit and payments, scaled to
600 points at odds 50:1 and 20 points to double the odds: the same kind of score the
policy's band edges were read from.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from creditline.domain.reasons import CATALOGUE
from creditline.policy import Policy, evaluate_portfolio, load_shipped_policy

pytestmark = pytest.mark.slow

SUFFIXES = range(1, 7)  # 1 = September 2005 (latest) ... 6 = April 2005
STATUS = {1: "PAY_0", 2: "PAY_2", 3: "PAY_3", 4: "PAY_4", 5: "PAY_5", 6: "PAY_6"}


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    home = os.environ.get("CREDITLINE_DATA_HOME")
    if not home:
        pytest.skip("CREDITLINE_DATA_HOME is not set; set it to the folder containing taiwan_credit_default/")
    path = Path(home) / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} does not exist")
    return pl.read_csv(path)


def quick_score(raw: pl.DataFrame, utilisation: np.ndarray) -> np.ndarray:
    linear_model = pytest.importorskip("sklearn.linear_model")
    status = [raw[STATUS[k]].clip(-2, 8).to_numpy() for k in SUFFIXES]
    payments = np.mean([raw[f"PAY_AMT{k}"].to_numpy() for k in SUFFIXES], axis=0)
    features = np.column_stack([*status, np.log1p(raw["LIMIT_BAL"].to_numpy()), utilisation, np.log1p(payments)])
    target = raw["default_payment_next_month"].to_numpy()
    model = linear_model.LogisticRegression(max_iter=2000).fit(features, target)
    pd = model.predict_proba(features)[:, 1]
    factor = 20 / math.log(2)
    return 600 - factor * math.log(50) + factor * np.log((1 - pd) / pd)


@pytest.fixture(scope="module")
def portfolio(raw: pl.DataFrame) -> pl.DataFrame:
    limit = pl.col("LIMIT_BAL")
    monthly_use = [pl.max_horizontal(pl.col(f"BILL_AMT{k}"), 0) / limit for k in SUFFIXES]
    late_months = [pl.when(pl.col(STATUS[k]) >= 1).then(k - 1) for k in SUFFIXES]
    inactive = [((pl.col(f"BILL_AMT{k}") == 0) & (pl.col(f"PAY_AMT{k}") == 0)).cast(pl.Int64) for k in SUFFIXES]
    frame = raw.select(
        pl.col("ID").cast(pl.String).alias("account_id"),
        pl.col("ID").cast(pl.String).alias("customer_id"),
        pl.lit("TWD").alias("currency"),
        (limit * 100).cast(pl.Int64).alias("approved_limit"),
        (pl.col("BILL_AMT1") * 100).cast(pl.Int64).alias("outstanding"),
        pl.mean_horizontal(monthly_use).alias("utilisation_mean_6m"),
        pl.min_horizontal(late_months).alias("months_since_delinquency"),
        pl.sum_horizontal(inactive).alias("inactive_months_6m"),
        pl.lit("auto").alias("increase_preference"),
        # Fresh data: no limit of the data set has changed since the line was opened.
        pl.lit(None, dtype=pl.Int64).alias("months_since_limit_change"),
    )
    score = quick_score(raw, frame["utilisation_mean_6m"].to_numpy())
    return frame.with_columns(pl.Series("score", score), pl.lit(["RS_UTILISATION"]).alias("risk_reasons"))


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_shipped_policy("taiwan_demo")


@pytest.fixture(scope="module")
def evaluated(policy: Policy, portfolio: pl.DataFrame) -> pl.DataFrame:
    return evaluate_portfolio(policy, portfolio)


def test_every_account_is_evaluated(evaluated: pl.DataFrame) -> None:
    assert evaluated.height == 30_000
    assert evaluated["error"].null_count() == 30_000


def test_changed_limits_respect_product_rules(policy: Policy, evaluated: pl.DataFrame) -> None:
    changed = evaluated.filter(pl.col("direction") != "unchanged")

    assert (changed["proposed_limit"] % policy.product.rounding_step == 0).all()
    assert changed["proposed_limit"].max() <= policy.product.maximum_limit  # type: ignore[operator]
    assert changed["proposed_limit"].min() >= policy.product.minimum_limit  # type: ignore[operator]
    decreases = changed.filter(pl.col("direction") == "decrease")
    assert (decreases["proposed_limit"] >= decreases["outstanding"]).all()


def test_recently_late_accounts_get_no_increase(evaluated: pl.DataFrame) -> None:
    late = evaluated.filter(pl.col("months_since_delinquency") < 3)

    assert late.height > 0
    assert (late["direction"] != "increase").all()


def test_increases_stay_within_guardrails(evaluated: pl.DataFrame) -> None:
    increases = evaluated.filter(pl.col("direction") == "increase")
    step_up = increases["proposed_limit"] - increases["approved_limit"]

    assert increases.height > 0
    assert (step_up * 2 <= increases["approved_limit"]).all()
    assert (step_up <= 20_000_000).all()


def test_real_data_reasons_are_catalogued(evaluated: pl.DataFrame) -> None:
    codes = set(evaluated["reason_codes"].explode().drop_nulls())

    assert codes <= CATALOGUE.keys()
    assert {"P_INCREASE_GOOD_RISK", "P_DECREASE_HIGH_RISK", "P_DECREASE_DORMANT", "P_FLOOR_OUTSTANDING"} <= codes
