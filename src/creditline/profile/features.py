"""Build one feature row per credit line from accounts, monthly statements and customers.

Everything runs as one lazy Polars query with no per-row Python. Amounts stay integer
minor units until a ratio is formed, and ratios of two amounts in the same currency need
no conversion.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

import polars as pl

from creditline.domain.money import MINOR_UNIT_DIGITS
from creditline.errors import InvalidInput
from creditline.profile.catalog import FEATURES, FeatureKind

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_MONTHS = 6

# spending_growth compares the mean spend of this many newest months with the older ones.
RECENT_SPEND_MONTHS = 3

# Expected dtype family of each input column: "id" (String), "int" (any integer dtype,
# with amounts in minor units) or "date" (Date). Optional columns may be absent.
_ACCOUNT_COLUMNS = {"account_id": "id", "customer_id": "id", "approved_limit": "int"}
_ACCOUNT_OPTIONAL = {"currency": "id", "opened_on": "date"}
_STATEMENT_COLUMNS = {
    "account_id": "id",
    "statement_month": "date",
    "bill_amount": "int",
    "paid_amount": "int",
    "dpd": "int",
}
_STATEMENT_OPTIONAL = {"min_due": "int"}
_CUSTOMER_COLUMNS = {"customer_id": "id"}
_CUSTOMER_OPTIONAL = {"birth_year": "int"}

_EXPECTED_DTYPE_NAMES = {"id": "String", "int": "Int64", "date": "Date"}

# The currency an accounts frame without a currency column is booked in, as on import.
_DEFAULT_CURRENCY = "CNY"


def build_profiles(
    accounts: pl.DataFrame,
    statements: pl.DataFrame,
    customers: pl.DataFrame | None = None,
    *,
    as_of_month: date | None = None,
    window_months: int = DEFAULT_WINDOW_MONTHS,
) -> pl.DataFrame:
    """Build the profile features of every account as of one statement month.

    Parameters
    ----------
    accounts
        One row per credit line: ``account_id``, ``customer_id``, ``approved_limit``
        (integer minor units), and optionally ``currency`` (ISO 4217, CNY when absent)
        and ``opened_on`` (Date, nullable).
    statements
        One row per account and month with ``account_id``, ``statement_month`` (Date, of
        which only the year and month are read), ``bill_amount``, ``paid_amount`` and
        ``dpd`` (days past due). Amounts are minor units, and a negative bill is a credit
        balance. ``min_due`` (minor units, nullable) is optional. Rows of accounts missing
        from ``accounts`` are ignored.
    customers
        Optional, one row per customer with ``customer_id`` and ``birth_year``. Without
        it ``age`` is null. Protected attributes in this frame are never read.
    as_of_month
        The newest month of the window; only its year and month are read. Defaults to
        the newest ``statement_month`` in ``statements``.
    window_months
        Number of calendar months in the window, ending at ``as_of_month``. Feature
        names keep their ``_6m`` suffix whatever the window, because the scorecard and
        the reason codes are keyed by those names.

    Returns
    -------
    polars.DataFrame
        One row per row of ``accounts``, in the same order: ``account_id``,
        ``customer_id``, ``as_of_month`` (Date, first day of the month), ``n_months``
        (statements in the window) and the columns of
        :data:`creditline.profile.catalog.FEATURES`, in that order.

        A payment in month t settles the statement of month t-1, so payment features
        pair each month with the previous calendar month. Both months must lie inside
        the window, which makes the oldest month of the window serve only as a
        previous bill. An account without statements in the window gets ``n_months``
        0 and null statement features. Missing months are skipped, not filled.

    Raises
    ------
    InvalidInput
        When a required column is missing or has the wrong type, a key is duplicated,
        a currency is unknown, ``window_months`` is below 1, or ``statements`` is
        empty and no ``as_of_month`` was given.
    """
    _check_window(window_months)
    _check_frame(accounts, "accounts", _ACCOUNT_COLUMNS, _ACCOUNT_OPTIONAL, ("account_id",))
    _check_frame(
        statements,
        "statements",
        _STATEMENT_COLUMNS,
        _STATEMENT_OPTIONAL,
        ("account_id", "statement_month"),
    )
    if customers is not None:
        _check_frame(
            customers, "customers", _CUSTOMER_COLUMNS, _CUSTOMER_OPTIONAL, ("customer_id",)
        )
    _check_currencies(accounts)

    as_of_index = _resolve_as_of_index(statements, as_of_month)
    lines = _line_frame(accounts)
    months = _window_statements(statements, lines, as_of_index, window_months)
    statement_features = _aggregate_statements(months, as_of_index, window_months)

    profiles = (
        lines.join(statement_features, on="account_id", how="left", maintain_order="left")
        .join(_birth_years(customers), on="customer_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("n_months").fill_null(0),
            *_account_level_features(as_of_index),
        )
        .select(
            "account_id",
            "customer_id",
            pl.lit(_month_start(as_of_index), dtype=pl.Date).alias("as_of_month"),
            pl.col("n_months").cast(pl.Int64),
            *(_output_column(spec.name, spec.kind) for spec in FEATURES),
        )
        .collect()
    )
    logger.info(
        "built profiles for %d accounts as of %s over %d months",
        profiles.height,
        _month_start(as_of_index).isoformat(),
        window_months,
    )
    return profiles


# --- input checks -----------------------------------------------------------------------


def _check_window(window_months: int) -> None:
    if isinstance(window_months, bool) or not isinstance(window_months, int) or window_months < 1:
        raise InvalidInput("profile.invalid_window", value=repr(window_months))


def _check_frame(
    frame: pl.DataFrame,
    table: str,
    required: Mapping[str, str],
    optional: Mapping[str, str],
    key: tuple[str, ...],
) -> None:
    missing = [name for name in required if name not in frame.columns]
    if missing:
        raise InvalidInput("profile.missing_columns", table=table, columns=", ".join(missing))

    present_optional = {name: kind for name, kind in optional.items() if name in frame.columns}
    expected = {**required, **present_optional}
    for name, kind in expected.items():
        dtype = frame.schema[name]
        if not _dtype_matches(dtype, kind):
            raise InvalidInput(
                "profile.wrong_column_type",
                table=table,
                column=name,
                dtype=str(dtype),
                expected=_EXPECTED_DTYPE_NAMES[kind],
            )

    duplicated = frame.select(key).is_duplicated()
    if duplicated.any():
        example = frame.filter(duplicated).select(key).row(0)
        raise InvalidInput(
            "profile.duplicate_keys",
            table=table,
            count=int(duplicated.sum()),
            key=", ".join(key),
            example=", ".join(str(value) for value in example),
        )


def _dtype_matches(dtype: pl.DataType, kind: str) -> bool:
    # An all-null column read from a file has dtype Null; it fits every kind.
    if dtype == pl.Null:
        return True
    if kind == "int":
        return dtype.is_integer()
    if kind == "date":
        return dtype == pl.Date
    return dtype == pl.String


def _check_currencies(accounts: pl.DataFrame) -> None:
    if "currency" not in accounts.columns:
        return
    for currency in accounts.get_column("currency").unique().to_list():
        if currency not in MINOR_UNIT_DIGITS:
            raise InvalidInput("error.unknown_currency", value=currency)


# --- months -----------------------------------------------------------------------------


def _month_index(column: str) -> pl.Expr:
    """Months since year 0 (January of year y is 12 * y), so consecutive months differ by 1."""
    year = pl.col(column).dt.year().cast(pl.Int64)
    return year * 12 + pl.col(column).dt.month().cast(pl.Int64) - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _resolve_as_of_index(statements: pl.DataFrame, as_of_month: date | None) -> int:
    if as_of_month is not None:
        return as_of_month.year * 12 + as_of_month.month - 1
    newest = statements.select(_month_index("statement_month").max()).item()
    if newest is None:
        raise InvalidInput("profile.no_as_of_month")
    return int(newest)


# --- frames -----------------------------------------------------------------------------


def _line_frame(accounts: pl.DataFrame) -> pl.LazyFrame:
    """Return the account columns the features need, with defaults for optional ones."""
    currency = (
        pl.col("currency") if "currency" in accounts.columns else pl.lit(_DEFAULT_CURRENCY)
    )
    opened_on = pl.col("opened_on") if "opened_on" in accounts.columns else pl.lit(None)
    return accounts.lazy().select(
        pl.col("account_id").cast(pl.String),
        pl.col("customer_id").cast(pl.String),
        currency.cast(pl.String).alias("currency"),
        pl.col("approved_limit").cast(pl.Int64),
        opened_on.cast(pl.Date).alias("opened_on"),
    )


def _window_statements(
    statements: pl.DataFrame,
    lines: pl.LazyFrame,
    as_of_index: int,
    window_months: int,
) -> pl.LazyFrame:
    """Return one row per statement in the window, with the previous month's bill attached."""
    min_due = pl.col("min_due") if "min_due" in statements.columns else pl.lit(None)
    window = (
        statements.lazy()
        .select(
            pl.col("account_id").cast(pl.String),
            _month_index("statement_month").alias("month_index"),
            pl.col("bill_amount").cast(pl.Int64).alias("bill"),
            pl.col("paid_amount").cast(pl.Int64).alias("paid"),
            pl.col("dpd").cast(pl.Int64),
            min_due.cast(pl.Int64).alias("min_due"),
        )
        .filter(pl.col("month_index").is_between(as_of_index - window_months + 1, as_of_index))
    )
    # Keyed on the calendar month, so a missing month leaves the next one without a
    # previous bill instead of pairing it with an older statement.
    previous = window.select(
        "account_id",
        (pl.col("month_index") + 1).alias("month_index"),
        pl.col("bill").alias("previous_bill"),
        pl.col("min_due").alias("previous_min_due"),
    )
    limits = lines.select("account_id", "approved_limit")
    return (
        window.join(limits, on="account_id", how="inner")
        .join(previous, on=["account_id", "month_index"], how="left")
        .with_columns(_monthly_measures(as_of_index))
    )


