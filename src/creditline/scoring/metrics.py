"""Metrics of a risk model: AUC, KS, Gini, a KS table and the Brier score, in NumPy only.

Every function takes ``bad`` (1 = bad, 0 = good) and ``risk``, where a larger value means
more likely bad: pass the PD, or the negated score. Each also takes an optional
``sample_weight`` (finite, at least 0), where a weight of 2 counts a row twice.

Without weights, AUC and KS are computed from int64 counts, so they are exact for any row
count NumPy can sort (the largest intermediate, 2 * bads * goods, fits int64 up to about
three billion rows). With weights, the sums are float64.

A single class raises InvalidInput: AUC and KS are undefined without both bads and
goods, and returning NaN would let a broken sample pass unnoticed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.errors import InvalidInput


def auc(bad: npt.ArrayLike, risk: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> float:
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
    return _auc("auc", bad, risk, sample_weight)


def ks(bad: npt.ArrayLike, risk: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> float:
    """Compute the Kolmogorov-Smirnov statistic between the risk of bads and of goods.

    The statistic is the largest distance between the two cumulative distributions,
    evaluated only after each group of tied risk values, so a tie is never split.
    Parameters, return range and errors are those of :func:`auc`.
    """
    _, bads, goods = _grouped("ks", bad, risk, sample_weight)
    cum_bad = np.cumsum(bads)
    cum_good = np.cumsum(goods)
    distance = np.abs(cum_bad / cum_bad[-1] - cum_good / cum_good[-1])
    return float(distance.max())


def gini(bad: npt.ArrayLike, risk: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> float:
    """Compute the Gini coefficient (accuracy ratio), ``2 * auc - 1``; see :func:`auc`."""
    return 2.0 * _auc("gini", bad, risk, sample_weight) - 1.0


def ks_table(
    bad: npt.ArrayLike, risk: npt.ArrayLike, *, n_bins: int = 10, sample_weight: npt.ArrayLike | None = None
) -> pl.DataFrame:
    """Tabulate bads and goods by risk band, riskiest band first, with the KS of each band.

    Rows are cut into about ``n_bins`` bands of equal weight by risk; tied risk values
    always share a band, so there are fewer bands when risks repeat.

    Returns
    -------
    polars.DataFrame with the columns ``band`` (1 = riskiest), ``min_risk``, ``max_risk``,
    ``rows``, ``bads``, ``goods`` (weighted sums when weights are given), ``bad_rate``,
    ``cum_bad_share``, ``cum_good_share`` and ``ks`` (their distance after the band). The
    largest ``ks`` equals :func:`ks`.

    Raises
    ------
    InvalidInput
        As :func:`auc`, and when ``n_bins`` is below 1.
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        raise InvalidInput("scoring.metric_bins_invalid", metric="ks_table", value=repr(n_bins))
    # Riskiest first: group on the negated risk, so cumulative shares grow from the top band.
    values, bads, goods = _grouped("ks_table", bad, -np.asarray(risk, dtype=np.float64), sample_weight)
    weight = bads + goods
    cum_weight = np.cumsum(weight)
    # Band of each distinct risk value by the weight share before it.
    start_share = (cum_weight - weight) / cum_weight[-1]
    band = np.minimum((start_share * n_bins).astype(np.int64), n_bins - 1)
    _, band = np.unique(band, return_inverse=True)
    n_bands = int(band.max()) + 1
    band_bads = np.bincount(band, weights=bads, minlength=n_bands)
    band_goods = np.bincount(band, weights=goods, minlength=n_bands)
    cum_bad_share = np.cumsum(band_bads) / band_bads.sum()
    cum_good_share = np.cumsum(band_goods) / band_goods.sum()
    risk_values = -values
    return pl.DataFrame(
        {
            "band": np.arange(1, n_bands + 1, dtype=np.int64),
            "min_risk": [float(risk_values[band == k].min()) for k in range(n_bands)],
            "max_risk": [float(risk_values[band == k].max()) for k in range(n_bands)],
            "rows": band_bads + band_goods,
            "bads": band_bads,
            "goods": band_goods,
            "bad_rate": band_bads / (band_bads + band_goods),
            "cum_bad_share": cum_bad_share,
            "cum_good_share": cum_good_share,
            "ks": np.abs(cum_bad_share - cum_good_share),
        }
    )


