"""Profile features on the Taiwan credit-card default data (UCI 350), converted in the test.

The folder named by CREDITLINE_DATA_HOME must contain
``taiwan_credit_default/default_of_credit_card_clients.csv.gz``.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from creditline.profile import FEATURES, FeatureKind, build_profiles

pytestmark = pytest.mark.slow

# Column suffix k holds month 10 - k of 2005: suffix 1 is September, 6 is April.
# The repayment status of suffix 1 is named PAY_0; there is no PAY_1.
STATUS_COLUMNS = {1: "PAY_0", 2: "PAY_2", 3: "PAY_3", 4: "PAY_4", 5: "PAY_5", 6: "PAY_6"}


@pytest.fixture(scope="module")
def raw() -> pl.DataFrame:
    home = os.environ.get("CREDITLINE_DATA_HOME")
    if not home:
        pytest.skip(
            "CREDITLINE_DATA_HOME is not set; set it to the folder containing taiwan_credit_default/"
        )
    path = Path(home) / "taiwan_credit_default" / "default_of_credit_card_clients.csv.gz"
    if not path.exists():
        pytest.skip(f"{path} does not exist")
    return pl.read_csv(path)


def to_accounts(raw: pl.DataFrame) -> pl.DataFrame:
    # NT$ amounts become minor units (cents) as the importer would store them.
    return raw.select(
        pl.col("ID").cast(pl.String).alias("account_id"),
        pl.col("ID").cast(pl.String).alias("customer_id"),
        pl.lit("card").alias("product"),
        pl.lit("TWD").alias("currency"),
        pl.lit(None, dtype=pl.Date).alias("opened_on"),
        (pl.col("LIMIT_BAL") * 100).cast(pl.Int64).alias("approved_limit"),
        (pl.col("BILL_AMT1") * 100).cast(pl.Int64).alias("outstanding"),
        pl.lit("auto").alias("increase_preference"),
    )


def to_statements(raw: pl.DataFrame) -> pl.DataFrame:
    months = []
    for suffix, status in STATUS_COLUMNS.items():
        # Status 1..8 is months late; -2, -1 and 0 all mean not late.
        dpd = pl.when(pl.col(status) >= 1).then(pl.col(status) * 30).otherwise(0)
        months.append(
            raw.select(
                pl.col("ID").cast(pl.String).alias("account_id"),
                pl.lit(date(2005, 10 - suffix, 1)).alias("statement_month"),
                (pl.col(f"BILL_AMT{suffix}") * 100).cast(pl.Int64).alias("bill_amount"),
                (pl.col(f"PAY_AMT{suffix}") * 100).cast(pl.Int64).alias("paid_amount"),
                pl.lit(None, dtype=pl.Int64).alias("min_due"),
                dpd.cast(pl.Int64).alias("dpd"),
            )
        )
    return pl.concat(months)


def to_customers(raw: pl.DataFrame) -> pl.DataFrame:
    return raw.select(
        pl.col("ID").cast(pl.String).alias("customer_id"),
        (2005 - pl.col("AGE")).cast(pl.Int64).alias("birth_year"),
    )


@pytest.fixture(scope="module")
def profiles(raw: pl.DataFrame) -> pl.DataFrame:
    return build_profiles(to_accounts(raw), to_statements(raw), to_customers(raw))


def test_real_data_one_row_per_account(profiles: pl.DataFrame) -> None:
    assert profiles.height == 30_000
    assert profiles.get_column("account_id").n_unique() == 30_000
    assert profiles.get_column("as_of_month").unique().to_list() == [date(2005, 9, 1)]
    assert profiles.get_column("n_months").unique().to_list() == [6]


def test_real_data_features_finite(profiles: pl.DataFrame) -> None:
    for spec in FEATURES:
        if spec.kind is not FeatureKind.FLOAT:
            continue
        values = profiles.get_column(spec.name).drop_nulls()
        assert values.is_nan().sum() == 0, spec.name
        assert values.is_infinite().sum() == 0, spec.name


def test_real_data_known_counts(profiles: pl.DataFrame, raw: pl.DataFrame) -> None:
    # 795 cards have every bill and payment at 0.
    all_zero = profiles.filter(pl.col("inactive_months_6m") == 6)
    assert all_zero.height == 795
    assert all_zero.get_column("months_since_active").unique().to_list() == [6]
    # 1,930 clients have a negative bill in at least one month.
    assert profiles.filter(pl.col("credit_balance_months_6m") > 0).height == 1_930
    # Ages come back from birth years exactly.
    assert profiles.get_column("age").to_list() == raw.get_column("AGE").to_list()
    # September (PAY_0) is the latest month, so latest_dpd is late exactly where it is.
    late_september = raw.filter(pl.col("PAY_0") >= 1).height
    assert profiles.filter(pl.col("latest_dpd") > 0).height == late_september
    assert profiles.get_column("min_payment_miss_6m").null_count() == 30_000
    assert profiles.get_column("limit_amount").min() == 10_000.0
    assert profiles.get_column("limit_amount").max() == 1_000_000.0
