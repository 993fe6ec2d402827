"""Discrimination metrics of a risk model: AUC, KS and Gini, in NumPy only.

Every function takes ``bad`` (1 = bad, 0 = good) and ``risk``, where a larger value means
more likely bad: pass the PD, or the negated score. Counts are int64 and rank sums
float64; a rank sum is a multiple of 0.5 below n^2/2, so it stays exact in float64 up to
about 100 million rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from creditline.errors import InvalidInput


def auc(bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Compute the area under the ROC curve by the Mann-Whitney rank statistic.

    Tied risk values share their average rank, so the result equals the exact
    probability that a random bad has higher risk than a random good, counting a tie as
    one half.

    Parameters
    ----------
    bad : array-like of 0/1, shape (n,)
    risk : array-like of finite numbers, shape (n,); larger means more likely bad.

    Returns
    -------
    float in [0, 1].

    Raises
    ------
    InvalidInput
        When the arrays differ in length, ``bad`` contains values other than 0 and 1,
        ``risk`` contains NaN or infinity, or either class is absent.
    """
    return _auc("auc", bad, risk)


def ks(bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Compute the Kolmogorov-Smirnov statistic between the risk of bads and of goods.

    The statistic is the largest distance between the two cumulative distributions,
    evaluated only after each group of tied risk values, so a tie is never split.
    Parameters, return range and errors are those of :func:`auc`.
    """
    is_bad, values = _validate("ks", bad, risk)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    sorted_bad = is_bad[order].astype(np.int64)
    cum_bad = np.cumsum(sorted_bad)
    cum_good = np.arange(1, values.size + 1, dtype=np.int64) - cum_bad
    # The last row of each run of tied values closes that group.
    group_end = np.flatnonzero(np.r_[sorted_values[1:] != sorted_values[:-1], True])
    distance = np.abs(cum_bad[group_end] / cum_bad[-1] - cum_good[group_end] / cum_good[-1])
    return float(distance.max())


def gini(bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    """Compute the Gini coefficient (accuracy ratio), ``2 * auc - 1``; see :func:`auc`."""
    return 2.0 * _auc("gini", bad, risk) - 1.0


def _auc(metric: str, bad: npt.ArrayLike, risk: npt.ArrayLike) -> float:
    is_bad, values = _validate(metric, bad, risk)
    n_bad = int(is_bad.sum())
    n_good = is_bad.size - n_bad
    ranks = _average_ranks(values)
    rank_sum = float(ranks[is_bad].sum())
    u_statistic = rank_sum - n_bad * (n_bad + 1) / 2.0
    return u_statistic / (float(n_bad) * float(n_good))


def _average_ranks(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Return 1-based ranks where each group of ties gets the mean of its ranks."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    is_start = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    group_id = np.cumsum(is_start) - 1
    starts = np.flatnonzero(is_start)
    ends = np.r_[starts[1:], values.size]  # exclusive
    # Positions start..end-1 hold ranks start+1..end, whose mean is (start + 1 + end) / 2.
    group_rank = (starts + 1 + ends) / 2.0
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = group_rank[group_id]
    return ranks


def _validate(
    metric: str, bad: npt.ArrayLike, risk: npt.ArrayLike
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64]]:
    bad_array: npt.NDArray[Any] = np.asarray(bad).ravel()
    risk_array: npt.NDArray[Any] = np.asarray(risk).ravel()
    if bad_array.size != risk_array.size:
        raise InvalidInput(
            "scoring.metric_length_mismatch",
            metric=metric,
            n_bad=bad_array.size,
            n_risk=risk_array.size,
        )
    try:
        values = risk_array.astype(np.float64)
        labels = bad_array.astype(np.float64)
    except (TypeError, ValueError):
        raise InvalidInput("scoring.metric_not_numeric", metric=metric) from None
    if not np.isin(labels, (0.0, 1.0)).all():
        other = np.unique(labels[~np.isin(labels, (0.0, 1.0))])[:5]
        listed = ", ".join(repr(float(value)) for value in other)
        raise InvalidInput("scoring.metric_target_not_binary", metric=metric, values=listed)
    if not np.isfinite(values).all():
        raise InvalidInput(
            "scoring.metric_risk_not_finite", metric=metric, count=int((~np.isfinite(values)).sum())
        )
    is_bad = labels == 1.0
    n_bad = int(is_bad.sum())
    n_good = int(is_bad.size - n_bad)
    if n_bad == 0 or n_good == 0:
        raise InvalidInput("scoring.metric_single_class", metric=metric, bads=n_bad, goods=n_good)
    return is_bad, values
