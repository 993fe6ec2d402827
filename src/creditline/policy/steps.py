"""The evaluation steps of a limit policy, each adding ``_t_<step>`` columns to a LazyFrame.

Columns starting with ``_`` are private to one evaluation. Every step reads the previous
step's column, so a step that changed nothing passes the value through unchanged and
:func:`creditline.policy.evaluate.evaluate_portfolio` can tell which steps acted.
Amounts are Int64 minor units; products with factors are formed in Int128 and floored.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from creditline.policy.schema import FACTOR_SCALE, Policy


# --- integer arithmetic -------------------------------------------------------------------


def _scaled(amount: pl.Expr, factor: Decimal) -> pl.Expr:
    """Return ``floor(amount * factor)`` in Int64 minor units, exact for four-decimal factors."""
    units = int(factor * FACTOR_SCALE)
    return (amount.cast(pl.Int128) * units // FACTOR_SCALE).cast(pl.Int64)


def _floor_to_step(amount: pl.Expr, step: int) -> pl.Expr:
    return (amount // step) * step


def _ceil_to_step(amount: pl.Expr, step: int) -> pl.Expr:
    return -((-amount) // step) * step


def _lower_to(value: pl.Expr, ceiling: pl.Expr, applies: pl.Expr | None = None) -> pl.Expr:
    """Return ``min(value, ceiling)`` where ``applies`` is true (null ceilings change nothing)."""
    condition = value > ceiling
    if applies is not None:
        condition = condition & applies
    return pl.when(condition.fill_null(False)).then(ceiling).otherwise(value)


def _raise_to(value: pl.Expr, floor: pl.Expr) -> pl.Expr:
    return pl.when((value < floor).fill_null(False)).then(floor).otherwise(value)


# --- steps --------------------------------------------------------------------------------


def add_target(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Add the risk band, the utilisation bucket and the matrix target ``_t_matrix``."""
    band_name: pl.Expr = pl.lit(policy.risk_bands[-1].name)
    band_index: pl.Expr = pl.lit(len(policy.risk_bands) - 1)
    for position in range(len(policy.risk_bands) - 2, -1, -1):
        band = policy.risk_bands[position]
        reached = pl.col("_score") >= band.min_score
        band_name = pl.when(reached).then(pl.lit(band.name)).otherwise(band_name)
        band_index = pl.when(reached).then(pl.lit(position)).otherwise(band_index)

    utilisation = policy.utilisation
    edges = [float(edge) for edge in utilisation.edges]
    bucket: pl.Expr = pl.lit(len(edges))
    for position in range(len(edges) - 1, -1, -1):
        bucket = pl.when(pl.col("_utilisation") < edges[position]).then(pl.lit(position)).otherwise(bucket)
    missing = pl.col("_utilisation").is_null() | pl.col("_utilisation").is_nan()
    bucket = pl.when(missing).then(pl.lit(utilisation.missing_bucket_index)).otherwise(bucket)

    buckets = utilisation.bucket_names
    factor_units = {
        band_position * len(buckets) + bucket_position: int(policy.matrix[band.name][bucket_name] * FACTOR_SCALE)
        for band_position, band in enumerate(policy.risk_bands)
        for bucket_position, bucket_name in enumerate(buckets)
    }
    lazy = lazy.with_columns(
        pl.when(pl.col("_ok")).then(band_name).alias("risk_band"),
        (band_index * len(buckets) + bucket).alias("_cell"),
    )
    units = pl.col("_cell").replace_strict(factor_units, return_dtype=pl.Int64)
    target = (pl.col("_limit").cast(pl.Int128) * units // FACTOR_SCALE).cast(pl.Int64)
    return lazy.with_columns(target.alias("_t_matrix"))


def add_caps_and_guardrails(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Apply dormancy, income cap, product maximum and the guardrails, one column each.

    The guardrails run in this order: recent limit change, opt-out, recent delinquency,
    maximum increase.
    """
    limit = pl.col("_limit")
    dormancy = policy.dormancy
    if dormancy is not None:
        dormant = pl.col("_inactive_months") >= dormancy.inactive_months
        lazy = lazy.with_columns(_lower_to(pl.col("_t_matrix"), _scaled(limit, dormancy.factor), dormant).alias("_t_dormancy"))
    else:
        lazy = lazy.with_columns(pl.col("_t_matrix").alias("_t_dormancy"))

    income = policy.income
    if income is not None:
        income_cap = _scaled(pl.col("_income"), income.max_limit_to_monthly_income)
        known = pl.col("_income") > 0
        lazy = lazy.with_columns(_lower_to(pl.col("_t_dormancy"), income_cap, known).alias("_t_income"))
    else:
        lazy = lazy.with_columns(pl.col("_t_dormancy").alias("_t_income"))

    maximum = pl.lit(policy.product.maximum_limit, dtype=pl.Int64)
    lazy = lazy.with_columns(_lower_to(pl.col("_t_income"), maximum).alias("_t_product"))

    guardrails = policy.guardrails
    lazy = _add_recent_change_hold(lazy, policy)
    opted_out = pl.col("_preference") == "never"
    lazy = lazy.with_columns(_lower_to(pl.col("_t_recent_change"), limit, opted_out).alias("_t_opt_out"))

    months = guardrails.no_increase_within_months_of_delinquency
    recently_late = (pl.col("_since_delinquency") < months) if months else pl.lit(False)
    lazy = lazy.with_columns(_lower_to(pl.col("_t_opt_out"), limit, recently_late).alias("_t_delinquency"))

    ceilings: list[pl.Expr] = []
    if guardrails.max_increase_fraction is not None:
        ceilings.append(limit + _scaled(limit, guardrails.max_increase_fraction))
    if guardrails.max_increase_amount is not None:
        ceilings.append(limit + guardrails.max_increase_amount)
    capped = _lower_to(pl.col("_t_delinquency"), pl.min_horizontal(ceilings)) if ceilings else pl.col("_t_delinquency")
    return lazy.with_columns(capped.alias("_t_guardrails"))


def _add_recent_change_hold(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Keep the current limit of lines changed within ``min_months_between_changes``.

    Adds ``_recent_change`` (the line is held) and ``_t_recent_change``. A held line keeps
    its limit in both directions, except that a limit above the product maximum still
    comes down to it. Lines never changed (null months) are not held.
    """
    months = policy.guardrails.min_months_between_changes
    held = (pl.col("_since_change") < months).fill_null(False) if months else pl.lit(False)
    maximum = pl.lit(policy.product.maximum_limit, dtype=pl.Int64)
    kept = pl.min_horizontal(pl.col("_limit"), maximum)
    return lazy.with_columns(held.alias("_recent_change")).with_columns(
        pl.when(pl.col("_recent_change")).then(kept).otherwise(pl.col("_t_product")).alias("_t_recent_change")
    )


def add_floors(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Raise decreases to the product minimum and, unless allowed, to the outstanding balance.

    Both floors are capped at the current limit, so a floor never turns a decrease into
    an increase, for example for a line already below the product minimum.
    """
    limit = pl.col("_limit")
    minimum = pl.min_horizontal(limit, pl.lit(policy.product.minimum_limit, dtype=pl.Int64))
    lazy = lazy.with_columns(_raise_to(pl.col("_t_guardrails"), minimum).alias("_t_floor_minimum"))
    if policy.guardrails.decrease_below_outstanding:
        return lazy.with_columns(pl.col("_t_floor_minimum").alias("_t_floors"))
    balance = pl.max_horizontal(pl.col("_outstanding"), pl.lit(0, dtype=pl.Int64))
    floor = pl.min_horizontal(limit, _ceil_to_step(balance, policy.product.rounding_step))
    return lazy.with_columns(_raise_to(pl.col("_t_floor_minimum"), floor).alias("_t_floors"))


def add_regulatory_cap(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Allocate each borrower's regulatory cap over the borrower's lines (``_t_regulatory``).

    Lines with a row error keep their limit and count against the cap when they are in
    the policy currency. For a borrower over the cap, proposed increases are cut first,
    in proportion to their size. When even the limits without any increase exceed the
    cap, every evaluated line is scaled down in proportion to its limit. Rounding and the
    minimum-change rule run afterwards; :func:`add_regulatory_check` makes sure they do
    not push the borrower back over the cap.
    """
    cap = policy.regulatory_cap_per_borrower
    if cap is None:
        return lazy.with_columns(pl.col("_t_floors").alias("_t_regulatory"))
    # NOTE: only lines in the policy currency are summed; a borrower's lines in other
    # currencies are invisible to this cap.
    ok = pl.col("_ok")
    proposed = pl.when(ok).then(pl.col("_t_floors")).otherwise(0).cast(pl.Int128)
    unevaluated_limit = (
        pl.when(~ok & (pl.col("currency") == policy.currency)).then(pl.col("_limit").clip(lower_bound=0)).otherwise(0)
    )
    base = pl.when(ok).then(pl.min_horizontal(pl.col("_t_floors"), pl.col("_limit"))).otherwise(0).cast(pl.Int128)
    lazy = lazy.with_columns(
        proposed.alias("_reg_proposed"),
        base.alias("_reg_base"),
        (proposed - base).alias("_reg_increase"),
        pl.max_horizontal(pl.lit(cap) - unevaluated_limit.fill_null(0).sum().over("customer_id"), pl.lit(0))
        .cast(pl.Int128)
        .alias("_reg_budget"),
    )
    lazy = lazy.with_columns(
        pl.col("_reg_proposed").sum().over("customer_id").alias("_reg_total"),
        pl.col("_reg_base").sum().over("customer_id").alias("_reg_total_base"),
        pl.col("_reg_increase").sum().over("customer_id").alias("_reg_total_increase"),
    )
    budget = pl.col("_reg_budget")
    total_base = pl.col("_reg_total_base")
    over = ok & (pl.col("_reg_total") > budget)
    increases_only = pl.col("_reg_base") + pl.col("_reg_increase") * (budget - total_base) // pl.col("_reg_total_increase")
    all_lines = pl.col("_reg_base") * budget // total_base
    capped = (
        pl.when(over & (total_base <= budget))
        .then(increases_only)
        .when(over)
        .then(all_lines)
        .otherwise(pl.col("_t_floors"))
    )
    return lazy.with_columns(capped.cast(pl.Int64).alias("_t_regulatory"))


def _rounded(value: pl.Expr, limit: pl.Expr, step: int, *, decreases_up: bool) -> pl.Expr:
    """Round increases down to the step, decreases up (or down), never past ``limit``."""
    decrease = pl.min_horizontal(limit, _ceil_to_step(value, step)) if decreases_up else _floor_to_step(value, step)
    return (
        pl.when(value > limit)
        .then(pl.max_horizontal(limit, _floor_to_step(value, step)))
        .when(value < limit)
        .then(decrease)
        .otherwise(limit)
    )


def add_rounding_and_min_change(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Round to the product step, then drop changes below the minimum change fraction."""
    step = policy.product.rounding_step
    limit = pl.col("_limit")
    lazy = lazy.with_columns(_rounded(pl.col("_t_regulatory"), limit, step, decreases_up=True).alias("_t_rounded"))

    change = (pl.col("_t_rounded") - limit).abs()
    # |change| < limit * fraction  <=>  |change| < ceil(limit * fraction) for whole numbers.
    units = int(policy.guardrails.min_change_fraction * FACTOR_SCALE)
    threshold = (limit.cast(pl.Int128) * units + (FACTOR_SCALE - 1)) // FACTOR_SCALE
    # A line above the product maximum must come down, however small the step.
    forced = limit > policy.product.maximum_limit
    dropped = (change > 0) & (change.cast(pl.Int128) < threshold) & ~forced
    return lazy.with_columns(
        pl.when(dropped).then(limit).otherwise(pl.col("_t_rounded")).alias("_t_min_change"),
        dropped.alias("_min_change"),
    )


def add_regulatory_check(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Undo rounding up and dropped decreases for borrowers they would put over the cap.

    For such a borrower every line takes the smaller of its rounded value and its
    allocation rounded down (``_cap_bound``). The allocations sum to at most the cap and
    rounding down only lowers them, so the borrower's total stays within the cap.
    """
    cap = policy.regulatory_cap_per_borrower
    if cap is None:
        return lazy.with_columns(pl.col("_t_min_change").alias("_t_final"), pl.lit(False).alias("_cap_bound"))
    ok = pl.col("_ok")
    final_total = pl.when(ok).then(pl.col("_t_min_change")).otherwise(0).cast(pl.Int128).sum().over("customer_id")
    bound = ok & (final_total > pl.col("_reg_budget"))
    limit = pl.col("_limit")
    step = policy.product.rounding_step
    conservative = pl.min_horizontal(
        pl.col("_t_min_change"), _rounded(pl.col("_t_regulatory"), limit, step, decreases_up=False)
    )
    lazy = lazy.with_columns(bound.alias("_cap_bound"))
    return lazy.with_columns(
        pl.when(pl.col("_cap_bound")).then(conservative).otherwise(pl.col("_t_min_change")).alias("_t_final")
    )
