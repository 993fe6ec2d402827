"""Evaluating a limit policy on small portfolio frames: every step, cap, floor and guardrail.

Amounts are fen. The base policy (CNY, product 1,000 to 50,000 yuan, step 100 yuan) has
bands A >= 650, B >= 600, C below, utilisation edges 0.3 / 0.7 and this matrix:
A 1.0 / 1.2 / 1.5, B 1.0 / 1.0 / 1.05, C 0.5 / 0.6 / 0.8. No other rule is on unless
a test turns it on.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
import yaml

from creditline.domain.reasons import reason_text
from creditline.errors import InvalidInput
from creditline.i18n import translate
from creditline.policy import Policy, evaluate_portfolio, parse_policy, required_columns

RISK_REASONS = ["RS_UTILISATION", "RS_DELINQUENCY", "RS_AGE", "RS_OTHER"]
TOP_RISK_REASONS = ["RS_UTILISATION", "RS_DELINQUENCY", "RS_AGE"]

SCHEMA = {
    "account_id": pl.String,
    "customer_id": pl.String,
    "currency": pl.String,
    "approved_limit": pl.Int64,
    "outstanding": pl.Int64,
    "score": pl.Float64,
    "pd": pl.Float64,
    "risk_reasons": pl.List(pl.String),
    "increase_preference": pl.String,
    "monthly_income": pl.Int64,
    "utilisation_mean_6m": pl.Float64,
    "utilisation_latest": pl.Float64,
    "months_since_delinquency": pl.Int64,
    "months_since_limit_change": pl.Int64,
    "inactive_months_6m": pl.Int64,
}


def make_policy(**sections: Any) -> Policy:
    document: dict[str, Any] = {
        "id": "test-policy",
        "version": "1",
        "currency": "CNY",
        "product": {"minimum_limit": "1000", "maximum_limit": "50000", "rounding_step": "100"},
        "risk_bands": [{"name": "A", "min_score": 650}, {"name": "B", "min_score": 600}, {"name": "C"}],
        "utilisation": {"edges": [0.3, 0.7]},
        "matrix": {
            "A": {"low": 1.0, "mid": 1.2, "high": 1.5},
            "B": {"low": 1.0, "mid": 1.0, "high": 1.05},
            "C": {"low": 0.5, "mid": 0.6, "high": 0.8},
        },
    }
    document.update(sections)
    return parse_policy(yaml.safe_dump(document), path="test.yaml")


def line(**values: Any) -> dict[str, Any]:
    """One credit line: 10,000 yuan, nothing owed, band A, high utilisation."""
    row: dict[str, Any] = {
        "account_id": "L1",
        "customer_id": "C1",
        "currency": "CNY",
        "approved_limit": 1_000_000,
        "outstanding": 0,
        "score": 700.0,
        "pd": 0.01,
        "risk_reasons": RISK_REASONS,
        "increase_preference": "auto",
        "monthly_income": None,
        "utilisation_mean_6m": 0.8,
        "utilisation_latest": 0.8,
        "months_since_delinquency": None,
        "months_since_limit_change": None,
        "inactive_months_6m": 0,
    }
    row.update(values)
    return row


def portfolio(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=SCHEMA)


def evaluate_one(policy: Policy, **values: Any) -> dict[str, Any]:
    result = evaluate_portfolio(policy, portfolio(line(**values)))
    return result.row(0, named=True)


def outcome(row: dict[str, Any]) -> tuple[int, str, list[str]]:
    return row["proposed_limit"], row["direction"], row["reason_codes"]


# --- band, bucket and matrix target -------------------------------------------------------


def test_good_risk_high_use_increases() -> None:
    row = evaluate_one(make_policy())

    assert outcome(row) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])
    assert row["risk_band"] == "A"
    assert row["offer_only"] is False
    assert row["error"] is None


def test_high_risk_decrease_lists_risk_reasons() -> None:
    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])
    assert row["risk_band"] == "C"


def test_factor_one_keeps_limit() -> None:
    row = evaluate_one(make_policy(), score=620.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (1_000_000, "unchanged", ["P_UNCHANGED"])
    assert row["risk_band"] == "B"


@pytest.mark.parametrize(
    ("score", "band"),
    [(650.0, "A"), (649.99, "B"), (600.0, "B"), (599.99, "C"), (-1e9, "C")],
)
def test_band_edges_are_inclusive(score: float, band: str) -> None:
    assert evaluate_one(make_policy(), score=score)["risk_band"] == band


@pytest.mark.parametrize(
    ("utilisation", "proposed"),
    [(0.0, 1_000_000), (0.2999, 1_000_000), (0.3, 1_200_000), (0.6999, 1_200_000), (0.7, 1_500_000), (2.5, 1_500_000)],
)
def test_bucket_edges_are_inclusive_below(utilisation: float, proposed: int) -> None:
    assert evaluate_one(make_policy(), utilisation_mean_6m=utilisation)["proposed_limit"] == proposed


@pytest.mark.parametrize("utilisation", [None, float("nan")])
def test_missing_utilisation_goes_to_first_bucket(utilisation: float | None) -> None:
    assert evaluate_one(make_policy(), utilisation_mean_6m=utilisation)["proposed_limit"] == 1_000_000


def test_missing_utilisation_bucket_is_configurable() -> None:
    policy = make_policy(utilisation={"edges": [0.3, 0.7], "missing_bucket": "high"})

    assert evaluate_one(policy, utilisation_mean_6m=None)["proposed_limit"] == 1_500_000


def test_utilisation_feature_is_configurable() -> None:
    policy = make_policy(utilisation={"feature": "utilisation_latest", "edges": [0.3, 0.7]})

    row = evaluate_one(policy, utilisation_mean_6m=0.8, utilisation_latest=0.1)

    assert row["proposed_limit"] == 1_000_000


# --- dormancy -----------------------------------------------------------------------------


def test_dormant_line_is_cut() -> None:
    policy = make_policy(dormancy={"inactive_months": 6, "factor": 0.5})

    row = evaluate_one(policy, inactive_months_6m=6)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_DORMANT", *TOP_RISK_REASONS])


def test_recently_used_line_is_not_dormant() -> None:
    policy = make_policy(dormancy={"inactive_months": 6, "factor": 0.5})

    assert outcome(evaluate_one(policy, inactive_months_6m=5)) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])
    assert outcome(evaluate_one(policy, inactive_months_6m=None)) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])


def test_dormancy_cut_below_matrix_cut_adds_reason() -> None:
    policy = make_policy(dormancy={"inactive_months": 3, "factor": 0.3})

    row = evaluate_one(policy, score=550.0, utilisation_mean_6m=0.1, inactive_months_6m=4)

    assert outcome(row) == (
        300_000,
        "decrease",
        ["P_DECREASE_HIGH_RISK", "P_DECREASE_DORMANT", *TOP_RISK_REASONS],
    )


# --- income cap ---------------------------------------------------------------------------


def test_income_caps_increase() -> None:
    policy = make_policy(income={"max_limit_to_monthly_income": 2})

    row = evaluate_one(policy, monthly_income=600_000)

    assert outcome(row) == (1_200_000, "increase", ["P_INCREASE_GOOD_RISK", "P_CAP_INCOME"])


def test_income_cap_can_force_decrease() -> None:
    policy = make_policy(income={"max_limit_to_monthly_income": 2})

    row = evaluate_one(policy, monthly_income=400_000)

    assert outcome(row) == (800_000, "decrease", ["P_CAP_INCOME"])


@pytest.mark.parametrize("income", [None, 0])
def test_unknown_income_does_not_cap(income: int | None) -> None:
    policy = make_policy(income={"max_limit_to_monthly_income": 2})

    assert evaluate_one(policy, monthly_income=income)["proposed_limit"] == 1_500_000


def test_income_multiple_is_exact() -> None:
    policy = make_policy(income={"max_limit_to_monthly_income": 1.2345})

    row = evaluate_one(policy, monthly_income=1_000_001)

    # 1,000,001 * 1.2345 = 1,234,501.2345 -> 1,234,501 -> rounded down to 1,230,000.
    assert row["proposed_limit"] == 1_230_000


# --- product caps -------------------------------------------------------------------------


def test_product_maximum_caps_increase() -> None:
    row = evaluate_one(make_policy(), approved_limit=4_000_000)

    assert outcome(row) == (5_000_000, "increase", ["P_INCREASE_GOOD_RISK", "P_CAP_PRODUCT"])


def test_line_above_product_maximum_decreases() -> None:
    row = evaluate_one(make_policy(), approved_limit=6_000_000)

    assert outcome(row) == (5_000_000, "decrease", ["P_CAP_PRODUCT"])


def test_line_at_product_maximum_stays() -> None:
    row = evaluate_one(make_policy(), approved_limit=5_000_000)

    assert outcome(row) == (5_000_000, "unchanged", ["P_CAP_PRODUCT"])


def test_product_maximum_decrease_ignores_min_change() -> None:
    policy = make_policy(guardrails={"min_change_fraction": 0.5})

    row = evaluate_one(policy, approved_limit=5_010_000, utilisation_mean_6m=0.1)

    assert outcome(row) == (5_000_000, "decrease", ["P_CAP_PRODUCT"])


# --- guardrails ---------------------------------------------------------------------------


def test_max_increase_fraction_caps_increase() -> None:
    policy = make_policy(guardrails={"max_increase_fraction": 0.2})

    row = evaluate_one(policy)

    assert outcome(row) == (1_200_000, "increase", ["P_INCREASE_GOOD_RISK", "P_GUARD_MAX_INCREASE"])


def test_max_increase_amount_caps_increase() -> None:
    policy = make_policy(guardrails={"max_increase_amount": "1500"})

    row = evaluate_one(policy)

    assert outcome(row) == (1_150_000, "increase", ["P_INCREASE_GOOD_RISK", "P_GUARD_MAX_INCREASE"])


def test_tighter_increase_cap_wins() -> None:
    policy = make_policy(guardrails={"max_increase_fraction": 0.1, "max_increase_amount": "1500"})

    assert evaluate_one(policy)["proposed_limit"] == 1_100_000


def test_recent_delinquency_blocks_increase() -> None:
    policy = make_policy(guardrails={"no_increase_within_months_of_delinquency": 3})

    row = evaluate_one(policy, months_since_delinquency=2)

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_RECENT_DELINQUENCY"])


@pytest.mark.parametrize("months", [3, 12, None])
def test_older_or_no_delinquency_allows_increase(months: int | None) -> None:
    policy = make_policy(guardrails={"no_increase_within_months_of_delinquency": 3})

    assert evaluate_one(policy, months_since_delinquency=months)["direction"] == "increase"


def test_recent_delinquency_allows_decrease() -> None:
    policy = make_policy(guardrails={"no_increase_within_months_of_delinquency": 3})

    row = evaluate_one(policy, months_since_delinquency=0, score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])


def recent_change_policy(months: int = 3, **guardrails: Any) -> Policy:
    return make_policy(guardrails={"min_months_between_changes": months, **guardrails})


@pytest.mark.parametrize("months", [0, 1, 2])
def test_recent_change_holds_increase(months: int) -> None:
    row = evaluate_one(recent_change_policy(), months_since_limit_change=months)

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_RECENT_CHANGE"])
    assert row["offer_only"] is False


def test_recent_change_holds_decrease_without_risk_reasons() -> None:
    row = evaluate_one(recent_change_policy(), months_since_limit_change=2, score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_RECENT_CHANGE"])


def test_recent_change_holds_dormancy_cut() -> None:
    policy = make_policy(
        guardrails={"min_months_between_changes": 3},
        dormancy={"inactive_months": 6, "factor": 0.5},
    )

    row = evaluate_one(policy, months_since_limit_change=1, score=620.0, utilisation_mean_6m=0.1, inactive_months_6m=6)

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_RECENT_CHANGE"])


@pytest.mark.parametrize("months", [3, 4, 12, None])
def test_change_n_months_ago_is_not_held(months: int | None) -> None:
    increase = evaluate_one(recent_change_policy(), months_since_limit_change=months)
    decrease = evaluate_one(
        recent_change_policy(), months_since_limit_change=months, score=550.0, utilisation_mean_6m=0.1
    )

    assert outcome(increase) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])
    assert outcome(decrease) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])


def test_zero_months_between_changes_changes_nothing() -> None:
    frame = portfolio(
        line(months_since_limit_change=0),
        line(account_id="L2", customer_id="C2", months_since_limit_change=0, score=550.0, utilisation_mean_6m=0.1),
    )

    with_rule_off = evaluate_portfolio(recent_change_policy(0), frame)
    without_rule = evaluate_portfolio(make_policy(), frame.drop("months_since_limit_change"))

    assert with_rule_off.drop("months_since_limit_change").equals(without_rule)
    assert with_rule_off["direction"].to_list() == ["increase", "decrease"]
    assert "months_since_limit_change" not in required_columns(recent_change_policy(0))


def test_recent_change_acts_per_line() -> None:
    frame = portfolio(
        line(account_id="L1", customer_id="C1", months_since_limit_change=0),
        line(account_id="L2", customer_id="C2", months_since_limit_change=3),
        line(account_id="L3", customer_id="C3", months_since_limit_change=None, score=550.0, utilisation_mean_6m=0.1),
        line(account_id="L4", customer_id="C4", months_since_limit_change=2, score=550.0, utilisation_mean_6m=0.1),
    )

    result = evaluate_portfolio(recent_change_policy(), frame)

    assert result["proposed_limit"].to_list() == [1_000_000, 1_500_000, 500_000, 1_000_000]
    assert result["direction"].to_list() == ["unchanged", "increase", "decrease", "unchanged"]
    assert [codes[0] for codes in result["reason_codes"].to_list()] == [
        "P_GUARD_RECENT_CHANGE",
        "P_INCREASE_GOOD_RISK",
        "P_DECREASE_HIGH_RISK",
        "P_GUARD_RECENT_CHANGE",
    ]


def test_recent_change_comes_before_other_guardrails() -> None:
    policy = recent_change_policy(no_increase_within_months_of_delinquency=3, max_increase_amount="1500")

    row = evaluate_one(policy, months_since_limit_change=1, months_since_delinquency=0, increase_preference="never")

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_RECENT_CHANGE"])


def test_recent_change_above_product_maximum() -> None:
    row = evaluate_one(recent_change_policy(), months_since_limit_change=1, approved_limit=6_000_000)

    assert outcome(row) == (5_000_000, "decrease", ["P_CAP_PRODUCT"])


def test_recent_change_without_a_move_is_plain_unchanged() -> None:
    row = evaluate_one(recent_change_policy(), months_since_limit_change=1, score=620.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (1_000_000, "unchanged", ["P_UNCHANGED"])


def test_recent_change_reason_texts() -> None:
    assert reason_text("P_GUARD_RECENT_CHANGE", "en") == "Limit changed recently: kept in this review"
    assert reason_text("P_GUARD_RECENT_CHANGE", "zh") == "额度近期已调整，本次评估维持现有额度"


def test_opt_out_blocks_increase() -> None:
    row = evaluate_one(make_policy(), increase_preference="never")

    assert outcome(row) == (1_000_000, "unchanged", ["P_GUARD_OPT_OUT"])
    assert row["offer_only"] is False


def test_opt_out_allows_decrease() -> None:
    row = evaluate_one(make_policy(), increase_preference="never", score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])


def test_ask_preference_makes_offer() -> None:
    row = evaluate_one(make_policy(), increase_preference="ask")

    assert outcome(row) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK", "P_GUARD_OFFER_ONLY"])
    assert row["offer_only"] is True


def test_ask_preference_decrease_is_not_offer() -> None:
    row = evaluate_one(make_policy(), increase_preference="ask", score=550.0, utilisation_mean_6m=0.1)

    assert row["direction"] == "decrease"
    assert row["offer_only"] is False


@pytest.mark.parametrize("preference", ["never", "ask", None, "maybe"])
def test_preference_ignored_when_not_respected(preference: str | None) -> None:
    policy = make_policy(guardrails={"respect_increase_preference": False})

    row = evaluate_one(policy, increase_preference=preference)

    assert outcome(row) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])
    assert row["offer_only"] is False
    assert row["error"] is None


def test_preference_column_optional_when_not_respected() -> None:
    policy = make_policy(guardrails={"respect_increase_preference": False})

    result = evaluate_portfolio(policy, portfolio(line()).drop("increase_preference"))

    assert result["proposed_limit"].to_list() == [1_500_000]


# --- floors -------------------------------------------------------------------------------


def test_decrease_floored_at_outstanding_rounded_up() -> None:
    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1, outstanding=734_512)

    assert outcome(row) == (
        740_000,
        "decrease",
        ["P_DECREASE_HIGH_RISK", "P_FLOOR_OUTSTANDING", *TOP_RISK_REASONS],
    )


def test_outstanding_above_limit_keeps_limit() -> None:
    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1, outstanding=1_200_000)

    assert outcome(row) == (1_000_000, "unchanged", ["P_FLOOR_OUTSTANDING"])


def test_credit_balance_gives_no_floor() -> None:
    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1, outstanding=-50_000)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])


def test_decrease_below_outstanding_when_allowed() -> None:
    policy = make_policy(guardrails={"decrease_below_outstanding": True})

    row = evaluate_one(policy, score=550.0, utilisation_mean_6m=0.1, outstanding=734_512)

    assert outcome(row) == (500_000, "decrease", ["P_DECREASE_HIGH_RISK", *TOP_RISK_REASONS])


def test_decrease_floored_at_product_minimum() -> None:
    row = evaluate_one(make_policy(), approved_limit=150_000, score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (
        100_000,
        "decrease",
        ["P_DECREASE_HIGH_RISK", "P_FLOOR_PRODUCT_MIN", *TOP_RISK_REASONS],
    )


def test_line_below_product_minimum_is_not_raised() -> None:
    row = evaluate_one(make_policy(), approved_limit=50_000, score=550.0, utilisation_mean_6m=0.1)

    assert outcome(row) == (50_000, "unchanged", ["P_FLOOR_PRODUCT_MIN"])


def test_increase_is_not_floored() -> None:
    row = evaluate_one(make_policy(), outstanding=9_000_000)

    assert outcome(row) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])


# --- rounding and minimum change ----------------------------------------------------------


def test_increase_rounds_down_to_step() -> None:
    # 1,234,567 * 1.5 = 1,851,850.5 -> 1,851,850 -> 1,850,000.
    assert evaluate_one(make_policy(), approved_limit=1_234_567)["proposed_limit"] == 1_850_000


def test_decrease_rounds_up_to_step() -> None:
    # 1,234,567 * 0.5 = 617,283.5 -> 617,283 -> 620,000.
    row = evaluate_one(make_policy(), approved_limit=1_234_567, score=550.0, utilisation_mean_6m=0.1)

    assert row["proposed_limit"] == 620_000


def test_increase_smaller_than_step_is_dropped() -> None:
    policy = make_policy(matrix={
        "A": {"low": 1.001, "mid": 1.001, "high": 1.001},
        "B": {"low": 1, "mid": 1, "high": 1},
        "C": {"low": 1, "mid": 1, "high": 1},
    })

    assert outcome(evaluate_one(policy, approved_limit=1_005_000)) == (1_005_000, "unchanged", ["P_UNCHANGED"])
    # 1,009,000 * 1.001 = 1,010,009 -> 1,010,000, above the current limit.
    assert evaluate_one(policy, approved_limit=1_009_000)["proposed_limit"] == 1_010_000


def test_decrease_rounding_never_exceeds_limit() -> None:
    policy = make_policy(matrix={
        "A": {"low": 0.999, "mid": 0.999, "high": 0.999},
        "B": {"low": 1, "mid": 1, "high": 1},
        "C": {"low": 1, "mid": 1, "high": 1},
    })

    assert outcome(evaluate_one(policy, approved_limit=1_005_000)) == (1_005_000, "unchanged", ["P_UNCHANGED"])


def test_change_below_min_fraction_is_dropped() -> None:
    policy = make_policy(guardrails={"min_change_fraction": 0.06})

    row = evaluate_one(policy, score=620.0)

    assert outcome(row) == (1_000_000, "unchanged", ["P_MIN_CHANGE"])


def test_change_at_min_fraction_is_kept() -> None:
    policy = make_policy(guardrails={"min_change_fraction": 0.05})

    row = evaluate_one(policy, score=620.0)

    assert outcome(row) == (1_050_000, "increase", ["P_INCREASE_GOOD_RISK"])


def test_small_decrease_is_dropped() -> None:
    policy = make_policy(guardrails={"min_change_fraction": 0.1})

    row = evaluate_one(policy, score=550.0, utilisation_mean_6m=0.1, outstanding=950_000)

    assert outcome(row) == (1_000_000, "unchanged", ["P_FLOOR_OUTSTANDING", "P_MIN_CHANGE"])


# --- regulatory cap -----------------------------------------------------------------------


def test_regulatory_cap_trims_increases_first() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_000_000),
        line(account_id="L2", approved_limit=800_000, score=620.0, utilisation_mean_6m=0.1),
        line(account_id="L3", customer_id="C2", approved_limit=1_900_000),
    )

    result = evaluate_portfolio(policy, frame)

    assert [outcome(row) for row in result.iter_rows(named=True)] == [
        (1_200_000, "increase", ["P_INCREASE_GOOD_RISK", "P_CAP_REGULATORY"]),
        (800_000, "unchanged", ["P_UNCHANGED"]),
        (2_000_000, "increase", ["P_INCREASE_GOOD_RISK", "P_CAP_REGULATORY"]),
    ]


def test_regulatory_cap_splits_increase_budget_by_size() -> None:
    policy = make_policy(regulatory_cap_per_borrower="30000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_000_000),
        line(account_id="L2", approved_limit=1_600_000),
    )

    result = evaluate_portfolio(policy, frame)

    # Budget for increases 400,000, asked 500,000 + 800,000: 153,846 and 246,153.
    assert result["proposed_limit"].to_list() == [1_150_000, 1_840_000]
    assert sum(result["proposed_limit"]) <= 3_000_000


def test_regulatory_cap_scales_all_lines_when_over() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_234_500, score=620.0, utilisation_mean_6m=0.1, outstanding=1_200_000),
        line(account_id="L2", approved_limit=1_000_000, score=620.0, utilisation_mean_6m=0.1),
    )

    result = evaluate_portfolio(policy, frame)

    # 1,234,500 * 2,000,000 // 2,234,500 = 1,104,945 -> 1,100,000 (below the balance: the cap wins);
    # 1,000,000 * 2,000,000 // 2,234,500 = 895,054 -> 890,000.
    assert [outcome(row) for row in result.iter_rows(named=True)] == [
        (1_100_000, "decrease", ["P_CAP_REGULATORY"]),
        (890_000, "decrease", ["P_CAP_REGULATORY"]),
    ]


def test_regulatory_cap_decrease_ignores_min_change() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000", guardrails={"min_change_fraction": 0.5})
    frame = portfolio(line(approved_limit=2_050_000, score=620.0, utilisation_mean_6m=0.1))

    row = evaluate_portfolio(policy, frame).row(0, named=True)

    assert outcome(row) == (2_000_000, "decrease", ["P_CAP_REGULATORY"])


def test_regulatory_cap_counts_lines_with_errors() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_000_000),
        line(account_id="L2", approved_limit=700_000, score=None),
        line(account_id="L3", approved_limit=5_000_000, currency="USD"),
    )

    result = evaluate_portfolio(policy, frame)

    # L2 keeps 700,000 of the 2,000,000 cap; L3 is in another currency and not summed.
    assert result["proposed_limit"].to_list() == [1_300_000, 700_000, 5_000_000]
    assert result["error"].to_list() == [None, "policy.row.score_missing", "policy.row.currency_mismatch"]


def test_regulatory_cap_allocation_rounds_normally_when_it_fits() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_000_000),
        line(account_id="L2", approved_limit=1_234_567, score=550.0, utilisation_mean_6m=0.9),
    )

    result = evaluate_portfolio(policy, frame)

    # L2: 1,234,567 * 0.8 = 987,653 -> 990,000; L1 gets the remaining 12,347 -> 1,010,000.
    assert result["proposed_limit"].to_list() == [1_010_000, 990_000]


def test_regulatory_cap_stops_rounding_up_past_cap() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000")
    frame = portfolio(
        line(account_id="L1", approved_limit=1_250_700, score=550.0, utilisation_mean_6m=0.9),
        line(account_id="L2", approved_limit=1_249_000, score=550.0, utilisation_mean_6m=0.9),
    )

    result = evaluate_portfolio(policy, frame)

    # Targets 1,000,560 + 999,200 fit the cap, but rounding up gives 2,010,000, so both
    # round down instead.
    assert [outcome(row) for row in result.iter_rows(named=True)] == [
        (1_000_000, "decrease", ["P_DECREASE_HIGH_RISK", "P_CAP_REGULATORY", *TOP_RISK_REASONS]),
        (990_000, "decrease", ["P_DECREASE_HIGH_RISK", "P_CAP_REGULATORY", *TOP_RISK_REASONS]),
    ]


def test_regulatory_cap_keeps_decrease_min_change_would_drop() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000", guardrails={"min_change_fraction": 0.25})
    frame = portfolio(
        line(account_id="L1", approved_limit=1_500_000, score=550.0, utilisation_mean_6m=0.9),
        line(account_id="L2", approved_limit=500_000),
    )

    result = evaluate_portfolio(policy, frame)

    # Dropping L1's 20 % cut would leave 1,500,000 + 750,000 over the 2,000,000 cap.
    assert [outcome(row) for row in result.iter_rows(named=True)] == [
        (1_200_000, "decrease", ["P_DECREASE_HIGH_RISK", "P_CAP_REGULATORY", *TOP_RISK_REASONS]),
        (750_000, "increase", ["P_INCREASE_GOOD_RISK"]),
    ]


def test_min_change_applies_within_regulatory_cap() -> None:
    policy = make_policy(regulatory_cap_per_borrower="20000", guardrails={"min_change_fraction": 0.25})
    frame = portfolio(line(approved_limit=1_500_000, score=550.0, utilisation_mean_6m=0.9))

    row = evaluate_portfolio(policy, frame).row(0, named=True)

    assert outcome(row) == (1_500_000, "unchanged", ["P_MIN_CHANGE"])


# --- reasons ------------------------------------------------------------------------------


def test_risk_reasons_filtered_and_capped() -> None:
    reasons = ["RS_AGE", "P_UNCHANGED", "RS_MADE_UP", "RS_AGE", "RS_OTHER", "RS_INACTIVITY", "RS_UTILISATION"]

    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1, risk_reasons=reasons)

    assert row["reason_codes"] == ["P_DECREASE_HIGH_RISK", "RS_AGE", "RS_OTHER", "RS_INACTIVITY"]


@pytest.mark.parametrize("reasons", [[], None])
def test_decrease_without_risk_reasons(reasons: list[str] | None) -> None:
    row = evaluate_one(make_policy(), score=550.0, utilisation_mean_6m=0.1, risk_reasons=reasons)

    assert row["reason_codes"] == ["P_DECREASE_HIGH_RISK"]


def test_risk_reasons_column_is_optional() -> None:
    frame = portfolio(line(score=550.0, utilisation_mean_6m=0.1)).drop("risk_reasons")

    assert evaluate_portfolio(make_policy(), frame)["reason_codes"].to_list() == [["P_DECREASE_HIGH_RISK"]]


def test_all_reason_codes_are_catalogued() -> None:
    from creditline.domain.reasons import CATALOGUE

    policy = make_policy(
        regulatory_cap_per_borrower="20000",
        income={"max_limit_to_monthly_income": 2},
        dormancy={"inactive_months": 6, "factor": 0.5},
        guardrails={"max_increase_fraction": 0.2, "min_change_fraction": 0.05},
    )
    frame = portfolio(
        *[
            line(account_id=f"L{i}", customer_id=f"C{i % 3}", score=500.0 + 20 * i, utilisation_mean_6m=0.1 * i)
            for i in range(12)
        ]
    )

    codes = set(evaluate_portfolio(policy, frame)["reason_codes"].explode().drop_nulls())

    assert codes <= CATALOGUE.keys()


# --- row errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"currency": "USD"}, "policy.row.currency_mismatch"),
        ({"currency": None}, "policy.row.currency_mismatch"),
        ({"approved_limit": None}, "policy.row.approved_limit_invalid"),
        ({"approved_limit": -1}, "policy.row.approved_limit_invalid"),
        ({"outstanding": None}, "policy.row.outstanding_missing"),
        ({"score": None}, "policy.row.score_missing"),
        ({"score": float("nan")}, "policy.row.score_missing"),
        ({"increase_preference": "maybe"}, "policy.row.increase_preference_invalid"),
        ({"increase_preference": None}, "policy.row.increase_preference_invalid"),
        ({"customer_id": None}, "policy.row.identifier_missing"),
        ({"account_id": None}, "policy.row.identifier_missing"),
    ],
)
def test_bad_row_is_reported_not_raised(values: dict[str, Any], error: str) -> None:
    frame = portfolio(line(**values), line(account_id="L2"))

    result = evaluate_portfolio(make_policy(), frame)

    bad, good = result.iter_rows(named=True)
    assert bad["error"] == error
    assert bad["proposed_limit"] == values.get("approved_limit", 1_000_000)
    assert bad["direction"] == "unchanged"
    assert bad["reason_codes"] == []
    assert bad["risk_band"] is None
    assert bad["offer_only"] is False
    assert outcome(good) == (1_500_000, "increase", ["P_INCREASE_GOOD_RISK"])


def test_duplicate_accounts_are_reported() -> None:
    frame = portfolio(line(), line(), line(account_id="L2"))

    result = evaluate_portfolio(make_policy(), frame)

    assert result["error"].to_list() == ["policy.row.duplicate_account", "policy.row.duplicate_account", None]


def test_row_error_keys_have_texts() -> None:
    assert translate("policy.row.currency_mismatch", "en") == (
        "The line's currency differs from the policy currency, so it was not evaluated; "
        "use a policy in the line's currency."
    )
    assert translate("policy.row.currency_mismatch", "zh") == "额度账户币种与策略币种不一致，未评估；请用该币种的策略评估此账户。"


# --- frame checks -------------------------------------------------------------------------


def test_missing_columns_raise() -> None:
    policy = make_policy(dormancy={"inactive_months": 6, "factor": 0.5})
    frame = portfolio(line()).drop("score", "inactive_months_6m")

    with pytest.raises(InvalidInput) as caught:
        evaluate_portfolio(policy, frame)

    assert str(caught.value) == "The portfolio frame lacks columns the limit policy needs: score, inactive_months_6m."
    assert caught.value.render("zh") == "组合数据缺少额度策略所需的列：score, inactive_months_6m。"


def test_float_money_column_raises() -> None:
    frame = portfolio(line()).with_columns(pl.col("approved_limit").cast(pl.Float64))

    with pytest.raises(InvalidInput) as caught:
        evaluate_portfolio(make_policy(), frame)

    assert str(caught.value) == (
        "Amount column approved_limit of the portfolio frame has type Float64; expected integer minor units (Int64)."
    )


def test_text_score_column_raises() -> None:
    frame = portfolio(line()).with_columns(pl.col("score").cast(pl.String))

    with pytest.raises(InvalidInput) as caught:
        evaluate_portfolio(make_policy(), frame)

    assert str(caught.value) == "Column score of the portfolio frame has type String; expected a numeric column."


def test_missing_change_months_column_raises() -> None:
    frame = portfolio(line()).drop("months_since_limit_change")

    with pytest.raises(InvalidInput) as caught:
        evaluate_portfolio(recent_change_policy(), frame)

    assert str(caught.value) == "The portfolio frame lacks columns the limit policy needs: months_since_limit_change."


def test_output_column_in_input_raises() -> None:
    frame = portfolio(line()).with_columns(pl.lit(1).alias("proposed_limit"))

    with pytest.raises(InvalidInput) as caught:
        evaluate_portfolio(make_policy(), frame)

    assert str(caught.value) == (
        "The portfolio frame already has the output columns proposed_limit; drop them before evaluating."
    )


def test_required_columns_follow_rules() -> None:
    assert required_columns(make_policy(guardrails={"respect_increase_preference": False})) == (
        "account_id",
        "customer_id",
        "currency",
        "approved_limit",
        "outstanding",
        "score",
        "utilisation_mean_6m",
    )
    full = make_policy(
        income={"max_limit_to_monthly_income": 2},
        dormancy={"inactive_months": 6, "factor": 0.5},
        guardrails={"no_increase_within_months_of_delinquency": 3, "min_months_between_changes": 3},
    )
    assert required_columns(full)[7:] == (
        "increase_preference",
        "months_since_delinquency",
        "months_since_limit_change",
        "inactive_months_6m",
        "monthly_income",
    )


# --- frame shape --------------------------------------------------------------------------


def test_input_frame_is_not_mutated() -> None:
    frame = portfolio(line(), line(account_id="L2", score=550.0))
    before = frame.clone()

    evaluate_portfolio(make_policy(), frame)

    assert frame.equals(before)
    assert frame.columns == before.columns


def test_output_keeps_input_columns_then_adds_results() -> None:
    frame = portfolio(line())

    result = evaluate_portfolio(make_policy(), frame)

    assert result.columns == [*frame.columns, "risk_band", "proposed_limit", "direction", "offer_only", "reason_codes", "error"]
    assert result.schema["proposed_limit"] == pl.Int64
    assert result.schema["offer_only"] == pl.Boolean
    assert result.schema["reason_codes"] == pl.List(pl.String)
    assert result.schema["error"] == pl.String
    assert result.select(frame.columns).equals(frame)


def test_empty_frame_evaluates() -> None:
    result = evaluate_portfolio(make_policy(), portfolio())

    assert result.height == 0
    assert result.schema["proposed_limit"] == pl.Int64


def test_row_order_is_kept() -> None:
    rows = [line(account_id=f"L{i}", customer_id=f"C{i % 2}", approved_limit=100_000 * (i + 1)) for i in range(6)]

    result = evaluate_portfolio(make_policy(), portfolio(*reversed(rows)))

    assert result["account_id"].to_list() == [f"L{i}" for i in reversed(range(6))]
