import numpy as np
import pytest
from scipy.stats import ks_2samp
from sklearn.metrics import roc_auc_score

from creditline.errors import InvalidInput
from creditline.scoring import auc, gini, ks

# Three bads and three goods; the pairs tied at 0.9 and at 0.3 each count one half.
TIED_BAD = [1, 0, 1, 0, 1, 0]
TIED_RISK = [0.9, 0.9, 0.5, 0.3, 0.3, 0.1]


def test_auc_counts_ties_as_half():
    # Wins per bad against the three goods: 2.5 (0.9), 2 (0.5), 1.5 (0.3) -> 6 of 9 pairs.
    assert auc(TIED_BAD, TIED_RISK) == pytest.approx(2 / 3, abs=1e-15)


def test_gini_is_twice_auc_minus_one():
    assert gini(TIED_BAD, TIED_RISK) == pytest.approx(1 / 3, abs=1e-15)


def test_ks_keeps_tied_scores_together():
    # Splitting the tie at 0.3 (good before bad) would give 2/3; grouped it is 1/3.
    assert ks(TIED_BAD, TIED_RISK) == pytest.approx(1 / 3, abs=1e-15)


def test_auc_of_perfect_and_reversed_ranking():
    bad = np.array([0, 0, 1, 1])
    risk = np.array([0.1, 0.2, 0.3, 0.4])
    assert auc(bad, risk) == 1.0
    assert auc(bad, -risk) == 0.0
    assert ks(bad, risk) == 1.0


def test_constant_risk_gives_auc_half_and_ks_zero():
    bad = np.array([0, 1, 0, 1, 1])
    risk = np.zeros(5)
    assert auc(bad, risk) == 0.5
    assert ks(bad, risk) == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_matches_sklearn_with_many_ties(seed):
    rng = np.random.default_rng(seed)
    risk = np.round(rng.normal(size=5000), 1)
    bad = (rng.random(5000) < 1 / (1 + np.exp(-risk))).astype(int)
    assert auc(bad, risk) == pytest.approx(roc_auc_score(bad, risk), abs=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_ks_matches_two_sample_statistic(seed):
    rng = np.random.default_rng(seed)
    risk = rng.integers(0, 30, size=4000).astype(float)
    bad = (rng.random(4000) < risk / 40).astype(int)
    expected = ks_2samp(risk[bad == 1], risk[bad == 0]).statistic
    assert ks(bad, risk) == pytest.approx(expected, abs=1e-12)


def test_metrics_accept_boolean_target():
    bad = np.array([False, True, True, False])
    risk = np.array([0.2, 0.7, 0.1, 0.3])
    assert auc(bad, risk) == 0.5


def test_auc_on_millions_of_rows_stays_exact():
    n = 3_000_000
    bad = np.zeros(n, dtype=np.int8)
    bad[::3] = 1
    risk = bad.astype(np.float64)
    assert auc(bad, risk) == 1.0
    assert auc(bad, np.ones(n)) == 0.5


def test_single_class_names_both_counts():
    with pytest.raises(InvalidInput) as caught:
        auc([0, 0, 0], [0.1, 0.2, 0.3])
    assert caught.value.render("en") == (
        "Cannot compute auc: both classes are needed, got 0 bads and 3 goods."
    )
    assert caught.value.render("zh") == "无法计算 auc：需要好坏两类样本，实际坏 0 个、好 3 个。"


def test_ks_single_class_raises():
    with pytest.raises(InvalidInput) as caught:
        ks([1, 1], [0.1, 0.2])
    assert caught.value.render("en") == (
        "Cannot compute ks: both classes are needed, got 2 bads and 0 goods."
    )


def test_length_mismatch_raises():
    with pytest.raises(InvalidInput) as caught:
        gini([0, 1, 1], [0.1, 0.2])
    assert caught.value.render("en") == (
        "Cannot compute gini: 3 target values but 2 risk values; the lengths must match."
    )


def test_non_binary_target_raises():
    with pytest.raises(InvalidInput) as caught:
        auc([0, 1, 2], [0.1, 0.2, 0.3])
    assert caught.value.render("en") == (
        "Cannot compute auc: the target must hold only 0 (good) or 1 (bad); found 2.0."
    )


def test_nan_risk_raises():
    with pytest.raises(InvalidInput) as caught:
        ks([0, 1, 1], [0.1, float("nan"), float("inf")])
    assert caught.value.render("en") == "Cannot compute ks: 2 risk values are NaN or infinite."
