"""Properties of policy evaluation that hold for any policy and any portfolio."""

from __future__ import annotations

from typing import Any

import polars as pl
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creditline.domain.reasons import CATALOGUE
from creditline.policy import Policy, evaluate_portfolio, parse_policy

BANDS = ("A", "B", "C")
BUCKETS = ("low", "mid", "high")

factors = st.decimals(min_value="0.1", max_value="2.5", places=2).map(str)
fractions = st.decimals(min_value="0", max_value="1", places=2).map(str)


@st.composite
def policies(draw: st.DrawFn) -> Policy:
    step = draw(st.sampled_from([1, 10, 100, 1000]))
    minimum = step * draw(st.integers(0, 20))
    maximum = minimum + step * draw(st.integers(1, 200))
    document: dict[str, Any] = {
        "id": "property",
        "version": "1",
        "currency": "CNY",
        "product": {"minimum_limit": str(minimum), "maximum_limit": str(maximum), "rounding_step": str(step)},
        "risk_bands": [{"name": "A", "min_score": 650}, {"name": "B", "min_score": 600}, {"name": "C"}],
        "utilisation": {"edges": [0.3, 0.7]},
        "matrix": {band: {bucket: draw(factors) for bucket in BUCKETS} for band in BANDS},
        "guardrails": {
            "min_change_fraction": draw(fractions),
            "no_increase_within_months_of_delinquency": draw(st.integers(0, 6)),
            "decrease_below_outstanding": draw(st.booleans()),
            "respect_increase_preference": draw(st.booleans()),
        },
    }
    if draw(st.booleans()):
        document["guardrails"]["max_increase_fraction"] = draw(fractions)
    if draw(st.booleans()):
        document["income"] = {"max_limit_to_monthly_income": draw(factors)}
    if draw(st.booleans()):
        document["dormancy"] = {"inactive_months": draw(st.integers(1, 6)), "factor": draw(st.sampled_from(["0.5", "1"]))}
    if draw(st.booleans()):
        document["regulatory_cap_per_borrower"] = str(step * draw(st.integers(1, 400)))
    return parse_policy(yaml.safe_dump(document), path="property.yaml")


lines = st.fixed_dictionaries(
    {
        "customer_id": st.sampled_from(["C1", "C2", "C3"]),
        "currency": st.sampled_from(["CNY", "CNY", "CNY", "USD"]),
        "approved_limit": st.integers(0, 50_000_000),
        "outstanding": st.integers(-1_000_000, 80_000_000),
        "score": st.floats(400, 800),
        "risk_reasons": st.lists(st.sampled_from(["RS_UTILISATION", "RS_AGE", "RS_OTHER", "RS_BOGUS"]), max_size=5),
        "increase_preference": st.sampled_from(["auto", "ask", "never"]),
        "monthly_income": st.none() | st.integers(0, 10_000_000),
        "utilisation_mean_6m": st.none() | st.floats(0, 2),
        "months_since_delinquency": st.none() | st.integers(0, 12),
        "inactive_months_6m": st.integers(0, 6),
    }
)

SCHEMA = {
    "account_id": pl.String,
    "customer_id": pl.String,
    "currency": pl.String,
    "approved_limit": pl.Int64,
    "outstanding": pl.Int64,
    "score": pl.Float64,
    "risk_reasons": pl.List(pl.String),
    "increase_preference": pl.String,
    "monthly_income": pl.Int64,
    "utilisation_mean_6m": pl.Float64,
    "months_since_delinquency": pl.Int64,
    "inactive_months_6m": pl.Int64,
}


def frame_of(rows: list[dict[str, Any]]) -> pl.DataFrame:
    numbered = [{"account_id": f"L{position}", **row} for position, row in enumerate(rows)]
    return pl.DataFrame(numbered, schema=SCHEMA)


def evaluated(policy: Policy, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return evaluate_portfolio(policy, frame_of(rows)).to_dicts()


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_changed_limits_are_step_multiples(policy: Policy, rows: list[dict[str, Any]]) -> None:
    step = policy.product.rounding_step
    for row in evaluated(policy, rows):
        if row["direction"] != "unchanged":
            assert row["proposed_limit"] % step == 0, row
        else:
            assert row["proposed_limit"] == row["approved_limit"], row


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_changed_limits_stay_within_product_bounds(policy: Policy, rows: list[dict[str, Any]]) -> None:
    product = policy.product
    for row in evaluated(policy, rows):
        if row["direction"] == "unchanged":
            continue
        reasons = row["reason_codes"]
        # Exceptions: the outstanding floor may hold a decrease above the maximum, the
        # regulatory cap may push below the minimum, and a line that starts below the
        # minimum may grow without reaching it.
        if "P_FLOOR_OUTSTANDING" not in reasons:
            assert row["proposed_limit"] <= product.maximum_limit, row
        if "P_CAP_REGULATORY" not in reasons and row["approved_limit"] >= product.minimum_limit:
            assert row["proposed_limit"] >= product.minimum_limit, row


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_no_increase_for_opt_out_or_recent_delinquency(policy: Policy, rows: list[dict[str, Any]]) -> None:
    guardrails = policy.guardrails
    months = guardrails.no_increase_within_months_of_delinquency
    for row in evaluated(policy, rows):
        if guardrails.respect_increase_preference and row["increase_preference"] == "never":
            assert row["direction"] != "increase", row
        since = row["months_since_delinquency"]
        if since is not None and since < months:
            assert row["direction"] != "increase", row
        if row["offer_only"]:
            assert row["direction"] == "increase", row
            assert row["increase_preference"] == "ask", row


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_decrease_never_below_outstanding(policy: Policy, rows: list[dict[str, Any]]) -> None:
    if policy.guardrails.decrease_below_outstanding:
        return
    for row in evaluated(policy, rows):
        if row["direction"] == "decrease" and "P_CAP_REGULATORY" not in row["reason_codes"]:
            assert row["proposed_limit"] >= row["outstanding"], row


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_borrower_total_within_regulatory_cap(policy: Policy, rows: list[dict[str, Any]]) -> None:
    cap = policy.regulatory_cap_per_borrower
    if cap is None:
        return
    totals: dict[str, int] = {}
    unevaluated: dict[str, int] = {}
    for row in evaluated(policy, rows):
        if row["currency"] != policy.currency:
            continue
        bucket = totals if row["error"] is None else unevaluated
        bucket[row["customer_id"]] = bucket.get(row["customer_id"], 0) + row["proposed_limit"]
    for customer, total in totals.items():
        assert total <= max(cap - unevaluated.get(customer, 0), 0), (customer, total)


@PROPERTY_SETTINGS
@given(policies(), st.lists(lines, min_size=1, max_size=12))
def test_reasons_are_catalogued_and_present(policy: Policy, rows: list[dict[str, Any]]) -> None:
    for row in evaluated(policy, rows):
        assert set(row["reason_codes"]) <= CATALOGUE.keys(), row
        if row["error"] is None:
            assert row["reason_codes"], row
            assert row["reason_codes"][0].startswith("P_"), row
        else:
            assert row["reason_codes"] == [], row
