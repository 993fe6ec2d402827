"""Feature selection on WoE columns: correlation, variance inflation and stepwise or L1.

Each function takes the candidate names in their current order and the WoE matrix, one
column per name. It returns the names it keeps, one :class:`SelectionStep` per decision
and one :class:`DroppedFeature` per drop. So the artifact shows why every requested
feature is in the model or not.

The stepwise regressions use a plain Newton-Raphson logistic fit (:func:`logistic_fit`)
because they need the log-likelihood and the coefficient covariance, which
scikit-learn's ``LogisticRegression`` does not return.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from creditline.scoring.scorecard import (
    DROP_CORRELATED,
    DROP_HIGH_VIF,
    DROP_L1,
    DROP_STEPWISE,
    DroppedFeature,
    SelectionStep,
)
from creditline.scoring.settings import ScorecardSettings

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

KEPT = "kept"

# Newton-Raphson stops when the log-likelihood gains less than this, or after the count.
_NEWTON_TOLERANCE = 1e-9
_NEWTON_MAX_ITER = 100
# A tiny ridge keeps the Hessian invertible when a WoE column separates the classes.
_NEWTON_RIDGE = 1e-8


@dataclass(frozen=True, slots=True)
class Selection:
    """Names kept by a selection stage, with the records of what it decided."""

    kept: list[str]
    steps: list[SelectionStep]
    dropped: list[DroppedFeature]


def select_features(
    names: Sequence[str],
    woe: FloatArray,
    iv: Mapping[str, float],
    bad: npt.NDArray[np.int64],
    settings: ScorecardSettings,
) -> Selection:
    """Run correlation, VIF and the stepwise method of ``settings`` in that order.

    Parameters
    ----------
    names : candidate features, in scorecard order.
    woe : WoE matrix, rows x ``len(names)``.
    iv : information value of every candidate.
    bad : 0/1 target of the rows.
    settings : ``max_correlation``, ``max_vif``, ``stepwise``, ``entry_p_value``, ``l1_C``.
    """
    steps: list[SelectionStep] = []
    dropped: list[DroppedFeature] = []
    kept = list(names)
    for stage in (_correlation_stage, _vif_stage, _stepwise_stage):
        columns = np.column_stack([woe[:, list(names).index(n)] for n in kept]) if kept else woe[:, :0]
        result = stage(kept, columns, iv, bad, settings)
        kept = result.kept
        steps += result.steps
        dropped += result.dropped
    return Selection(kept, steps, dropped)


def correlation_filter(names: Sequence[str], woe: FloatArray, iv: Mapping[str, float], max_correlation: float) -> Selection:
    """Drop the lower-IV feature of every pair whose |Pearson r| exceeds ``max_correlation``.

    Features are visited by IV, highest first, and each is kept when its correlation with
    every feature kept so far is at most the maximum. So a dropped feature always names a
    stronger kept one.
    """
    correlation = _correlation_matrix(woe)
    order = sorted(range(len(names)), key=lambda j: (-iv[names[j]], j))
    kept_index: list[int] = []
    steps: list[SelectionStep] = []
    dropped: list[DroppedFeature] = []
    for j in order:
        partner = max(kept_index, key=lambda k: abs(correlation[j, k]), default=None)
        value = abs(float(correlation[j, partner])) if partner is not None else 0.0
        if partner is not None and value > max_correlation:
            detail = f"|r| {value:.4f} > {max_correlation} with {names[partner]}"
            dropped.append(DroppedFeature(names[j], DROP_CORRELATED, iv[names[j]], detail))
            steps.append(SelectionStep(names[j], "correlation", DROP_CORRELATED, value))
        else:
            kept_index.append(j)
            steps.append(SelectionStep(names[j], "correlation", KEPT, value))
    kept = [name for j, name in enumerate(names) if j in kept_index]
    return Selection(kept, steps, dropped)


def variance_inflation(woe: FloatArray) -> FloatArray:
    """Return the VIF of every column, ``1 / (1 - R^2)`` of its regression on the others.

    A column that the others reproduce exactly gets infinity. With one column the VIF is 1.
    """
    n_columns = woe.shape[1]
    vif = np.ones(n_columns, dtype=np.float64)
    if n_columns < 2:
        return vif
    centred = woe - woe.mean(axis=0)
    for j in range(n_columns):
        target = centred[:, j]
        others = np.delete(centred, j, axis=1)
        coefficients, *_ = np.linalg.lstsq(others, target, rcond=None)
        residual = target - others @ coefficients
        total = float(target @ target)
        r_squared = 1.0 - float(residual @ residual) / total if total > 0 else 1.0
        vif[j] = math.inf if r_squared >= 1.0 - 1e-12 else 1.0 / (1.0 - r_squared)
    return vif


def vif_filter(names: Sequence[str], woe: FloatArray, iv: Mapping[str, float], max_vif: float) -> Selection:
    """Drop the feature with the highest VIF, recompute, and repeat while one exceeds ``max_vif``."""
    kept = list(names)
    columns = woe
    steps: list[SelectionStep] = []
    dropped: list[DroppedFeature] = []
    while True:
        vif = variance_inflation(columns)
        worst = int(np.argmax(vif)) if vif.size else 0
        if not vif.size or vif[worst] <= max_vif:
            break
        name = kept.pop(worst)
        columns = np.delete(columns, worst, axis=1)
        value = float(vif[worst]) if math.isfinite(vif[worst]) else None
        shown = f"{vif[worst]:.4g}" if value is not None else "infinite (exact linear combination)"
        dropped.append(DroppedFeature(name, DROP_HIGH_VIF, iv[name], f"VIF {shown} > {max_vif}"))
        steps.append(SelectionStep(name, "vif", DROP_HIGH_VIF, value))
    for name, value in zip(kept, vif, strict=True):
        steps.append(SelectionStep(name, "vif", KEPT, float(value)))
    return Selection(kept, steps, dropped)


@dataclass(frozen=True, slots=True)
class LogisticFit:
    """A maximum-likelihood logistic regression with intercept (first coefficient)."""

    coefficients: FloatArray
    log_likelihood: float
    covariance: FloatArray

    @property
    def aic(self) -> float:
        return 2.0 * self.coefficients.size - 2.0 * self.log_likelihood

    def p_values(self) -> FloatArray:
        """Two-sided Wald p-values of the coefficients (intercept first)."""
        errors = np.sqrt(np.maximum(np.diag(self.covariance), 0.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.abs(self.coefficients) / errors
        return np.array([math.erfc(v / math.sqrt(2.0)) if math.isfinite(v) else 0.0 for v in z])


def logistic_fit(woe: FloatArray, bad: npt.NDArray[np.int64]) -> LogisticFit:
    """Fit P(bad) = sigmoid(b0 + woe @ b) by Newton-Raphson, without penalty."""
    design = np.column_stack([np.ones(bad.size), woe])
    y = bad.astype(np.float64)
    beta = np.zeros(design.shape[1])
    rate = float(np.clip(y.mean(), 1e-12, 1 - 1e-12))
    beta[0] = math.log(rate / (1.0 - rate))
    previous = -math.inf
    hessian = np.eye(design.shape[1])
    log_likelihood = previous
    for _ in range(_NEWTON_MAX_ITER):
        eta = np.clip(design @ beta, -35.0, 35.0)
        p = 1.0 / (1.0 + np.exp(-eta))
        log_likelihood = float((y * eta - np.logaddexp(0.0, eta)).sum())
        if log_likelihood - previous < _NEWTON_TOLERANCE:
            break
        previous = log_likelihood
        weights = p * (1.0 - p)
        hessian = (design * weights[:, None]).T @ design + _NEWTON_RIDGE * np.eye(design.shape[1])
        beta = beta + np.linalg.solve(hessian, design.T @ (y - p))
    return LogisticFit(beta, log_likelihood, np.linalg.pinv(hessian))


def forward_stepwise(
    names: Sequence[str], woe: FloatArray, bad: npt.NDArray[np.int64], *, criterion: str, entry_p_value: float
) -> Selection:
    """Add features one at a time, starting from the intercept alone.

    With ``criterion`` "aic", each round adds the feature giving the lowest AIC, while
    that AIC is below the current one. With "pvalue", each round adds the feature with
    the lowest Wald p-value, while it is below ``entry_p_value``. Features never added
    are dropped with the value they had in the last round.
    """
    chosen: list[int] = []
    current = logistic_fit(woe[:, :0], bad).aic
    steps: list[SelectionStep] = []
    last_values: dict[int, float] = {}
    while len(chosen) < len(names):
        candidates = [j for j in range(len(names)) if j not in chosen]
        values = {}
        for j in candidates:
            fit = logistic_fit(woe[:, [*chosen, j]], bad)
            values[j] = fit.aic if criterion == "aic" else float(fit.p_values()[-1])
        last_values = values
        best = min(candidates, key=lambda j: (values[j], j))
        accepted = values[best] < current if criterion == "aic" else values[best] < entry_p_value
        if not accepted:
            break
        chosen.append(best)
        steps.append(SelectionStep(names[best], "stepwise", KEPT, values[best]))
        if criterion == "aic":
            current = values[best]
    dropped: list[DroppedFeature] = []
    label = "AIC" if criterion == "aic" else "p-value"
    for j, name in enumerate(names):
        if j not in chosen:
            value = last_values.get(j)
            detail = f"{label} {value:.6g} when added last" if value is not None else ""
            dropped.append(DroppedFeature(name, DROP_STEPWISE, None, detail))
            steps.append(SelectionStep(name, "stepwise", DROP_STEPWISE, value))
    kept = [name for j, name in enumerate(names) if j in chosen]
    return Selection(kept, steps, dropped)


def l1_filter(names: Sequence[str], woe: FloatArray, bad: npt.NDArray[np.int64], l1_c: float, random_state: int) -> Selection:
    """Drop features whose coefficient is 0 in an L1 logistic regression on standardised WoE."""
    from sklearn.linear_model import LogisticRegression

    scale = woe.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(l1_ratio=1.0, solver="saga", C=l1_c, max_iter=5000, random_state=random_state)
    model.fit((woe - woe.mean(axis=0)) / scale, bad)
    coefficients = np.asarray(model.coef_[0], dtype=np.float64)
    steps: list[SelectionStep] = []
    dropped: list[DroppedFeature] = []
    kept: list[str] = []
    for name, value in zip(names, coefficients, strict=True):
        if value == 0.0:
            dropped.append(DroppedFeature(name, DROP_L1, None, f"coefficient 0 at C={l1_c}"))
            steps.append(SelectionStep(name, "l1", DROP_L1, 0.0))
        else:
            kept.append(name)
            steps.append(SelectionStep(name, "l1", KEPT, float(value)))
    return Selection(kept, steps, dropped)


def _correlation_matrix(woe: FloatArray) -> FloatArray:
    """Pearson correlations of the columns; a constant column correlates 0 with every other."""
    centred = woe - woe.mean(axis=0)
    norms = np.sqrt((centred**2).sum(axis=0))
    norms[norms == 0] = np.inf
    unit = centred / norms
    return unit.T @ unit


def _correlation_stage(
    names: list[str], woe: FloatArray, iv: Mapping[str, float], bad: npt.NDArray[np.int64], settings: ScorecardSettings
) -> Selection:
    return correlation_filter(names, woe, iv, settings.max_correlation)


def _vif_stage(
    names: list[str], woe: FloatArray, iv: Mapping[str, float], bad: npt.NDArray[np.int64], settings: ScorecardSettings
) -> Selection:
    return vif_filter(names, woe, iv, settings.max_vif)


def _stepwise_stage(
    names: list[str], woe: FloatArray, iv: Mapping[str, float], bad: npt.NDArray[np.int64], settings: ScorecardSettings
) -> Selection:
    if settings.stepwise == "none" or not names:
        return Selection(list(names), [], [])
    if settings.stepwise == "l1":
        return l1_filter(names, woe, bad, settings.l1_C, settings.random_state)
    criterion = "aic" if settings.stepwise == "forward_aic" else "pvalue"
    return forward_stepwise(names, woe, bad, criterion=criterion, entry_p_value=settings.entry_p_value)
