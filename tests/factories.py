"""Small synthetic portfolios written as contract CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

MONTHS = ("2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11")


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def write_portfolio(folder: Path, n_accounts: int = 40, *, with_outcomes: bool = True) -> Path:
    """Write customers, accounts, statements and outcomes for ``n_accounts`` CNY card lines.

    Every fourth account pays little and runs late. Two in three of those go bad, and one
    in eleven of the others, so a scorecard fitted on the data has a signal to find, but
    no characteristic separates goods from bads perfectly.
    """
    folder.mkdir(parents=True, exist_ok=True)
    customers, accounts, statements, outcomes = [], [], [], []
    for index in range(1, n_accounts + 1):
        customer_id, account_id = f"C{index:04d}", f"A{index:04d}"
        risky = index % 4 == 0
        limit = 20000 + 1000 * (index % 7)
        customers.append([customer_id, 1970 + index % 30, 12000 + 100 * index, "bureau;income", "female", "single"])
        bills = [limit * (0.9 if risky else 0.2 + 0.1 * (index % 7)) for _ in MONTHS]
        outstanding = int(bills[-1])
        accounts.append([account_id, customer_id, "card", "CNY", "2020-01-15", limit, outstanding, "auto"])
        for month_index, month in enumerate(MONTHS):
            bill = int(bills[month_index]) + 10 * month_index
            paid = int(bill * (0.05 if risky else 1.0)) if month_index else 0
            dpd = 30 if (risky and month_index >= 3) or (index % 13 == 0 and month_index == 5) else 0
            statements.append([account_id, month, bill, paid, "", dpd])
        bad = index % 3 != 0 if risky else index % 11 == 0
        outcomes.append([account_id, "2026-11-30", int(bad)])
    write_csv(
        folder / "customers.csv",
        ["customer_id", "birth_year", "monthly_income", "consents", "sex", "marital_status"],
        customers,
    )
    write_csv(
        folder / "accounts.csv",
        ["account_id", "customer_id", "product", "currency", "opened_on", "approved_limit", "outstanding", "increase_preference"],
        accounts,
    )
    write_csv(
        folder / "statements.csv",
        ["account_id", "statement_month", "bill_amount", "paid_amount", "min_due", "dpd"],
        statements,
    )
    if with_outcomes:
        write_csv(folder / "outcomes.csv", ["account_id", "as_of", "bad"], outcomes)
    return folder


SHIPPED_CNY_POLICY = Path(__file__).parents[1] / "src" / "creditline" / "policies" / "default_cny.yaml"
# Band edges that fit the scorecard fitted on write_portfolio's data (scores about 465
# to 557), so that a review of it proposes increases, decreases and unchanged lines.
SYNTHETIC_BANDS = """risk_bands:
  - {name: A, min_score: 548}
  - {name: B, min_score: 542}
  - {name: C, min_score: 530}
  - {name: D, min_score: 500}
  - {name: E}
"""


def synthetic_policy_text() -> str:
    """Return the shipped CNY policy with band edges that suit the synthetic portfolio."""
    text = SHIPPED_CNY_POLICY.read_text(encoding="utf-8")
    start = text.index("risk_bands:")
    end = text.index("\n\n", start)
    return text[:start] + SYNTHETIC_BANDS.rstrip("\n") + text[end:]


def write_policy(folder: Path) -> Path:
    """Write :func:`synthetic_policy_text` to ``folder/policy.yaml`` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "policy.yaml"
    path.write_text(synthetic_policy_text(), encoding="utf-8")
    return path
