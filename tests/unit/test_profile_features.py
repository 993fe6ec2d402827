"""Profile features on small frames whose values are worked out by hand in each test."""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from creditline.errors import InvalidInput
from creditline.profile import FEATURES, build_profiles

JAN, FEB, MAR, APR, MAY, JUN = (date(2024, month, 1) for month in range(1, 7))

STATEMENT_SCHEMA = {
    "account_id": pl.String,
    "statement_month": pl.Date,
    "bill_amount": pl.Int64,
    "paid_amount": pl.Int64,
    "min_due": pl.Int64,
    "dpd": pl.Int64,
}


def make_accounts(*rows: dict[str, object]) -> pl.DataFrame:
    defaults: dict[str, object] = {
        "customer_id": "C1",
        "product": "card",
        "currency": "CNY",
        "opened_on": None,
        "approved_limit": 1_000_000,
        "outstanding": 0,
        "increase_preference": "auto",
    }
    return pl.DataFrame(
        [{**defaults, **row} for row in rows],
        schema={
            "account_id": pl.String,
            "customer_id": pl.String,
            "product": pl.String,
            "currency": pl.String,
            "opened_on": pl.Date,
            "approved_limit": pl.Int64,
            "outstanding": pl.Int64,
            "increase_preference": pl.String,
        },
    )


def make_statements(*rows: tuple[str, date, int, int, int, int | None]) -> pl.DataFrame:
    """Rows are (account_id, month, bill, paid, dpd, min_due), amounts in fen."""
    return pl.DataFrame(
        [
            {
                "account_id": account_id,
                "statement_month": month,
                "bill_amount": bill,
                "paid_amount": paid,
                "min_due": min_due,
                "dpd": dpd,
            }
            for account_id, month, bill, paid, dpd, min_due in rows
        ],
        schema=STATEMENT_SCHEMA,
    )


def profile_row(profiles: pl.DataFrame, account_id: str) -> dict[str, object]:
    return profiles.filter(pl.col("account_id") == account_id).row(0, named=True)


# One revolving account, limit 10,000.00 yuan, January to June 2024. In units of
# 2,500 yuan the bills are 1, 2, 2, 3, 0, 5, so utilisation is bills / 4.
REVOLVER = make_statements(
    ("A1", JAN, 250_000, 0, 0, 25_000),
    ("A1", FEB, 500_000, 125_000, 60, 50_000),
    ("A1", MAR, 500_000, 500_000, 0, 50_000),
    ("A1", APR, 750_000, 0, 30, 75_000),
    ("A1", MAY, 0, 750_000, 0, 0),
    ("A1", JUN, 1_250_000, 0, 0, 125_000),
)


@pytest.fixture(scope="module")
def revolver() -> dict[str, object]:
    accounts = make_accounts({"account_id": "A1", "opened_on": date(2021, 3, 15)})
    customers = pl.DataFrame({"customer_id": ["C1"], "birth_year": [1990]})
    return profile_row(build_profiles(accounts, REVOLVER, customers), "A1")


def test_revolver_identity_and_window(revolver: dict[str, object]) -> None:
    assert revolver["customer_id"] == "C1"
    assert revolver["as_of_month"] == JUN
    assert revolver["n_months"] == 6


def test_revolver_account_level_features(revolver: dict[str, object]) -> None:
    assert revolver["limit_amount"] == 10_000.0
    assert revolver["age"] == 34
    # March 2021 to June 2024.
    assert revolver["months_on_book"] == 39


def test_revolver_utilisation(revolver: dict[str, object]) -> None:
    assert revolver["utilisation_latest"] == 1.25
    assert revolver["utilisation_mean_6m"] == pytest.approx(3.25 / 6, rel=1e-12)
    assert revolver["utilisation_max_6m"] == 1.25
    # Months 0..5 against quarters 1, 2, 2, 3, 0, 5: sum(dx * y) = 1.875, sum(dx^2) = 17.5.
    assert revolver["utilisation_trend"] == pytest.approx(3 / 28, rel=1e-12)
    # June's 1.25 against May's 0.
    assert revolver["utilisation_change_1m"] == 1.25