def brier_score(bad: npt.ArrayLike, pd: npt.ArrayLike, sample_weight: npt.ArrayLike | None = None) -> float:
    """Compute the Brier score, the (weighted) mean of ``(pd - bad)^2``; lower is better.

    Parameters
    ----------
    bad : array-like of 0/1, shape (n,)
    pd : array-like of probabilities of bad within [0, 1], shape (n,)
    sample_weight : optional array-like of finite weights >= 0 with a positive sum.

    Raises
    ------
    InvalidInput
        When the lengths differ, ``bad`` is not 0/1, or a PD is NaN or outside [0, 1].
        Unlike AUC and KS, one class is allowed.
    """
    is_bad, values, weights = _validate("brier", bad, pd, sample_weight, need_both_classes=False)
    if ((values < 0) | (values > 1)).any():
        raise InvalidInput("scoring.metric_pd_out_of_range", metric="brier", count=int(((values < 0) | (values > 1)).sum()))
    squared = (values - is_bad) ** 2
    if weights is None:
        return float(squared.mean())
    return float((squared * weights).sum() / weights.sum())


def _auc(metric: str, bad: npt.ArrayLike, risk: npt.ArrayLike, sample_weight: npt.ArrayLike | None) -> float:
    """AUC as the probability that a random bad outranks a random good, a tie counting 1/2.

    Summed over groups of tied risk, ascending: each bad in a group beats every good in
    lower groups and ties with the goods in its own group.
    """
    _, bads, goods = _grouped(metric, bad, risk, sample_weight)
    goods_below = np.cumsum(goods) - goods
    if bads.dtype == np.int64:
        # Exact in int64: twice the Mann-Whitney U statistic.
        doubled_u = int((bads * (2 * goods_below + goods)).sum())
        return doubled_u / (2.0 * float(bads.sum()) * float(goods.sum()))
    return float((bads * (goods_below + 0.5 * goods)).sum() / (bads.sum() * goods.sum()))


def _grouped(
    metric: str, bad: npt.ArrayLike, risk: npt.ArrayLike, sample_weight: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[Any], npt.NDArray[Any]]:
    """Return the distinct risk values, ascending, with the bads and goods at each.

    Counts are int64 without weights and weight sums (float64) with them.
    """
    is_bad, values, weights = _validate(metric, bad, risk, sample_weight)
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    if weights is None:
        sorted_bad = is_bad[order].astype(np.int64)
        bads = np.add.reduceat(sorted_bad, starts)
        sizes = np.diff(np.r_[starts, values.size])
        return sorted_values[starts], bads, sizes - bads
    sorted_weights = weights[order]
    bad_weights = np.where(is_bad[order], sorted_weights, 0.0)
    bads_w = np.add.reduceat(bad_weights, starts)
    totals = np.add.reduceat(sorted_weights, starts)
    return sorted_values[starts], bads_w, totals - bads_w


def _validate(
    metric: str,
    bad: npt.ArrayLike,
    risk: npt.ArrayLike,
    sample_weight: npt.ArrayLike | None = None,
    *,
    need_both_classes: bool = True,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
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
    weights = _weights(metric, sample_weight, is_bad.size)
    if weights is None:
        n_bad: float = int(is_bad.sum())
        n_good: float = int(is_bad.size - n_bad)
    else:
        n_bad = float(weights[is_bad].sum())
        n_good = float(weights[~is_bad].sum())
    if need_both_classes and (n_bad == 0 or n_good == 0):
        raise InvalidInput("scoring.metric_single_class", metric=metric, bads=n_bad, goods=n_good)
    if not need_both_classes and n_bad + n_good == 0:
        raise InvalidInput("scoring.metric_weights_invalid", metric=metric, detail="the weights sum to 0")
    return is_bad, values, weights


def _weights(metric: str, sample_weight: npt.ArrayLike | None, size: int) -> npt.NDArray[np.float64] | None:
    if sample_weight is None:
        return None
    try:
        weights = np.asarray(sample_weight, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise InvalidInput("scoring.metric_weights_invalid", metric=metric, detail="the weights are not numeric") from None
    if weights.size != size:
        raise InvalidInput(
            "scoring.metric_weights_invalid", metric=metric, detail=f"{weights.size} weights for {size} rows"
        )
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise InvalidInput(
            "scoring.metric_weights_invalid", metric=metric, detail="every weight must be finite and at least 0"
        )
    return weights
