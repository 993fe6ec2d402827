"""Fit a WoE logistic scorecard: binning, feature selection, regression, calibration.

The steps live in their own modules: :mod:`creditline.scoring.binning` (bins, WoE, IV),
:mod:`creditline.scoring.selection` (correlation, VIF, stepwise) and
:mod:`creditline.scoring.calibration` (score-to-PD table). optbinning and scikit-learn
(the ``train`` extra) are imported inside the functions that need them, so importing
this module costs nothing on a lean service install.
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.domain.reasons import reason_for_feature
from creditline.errors import InvalidInput
from creditline.scoring.artifact import default_model_version, frame_fingerprint
from creditline.scoring.binning import TRENDS, FeatureBinning, bin_feature
from creditline.scoring.calibration import fit_calibration
from creditline.scoring.metrics import auc, gini, ks
from creditline.scoring.scorecard import (
    CATEGORICAL,
    DROP_ALL_MISSING,
    DROP_CONSTANT,
    DROP_EXCLUDED,
    DROP_LOW_IV,
    DROP_NOT_NUMERIC,
    DROP_POSITIVE_COEFFICIENT,
    MISSING_NEUTRAL,
    MISSING_OBSERVED,
    NUMERICAL,
    Bin,
    Characteristic,
    DroppedFeature,
    FitWarning,
    MissingBin,
    Scorecard,
    SelectionStep,
    SpecialBin,
)
from creditline.scoring.selection import KEPT, select_features
from creditline.scoring.settings import ScorecardSettings

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

__all__ = ["TRENDS", "fit_logistic", "fit_scorecard"]

# Drops whose reason explains itself. Every other binning drop is also a fit warning.
_PLAIN_DROPS = (DROP_ALL_MISSING, DROP_CONSTANT, DROP_NOT_NUMERIC)


def fit_scorecard(
    frame: pl.DataFrame,
    *,
    features: Sequence[str],
    target: str = "bad",
    trends: Mapping[str, str] | None = None,
    settings: ScorecardSettings = ScorecardSettings(),
    model_version: str | None = None,
    created_at: datetime | None = None,
    calibration_frame: pl.DataFrame | None = None,
) -> Scorecard:
    """Fit a WoE logistic scorecard on ``frame``.

    Each feature is binned by :func:`creditline.scoring.binning.bin_feature` under the
    monotonic trend ``trends[feature]``. "ascending" means the bad rate rises as the
    value rises and "descending" that it falls. "auto", the default, lets the binning
    choose one of the two. Text columns are binned as categories. Null and NaN values,
    and the special values of ``settings.special_values``, get bins of their own. When
    training has no row in such a bin, scoring gives it the points of the bin whose WoE
    is closest to 0 (the neutral bin), and the artifact records that rule.

    A feature is dropped, with its reason in ``Scorecard.dropped`` and its steps in
    ``Scorecard.selection``, in these cases:

    - it is an excluded attribute or of an unsupported dtype;
    - its values are all missing or constant;
    - it gives one bin, or one bin under the requested trend only (also a warning);
    - its information value is below ``settings.min_iv``;
    - the correlation, VIF or stepwise selection removes it;
    - its regression coefficient comes out positive, because then safer bins would get
      fewer points.

    When ``calibration_frame`` is given and ``settings.calibration`` is not "none", the
    score-to-PD table is fitted on those rows, which must not overlap ``frame``.

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
        When columns are absent, the features are empty or repeated, the frame has
        duplicated columns, the target is not 0/1 with at least
        ``settings.min_class_rows`` bads and goods, a trend is unknown, ``created_at``
        has no time zone, or no feature survives.
    """
    started = time.perf_counter()
    # A RiskTrend enum member becomes its plain string value here, and so in the artifact.
    requested_trends = {name: str(trend) for name, trend in (trends or {}).items()}
    _check_request(frame, features, target, requested_trends)
    if created_at is not None and created_at.utcoffset() is None:
        raise InvalidInput("scoring.created_at_naive", value=created_at.isoformat())
    bad = _target_values(frame, target, settings.min_class_rows)

    dropped: list[DroppedFeature] = []
    steps: list[SelectionStep] = []
    fit_warnings: list[FitWarning] = []
    binned = _bin_features(frame, features, bad, requested_trends, settings, dropped, steps, fit_warnings)
    binned = _select(frame, binned, bad, settings, dropped, steps)
    binned, coefficients, intercept = _fit_regression(frame, binned, bad, settings, dropped, steps)
    model = _assemble(frame, features, target, bad, binned, coefficients, intercept, dropped, settings, created_at)
    model = replace(model, selection=tuple(steps), warnings=tuple(fit_warnings))
    if calibration_frame is not None and settings.calibration != "none":
        model = _calibrate(model, calibration_frame, target, settings)
    model = replace(model, model_version=model_version or default_model_version(model))
    logger.info(
        "scorecard %s fitted on %d rows: %d characteristics, %d features dropped, %d warnings, %.2f s",
        model.model_version,
        frame.height,
        len(model.characteristics),
        len(model.dropped),
        len(model.warnings),
        time.perf_counter() - started,
    )
    return model


def _bin_features(
    frame: pl.DataFrame,
    features: Sequence[str],
    bad: npt.NDArray[np.int64],
    trends: Mapping[str, str],
    settings: ScorecardSettings,
    dropped: list[DroppedFeature],
    steps: list[SelectionStep],
    fit_warnings: list[FitWarning],
) -> list[FeatureBinning]:
    """Bin every requested feature; record exclusions, binning drops and low IV."""
    binned: list[FeatureBinning] = []
    for name in features:
        if name in settings.excluded_attributes:
            dropped.append(DroppedFeature(name, DROP_EXCLUDED))
            steps.append(SelectionStep(name, "exclusion", DROP_EXCLUDED))
            continue
        outcome = bin_feature(frame.get_column(name), bad, trends.get(name, "auto"), settings)
        if isinstance(outcome, DroppedFeature):
            dropped.append(outcome)
            steps.append(SelectionStep(name, "binning", outcome.reason))
            if outcome.reason not in _PLAIN_DROPS:
                fit_warnings.append(FitWarning(name, f"{outcome.reason}: {outcome.detail}"))
            continue
        for warning in outcome.warnings:
            logger.warning("binning of %s: %s", name, warning.detail)
        fit_warnings.extend(outcome.warnings)
        if outcome.iv < settings.min_iv:
            detail = f"IV {outcome.iv:.4f} < {settings.min_iv}"
            dropped.append(DroppedFeature(name, DROP_LOW_IV, outcome.iv, detail))
            steps.append(SelectionStep(name, "iv", DROP_LOW_IV, outcome.iv))
        else:
            steps.append(SelectionStep(name, "iv", KEPT, outcome.iv))
            binned.append(outcome)
    return binned


def _select(
    frame: pl.DataFrame,
    binned: list[FeatureBinning],
    bad: npt.NDArray[np.int64],
    settings: ScorecardSettings,
    dropped: list[DroppedFeature],
    steps: list[SelectionStep],
) -> list[FeatureBinning]:
    """Run correlation, VIF and stepwise selection on the binned features' WoE."""
    if not binned:
        return binned
    names = [f.name for f in binned]
    matrix = np.column_stack([_woe_column(frame, f) for f in binned])
    selection = select_features(names, matrix, {f.name: f.iv for f in binned}, bad, settings)
    dropped.extend(selection.dropped)
    steps.extend(selection.steps)
    return [f for f in binned if f.name in selection.kept]


