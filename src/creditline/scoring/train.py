"""Fit a WoE logistic scorecard: optbinning for the bins, scikit-learn for the regression.

optbinning and scikit-learn (the ``train`` extra) are imported inside the functions that
need them, so importing this module costs nothing on a lean service install.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.domain.reasons import reason_for_feature
from creditline.errors import InvalidInput
from creditline.scoring.artifact import default_model_version, frame_fingerprint
from creditline.scoring.metrics import auc, gini, ks
from creditline.scoring.scorecard import (
    DROP_ALL_MISSING,
    DROP_BINNING_FAILED,
    DROP_CONSTANT,
    DROP_EXCLUDED,
    DROP_LOW_IV,
    DROP_NOT_NUMERIC,
    DROP_POSITIVE_COEFFICIENT,
    DROP_SINGLE_BIN,
    MISSING_NEUTRAL,
    MISSING_OBSERVED,
    Bin,
    Characteristic,
    DroppedFeature,
    MissingBin,
    Scorecard,
    SlotArray,
    assign_slots,
)
from creditline.scoring.settings import ScorecardSettings

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

TRENDS = ("ascending", "descending", "auto")
# Requested trend -> optbinning ``monotonic_trend``. "auto_asc_desc" lets the solver pick
# the better of ascending and descending, so every bin table stays monotonic and the
# points read as a business rule.
_OPTBINNING_TREND = {"ascending": "ascending", "descending": "descending", "auto": "auto_asc_desc"}

# Added to both the good and the bad count of a bin that lacks one of them, so its WoE
# stays finite (the Haldane-Anscombe correction).
_ZERO_CELL_CORRECTION = 0.5


@dataclass(frozen=True, slots=True)
class _BinnedFeature:
    """A feature's bins and WoE before the regression gives them points."""

    name: str
    requested_trend: str
    trend: str
    splits: tuple[float, ...]
    counts: npt.NDArray[np.int64]  # per slot: bins, then missing
    bads: npt.NDArray[np.int64]
    woe: FloatArray  # per slot; the missing slot has the neutral WoE when counts[-1] == 0
    iv: float

    def slot_index(self, values: FloatArray) -> SlotArray:
        return assign_slots(self.splits, values)


def fit_scorecard(
    frame: pl.DataFrame,
    *,
    features: Sequence[str],
    target: str = "bad",
    trends: Mapping[str, str] | None = None,
    settings: ScorecardSettings = ScorecardSettings(),
    model_version: str | None = None,
    created_at: datetime | None = None,
) -> Scorecard:
    """Fit a WoE logistic scorecard on ``frame``.

    Each feature is binned with optbinning's ``OptimalBinning`` under the monotonic trend
    ``trends[feature]``. "ascending" means the bad rate rises as the value rises and
    "descending" that it falls. "auto", the default, lets the solver choose one of the
    two. Null and NaN values get their own bin. When training has no missing value of a
    feature, a missing value at scoring time gets the points of the bin whose WoE is
    closest to 0 (the neutral bin), and the artifact records that rule.

    A feature is dropped, with its reason in ``Scorecard.dropped``, in these cases: it is
    an excluded attribute or not numeric, its values are all missing or constant, it
    cannot be binned or gives one bin, or its information value is below
    ``settings.min_iv``. A feature whose regression coefficient comes out positive is
    dropped too, because it would give safer bins fewer points.

    Parameters
    ----------
    frame : one row per account, with the feature columns and the 0/1 ``target`` column.
    features : candidate feature names, in the order the scorecard should list them.
    target : the column holding 1 for bad and 0 for good.
    trends : requested trend per feature; features not named get "auto".
    settings : scaling, selection, binning and solver settings.
    model_version : stored as given; by default "sc-" and 12 hex digits of the SHA-256 of
        the artifact body, so the same data and settings give the same version.
    created_at : timezone-aware fit time, stored in UTC; defaults to now.

    Raises
    ------
    InvalidInput
        When columns are absent, the features are empty or repeated, the target is not
        0/1 with both classes present, a trend is unknown, ``created_at`` has no time
        zone, or no feature survives.
    """
    started = time.perf_counter()
    # A RiskTrend enum member becomes its plain string value here, and so in the artifact.
    requested_trends = {name: str(trend) for name, trend in (trends or {}).items()}
    _check_request(frame, features, target, requested_trends)
    if created_at is not None and created_at.utcoffset() is None:
        raise InvalidInput("scoring.created_at_naive", value=created_at.isoformat())
    bad = _target_values(frame, target)

    dropped: list[DroppedFeature] = []
    binned: list[_BinnedFeature] = []
    for name in features:
        if name in settings.excluded_attributes:
            dropped.append(DroppedFeature(name, DROP_EXCLUDED))
            continue
        trend = requested_trends.get(name, "auto")
        outcome = _bin_feature(frame.get_column(name), bad, trend, settings)
        if isinstance(outcome, DroppedFeature):
            dropped.append(outcome)
        elif outcome.iv < settings.min_iv:
            detail = f"IV {outcome.iv:.4f} < {settings.min_iv}"
            dropped.append(DroppedFeature(name, DROP_LOW_IV, outcome.iv, detail))
        else:
            binned.append(outcome)

    binned, coefficients, intercept = _fit_regression(frame, binned, bad, settings, dropped)
    model = _assemble(frame, features, target, bad, binned, coefficients, intercept, dropped, settings, created_at)
    model = replace(model, model_version=model_version or default_model_version(model))
    logger.info(
        "scorecard %s fitted on %d rows: %d characteristics, %d features dropped, %.2f s",
        model.model_version,
        frame.height,
        len(model.characteristics),
        len(model.dropped),
        time.perf_counter() - started,
    )
    return model


