"""Curves and tables of a validation report, computed from labels and scores in NumPy.

Every function takes ``bad`` (1 = bad, 0 = good). ``risk`` is larger for riskier rows
(the PD, or the negated score); ``score`` is larger for safer rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Curves are thinned to about this many points, so a report on millions of rows stays
# small. A 560-pixel chart cannot show more detail than this.
MAX_CURVE_POINTS = 400


@dataclass(frozen=True, slots=True)
class RocCurve:
    false_positive_rate: FloatArray  # share of goods at or above each risk threshold
    true_positive_rate: FloatArray  # share of bads at or above each risk threshold


@dataclass(frozen=True, slots=True)
class KsCurve:
    """Cumulative shares of bads and goods at or below each score, riskiest first."""

    score: FloatArray
    bad_share: FloatArray
    good_share: FloatArray
    ks: float  # the largest gap between the two shares
    ks_score: float  # the score where that gap is reached


@dataclass(frozen=True, slots=True)
class Histogram:
    """Shares of goods and of bads per score bin; each group's shares sum to 1."""

    edges: FloatArray  # bin k is edges[k] <= score < edges[k + 1]; the last bin is closed
    good_share: FloatArray
    bad_share: FloatArray


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One group of rows with similar predicted PD: mean PD against the observed bad rate."""

    count: int
    mean_pd: float
    bad_rate: float


def roc_curve(bad: npt.ArrayLike, risk: npt.ArrayLike) -> RocCurve:
    """Return the ROC curve from (0, 0) to (1, 1), one point after each group of tied risks."""
    is_bad, values = _arrays(bad, risk)
    order = np.argsort(-values, kind="mergesort")
    sorted_values = values[order]
    cum_bad = np.cumsum(is_bad[order])
    cum_good = np.arange(1, values.size + 1) - cum_bad
    group_end = np.flatnonzero(np.r_[sorted_values[1:] != sorted_values[:-1], True])
    tpr = np.r_[0.0, cum_bad[group_end] / max(int(cum_bad[-1]), 1)]
    fpr = np.r_[0.0, cum_good[group_end] / max(int(cum_good[-1]), 1)]
    keep = _thin(fpr.size)
    return RocCurve(fpr[keep], tpr[keep])


def ks_curve(bad: npt.ArrayLike, score: npt.ArrayLike) -> KsCurve:
    """Return the cumulative bad and good shares by score, lowest (riskiest) score first."""
    is_bad, values = _arrays(bad, score)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    cum_bad = np.cumsum(is_bad[order])
    cum_good = np.arange(1, values.size + 1) - cum_bad
    group_end = np.flatnonzero(np.r_[sorted_values[1:] != sorted_values[:-1], True])
    bad_share = cum_bad[group_end] / max(int(cum_bad[-1]), 1)
    good_share = cum_good[group_end] / max(int(cum_good[-1]), 1)
    gap = np.abs(bad_share - good_share)
    best = int(np.argmax(gap))
    keep = _thin(group_end.size, always=best)
    return KsCurve(
        score=sorted_values[group_end][keep],
        bad_share=bad_share[keep],
        good_share=good_share[keep],
        ks=float(gap[best]),
        ks_score=float(sorted_values[group_end][best]),
    )


def score_histogram(bad: npt.ArrayLike, score: npt.ArrayLike, n_bins: int = 30) -> Histogram:
    """Return the score distributions of goods and bads on ``n_bins`` equal-width bins."""
    is_bad, values = _arrays(bad, score)
    low, high = float(values.min()), float(values.max())
    if high <= low:
        high = low + 1.0
    edges = np.linspace(low, high, n_bins + 1)
    goods, _ = np.histogram(values[is_bad == 0], bins=edges)
    bads, _ = np.histogram(values[is_bad == 1], bins=edges)
    return Histogram(edges, goods / max(int(goods.sum()), 1), bads / max(int(bads.sum()), 1))


def calibration_bins(bad: npt.ArrayLike, pd_values: npt.ArrayLike, n_bins: int = 10) -> list[CalibrationBin]:
    """Group rows into ``n_bins`` quantile bins of predicted PD; empty bins are left out.

    Rows with equal PD stay in one bin, so fewer bins come back when PDs tie heavily.
    """
    is_bad, values = _arrays(bad, pd_values)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    sorted_bad = is_bad[order]
    # Each bin ends at a quantile position; a cut moves to the end of the run of ties of
    # the bin's last value, so tied rows never straddle two bins.
    last_in_bin = np.maximum((np.arange(1, n_bins) * values.size) // n_bins - 1, 0)
    cuts = np.searchsorted(sorted_values, sorted_values[last_in_bin], side="right")
    bounds = np.unique(np.r_[0, cuts, values.size])
    bins = []
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        if end > start:
            bins.append(
                CalibrationBin(
                    count=int(end - start),
                    mean_pd=float(sorted_values[start:end].mean()),
                    bad_rate=float(sorted_bad[start:end].mean()),
                )
            )
    return bins


def _arrays(bad: npt.ArrayLike, values: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], FloatArray]:
    is_bad = np.asarray(bad).ravel().astype(np.int64)
    numbers = np.asarray(values, dtype=np.float64).ravel()
    if is_bad.size != numbers.size or is_bad.size == 0:
        raise ValueError(f"need equal, non-zero lengths; got {is_bad.size} labels and {numbers.size} values")
    return is_bad, numbers


def _thin(size: int, always: int | None = None) -> npt.NDArray[np.intp]:
    """Return at most about MAX_CURVE_POINTS evenly spread indices, keeping both ends."""
    if size <= MAX_CURVE_POINTS:
        return np.arange(size)
    picks = np.linspace(0, size - 1, MAX_CURVE_POINTS).round().astype(np.intp)
    if always is not None:
        picks = np.r_[picks, always]
    return np.unique(picks)