def _calibrate(model: Scorecard, holdout: pl.DataFrame, target: str, settings: ScorecardSettings) -> Scorecard:
    """Fit the score-to-PD table on ``holdout`` rows, which the bins and regression never saw."""
    bad = _target_values(holdout, target, 1)
    scored = model.score(holdout.select(model.features))
    calibration = fit_calibration(
        scored.get_column("score").to_numpy(),
        bad,
        scored.get_column("pd_raw").to_numpy(),
        method=settings.calibration,
        n_bins=settings.calibration_bins,
    )
    logger.info(
        "scorecard calibrated (%s) on %d rows: Brier %.5f, %.5f before",
        calibration.method,
        calibration.n_rows,
        calibration.brier,
        calibration.brier_raw,
    )
    return replace(model, calibration=calibration)


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


def _fit_regression(
    frame: pl.DataFrame,
    binned: list[FeatureBinning],
    bad: npt.NDArray[np.int64],
    settings: ScorecardSettings,
    dropped: list[DroppedFeature],
    steps: list[SelectionStep],
) -> tuple[list[FeatureBinning], FloatArray, float]:
    """Fit the regression, dropping the most positive coefficient and refitting until none is.

    A positive coefficient on WoE reverses the bin order the binning established, which
    is usually collinearity with a stronger feature.
    """
    woe_columns = {f.name: _woe_column(frame, f) for f in binned}
    while binned:
        matrix = np.column_stack([woe_columns[f.name] for f in binned])
        estimator = fit_logistic(matrix, bad, settings)
        coefficients = np.asarray(estimator.coef_[0], dtype=np.float64)
        worst = int(np.argmax(coefficients))
        if coefficients[worst] <= 0:
            steps.extend(
                SelectionStep(f.name, "selected", KEPT, float(beta))
                for f, beta in zip(binned, coefficients, strict=True)
            )
            return binned, coefficients, float(estimator.intercept_[0])
        feature = binned.pop(worst)
        steps.append(
            SelectionStep(feature.name, "coefficient_sign", DROP_POSITIVE_COEFFICIENT, float(coefficients[worst]))
        )
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
    binned: list[FeatureBinning],
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
    feature: FeatureBinning, beta: float, intercept: float, n: int, factor: float, offset: float
) -> Characteristic:
    points = -(beta * feature.woe + intercept / n) * factor + offset / n
    if feature.dtype == NUMERICAL:
        bounds: tuple[float | None, ...] = (None, *feature.splits, None)
    else:
        bounds = (None,) * (feature.n_bins + 1)
    bins = tuple(
        Bin(
            lower=bounds[k],
            upper=bounds[k + 1],
            count=int(feature.counts[k]),
            bad_rate=_rate(feature, k),
            woe=float(feature.woe[k]),
            points=float(points[k]),
        )
        for k in range(feature.n_bins)
    )
    special_bins = tuple(
        SpecialBin(
            value=value,
            count=int(feature.counts[slot]),
            bad_rate=_rate(feature, slot),
            woe=float(feature.woe[slot]),
            points=float(points[slot]),
            rule=MISSING_OBSERVED if feature.counts[slot] else MISSING_NEUTRAL,
        )
        for slot, value in enumerate(feature.special_values, start=feature.n_bins)
    )
    missing_count = int(feature.counts[-1])
    missing = MissingBin(
        count=missing_count,
        bad_rate=_rate(feature, -1),
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
        dtype=feature.dtype,
        categories=feature.categories,
        unseen_bin=feature.neutral_bin if feature.dtype == CATEGORICAL else None,
        special_bins=special_bins,
    )