def _bin_feature(
    column: pl.Series, bad: npt.NDArray[np.int64], trend: str, settings: ScorecardSettings
) -> _BinnedFeature | DroppedFeature:
    """Bin one feature and compute its WoE and IV, or return why it cannot be used."""
    name = column.name
    if not (column.dtype.is_numeric() or column.dtype in (pl.Boolean, pl.Null)):
        return DroppedFeature(name, DROP_NOT_NUMERIC, detail=f"dtype {column.dtype}")
    values = np.asarray(column.cast(pl.Float64).to_numpy(), dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return DroppedFeature(name, DROP_ALL_MISSING, detail="no finite value")
    if finite.min() == finite.max():
        return DroppedFeature(name, DROP_CONSTANT, detail=f"every value is {finite.min()!r}")

    splits = _optimal_splits(name, values, finite, bad, trend, settings)
    if isinstance(splits, DroppedFeature):
        return splits
    return _woe_table(name, trend, splits, values, bad)


def fit_logistic(woe: FloatArray, bad: npt.NDArray[np.int64], settings: ScorecardSettings) -> LogisticRegression:
    """Fit scikit-learn's L2 logistic regression of P(bad) on the WoE matrix (rows x features)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression

    estimator = LogisticRegression(
        C=settings.C,
        solver=settings.solver,
        max_iter=settings.max_iter,
        tol=settings.tol,
        random_state=settings.random_state,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        estimator.fit(woe, bad)
    for warning in caught:
        logger.warning("logistic regression: %s", warning.message)
    return estimator


def _optimal_splits(
    name: str,
    values: FloatArray,
    finite: FloatArray,
    bad: npt.NDArray[np.int64],
    trend: str,
    settings: ScorecardSettings,
) -> tuple[float, ...] | DroppedFeature:
    from optbinning import OptimalBinning

    # optbinning rejects infinity. Clipping to the finite range puts +-inf in the outer
    # bins, which is also where scoring puts them.
    values = np.clip(values, finite.min(), finite.max())
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
            binning.fit(values, bad)
    # optbinning and its solvers raise many exception types. One bad feature must not
    # stop the fit, so any failure drops the feature and keeps the error as the detail.
    except Exception as exc:  # noqa: BLE001
        logger.warning("binning of %s failed: %s: %s", name, type(exc).__name__, exc)
        return DroppedFeature(name, DROP_BINNING_FAILED, detail=f"{type(exc).__name__}: {exc}")
    for warning in caught:
        logger.debug("binning of %s: %s", name, warning.message)
    if binning.status not in ("OPTIMAL", "FEASIBLE"):
        return DroppedFeature(name, DROP_BINNING_FAILED, detail=f"solver status {binning.status}")
    splits = tuple(float(split) for split in binning.splits)
    if not splits:
        return DroppedFeature(name, DROP_SINGLE_BIN, detail="the optimal binning has one bin")
    return splits


def _woe_table(
    name: str, trend: str, splits: tuple[float, ...], values: FloatArray, bad: npt.NDArray[np.int64]
) -> _BinnedFeature | DroppedFeature:
    """Count goods and bads per slot with our own bin rule and derive WoE and IV.

    Counting here, rather than reading optbinning's table, keeps training and scoring on
    exactly the same bin boundaries.
    """
    n_slots = len(splits) + 2
    slot = assign_slots(splits, values)
    counts = np.bincount(slot, minlength=n_slots).astype(np.int64)
    bads = np.bincount(slot, weights=bad, minlength=n_slots).round().astype(np.int64)
    if (counts[:-1] == 0).any():
        return DroppedFeature(name, DROP_SINGLE_BIN, detail="a bin of the optimal binning is empty")

    goods = counts - bads
    total_goods, total_bads = float(goods.sum()), float(bads.sum())
    good_cells, bad_cells = goods.astype(np.float64), bads.astype(np.float64)
    sparse = (counts > 0) & ((goods == 0) | (bads == 0))
    good_cells[sparse] += _ZERO_CELL_CORRECTION
    bad_cells[sparse] += _ZERO_CELL_CORRECTION

    woe = np.zeros(n_slots, dtype=np.float64)
    observed = counts > 0
    good_share = good_cells[observed] / total_goods
    bad_share = bad_cells[observed] / total_bads
    woe[observed] = np.log(good_share / bad_share)
    iv = float(((good_share - bad_share) * woe[observed]).sum())
    if counts[-1] == 0:
        woe[-1] = woe[np.argmin(np.abs(woe[:-1]))]

    bad_rate = bads[:-1] / counts[:-1]
    resolved = trend
    if trend == "auto":
        resolved = "ascending" if bad_rate[-1] > bad_rate[0] else "descending"
    return _BinnedFeature(name, trend, resolved, splits, counts, bads, woe, iv)


def _fit_regression(
    frame: pl.DataFrame,
    binned: list[_BinnedFeature],
    bad: npt.NDArray[np.int64],
    settings: ScorecardSettings,
    dropped: list[DroppedFeature],
) -> tuple[list[_BinnedFeature], FloatArray, float]:
    """Fit the regression, dropping the most positive coefficient and refitting until none is.

    A positive coefficient on WoE reverses the bin order the binning established, which
    is usually collinearity with a stronger feature.
    """
    woe_columns = {f.name: f.woe[f.slot_index(_values(frame, f.name))] for f in binned}
    while binned:
        matrix = np.column_stack([woe_columns[f.name] for f in binned])
        estimator = fit_logistic(matrix, bad, settings)
        coefficients = np.asarray(estimator.coef_[0], dtype=np.float64)
        worst = int(np.argmax(coefficients))
        if coefficients[worst] <= 0:
            return binned, coefficients, float(estimator.intercept_[0])
        feature = binned.pop(worst)
        dropped.append(
            DroppedFeature(
                feature.name,
                DROP_POSITIVE_COEFFICIENT,
                feature.iv,
                f"coefficient {coefficients[worst]:.6g} > 0",
            )
        )
    reasons = "; ".join(f"{d.name}: {d.reason}" for d in dropped) or "no feature given"
    raise InvalidInput("scoring.no_features", dropped=reasons)


def _assemble(
    frame: pl.DataFrame,
    features: Sequence[str],
    target: str,
    bad: npt.NDArray[np.int64],
    binned: list[_BinnedFeature],
    coefficients: FloatArray,
    intercept: float,
    dropped: list[DroppedFeature],
    settings: ScorecardSettings,
    created_at: datetime | None,
) -> Scorecard:
    factor = settings.pdo / math.log(2.0)
    offset = settings.base_score - factor * math.log(settings.base_odds)
    n = len(binned)
    characteristics = tuple(
        _characteristic(feature, float(beta), intercept, n, factor, offset)
        for feature, beta in zip(binned, coefficients, strict=True)
    )
    fingerprint_columns = [name for name in features if name not in settings.excluded_attributes]
    fingerprint_columns.append(target)
    model = Scorecard(
        model_version="",
        created_at=(created_at or datetime.now(UTC)).astimezone(UTC),
        target=target,
        settings=settings,
        characteristics=characteristics,
        dropped=tuple(dropped),
        intercept=intercept,
        factor=factor,
        offset=offset,
        training={
            "rows": frame.height,
            "bads": int(bad.sum()),
            "bad_rate": float(bad.mean()),
            "fingerprint": frame_fingerprint(frame, fingerprint_columns),
            "fingerprint_columns": fingerprint_columns,
        },
    )
    risk = model.score(frame.select(model.features)).get_column("pd").to_numpy()
    metrics = {"train_auc": auc(bad, risk), "train_ks": ks(bad, risk), "train_gini": gini(bad, risk)}
    return replace(model, metrics=metrics)


def _characteristic(
    feature: _BinnedFeature, beta: float, intercept: float, n: int, factor: float, offset: float
) -> Characteristic:
    points = -(beta * feature.woe + intercept / n) * factor + offset / n
    bounds = (None, *feature.splits, None)
    bins = tuple(
        Bin(
            lower=bounds[k],
            upper=bounds[k + 1],
            count=int(feature.counts[k]),
            bad_rate=float(feature.bads[k] / feature.counts[k]),
            woe=float(feature.woe[k]),
            points=float(points[k]),
        )
        for k in range(len(feature.splits) + 1)
    )
    missing_count = int(feature.counts[-1])
    missing = MissingBin(
        count=missing_count,
        bad_rate=float(feature.bads[-1] / missing_count) if missing_count else None,
        woe=float(feature.woe[-1]),
        points=float(points[-1]),
        rule=MISSING_OBSERVED if missing_count else MISSING_NEUTRAL,
    )
    return Characteristic(
        name=feature.name,
        reason_code=reason_for_feature(feature.name),
        trend=feature.trend,
        requested_trend=feature.requested_trend,
        splits=feature.splits,
        bins=bins,
        missing_bin=missing,
        coefficient=beta,
        iv=feature.iv,
    )


def _check_request(
    frame: pl.DataFrame, features: Sequence[str], target: str, trends: Mapping[str, str]
) -> None:
    if isinstance(features, str) or not features:
        raise InvalidInput("scoring.features_invalid", detail="give at least one feature name as a list")
    repeated = sorted({name for name in features if list(features).count(name) > 1})
    if repeated:
        raise InvalidInput("scoring.features_invalid", detail=f"repeated names: {', '.join(repeated)}")
    if target in features:
        raise InvalidInput("scoring.features_invalid", detail=f"the target {target} is listed as a feature")
    missing = [name for name in [*features, target] if name not in frame.columns]
    if missing:
        raise InvalidInput("scoring.train_columns_missing", columns=", ".join(missing))
    for name, trend in trends.items():
        if trend not in TRENDS:
            raise InvalidInput("scoring.trend_invalid", feature=name, value=repr(trend), allowed=", ".join(TRENDS))


def _target_values(frame: pl.DataFrame, target: str) -> npt.NDArray[np.int64]:
    column = frame.get_column(target)
    nulls = column.null_count()
    if nulls:
        raise InvalidInput("scoring.target_not_binary", column=target, values=f"{nulls} nulls")
    if not (column.dtype.is_numeric() or column.dtype == pl.Boolean):
        raise InvalidInput("scoring.target_not_binary", column=target, values=f"dtype {column.dtype}")
    values = column.cast(pl.Float64).to_numpy()
    other = np.unique(values[(values != 0) & (values != 1)])
    if other.size:
        listed = ", ".join(repr(float(v)) for v in other[:5])
        raise InvalidInput("scoring.target_not_binary", column=target, values=listed)
    bad = values.astype(np.int64)
    n_bad = int(bad.sum())
    if n_bad == 0 or n_bad == bad.size:
        raise InvalidInput("scoring.target_single_class", column=target, bads=n_bad, goods=bad.size - n_bad)
    return bad


def _values(frame: pl.DataFrame, name: str) -> FloatArray:
    return np.asarray(frame.get_column(name).cast(pl.Float64).to_numpy(), dtype=np.float64)