def test_revolver_payments(revolver: dict[str, object]) -> None:
    # Feb pays 0.5 of Jan, Mar 1.0 of Feb, Apr 0 of Mar and May 1.0 of Apr. June follows
    # a zero bill and is left out.
    assert revolver["payment_ratio_mean"] == 0.625
    assert revolver["full_payment_share"] == 0.5
    # Only April's payment (0) falls short of March's minimum due (50,000).
    assert revolver["min_payment_miss_6m"] == 1
    # April pays nothing against March's positive bill; June follows a zero bill.
    assert revolver["no_payment_months_6m"] == 1
    assert revolver["payment_to_limit"] == pytest.approx(1_375_000 / 6 / 1_000_000, rel=1e-12)


def test_revolver_delinquency(revolver: dict[str, object]) -> None:
    assert revolver["months_delinquent_6m"] == 2
    assert revolver["worst_dpd_6m"] == 60
    assert revolver["latest_dpd"] == 0
    assert revolver["months_since_delinquency"] == 2


def test_revolver_activity_and_balances(revolver: dict[str, object]) -> None:
    assert revolver["inactive_months_6m"] == 0
    assert revolver["months_since_active"] == 0
    assert revolver["overlimit_months_6m"] == 1
    assert revolver["credit_balance_months_6m"] == 0


def test_revolver_volatility_and_spending(revolver: dict[str, object]) -> None:
    # Bills 1, 2, 2, 3, 0, 5 (x 250,000): population variance 89/36, mean 13/6.
    assert revolver["bill_volatility"] == pytest.approx(math.sqrt(89) / 13, rel=1e-12)
    # Spend Feb..Jun = 375k, 500k, 250k, 0, 1,250k: latest three average 500k, the
    # earlier two 437.5k.
    assert revolver["spending_growth"] == pytest.approx(500_000 / 437_500 - 1, rel=1e-12)