def _monthly_measures(as_of_index: int) -> list[pl.Expr]:
    bill = pl.col("bill")
    paid = pl.col("paid")
    limit = pl.col("approved_limit")
    previous_bill = pl.col("previous_bill")
    previous_min_due = pl.col("previous_min_due")
    return [
        (as_of_index - pl.col("month_index")).alias("months_before"),
        # A credit balance uses none of the limit, and a zero limit has no utilisation.
        pl.when(limit > 0)
        .then(bill.clip(lower_bound=0) / limit)
        .otherwise(None)
        .alias("utilisation"),
        pl.when(previous_bill > 0)
        .then((paid / previous_bill).clip(0.0, 1.0))
        .otherwise(None)
        .alias("payment_ratio"),
        pl.when(previous_bill > 0)
        .then(paid >= previous_bill)
        .otherwise(None)
        .alias("paid_in_full"),
        # An estimate of new purchases from the balance movement, so fees and interest count.
        pl.when(previous_bill.is_not_null())
        .then((bill - previous_bill + paid).clip(lower_bound=0))
        .otherwise(None)
        .alias("spend"),
        pl.when(previous_bill > 0)
        .then(paid == 0)
        .otherwise(None)
        .alias("no_payment"),
        pl.when(previous_min_due.is_not_null())
        .then(paid < previous_min_due)
        .otherwise(None)
        .alias("min_payment_missed"),
        ((bill == 0) & (paid == 0)).alias("inactive"),
    ]


