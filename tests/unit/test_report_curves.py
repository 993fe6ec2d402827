"""Report curves, calibration bins, fairness groups and SVG ticks on small exact inputs."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from creditline.report.curves import calibration_bins, ks_curve, roc_curve, score_histogram
from creditline.report.fairness import age_band, band_order, fairness_rows
from creditline.report.svg import nice_ticks
from creditline.scoring import auc, ks

BAD = np.array([1, 1, 0, 1, 0, 0, 0, 0])
PD = np.array([0.9, 0.8, 0.7, 0.6, 0.3, 0.3, 0.2, 0.1])


def test_roc_curve_runs_corner_to_corner() -> None:
    curve = roc_curve(BAD, PD)
    assert curve.false_positive_rate.tolist() == [0.0, 0.0, 0.0, 0.2, 0.2, 0.6, 0.8, 1.0]
    assert curve.true_positive_rate.tolist() == pytest.approx([0.0, 1 / 3, 2 / 3, 2 / 3, 1.0, 1.0, 1.0, 1.0])
    area = np.trapezoid(curve.true_positive_rate, curve.false_positive_rate)
    assert area == pytest.approx(auc(BAD, PD))


def test_ks_curve_matches_metric() -> None:
    curve = ks_curve(BAD, -PD)
    assert curve.ks == pytest.approx(ks(BAD, PD))
    assert curve.ks_score == pytest.approx(-0.6)
    assert curve.bad_share[-1] == 1.0
    assert curve.good_share[-1] == 1.0


def test_long_curves_are_thinned() -> None:
    rng = np.random.default_rng(1)
    risk = rng.random(50_000)
    bad = (rng.random(50_000) < risk).astype(int)
    curve = roc_curve(bad, risk)
    assert curve.false_positive_rate.size <= 400
    assert curve.false_positive_rate[0] == 0.0
    assert curve.true_positive_rate[-1] == 1.0
    assert ks_curve(bad, -risk).ks == pytest.approx(ks(bad, risk))


def test_histogram_shares_sum_to_one() -> None:
    histogram = score_histogram(BAD, -PD, n_bins=4)
    assert histogram.edges.size == 5
    assert histogram.good_share.sum() == pytest.approx(1.0)
    assert histogram.bad_share.sum() == pytest.approx(1.0)


def test_calibration_keeps_ties_together() -> None:
    bins = calibration_bins(BAD, PD, n_bins=4)
    assert [b.count for b in bins] == [2, 2, 2, 2]
    assert [b.bad_rate for b in bins] == [0.0, 0.0, 0.5, 1.0]
    assert bins[0].mean_pd == pytest.approx(0.15)
    tied = calibration_bins([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], n_bins=4)
    assert [(b.count, b.bad_rate) for b in tied] == [(4, 0.5)]


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="got 2 labels and 3 values"):
        roc_curve([0, 1], [0.1, 0.2, 0.3])


def test_age_bands() -> None:
    ages = pl.Series("age", [18, 24, 25, 34, 35, 54, 55, 90, None])
    bands = pl.select(age_band(pl.lit(ages))).to_series().to_list()
    assert bands == ["<25", "<25", "25-34", "25-34", "35-44", "45-54", "55+", "55+", "unknown"]
    assert band_order() == ["<25", "25-34", "35-44", "45-54", "55+", "unknown"]


def test_fairness_rows_by_group() -> None:
    holdout = pl.DataFrame(
        {
            "sex": ["female", "male", "male", None],
            "age": [30, 30, 60, None],
            "score": [600.0, 500.0, 550.0, 520.0],
            "pd": [0.1, 0.3, 0.2, 0.25],
            "bad": [0, 1, 0, 0],
        }
    )
    items = pl.DataFrame(
        {"sex": ["female", "female", "male"], "age": [30, 41, 60], "direction": ["increase", "decrease", "unchanged"]}
    )
    rows = {(r.attribute, r.group): r for r in fairness_rows(holdout, items)}
    assert list(rows) == [
        ("sex", "female"),
        ("sex", "male"),
        ("sex", "unknown"),
        ("age_band", "25-34"),
        ("age_band", "35-44"),
        ("age_band", "55+"),
        ("age_band", "unknown"),
    ]
    female = rows[("sex", "female")]
    assert (female.accounts, female.items, female.increase_rate, female.decrease_rate) == (1, 2, 0.5, 0.5)
    male = rows[("sex", "male")]
    assert (male.mean_score, male.bad_rate, male.increase_rate) == (525.0, 0.5, 0.0)
    assert rows[("sex", "unknown")].items is None
    middle = rows[("age_band", "35-44")]
    assert (middle.accounts, middle.mean_score, middle.items) == (0, None, 1)


def test_fairness_without_batch() -> None:
    holdout = pl.DataFrame({"sex": ["male"], "age": [40], "score": [580.0], "pd": [0.05], "bad": [0]})
    rows = fairness_rows(holdout, None)
    assert [(r.group, r.items, r.increase_rate) for r in rows] == [("male", None, None), ("35-44", None, None)]


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]), (463.2, 571.9, [475.0, 500.0, 525.0, 550.0]), (2.0, 2.0, [2.0])],
)
def test_nice_ticks(low: float, high: float, expected: list[float]) -> None:
    assert nice_ticks(low, high) == expected