def test_payment_pairs_with_previous_bill() -> None:
    statements = make_statements(
        ("A1", JAN, 400_000, 0, 0, None),
        ("A1", FEB, 800_000, 200_000, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    # 200,000 paid in February against January's 400,000, not February's 800,000.
    assert row["payment_ratio_mean"] == 0.5
    assert row["full_payment_share"] == 0.0


def test_utilisation_change_needs_both_months() -> None:
    statements = make_statements(
        ("A1", MAR, 400_000, 0, 0, None),
        ("A1", MAY, 100_000, 0, 0, None),
        ("A2", APR, 400_000, 0, 0, None),
        ("A2", MAY, 100_000, 400_000, 0, None),
    )
    accounts = make_accounts({"account_id": "A1"}, {"account_id": "A2"})
    profiles = build_profiles(accounts, statements)

    # A1 has no April statement, so May has no previous month to compare with.
    assert profile_row(profiles, "A1")["utilisation_change_1m"] is None
    assert profile_row(profiles, "A2")["utilisation_change_1m"] == pytest.approx(-0.3, rel=1e-12)


def test_no_payment_months_without_positive_bill() -> None:
    statements = make_statements(
        ("A1", JAN, 0, 0, 0, None),
        ("A1", FEB, -10_000, 0, 0, None),
        ("A1", MAR, 200_000, 0, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    # No month follows a positive bill, so the count is unknown, not 0.
    assert row["no_payment_months_6m"] is None


def test_payment_ratio_is_clipped_at_one() -> None:
    statements = make_statements(
        ("A1", JAN, 100_000, 0, 0, None),
        ("A1", FEB, 0, 300_000, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["payment_ratio_mean"] == 1.0
    assert row["full_payment_share"] == 1.0


def test_negative_bill_is_credit_balance() -> None:
    statements = make_statements(
        ("A1", JAN, -50_000, 0, 0, None),
        ("A1", FEB, 200_000, 10_000, 0, None),
        ("A1", MAR, -20_000, 300_000, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["utilisation_mean_6m"] == pytest.approx(0.2 / 3, rel=1e-12)
    assert row["utilisation_latest"] == 0.0
    assert row["credit_balance_months_6m"] == 2
    # February follows a credit balance, so only March counts: 300,000 against 200,000.
    assert row["payment_ratio_mean"] == 1.0
    # January to March are all among the latest three months, so no earlier spend exists.
    assert row["spending_growth"] is None
    assert row["bill_volatility"] == pytest.approx(
        pl.Series([-50_000, 200_000, -20_000]).std(ddof=0) / (270_000 / 3), rel=1e-12
    )


def test_zero_limit_has_no_utilisation() -> None:
    statements = make_statements(
        ("A1", JAN, 10_000, 0, 0, None),
        ("A1", FEB, 20_000, 5_000, 0, None),
    )
    accounts = make_accounts({"account_id": "A1", "approved_limit": 0})
    row = profile_row(build_profiles(accounts, statements), "A1")

    assert row["limit_amount"] == 0.0
    assert row["utilisation_latest"] is None
    assert row["utilisation_mean_6m"] is None
    assert row["utilisation_max_6m"] is None
    assert row["utilisation_trend"] is None
    assert row["payment_to_limit"] is None
    # Any positive balance is above a zero limit.
    assert row["overlimit_months_6m"] == 2
    assert row["payment_ratio_mean"] == 0.5


def test_missing_months_skip_pairs() -> None:
    # March and May are missing: April and June have no previous bill.
    statements = make_statements(
        ("A1", JAN, 100_000, 0, 0, None),
        ("A1", FEB, 200_000, 50_000, 0, None),
        ("A1", APR, 400_000, 400_000, 0, None),
        ("A1", JUN, 500_000, 0, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["n_months"] == 4
    assert row["payment_ratio_mean"] == 0.5
    assert row["full_payment_share"] == 0.0
    # The only spend estimate is February's (150,000), and it lies in the earlier months.
    assert row["spending_growth"] is None
    # Calendar months 0, 1, 3, 5 (not statement numbers 0..3) against 0.1, 0.2, 0.4, 0.5:
    # sum(dx * dy) = 1.2 and sum(dx^2) = 14.75.
    assert row["utilisation_trend"] == pytest.approx(1.2 / 14.75, rel=1e-12)
    assert row["utilisation_latest"] == 0.5


def test_account_without_statements() -> None:
    accounts = make_accounts({"account_id": "A1"}, {"account_id": "A2", "customer_id": "C2"})
    customers = pl.DataFrame({"customer_id": ["C1", "C2"], "birth_year": [1980, 1970]})
    statements = make_statements(("A1", JUN, 100_000, 0, 0, None))
    row = profile_row(build_profiles(accounts, statements, customers), "A2")

    assert row["n_months"] == 0
    assert row["as_of_month"] == JUN
    assert row["limit_amount"] == 10_000.0
    assert row["age"] == 54
    statement_features = [
        spec.name for spec in FEATURES if spec.name not in {"limit_amount", "age", "months_on_book"}
    ]
    for name in statement_features:
        assert row[name] is None, name


def test_inactive_account_counts_window() -> None:
    statements = make_statements(*[("A1", month, 0, 0, 0, None) for month in (MAR, APR, MAY, JUN)])
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["inactive_months_6m"] == 4
    assert row["months_since_active"] == 6
    assert row["bill_volatility"] is None
    assert row["utilisation_trend"] == 0.0
    assert row["payment_ratio_mean"] is None
    assert row["full_payment_share"] is None
    assert row["spending_growth"] is None


def test_months_since_active_counts_back() -> None:
    statements = make_statements(
        ("A1", MAR, 0, 30_000, 0, None),
        ("A1", APR, 0, 0, 0, None),
        ("A1", MAY, 0, 0, 0, None),
        ("A1", JUN, 0, 0, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["months_since_active"] == 3
    assert row["inactive_months_6m"] == 3


def test_never_late_keeps_recency_null() -> None:
    statements = make_statements(("A1", MAY, 1_000, 0, 0, None), ("A1", JUN, 1_000, 1_000, 0, None))
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["months_since_delinquency"] is None
    assert row["months_delinquent_6m"] == 0
    assert row["worst_dpd_6m"] == 0


def test_late_in_latest_month() -> None:
    statements = make_statements(("A1", MAY, 1_000, 0, 0, None), ("A1", JUN, 1_000, 0, 35, None))
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["months_since_delinquency"] == 0
    assert row["latest_dpd"] == 35


def test_as_of_month_bounds_window() -> None:
    accounts = make_accounts({"account_id": "A1"})
    profiles = build_profiles(accounts, REVOLVER, as_of_month=date(2024, 4, 20), window_months=3)
    row = profile_row(profiles, "A1")

    # February to April only.
    assert row["as_of_month"] == APR
    assert row["n_months"] == 3
    assert row["utilisation_latest"] == 0.75
    assert row["worst_dpd_6m"] == 60
    assert row["months_since_delinquency"] == 0
    # March pays 1.0 of February, April 0 of March.
    assert row["payment_ratio_mean"] == 0.5
    # Three months leave no earlier months to compare with.
    assert row["spending_growth"] is None


def test_as_of_after_data_counts_gap() -> None:
    accounts = make_accounts({"account_id": "A1"})
    row = profile_row(build_profiles(accounts, REVOLVER, as_of_month=date(2024, 8, 1)), "A1")

    # The window is March to August, and the data stops in June.
    assert row["n_months"] == 4
    assert row["months_since_delinquency"] == 4
    assert row["months_since_active"] == 2
    assert row["utilisation_latest"] == 1.25
    assert row["latest_dpd"] == 0


def test_spending_growth_null_on_zero_base() -> None:
    statements = make_statements(
        ("A1", JAN, 100_000, 0, 0, None),
        ("A1", FEB, 100_000, 0, 0, None),
        ("A1", MAR, 100_000, 0, 0, None),
        ("A1", APR, 300_000, 0, 0, None),
        ("A1", MAY, 300_000, 0, 0, None),
        ("A1", JUN, 300_000, 0, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["spending_growth"] is None


def test_spending_growth_falls_to_minus_one() -> None:
    statements = make_statements(
        ("A1", JAN, 0, 0, 0, None),
        ("A1", FEB, 100_000, 0, 0, None),
        ("A1", MAR, 200_000, 0, 0, None),
        ("A1", APR, 200_000, 0, 0, None),
        ("A1", MAY, 200_000, 0, 0, None),
        ("A1", JUN, 200_000, 0, 0, None),
    )
    row = profile_row(build_profiles(make_accounts({"account_id": "A1"}), statements), "A1")

    assert row["spending_growth"] == -1.0


def test_min_due_absent_leaves_miss_null() -> None:
    statements = make_statements(("A1", MAY, 1_000, 0, 0, None), ("A1", JUN, 1_000, 0, 0, None))
    row = profile_row(
        build_profiles(make_accounts({"account_id": "A1"}), statements.drop("min_due")), "A1"
    )

    assert row["min_payment_miss_6m"] is None


def test_age_unknown_without_birth_year() -> None:
    accounts = make_accounts({"account_id": "A1"}, {"account_id": "A2", "customer_id": "C2"})
    customers = pl.DataFrame(
        {"customer_id": ["C1", "C2"], "birth_year": [None, 1985]},
        schema={"customer_id": pl.String, "birth_year": pl.Int64},
    )
    statements = make_statements(("A1", JUN, 1_000, 0, 0, None))

    with_customers = build_profiles(accounts, statements, customers)
    without_customers = build_profiles(accounts, statements)

    assert with_customers.get_column("age").to_list() == [None, 39]
    assert without_customers.get_column("age").to_list() == [None, None]


def test_limit_amount_follows_currency_digits() -> None:
    accounts = make_accounts(
        {"account_id": "A1", "currency": "TWD", "approved_limit": 5_000_050},
        {"account_id": "A2", "currency": "JPY", "approved_limit": 300_000},
    )
    profiles = build_profiles(accounts, make_statements(("A1", JUN, 0, 0, 0, None)))

    assert profiles.get_column("limit_amount").to_list() == [50_000.5, 300_000.0]


def test_opened_after_as_of_has_no_tenure() -> None:
    accounts = make_accounts(
        {"account_id": "A1", "opened_on": date(2024, 6, 30)},
        {"account_id": "A2", "opened_on": date(2024, 7, 1)},
    )
    profiles = build_profiles(accounts, make_statements(("A1", JUN, 0, 0, 0, None)))

    assert profiles.get_column("months_on_book").to_list() == [0, None]


def test_output_columns_and_dtypes() -> None:
    profiles = build_profiles(make_accounts({"account_id": "A1"}), REVOLVER)

    feature_names = [spec.name for spec in FEATURES]
    expected = ["account_id", "customer_id", "as_of_month", "n_months", *feature_names]
    assert profiles.columns == expected
    assert profiles.schema["as_of_month"] == pl.Date
    assert profiles.schema["n_months"] == pl.Int64
    for spec in FEATURES:
        expected_dtype = pl.Float64 if spec.kind == "float" else pl.Int64
        assert profiles.schema[spec.name] == expected_dtype, spec.name


def test_rows_follow_accounts_order() -> None:
    accounts = make_accounts(
        {"account_id": "Z9"}, {"account_id": "A1"}, {"account_id": "M5"}
    )
    statements = make_statements(
        ("M5", JUN, 1_000, 0, 0, None),
        ("A1", JUN, 2_000, 0, 0, None),
        ("UNKNOWN", JUN, 3_000, 0, 0, None),
    )
    profiles = build_profiles(accounts, statements)

    assert profiles.get_column("account_id").to_list() == ["Z9", "A1", "M5"]
    assert profiles.get_column("n_months").to_list() == [0, 1, 1]


def test_inputs_not_mutated() -> None:
    accounts = make_accounts({"account_id": "A1"}, {"account_id": "A2", "customer_id": "C2"})
    customers = pl.DataFrame({"customer_id": ["C1", "C2"], "birth_year": [1980, 1970]})
    before = (accounts.clone(), REVOLVER.clone(), customers.clone())

    build_profiles(accounts, REVOLVER, customers)

    assert accounts.equals(before[0])
    assert REVOLVER.equals(before[1])
    assert customers.equals(before[2])
    assert accounts.columns == before[0].columns
    assert REVOLVER.schema == before[1].schema


def test_missing_column_is_rejected() -> None:
    statements = REVOLVER.drop("dpd", "paid_amount")

    with pytest.raises(InvalidInput) as raised:
        build_profiles(make_accounts({"account_id": "A1"}), statements)

    assert raised.value.key == "profile.missing_columns"
    assert raised.value.render("en") == (
        "Table statements is missing columns: paid_amount, dpd. "
        "Add them as the data contract describes and retry."
    )
    assert raised.value.render("zh") == "statements 表缺少列：paid_amount, dpd。请按数据规范补齐这些列后重试。"


def test_float_amount_is_rejected() -> None:
    statements = REVOLVER.with_columns(pl.col("bill_amount").cast(pl.Float64))

    with pytest.raises(InvalidInput) as raised:
        build_profiles(make_accounts({"account_id": "A1"}), statements)

    assert raised.value.render("en") == (
        "Column statements.bill_amount has type Float64, expected Int64. Amounts must be "
        "integers in minor units; convert them with the importer first."
    )


def test_duplicate_statement_month_is_rejected() -> None:
    statements = pl.concat([REVOLVER, REVOLVER.slice(2, 1)])

    with pytest.raises(InvalidInput) as raised:
        build_profiles(make_accounts({"account_id": "A1"}), statements)

    assert raised.value.render("en") == (
        "Table statements has 2 rows with a duplicate key (account_id, statement_month), "
        "for example A1, 2024-03-01; keep one row per key."
    )


def test_duplicate_customer_is_rejected() -> None:
    customers = pl.DataFrame({"customer_id": ["C1", "C1"], "birth_year": [1980, 1981]})

    with pytest.raises(InvalidInput) as raised:
        build_profiles(make_accounts({"account_id": "A1"}), REVOLVER, customers)

    assert raised.value.key == "profile.duplicate_keys"
    assert raised.value.params["table"] == "customers"


def test_unknown_currency_is_rejected() -> None:
    accounts = make_accounts({"account_id": "A1", "currency": "XYZ"})

    with pytest.raises(InvalidInput) as raised:
        build_profiles(accounts, REVOLVER)

    assert raised.value.render("en") == (
        "Unknown currency 'XYZ': use an ISO 4217 code such as CNY or TWD."
    )


@pytest.mark.parametrize("window", [0, -1, 2.5, True])
def test_invalid_window_is_rejected(window: object) -> None:
    accounts = make_accounts({"account_id": "A1"})

    with pytest.raises(InvalidInput) as raised:
        build_profiles(accounts, REVOLVER, window_months=window)  # type: ignore[arg-type]

    assert raised.value.render("en") == (
        f"window_months must be a whole number of at least 1, got {window!r}."
    )


def test_empty_statements_need_as_of() -> None:
    accounts = make_accounts({"account_id": "A1"})
    empty = REVOLVER.clear()

    with pytest.raises(InvalidInput) as raised:
        build_profiles(accounts, empty)
    profiles = build_profiles(accounts, empty, as_of_month=JUN)

    assert raised.value.render("en") == (
        "Cannot choose the as-of month because the statements table is empty; pass as_of_month."
    )
    assert profiles.get_column("n_months").to_list() == [0]
    assert profiles.get_column("limit_amount").to_list() == [10_000.0]