def _aggregate_statements(
    months: pl.LazyFrame, as_of_index: int, window_months: int
) -> pl.LazyFrame:
    """Fold the window's months into one row of statement features per account."""
    month_index = pl.col("month_index")
    bill = pl.col("bill")
    dpd = pl.col("dpd")
    utilisation = pl.col("utilisation")
    spend = pl.col("spend")
    missed = pl.col("min_payment_missed")
    no_payment = pl.col("no_payment")
    months_before = pl.col("months_before")
    limit = pl.col("approved_limit").first()

    mean_abs_bill = bill.abs().mean()
    recent_spend = spend.filter(pl.col("months_before") < RECENT_SPEND_MONTHS).mean()
    earlier_spend = spend.filter(pl.col("months_before") >= RECENT_SPEND_MONTHS).mean()

    # Sorting first fixes the order in which each group's floats are summed: joins upstream
    # return rows in a varying order, and float sums in another order differ in the last bits.
    return months.sort("account_id", "month_index").group_by("account_id").agg(
        pl.len().alias("n_months"),
        utilisation.sort_by(month_index).last().alias("utilisation_latest"),
        utilisation.mean().alias("utilisation_mean_6m"),
        utilisation.max().alias("utilisation_max_6m"),
        _ols_slope(month_index, utilisation).alias("utilisation_trend"),
        pl.col("payment_ratio").mean().alias("payment_ratio_mean"),
        pl.col("paid_in_full").cast(pl.Float64).mean().alias("full_payment_share"),
        pl.when(no_payment.count() > 0).then(no_payment.sum()).otherwise(None).alias("no_payment_months_6m"),
        (utilisation.filter(months_before == 0).first() - utilisation.filter(months_before == 1).first()).alias(
            "utilisation_change_1m"
        ),
        (dpd > 0).sum().alias("months_delinquent_6m"),
        dpd.max().alias("worst_dpd_6m"),
        dpd.sort_by(month_index).last().alias("latest_dpd"),
        (as_of_index - month_index.filter(dpd > 0).max()).alias("months_since_delinquency"),
        pl.when(missed.count() > 0).then(missed.sum()).otherwise(None).alias("min_payment_miss_6m"),
        pl.when(mean_abs_bill > 0)
        .then(bill.cast(pl.Float64).std(ddof=0) / mean_abs_bill)
        .otherwise(None)
        .alias("bill_volatility"),
        pl.when(earlier_spend > 0)
        .then(recent_spend / earlier_spend - 1.0)
        .otherwise(None)
        .alias("spending_growth"),
        pl.col("inactive").sum().alias("inactive_months_6m"),
        (as_of_index - month_index.filter(~pl.col("inactive")).max())
        .fill_null(window_months)
        .alias("months_since_active"),
        (bill > pl.col("approved_limit")).sum().alias("overlimit_months_6m"),
        (bill < 0).sum().alias("credit_balance_months_6m"),
        pl.when(limit > 0)
        .then(pl.col("paid").mean() / limit)
        .otherwise(None)
        .alias("payment_to_limit"),
    )