def _rate(feature: FeatureBinning, slot: int) -> float | None:
    count = int(feature.counts[slot])
    return float(feature.bads[slot] / count) if count else None


def _check_request(
    frame: pl.DataFrame, features: Sequence[str], target: str, trends: Mapping[str, str]
) -> None:
    if isinstance(features, str) or not features:
        raise InvalidInput("scoring.features_invalid", detail="give at least one feature name as a list")
    repeated = sorted({name for name in features if list(features).count(name) > 1})
    if repeated:
        raise InvalidInput("scoring.features_invalid", detail=f"repeated names: {', '.join(repeated)}")
    # Polars renames a repeated CSV header to "<name>_duplicated_<n>"; fitting on either
    # column would silently pick one of two different sources.
    requested = {*features, target}
    duplicated = sorted(
        c for c in frame.columns if "_duplicated_" in c and c.split("_duplicated_")[0] in requested
    )
    if duplicated:
        raise InvalidInput("scoring.columns_duplicated", columns=", ".join(duplicated))
    if target in features:
        raise InvalidInput("scoring.features_invalid", detail=f"the target {target} is listed as a feature")
    missing = [name for name in [*features, target] if name not in frame.columns]
    if missing:
        raise InvalidInput("scoring.train_columns_missing", columns=", ".join(missing))
    for name, trend in trends.items():
        if trend not in TRENDS:
            raise InvalidInput("scoring.trend_invalid", feature=name, value=repr(trend), allowed=", ".join(TRENDS))


def _target_values(frame: pl.DataFrame, target: str, min_class_rows: int) -> npt.NDArray[np.int64]:
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
    if min(n_bad, bad.size - n_bad) < min_class_rows:
        raise InvalidInput(
            "scoring.target_too_few", column=target, bads=n_bad, goods=bad.size - n_bad, minimum=min_class_rows
        )
    return bad


def _woe_column(frame: pl.DataFrame, feature: FeatureBinning) -> FloatArray:
    return feature.woe[feature.slots(frame.get_column(feature.name))]
