"""Metric corner cases: weights, ties, the KS table, Brier score and millions of rows."""

import numpy as np
import pytest

from creditline.errors import InvalidInput
from creditline.scoring import auc, gini, ks
from creditline.scoring.metrics import brier_score, ks_table


def test_weighted_auc_equals_repeated_rows():
    bad = np.array([1, 0, 1, 0, 0])
    risk = np.array([0.9, 0.8, 0.4, 0.4, 0.1])
    weight = np.array([2, 1, 3, 1, 2])
    repeated = np.repeat(np.arange(5), weight)
    assert auc(bad, risk, weight) == pytest.approx(auc(bad[repeated], risk[repeated]), rel=1e-15)
    assert ks(bad, risk, weight) == pytest.approx(ks(bad[repeated], risk[repeated]), rel=1e-15)
    assert gini(bad, risk, weight) == pytest.approx(gini(bad[repeated], risk[repeated]), rel=1e-15)


def test_tied_scores_count_half():
    assert auc([1, 0], [0.5, 0.5]) == 0.5
    assert ks([1, 0], [0.5, 0.5]) == 0.0


def test_auc_exact_on_four_million_rows():
    # Two score values: bads sit at the higher one three times as often as goods.
    n = 4_000_000
    bad = np.zeros(n, dtype=np.int8)
    bad[: n // 4] = 1
    risk = np.zeros(n)
    risk[: n // 8] = 1.0  # half of the bads
    risk[n // 4 : n // 4 + n // 8] = 1.0  # a sixth of the goods
    n_bad, n_good = n // 4, n - n // 4
    high_bad, high_good = n // 8, n // 8
    low_bad, low_good = n_bad - high_bad, n_good - high_good
    expected = (high_bad * low_good + 0.5 * (high_bad * high_good + low_bad * low_good)) / (n_bad * n_good)
    assert auc(bad, risk) == expected
    assert ks(bad, risk) == pytest.approx(abs(high_bad / n_bad - high_good / n_good), rel=1e-15)


def test_ks_table_matches_ks():
    rng = np.random.default_rng(3)
    risk = rng.uniform(size=5000)
    bad = (rng.random(5000) < risk * 0.5).astype(np.int64)
    table = ks_table(bad, risk, n_bins=10)
    assert table.columns == [
        "band",
        "min_risk",
        "max_risk",
        "rows",
        "bads",
        "goods",
        "bad_rate",
        "cum_bad_share",
        "cum_good_share",
        "ks",
    ]
    assert table.height == 10
    assert table["rows"].sum() == 5000
    assert table["bads"].sum() == bad.sum()
    assert table["min_risk"][0] > table["max_risk"][1]  # riskiest band first
    assert table["cum_bad_share"][-1] == pytest.approx(1.0)
    assert table["ks"].max() <= ks(bad, risk) + 1e-12


def test_ks_table_keeps_ties_in_one_band():
    table = ks_table([1, 0, 1, 0], [0.5, 0.5, 0.5, 0.5], n_bins=4)
    assert table["rows"].to_list() == [4.0]


def test_ks_table_rejects_zero_bins():
    with pytest.raises(InvalidInput) as caught:
        ks_table([1, 0], [0.2, 0.1], n_bins=0)
    assert caught.value.render("en") == "Cannot compute ks_table: the number of bins must be an int >= 1, got 0."


def test_brier_score_exact_value():
    assert brier_score([1, 0, 1], [0.8, 0.1, 0.5]) == pytest.approx((0.04 + 0.01 + 0.25) / 3)
    assert brier_score([0, 0], [0.1, 0.3]) == pytest.approx(0.05)
    assert brier_score([1, 0], [0.5, 0.5], [3, 1]) == pytest.approx(0.25)


def test_brier_score_rejects_pd_outside_unit_interval():
    with pytest.raises(InvalidInput) as caught:
        brier_score([1, 0], [1.2, -0.1])
    assert caught.value.render("en") == "Cannot compute brier: 2 PD values are outside [0, 1]."


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ([1, 2], "Cannot compute auc: invalid sample weights: 2 weights for 3 rows."),
        ([1, -1, 1], "Cannot compute auc: invalid sample weights: every weight must be finite and at least 0."),
        ([1, float("nan"), 1], "Cannot compute auc: invalid sample weights: every weight must be finite and at least 0."),
        ([0, 1, 0], "Cannot compute auc: both classes are needed, got 0.0 bads and 1.0 goods."),
    ],
)
def test_invalid_weights_raise(weights, message):
    with pytest.raises(InvalidInput) as caught:
        auc([1, 0, 1], [0.9, 0.2, 0.5], weights)
    assert caught.value.render("en") == message


def test_single_class_raises():
    with pytest.raises(InvalidInput) as caught:
        ks([0, 0, 0], [0.1, 0.2, 0.3])
    assert caught.value.render("en") == "Cannot compute ks: both classes are needed, got 0 bads and 3 goods."
