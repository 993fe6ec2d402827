from datetime import date

import polars as pl

from creditline.profile import build_profiles


def test_profiles_identical_for_any_statement_order() -> None:
    months = [date(2026, m, 1) for m in range(6, 12)]
    accounts = pl.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(50)],
            "customer_id": [f"C{i}" for i in range(50)],
            "product": "card",
            "currency": "CNY",
            "opened_on": [None] * 50,
            "approved_limit": [1_000_000 + 7_919 * i for i in range(50)],
            "outstanding": [0] * 50,
            "increase_preference": "auto",
        },
        schema_overrides={"opened_on": pl.Date},
    )
    statements = pl.DataFrame(
        {
            "account_id": [f"A{i}" for i in range(50) for _ in months],
            "statement_month": months * 50,
            "bill_amount": [(i * 7_919 + k * 104_729) % 1_300_000 - 50_000 for i in range(50) for k in range(6)],
            "paid_amount": [(i * 3_571 + k * 15_485) % 400_000 for i in range(50) for k in range(6)],
            "min_due": [None] * 300,
            "dpd": [30 * ((i + k) % 7 == 0) for i in range(50) for k in range(6)],
        },
        schema_overrides={"min_due": pl.Int64},
    )
    expected = build_profiles(accounts, statements)

    for seed in range(5):
        shuffled = statements.sample(fraction=1.0, shuffle=True, seed=seed)
        assert build_profiles(accounts, shuffled).equals(expected)
