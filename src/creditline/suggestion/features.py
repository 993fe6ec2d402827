"""Monthly statement windows and the features of the need-for-change model.

A window is the last ``W`` statement months of each line, oldest first, as NumPy arrays
of integer minor units. Features are ratios to the approved limit, so a model fitted on
one currency scores lines in another. Everything here is NumPy only; the Polars step
that builds windows from the statements table is :func:`statement_windows`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

# Months of history the model reads: features use these, the target is the month after.
WINDOW_MONTHS = 5
# Utilisation is clipped to [0, UTILISATION_CAP]: credit balances count as 0, and a few
# balances far above the limit would otherwise dominate a least-squares fit.
UTILISATION_CAP = 1.5
# Classes of next-month need, as fractions of the approved limit or of recent spending.
PRESSING_UTILISATION = 0.9
FALLING_UTILISATION = 0.1
FALLING_SPEND_SHARE = 0.3
DAYS_PER_MONTH = 30

FEATURE_NAMES: tuple[str, ...] = (
    "utilisation_1",  # newest month
    "utilisation_2",
    "utilisation_3",
    "utilisation_mean",
    "utilisation_max",
    "utilisation_trend",  # newest minus third newest
    "paid_to_limit_1",
    "paid_to_limit_mean",
    "repayment_ratio_1",  # newest payment over the previous month's bill
    "spend_to_limit_1",
    "spend_to_limit_mean",
    "late_1",
    "worst_dpd_months",
    "inactive_1",
    "full_payment_1",
)


@dataclass(frozen=True, slots=True)
class StatementWindow:
    """The last months of statements of ``n`` lines, oldest month first.

    ``bills``, ``paid`` and ``dpd`` have shape (n, months); amounts are integer minor
    units and a month without a statement holds 0. ``present`` marks the months that had
    a statement.
    """

    account_ids: tuple[str, ...]
    limits: np.ndarray  # (n,) approved limit, minor units
    bills: np.ndarray
    paid: np.ndarray
    dpd: np.ndarray
    present: np.ndarray
    last_month: date

    @property
    def n_months(self) -> int:
        return int(self.bills.shape[1])

    @property
    def months_present(self) -> np.ndarray:
        """Number of months with a statement, per line."""
        return self.present.sum(axis=1)

    def take(self, rows: np.ndarray) -> StatementWindow:
        """Return the window of the lines at ``rows`` (integer positions or a boolean mask)."""
        return StatementWindow(
            account_ids=tuple(np.asarray(self.account_ids, dtype=object)[rows].tolist()),
            limits=self.limits[rows],
            bills=self.bills[rows],
            paid=self.paid[rows],
            dpd=self.dpd[rows],
            present=self.present[rows],
            last_month=self.last_month,
        )

    def head(self, months: int) -> StatementWindow:
        """Return the window of the oldest ``months`` months (the history before a target month)."""
        return StatementWindow(
            account_ids=self.account_ids,
            limits=self.limits,
            bills=self.bills[:, :months],
            paid=self.paid[:, :months],
            dpd=self.dpd[:, :months],
            present=self.present[:, :months],
            last_month=shift_month(self.last_month, months - self.n_months),
        )


def shift_month(month: date, months: int) -> date:
    """Return the first day of the month ``months`` after (or before, if negative) ``month``."""
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def statement_windows(
    lines: pl.DataFrame, statements: pl.DataFrame, last_month: date, months: int = WINDOW_MONTHS
) -> StatementWindow:
    """Arrange statements into one row per line for the ``months`` months ending at ``last_month``.

    Parameters
    ----------
    lines
        ``account_id`` and ``approved_limit`` (minor units), one row per line.
    statements
        The statements contract: ``account_id``, ``statement_month`` (a Date on the first
        of the month), ``bill_amount``, ``paid_amount`` (minor units) and ``dpd``.
    last_month
        The newest month of the window; any day of it.
    """
    last_month = last_month.replace(day=1)
    month_list = [shift_month(last_month, offset) for offset in range(1 - months, 1)]
    lines = lines.select("account_id", "approved_limit").sort("account_id")
    grid = lines.select("account_id").join(pl.DataFrame({"statement_month": month_list}), how="cross")
    window = (
        statements.select("account_id", "statement_month", "bill_amount", "paid_amount", "dpd")
        .filter(pl.col("statement_month").is_in(month_list))
        .with_columns(pl.lit(1).alias("present"))
    )
    joined = grid.join(window, on=["account_id", "statement_month"], how="left").sort(
        "account_id", "statement_month"
    )
    n = lines.height

    def matrix(name: str) -> np.ndarray:
        values = joined[name].fill_null(0).to_numpy().astype(np.int64)
        return values.reshape(n, months)

    return StatementWindow(
        account_ids=tuple(lines["account_id"].to_list()),
        limits=lines["approved_limit"].to_numpy().astype(np.int64),
        bills=matrix("bill_amount"),
        paid=matrix("paid_amount"),
        dpd=matrix("dpd"),
        present=matrix("present").astype(bool),
        last_month=last_month,
    )


def utilisation(bills: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """Return bill / limit clipped to [0, UTILISATION_CAP]; a zero limit gives the cap when a bill is owed."""
    limit = np.asarray(limits, dtype=np.float64).reshape(-1, *([1] * (np.ndim(bills) - 1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(limit > 0, bills / np.where(limit > 0, limit, 1.0), np.where(bills > 0, UTILISATION_CAP, 0.0))
    return np.clip(ratio, 0.0, UTILISATION_CAP)


def monthly_spend(bills: np.ndarray, paid: np.ndarray) -> np.ndarray:
    """Estimate new spending per month as bill - previous bill + payment; shape (n, months - 1).

    A payment in month t settles the bill of month t-1, so what the bill grew by plus what
    was repaid is the new spending (plus any interest and fees, which statements do not split).
    """
    return (bills[:, 1:] - bills[:, :-1] + paid[:, 1:]).astype(np.float64)


def feature_matrix(window: StatementWindow) -> np.ndarray:
    """Return the (n, len(FEATURE_NAMES)) float matrix of :data:`FEATURE_NAMES`.

    The window needs at least three months.
    """
    if window.n_months < 3:
        raise ValueError(f"the feature window needs at least 3 months, got {window.n_months}")
    limits = np.maximum(window.limits.astype(np.float64), 1.0)[:, None]
    use = utilisation(window.bills, window.limits)
    paid_share = np.clip(window.paid / limits, 0.0, UTILISATION_CAP)
    spend_share = np.clip(monthly_spend(window.bills, window.paid) / limits, -UTILISATION_CAP, UTILISATION_CAP)

    previous_bill = window.bills[:, -2].astype(np.float64)
    newest_paid = window.paid[:, -1].astype(np.float64)
    owed = previous_bill > 0
    repayment_ratio = np.where(owed, np.clip(newest_paid / np.where(owed, previous_bill, 1.0), 0.0, 1.0), 1.0)
    full_payment = (owed & (newest_paid >= previous_bill)).astype(np.float64)

    columns = [
        use[:, -1],
        use[:, -2],
        use[:, -3],
        use.mean(axis=1),
        use.max(axis=1),
        use[:, -1] - use[:, -3],
        paid_share[:, -1],
        paid_share.mean(axis=1),
        repayment_ratio,
        spend_share[:, -1],
        spend_share.mean(axis=1),
        (window.dpd[:, -1] > 0).astype(np.float64),
        np.clip(window.dpd.max(axis=1) / DAYS_PER_MONTH, 0.0, 9.0),
        ((window.bills[:, -1] == 0) & (window.paid[:, -1] == 0)).astype(np.float64),
        full_payment,
    ]
    return np.column_stack(columns)


@dataclass(frozen=True, slots=True)
class NextMonthTargets:
    """What happened in the month after a window: the training targets."""

    utilisation: np.ndarray  # clipped to [0, UTILISATION_CAP]
    pressing: np.ndarray  # bool: utilisation >= PRESSING_UTILISATION
    falling: np.ndarray  # bool: utilisation < FALLING_UTILISATION or spend < 30 % of the recent mean

    def take(self, rows: np.ndarray) -> NextMonthTargets:
        """Return the targets of the lines at ``rows``."""
        return NextMonthTargets(self.utilisation[rows], self.pressing[rows], self.falling[rows])


def next_month_targets(history: StatementWindow, next_bill: np.ndarray, next_paid: np.ndarray) -> NextMonthTargets:
    """Label the month after ``history`` from its bill and payment (minor units)."""
    use = utilisation(next_bill, history.limits)
    recent_spend = monthly_spend(history.bills, history.paid).mean(axis=1)
    spend = (next_bill - history.bills[:, -1] + next_paid).astype(np.float64)
    spend_dropped = (recent_spend > 0) & (spend < FALLING_SPEND_SHARE * recent_spend)
    return NextMonthTargets(
        utilisation=use,
        pressing=use >= PRESSING_UTILISATION,
        falling=(use < FALLING_UTILISATION) | spend_dropped,
    )
