"""Evaluate a limit policy on a whole portfolio frame with Polars expressions.

One pass of column expressions decides every line; no Python code runs per row. The
steps run in a fixed order (the hit policy), and each step that changes the proposed
limit records its reason code:

1. band and matrix target: ``approved_limit * matrix[band][bucket]``
2. dormancy cut (``P_DECREASE_DORMANT``)
3. income cap (``P_CAP_INCOME``)
4. product maximum (``P_CAP_PRODUCT``)
5. guardrails: recent limit change, which holds the current limit in both directions
   (``P_GUARD_RECENT_CHANGE``), opt-out (``P_GUARD_OPT_OUT``), recent delinquency
   (``P_GUARD_RECENT_DELINQUENCY``), maximum increase (``P_GUARD_MAX_INCREASE``)
6. floors for decreases: product minimum (``P_FLOOR_PRODUCT_MIN``), outstanding
   balance (``P_FLOOR_OUTSTANDING``)
7. regulatory cap per borrower (``P_CAP_REGULATORY``)
8. rounding to the product step: down for increases, up for decreases
9. minimum change (``P_MIN_CHANGE``), then a check that rounding and dropped changes
   left every borrower within the regulatory cap (``P_CAP_REGULATORY`` again if not)

Money stays in integer minor units throughout. Factors and fractions have at most four
decimals and are applied as exact integers of 1/10,000: ``limit * factor`` is computed
in Int128 and floored to a whole minor unit, so no float ever touches an amount.
"""

from __future__ import annotations

import logging
import time

import polars as pl

from creditline.domain.adjustment import Direction
from creditline.domain.reasons import CATALOGUE
from creditline.errors import InvalidInput
from creditline.policy import steps
from creditline.policy.schema import Policy

logger = logging.getLogger(__name__)

BASE_COLUMNS = ("account_id", "customer_id", "currency", "approved_limit", "outstanding", "score")
MONEY_COLUMNS = ("approved_limit", "outstanding", "monthly_income")
OUTPUT_COLUMNS = ("risk_band", "proposed_limit", "direction", "offer_only", "reason_codes", "error")
INCREASE_PREFERENCES = ("auto", "ask", "never")
# At most this many scorecard reasons follow the policy reasons of a risk-driven decrease.
MAX_RISK_REASONS = 3

_RISK_REASON_CODES = sorted(code for code in CATALOGUE if code.startswith("RS_"))
_INCREASE = Direction.INCREASE.value
_DECREASE = Direction.DECREASE.value
_UNCHANGED = Direction.UNCHANGED.value


def evaluate_portfolio(policy: Policy, frame: pl.DataFrame) -> pl.DataFrame:
    """Propose a new approved limit for every line in ``frame`` under ``policy``.

    Parameters
    ----------
    policy
        The validated limit policy. Every line must be in ``policy.currency``.
    frame
        One row per credit line. Always needed: ``account_id``, ``customer_id``,
        ``currency``, ``approved_limit`` and ``outstanding`` (integer minor units;
        outstanding may be negative for a credit balance), ``score`` (higher is safer)
        and the policy's utilisation feature (a fraction, may exceed 1). Needed when the
        policy uses the rule: ``increase_preference`` (auto/ask/never),
        ``months_since_delinquency`` (null = never late), ``months_since_limit_change``
        (whole months since the approved limit last changed, null = never changed),
        ``inactive_months_6m`` and ``monthly_income`` (integer minor units, null =
        unknown). Optional:
        ``risk_reasons`` (list of ``RS_*`` codes from the scorecard, strongest first).

    Returns
    -------
    polars.DataFrame
        The input columns in their order plus ``risk_band``, ``proposed_limit`` (Int64
        minor units), ``direction`` ("increase", "decrease", "unchanged"), ``offer_only``
        (an increase the customer must accept first), ``reason_codes`` and ``error``
        (a ``policy.row.*`` message key, null when the line was evaluated). A line with an
        error keeps its approved limit, has direction "unchanged" and no reasons. The
        input frame is not modified.

    Raises
    ------
    InvalidInput
        When a needed column is missing or an amount column is not an integer type.

    Notes
    -----
    Changed limits are multiples of ``product.rounding_step``; an unchanged line keeps its
    current limit even when that is not a multiple. The outstanding and product-minimum
    floors apply to decreases only, and the regulatory cap overrides both because the
    sum of a borrower's limits must not exceed it. A decrease that the product maximum or
    the regulatory cap forces is never dropped as a small change.
    """
    started = time.perf_counter()
    _check_columns(policy, frame)
    lazy = frame.lazy()
    lazy = lazy.with_columns(_row_error(policy, frame.columns).alias("_error"))
    lazy = lazy.with_columns(_normalised_inputs(policy, frame.columns))
    lazy = steps.add_target(lazy, policy)
    lazy = steps.add_caps_and_guardrails(lazy, policy)
    lazy = steps.add_floors(lazy, policy)
    lazy = steps.add_regulatory_cap(lazy, policy)
    lazy = steps.add_rounding_and_min_change(lazy, policy)
    lazy = steps.add_regulatory_check(lazy, policy)
    lazy = _add_outcome(lazy, policy)
    result = lazy.select([*frame.columns, *OUTPUT_COLUMNS]).collect()
    logger.info(
        "evaluated %d lines with policy %s in %.3f s (%d rows with errors)",
        result.height,
        policy.version_tag,
        time.perf_counter() - started,
        result.get_column("error").is_not_null().sum(),
    )
    return result


