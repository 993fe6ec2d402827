"""WoE binning of one feature that never stops a model run.

WoE orientation: ``woe = ln(share of goods in the bin / share of bads in the bin)``, so a
higher WoE is safer. IV is ``sum((share of goods - share of bads) * woe)``.

A numerical feature is binned by optbinning's ``OptimalBinning`` under a monotonic trend.
When that fails, ends in one bin, or leaves a bin empty, :func:`bin_feature` falls back
to its own binning (:func:`prebinning_splits`): quantile pre-bins, merged until the bad
rate follows the trend and every bin contains ``min_bin_share`` of the rows. optbinning
merges pre-bins without bads or without goods, so a feature that separates goods from
bads perfectly ends there in one bin. The fallback keeps such bins and gives them a
finite WoE by adding 0.5 to both the good and the bad count of any bin that lacks one of
them (the Haldane-Anscombe correction).

A categorical feature (text dtype, or named in ``settings.categorical_features``) is
binned on the rank of each label's smoothed bad rate, ``(bads + 0.5) / (rows + 1)``, so
bins group labels of similar risk. A label never seen in training is scored with the
neutral bin, the bin whose WoE is closest to 0.

Null and NaN values, and each lender-declared special value (``settings.special_values``,
such as -1 for "no bureau file"), get a slot of their own with their own WoE. When
training has no row in such a slot, the slot takes the neutral bin's WoE.

optbinning and scikit-learn are imported inside the functions that need them.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.scoring.scorecard import (
    CATEGORICAL,
    DROP_ALL_MISSING,
    DROP_CONSTANT,
    DROP_NOT_NUMERIC,
    DROP_SINGLE_BIN,
    DROP_TREND_NOT_MET,
    NUMERICAL,
    DroppedFeature,
    FitWarning,
    SlotArray,
    assign_categories,
    assign_slots,
)
from creditline.scoring.settings import ScorecardSettings

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

TRENDS = ("ascending", "descending", "auto")
# Requested trend -> optbinning ``monotonic_trend``. "auto_asc_desc" lets the solver pick
# the better of ascending and descending, so every bin table stays monotonic.
_OPTBINNING_TREND = {"ascending": "ascending", "descending": "descending", "auto": "auto_asc_desc"}

# Added to both the good and the bad count of a bin that lacks one of them, so its WoE
# stays finite (the Haldane-Anscombe correction).
ZERO_CELL_CORRECTION = 0.5

METHOD_OPTBINNING = "optbinning"
METHOD_PREBINNING = "prebinning"


@dataclass(frozen=True, slots=True)
class FeatureBinning:
    """A feature's bins, WoE and IV before the regression gives them points.

    Slots are the bins, then ``special_values`` in order, then the missing slot; the
    arrays ``counts``, ``bads`` and ``woe`` have one entry per slot.
    """

    name: str
    dtype: str  # NUMERICAL or CATEGORICAL
    requested_trend: str
    trend: str  # "ascending", "descending", or "none" for a categorical feature
    splits: tuple[float, ...]  # numerical bin edges; empty for a categorical feature
    categories: tuple[tuple[str, ...], ...]  # categorical labels per bin; empty for numerical
    special_values: tuple[float | str, ...]
    counts: IntArray
    bads: IntArray
    woe: FloatArray
    iv: float
    method: str  # METHOD_OPTBINNING or METHOD_PREBINNING
    warnings: tuple[FitWarning, ...] = ()

    @property
    def n_bins(self) -> int:
        return len(self.categories) if self.dtype == CATEGORICAL else len(self.splits) + 1

    @property
    def neutral_bin(self) -> int:
        """The bin whose WoE is closest to 0, used for unseen labels and empty slots."""
        return int(np.argmin(np.abs(self.woe[: self.n_bins])))

    def slots(self, column: pl.Series) -> SlotArray:
        """Map a column to slots with the same rule scoring uses."""
        return column_slots(column, self.dtype, self.splits, self.categories, self.special_values, self.neutral_bin)


def column_slots(
    column: pl.Series,
    dtype: str,
    splits: Sequence[float],
    categories: Sequence[Sequence[str]],
    special_values: Sequence[float | str],
    unseen_bin: int,
) -> SlotArray:
    """Map a column to slots: bins, then special values, then missing."""
    if dtype == CATEGORICAL:
        mapping = {label: k for k, group in enumerate(categories) for label in group}
        mapping.update({str(value): len(categories) + j for j, value in enumerate(special_values)})
        return assign_categories(column, mapping, unseen_bin, len(categories) + len(special_values))
    values = np.asarray(column.cast(pl.Float64).to_numpy(), dtype=np.float64)
    return assign_slots(splits, values, [float(v) for v in special_values])


def is_categorical(column: pl.Series, settings: ScorecardSettings) -> bool:
    """Return whether ``column`` is binned as categories: text dtypes, or named in the settings."""
    if column.name in settings.categorical_features:
        return True
    return column.dtype in (pl.String, pl.Categorical) or isinstance(column.dtype, pl.Enum)


def bin_feature(
    column: pl.Series, bad: IntArray, trend: str, settings: ScorecardSettings
) -> FeatureBinning | DroppedFeature:
    """Bin one feature and compute its WoE and IV, or return why it cannot be used.

    Parameters
    ----------
    column : the feature, one value per training row.
    bad : 1 for bad and 0 for good, aligned with ``column``.
    trend : "ascending" (bad rate rises with the value), "descending" or "auto". A
        categorical feature ignores it, with a warning when it is not "auto".
    settings : binning limits, special values and categorical features.

    Returns
    -------
    The binning, or a DroppedFeature when the feature has an unsupported dtype, no
    regular value, one distinct value, or only one bin under the requested trend (the
    detail then names the trend the data follow). Every such single-bin result is also
    logged as a warning.
    """
    name = column.name
    specials = settings.special_values_of(name)
    if is_categorical(column, settings):
        return _bin_categorical(column, bad, trend, specials, settings)
    if not (column.dtype.is_numeric() or column.dtype in (pl.Boolean, pl.Null)):
        return DroppedFeature(name, DROP_NOT_NUMERIC, detail=f"dtype {column.dtype}")
    values = np.asarray(column.cast(pl.Float64).to_numpy(), dtype=np.float64)
    numeric_specials = tuple(float(v) for v in specials)
    regular = ~np.isnan(values) & ~np.isin(values, numeric_specials)
    finite = values[regular & np.isfinite(values)]
    if finite.size == 0:
        return DroppedFeature(name, DROP_ALL_MISSING, detail="no finite value outside the special values")
    if finite.min() == finite.max():
        return DroppedFeature(name, DROP_CONSTANT, detail=f"every value is {float(finite.min())!r}")

    # optbinning rejects infinity. Clipping to the finite range puts +-inf in the outer
    # bins, which is also where scoring puts them.
    x = np.clip(values[regular], finite.min(), finite.max())
    y = bad[regular]
    found = _numerical_splits(name, x, y, trend, settings)
    if isinstance(found, DroppedFeature):
        return found
    splits, method, notes = found
    return _woe_table(name, NUMERICAL, trend, splits, (), numeric_specials, column, bad, method, notes)


def _numerical_splits(
    name: str, x: FloatArray, y: IntArray, trend: str, settings: ScorecardSettings
) -> tuple[tuple[float, ...], str, tuple[FitWarning, ...]] | DroppedFeature:
    """Find the splits: optbinning first, our own pre-binning when it gives no usable bins."""
    splits, problem = _optbinning_splits(name, x, y, trend, settings)
    if splits:
        return splits, METHOD_OPTBINNING, ()
    logger.info("binning of %s falls back to pre-binning: %s", name, problem)
    notes = (FitWarning(name, f"optbinning gave no usable bins ({problem}); quantile pre-binning used"),)
    splits = prebinning_splits(x, y, trend, settings)
    if splits:
        return splits, METHOD_PREBINNING, notes
    return _single_bin(name, x, y, trend, settings)


def _single_bin(
    name: str, x: FloatArray, y: IntArray, trend: str, settings: ScorecardSettings
) -> DroppedFeature:
    """Explain a one-bin result: a requested trend the data reverse, or no signal at all."""
    if trend in ("ascending", "descending"):
        opposite = "descending" if trend == "ascending" else "ascending"
        if prebinning_splits(x, y, opposite, settings):
            detail = (
                f"requested trend {trend} gives one bin, but the bad rate is {opposite} in the data; "
                f"check the trend setting of {name}"
            )
            logger.warning("binning of %s: %s", name, detail)
            return DroppedFeature(name, DROP_TREND_NOT_MET, detail=detail)
    detail = f"one bin under trend {trend} with bins of at least {settings.min_bin_share:.0%} of the rows"
    logger.warning("binning of %s: %s", name, detail)
    return DroppedFeature(name, DROP_SINGLE_BIN, detail=detail)


def _optbinning_splits(
    name: str, x: FloatArray, y: IntArray, trend: str, settings: ScorecardSettings
) -> tuple[tuple[float, ...], str]:
    """Return optbinning's splits, or no splits and the reason they are unusable."""
    from optbinning import OptimalBinning

    binning = OptimalBinning(
        name=name,
        dtype="numerical",
        solver=settings.binning_solver,
        max_n_prebins=settings.max_n_prebins,
        min_prebin_size=settings.min_prebin_share,
        max_n_bins=settings.max_n_bins,
        min_bin_size=settings.min_bin_share,
        monotonic_trend=_OPTBINNING_TREND[trend],
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            binning.fit(x, y)
    # optbinning and its solvers raise many exception types. One bad feature must not
    # stop the fit, so any failure falls back to pre-binning and keeps the error as the reason.
    except Exception as exc:  # noqa: BLE001
        logger.warning("binning of %s failed: %s: %s", name, type(exc).__name__, exc)
        return (), f"{type(exc).__name__}: {exc}"
    for warning in caught:
        logger.debug("binning of %s: %s", name, warning.message)
    if binning.status not in ("OPTIMAL", "FEASIBLE"):
        return (), f"solver status {binning.status}"
    splits = tuple(float(split) for split in binning.splits)
    if not splits:
        return (), "one bin"
    counts = np.bincount(np.searchsorted(np.asarray(splits), x, side="right"), minlength=len(splits) + 1)
    if (counts == 0).any():
        return (), "an empty bin"
    return splits, ""


def prebinning_splits(x: FloatArray, y: IntArray, trend: str, settings: ScorecardSettings) -> tuple[float, ...]:
    """Bin by quantiles, then merge adjacent bins until every binning rule holds.

    1. Pre-bins: edges at the ``max_n_prebins`` quantiles; tied values share a pre-bin.
    2. Monotonic trend: adjacent bins whose smoothed bad rates break the trend are pooled
       (pool-adjacent-violators). "auto" tries both directions and keeps the higher IV.
       Adjacent bins that both lack bads, or both lack goods, are pooled too, because
       apart they only differ by the correction.
    3. Size: the smallest bin below ``min_bin_share`` merges with the neighbour of closer
       bad rate, until none is below.
    4. Count: the adjacent pair with the closest WoE merges until at most ``max_n_bins``.

    Returns the splits (empty for one bin). ``x`` has no NaN and ``y`` is 0/1.
    """
    if trend == "auto":
        candidates = [prebinning_splits(x, y, direction, settings) for direction in ("ascending", "descending")]
        return max(candidates, key=lambda splits: (_iv_of_splits(splits, x, y), -len(splits)))
    quantiles = np.quantile(x, np.linspace(0, 1, settings.max_n_prebins + 1)[1:-1], method="higher")
    edges = [float(e) for e in np.unique(quantiles) if e > x.min()]
    rows, bads = _bin_counts(edges, x, y)
    edges, rows, bads = _pool_violators(edges, rows, bads, ascending=trend == "ascending")
    edges, rows, bads = _pool_pure(edges, rows, bads)
    edges, rows, bads = _merge_small(edges, rows, bads, settings.min_bin_share * x.size)
    while len(rows) > settings.max_n_bins:
        woe = _smoothed_woe(rows, bads)
        k = int(np.argmin(np.abs(np.diff(woe))))
        edges, rows, bads = _merge(edges, rows, bads, k)
    return tuple(edges)


def _bin_counts(edges: list[float], x: FloatArray, y: IntArray) -> tuple[list[int], list[int]]:
    index = np.searchsorted(np.asarray(edges, dtype=np.float64), x, side="right")
    rows = np.bincount(index, minlength=len(edges) + 1)
    bads = np.bincount(index, weights=y, minlength=len(edges) + 1).round().astype(np.int64)
    return [int(v) for v in rows], [int(v) for v in bads]


def _smoothed_rate(rows: int, bads: int) -> float:
    return (bads + ZERO_CELL_CORRECTION) / (rows + 2 * ZERO_CELL_CORRECTION)


def _pool_violators(
    edges: list[float], rows: list[int], bads: list[int], *, ascending: bool
) -> tuple[list[float], list[int], list[int]]:
    sign = 1.0 if ascending else -1.0
    k = 0
    while k < len(rows) - 1:
        if sign * (_smoothed_rate(rows[k + 1], bads[k + 1]) - _smoothed_rate(rows[k], bads[k])) < 0:
            edges, rows, bads = _merge(edges, rows, bads, k)
            k = max(k - 1, 0)
        else:
            k += 1
    return edges, rows, bads


def _pool_pure(
    edges: list[float], rows: list[int], bads: list[int]
) -> tuple[list[float], list[int], list[int]]:
    k = 0
    while k < len(rows) - 1:
        no_bads = bads[k] == 0 and bads[k + 1] == 0
        no_goods = bads[k] == rows[k] and bads[k + 1] == rows[k + 1]
        if no_bads or no_goods:
            edges, rows, bads = _merge(edges, rows, bads, k)
        else:
            k += 1
    return edges, rows, bads


def _merge_small(
    edges: list[float], rows: list[int], bads: list[int], min_rows: float
) -> tuple[list[float], list[int], list[int]]:
    while len(rows) > 1 and min(rows) < min_rows:
        k = int(np.argmin(rows))
        if k == 0:
            pair = 0
        elif k == len(rows) - 1:
            pair = k - 1
        else:
            rate = _smoothed_rate(rows[k], bads[k])
            left = abs(rate - _smoothed_rate(rows[k - 1], bads[k - 1]))
            right = abs(rate - _smoothed_rate(rows[k + 1], bads[k + 1]))
            pair = k - 1 if left <= right else k
        edges, rows, bads = _merge(edges, rows, bads, pair)
    return edges, rows, bads


def _merge(
    edges: list[float], rows: list[int], bads: list[int], k: int
) -> tuple[list[float], list[int], list[int]]:
    """Merge bin k with bin k + 1."""
    rows = [*rows[:k], rows[k] + rows[k + 1], *rows[k + 2 :]]
    bads = [*bads[:k], bads[k] + bads[k + 1], *bads[k + 2 :]]
    return [*edges[:k], *edges[k + 1 :]], rows, bads


def _smoothed_woe(rows: Sequence[int], bads: Sequence[int]) -> FloatArray:
    counts = np.asarray(rows, dtype=np.int64)
    bad_counts = np.asarray(bads, dtype=np.int64)
    woe, _ = woe_and_iv(counts, bad_counts, int(counts.sum()), int(bad_counts.sum()))
    return woe


def _iv_of_splits(splits: tuple[float, ...], x: FloatArray, y: IntArray) -> float:
    rows, bads = _bin_counts(list(splits), x, y)
    _, iv = woe_and_iv(np.asarray(rows), np.asarray(bads), x.size, int(y.sum()))
    return iv


def woe_and_iv(counts: IntArray, bads: IntArray, n_rows: int, n_bads: int) -> tuple[FloatArray, float]:
    """Return the WoE of every slot with rows, 0 for empty slots, and the IV.

    A slot without goods or without bads gets 0.5 added to both counts before its
    shares are taken, so its WoE is finite. ``n_rows`` and ``n_bads`` are the totals the
    shares are taken of.
    """
    goods = counts - bads
    good_cells = goods.astype(np.float64)
    bad_cells = bads.astype(np.float64)
    sparse = (counts > 0) & ((goods == 0) | (bads == 0))
    good_cells[sparse] += ZERO_CELL_CORRECTION
    bad_cells[sparse] += ZERO_CELL_CORRECTION
    woe = np.zeros(counts.size, dtype=np.float64)
    observed = counts > 0
    good_share = good_cells[observed] / float(n_rows - n_bads)
    bad_share = bad_cells[observed] / float(n_bads)
    woe[observed] = np.log(good_share / bad_share)
    iv = float(((good_share - bad_share) * woe[observed]).sum())
    return woe, iv


def _woe_table(
    name: str,
    dtype: str,
    trend: str,
    splits: tuple[float, ...],
    categories: tuple[tuple[str, ...], ...],
    specials: tuple[float | str, ...],
    column: pl.Series,
    bad: IntArray,
    method: str,
    notes: tuple[FitWarning, ...],
) -> FeatureBinning:
    """Count goods and bads per slot with the scoring rule and derive WoE and IV.

    Counting here, rather than reading optbinning's table, keeps training and scoring on
    exactly the same bin boundaries.
    """
    n_bins = len(categories) if dtype == CATEGORICAL else len(splits) + 1
    n_slots = n_bins + len(specials) + 1
    slot = column_slots(column, dtype, splits, categories, specials, 0)
    counts = np.bincount(slot, minlength=n_slots).astype(np.int64)
    bads = np.bincount(slot, weights=bad, minlength=n_slots).round().astype(np.int64)
    woe, iv = woe_and_iv(counts, bads, bad.size, int(bad.sum()))
    neutral = woe[int(np.argmin(np.abs(woe[:n_bins])))]
    woe[n_bins:][counts[n_bins:] == 0] = neutral

    resolved = "none"
    if dtype == NUMERICAL:
        bad_rate = (bads[:n_bins] + ZERO_CELL_CORRECTION) / (counts[:n_bins] + 2 * ZERO_CELL_CORRECTION)
        resolved = trend
        if trend == "auto":
            resolved = "ascending" if bad_rate[-1] > bad_rate[0] else "descending"
    return FeatureBinning(
        name, dtype, trend, resolved, splits, categories, specials, counts, bads, woe, iv, method, notes
    )


def _bin_categorical(
    column: pl.Series, bad: IntArray, trend: str, specials: tuple[float | str, ...], settings: ScorecardSettings
) -> FeatureBinning | DroppedFeature:
    """Bin labels by the rank of their smoothed bad rate, then group adjacent ranks."""
    name = column.name
    special_labels = tuple(str(v) for v in specials)
    labels = column.cast(pl.String)
    notes: list[FitWarning] = []
    if trend != "auto":
        notes.append(FitWarning(name, f"trend {trend} ignored: a categorical feature is ordered by bad rate"))
    regular = labels.is_not_null() & ~labels.is_in(list(special_labels))
    stats = (
        pl.DataFrame({"label": labels, "bad": bad, "regular": regular})
        .filter(pl.col("regular"))
        .group_by("label")
        .agg(pl.len().alias("rows"), pl.col("bad").sum().alias("bads"))
    )
    if stats.height == 0:
        return DroppedFeature(name, DROP_ALL_MISSING, detail="no label outside the special values")
    if stats.height == 1:
        return DroppedFeature(name, DROP_CONSTANT, detail=f"every label is {stats['label'][0]!r}")
    stats = stats.with_columns(
        ((pl.col("bads") + ZERO_CELL_CORRECTION) / (pl.col("rows") + 2 * ZERO_CELL_CORRECTION)).alias("rate")
    ).sort(["rate", "label"])
    rank = {label: float(k) for k, label in enumerate(stats["label"].to_list())}
    ranks = labels.filter(regular).replace_strict(rank, return_dtype=pl.Float64).to_numpy()
    y = bad[regular.to_numpy()]

    found = _numerical_splits(name, np.asarray(ranks, dtype=np.float64), y, "ascending", settings)
    if isinstance(found, DroppedFeature):
        return DroppedFeature(name, DROP_SINGLE_BIN, detail=found.detail.replace("trend ascending", "bad-rate order"))
    splits, method, fallback_notes = found
    ordered = stats["label"].to_list()
    bounds = [0, *(math.ceil(s) for s in splits), len(ordered)]
    categories = tuple(tuple(sorted(ordered[bounds[k] : bounds[k + 1]])) for k in range(len(bounds) - 1))
    return _woe_table(
        name, CATEGORICAL, trend, (), categories, special_labels, column, bad, method, (*notes, *fallback_notes)
    )