def _ols_slope(x: pl.Expr, y: pl.Expr) -> pl.Expr:
    """Return the least-squares slope of ``y`` on ``x`` over rows where ``y`` is not null.

    Null when fewer than two points remain. Keys are unique per month, so two points
    always have distinct ``x`` and a non-zero denominator.
    """
    present = y.is_not_null()
    xs = x.filter(present).cast(pl.Float64)
    ys = y.filter(present)
    x_deviation = xs - xs.mean()
    slope = (x_deviation * (ys - ys.mean())).sum() / (x_deviation * x_deviation).sum()
    return pl.when(y.count() >= 2).then(slope).otherwise(None)


def _birth_years(customers: pl.DataFrame | None) -> pl.LazyFrame:
    if customers is None or "birth_year" not in customers.columns:
        ids = pl.Series("customer_id", [], dtype=pl.String)
        return pl.LazyFrame([ids, pl.Series("birth_year", [], dtype=pl.Int64)])
    return customers.lazy().select(
        pl.col("customer_id").cast(pl.String),
        pl.col("birth_year").cast(pl.Int64),
    )


def _account_level_features(as_of_index: int) -> list[pl.Expr]:
    as_of_year = as_of_index // 12
    digits = pl.col("currency").replace_strict(MINOR_UNIT_DIGITS, return_dtype=pl.Int64)
    age = as_of_year - pl.col("birth_year")
    months_on_book = as_of_index - _month_index("opened_on")
    return [
        (pl.col("approved_limit") / pl.lit(10, dtype=pl.Int64).pow(digits)).alias("limit_amount"),
        # A birth year or opening month after the as-of month is a data error, not a value.
        pl.when(age >= 0).then(age).otherwise(None).alias("age"),
        pl.when(months_on_book >= 0).then(months_on_book).otherwise(None).alias("months_on_book"),
    ]


def _output_column(name: str, kind: FeatureKind) -> pl.Expr:
    dtype = pl.Float64 if kind is FeatureKind.FLOAT else pl.Int64
    return pl.col(name).cast(dtype)