# --- input checks -------------------------------------------------------------------------


def required_columns(policy: Policy) -> tuple[str, ...]:
    """Return the input columns ``policy`` reads, in a stable order."""
    columns = [*BASE_COLUMNS, policy.utilisation.feature]
    if policy.guardrails.respect_increase_preference:
        columns.append("increase_preference")
    if policy.guardrails.no_increase_within_months_of_delinquency:
        columns.append("months_since_delinquency")
    if policy.guardrails.min_months_between_changes:
        columns.append("months_since_limit_change")
    if policy.dormancy is not None:
        columns.append("inactive_months_6m")
    if policy.income is not None:
        columns.append("monthly_income")
    return tuple(columns)


def _check_columns(policy: Policy, frame: pl.DataFrame) -> None:
    missing = [name for name in required_columns(policy) if name not in frame.columns]
    if missing:
        raise InvalidInput("policy.frame_missing_columns", columns=", ".join(missing))
    for name in MONEY_COLUMNS:
        dtype = frame.schema.get(name)
        if dtype is not None and not (dtype.is_integer() or dtype == pl.Null):
            raise InvalidInput("policy.frame_not_integer", column=name, dtype=str(dtype))
    numeric = (
        "score",
        policy.utilisation.feature,
        "months_since_delinquency",
        "months_since_limit_change",
        "inactive_months_6m",
    )
    for name in numeric:
        dtype = frame.schema.get(name)
        if dtype is not None and not (dtype.is_numeric() or dtype == pl.Null):
            raise InvalidInput("policy.frame_not_numeric", column=name, dtype=str(dtype))
    clashes = [name for name in OUTPUT_COLUMNS if name in frame.columns]
    if clashes:
        raise InvalidInput("policy.frame_output_clash", columns=", ".join(clashes))


def _row_error(policy: Policy, columns: list[str]) -> pl.Expr:
    """Return the first ``policy.row.*`` key that applies to a row, else null."""
    checks: list[tuple[pl.Expr, str]] = [
        (pl.col("account_id").is_null() | pl.col("customer_id").is_null(), "policy.row.identifier_missing"),
        (pl.col("account_id").is_duplicated(), "policy.row.duplicate_account"),
        (pl.col("currency").ne_missing(pl.lit(policy.currency)), "policy.row.currency_mismatch"),
        (pl.col("approved_limit").is_null() | (pl.col("approved_limit") < 0), "policy.row.approved_limit_invalid"),
        (pl.col("outstanding").is_null(), "policy.row.outstanding_missing"),
        (pl.col("score").cast(pl.Float64).is_null() | pl.col("score").cast(pl.Float64).is_nan(), "policy.row.score_missing"),
    ]
    if policy.guardrails.respect_increase_preference and "increase_preference" in columns:
        preference_invalid = ~pl.col("increase_preference").is_in(INCREASE_PREFERENCES).fill_null(False)
        checks.append((preference_invalid, "policy.row.increase_preference_invalid"))
    expression: pl.Expr = pl.lit(None, dtype=pl.String)
    for condition, key in reversed(checks):
        expression = pl.when(condition.fill_null(True)).then(pl.lit(key)).otherwise(expression)
    return expression


def _normalised_inputs(policy: Policy, columns: list[str]) -> list[pl.Expr]:
    """Return the inputs under private names, with the dtypes the steps rely on."""
    guardrails = policy.guardrails
    preference = (
        pl.col("increase_preference").cast(pl.String)
        if guardrails.respect_increase_preference
        else pl.lit("auto", dtype=pl.String)
    )
    optional_float = {
        "_since_delinquency": "months_since_delinquency",
        "_since_change": "months_since_limit_change",
        "_inactive_months": "inactive_months_6m",
    }
    expressions = [
        pl.col("_error").is_null().alias("_ok"),
        pl.col("approved_limit").cast(pl.Int64).alias("_limit"),
        pl.col("outstanding").cast(pl.Int64).alias("_outstanding"),
        pl.col("score").cast(pl.Float64).alias("_score"),
        pl.col(policy.utilisation.feature).cast(pl.Float64).alias("_utilisation"),
        preference.alias("_preference"),
    ]
    for alias, name in optional_float.items():
        source = pl.col(name).cast(pl.Float64) if name in columns else pl.lit(None, dtype=pl.Float64)
        expressions.append(source.alias(alias))
    income = pl.col("monthly_income").cast(pl.Int64) if "monthly_income" in columns else pl.lit(None, dtype=pl.Int64)
    expressions.append(income.alias("_income"))
    if "risk_reasons" in columns:
        # Only known scorecard codes reach a customer notice; unknown ones are dropped.
        risk = pl.col("risk_reasons").list.eval(pl.element().filter(pl.element().is_in(_RISK_REASON_CODES)))
        risk = risk.list.unique(maintain_order=True).list.head(MAX_RISK_REASONS)
        risk = risk.fill_null(pl.lit([], dtype=pl.List(pl.String)))
    else:
        risk = pl.lit([], dtype=pl.List(pl.String))
    expressions.append(risk.alias("_risk_reasons"))
    return expressions


def _add_outcome(lazy: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Add proposed limit, direction, offer flag, reason codes and the error column."""
    ok = pl.col("_ok")
    limit = pl.col("_limit")
    proposed = pl.when(ok).then(pl.col("_t_final")).otherwise(limit)
    direction = (
        pl.when(ok & (proposed > limit))
        .then(pl.lit(_INCREASE))
        .when(ok & (proposed < limit))
        .then(pl.lit(_DECREASE))
        .otherwise(pl.lit(_UNCHANGED))
    )
    lazy = lazy.with_columns(proposed.alias("proposed_limit"), direction.alias("direction"))
    offer_only = ok & (pl.col("direction") == _INCREASE) & (pl.col("_preference") == "ask")
    lazy = lazy.with_columns(offer_only.fill_null(False).alias("offer_only"))
    return lazy.with_columns(_reason_codes().alias("reason_codes"), pl.col("_error").alias("error"))


def _changed(after: str, before: str) -> pl.Expr:
    return (pl.col(after) != pl.col(before)).fill_null(False)


def _reason_codes() -> pl.Expr:
    """Build each row's reasons: policy steps in evaluation order, then scorecard reasons.

    A step's reason is kept only when it fits the final direction. For example, a matrix
    increase that the product maximum turned into a decrease reports ``P_CAP_PRODUCT``
    and not ``P_INCREASE_GOOD_RISK``.
    """
    limit = pl.col("_limit")
    direction = pl.col("direction")
    increase = direction == _INCREASE
    decrease = direction == _DECREASE
    unchanged = direction == _UNCHANGED
    # A held line reports the hold rather than the matrix, dormancy or income moves it
    # stopped. Only the product maximum and the regulatory cap can still move it.
    held = pl.col("_recent_change")
    moved = ~held
    steps: list[tuple[str, pl.Expr]] = [
        ("P_INCREASE_GOOD_RISK", increase),
        ("P_DECREASE_HIGH_RISK", decrease & moved & (pl.col("_t_matrix") < limit)),
        ("P_DECREASE_DORMANT", decrease & moved & _changed("_t_dormancy", "_t_matrix")),
        ("P_CAP_INCOME", moved & _changed("_t_income", "_t_dormancy")),
        ("P_CAP_PRODUCT", (moved & _changed("_t_product", "_t_income")) | (held & (pl.col("_t_recent_change") < limit))),
        ("P_GUARD_RECENT_CHANGE", ~decrease & _changed("_t_recent_change", "_t_product")),
        ("P_GUARD_OPT_OUT", ~decrease & _changed("_t_opt_out", "_t_recent_change")),
        ("P_GUARD_RECENT_DELINQUENCY", ~decrease & _changed("_t_delinquency", "_t_opt_out")),
        ("P_GUARD_MAX_INCREASE", ~decrease & _changed("_t_guardrails", "_t_delinquency")),
        ("P_FLOOR_PRODUCT_MIN", ~increase & _changed("_t_floor_minimum", "_t_guardrails")),
        ("P_FLOOR_OUTSTANDING", ~increase & _changed("_t_floors", "_t_floor_minimum")),
        ("P_CAP_REGULATORY", _changed("_t_regulatory", "_t_floors") | _changed("_t_final", "_t_min_change")),
        ("P_MIN_CHANGE", pl.col("_min_change") & ~_changed("_t_final", "_t_min_change")),
        ("P_GUARD_OFFER_ONLY", pl.col("offer_only")),
    ]
    ok = pl.col("_ok")
    risk_driven = decrease & moved & ((pl.col("_t_matrix") < limit) | _changed("_t_dormancy", "_t_matrix"))
    has_risk_reasons = pl.col("_risk_reasons").list.len() > 0
    parts = [pl.when(ok & condition).then(pl.lit(code)) for code, condition in steps]
    parts.append(pl.when(ok & risk_driven & has_risk_reasons).then(pl.col("_risk_reasons").list.join(",")))
    # Joining to text and splitting once is far faster in Polars than concat_list over
    # many scalar columns; codes never contain a comma.
    joined = pl.concat_str(parts, separator=",", ignore_nulls=True)
    joined = pl.when(ok & unchanged & (joined == "")).then(pl.lit("P_UNCHANGED")).otherwise(joined)
    return pl.when(joined == "").then(pl.lit([], dtype=pl.List(pl.String))).otherwise(joined.str.split(","))
