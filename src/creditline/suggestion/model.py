"""Need-for-change model: next-month utilisation and the classes "pressing" and "falling".

Three linear models share the features of :mod:`creditline.suggestion.features`:

* a Huber regression of the change in utilisation (balance / approved limit, clipped to
  [0, 1.5]) from the newest month to the next; the forecast is the newest utilisation
  plus that change. Utilisation barely moves for most lines, so the robust loss keeps
  the few large swings from pulling the typical forecast away from "unchanged";
* a logistic regression of "pressing": next-month utilisation >= 0.9;
* a logistic regression of "falling far below": next-month utilisation < 0.1, or
  next-month spending below 30 % of the mean of the months before.

Fitting uses scikit-learn (the ``train`` extra); the fitted model is versioned JSON with
the standardisation folded into the coefficients, and scoring needs NumPy only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np

from creditline.errors import InvalidInput
from creditline.scoring.metrics import auc
from creditline.suggestion.features import (
    FEATURE_NAMES,
    UTILISATION_CAP,
    WINDOW_MONTHS,
    NextMonthTargets,
    StatementWindow,
    feature_matrix,
)

ARTIFACT_FORMAT = 1
ARTIFACT_KIND = "utilisation"
# The model fitted on the Taiwan statements by benchmarks/suggestion_model.py, shipped so
# that suggestions work before a lender fits its own.
SHIPPED_ARTIFACT = "utilisation_taiwan.json"
DEFAULT_HUBER_EPSILON = 1.35
DEFAULT_LOGISTIC_C = 1.0


@dataclass(frozen=True, slots=True)
class LinearPart:
    """One fitted linear model on raw (unscaled) features: ``intercept + features @ coefficients``."""

    intercept: float
    coefficients: tuple[float, ...]

    def decision(self, features: np.ndarray) -> np.ndarray:
        return self.intercept + features @ np.asarray(self.coefficients, dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"intercept": self.intercept, "coefficients": list(self.coefficients)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearPart:
        return cls(intercept=float(data["intercept"]), coefficients=tuple(float(c) for c in data["coefficients"]))


@dataclass(frozen=True, slots=True)
class NeedPrediction:
    """Scores of ``n`` lines for the month after their window."""

    utilisation: np.ndarray  # predicted next-month utilisation, in [0, 1.5]
    pressing: np.ndarray  # probability of utilisation >= 0.9
    falling: np.ndarray  # probability of falling far below recent use


@dataclass(frozen=True, slots=True)
class UtilisationModel:
    """The fitted need-for-change model; ``version_`` is a hash of its coefficients."""

    regression_: LinearPart
    pressing_: LinearPart
    falling_: LinearPart
    feature_names: tuple[str, ...] = FEATURE_NAMES
    window_months: int = WINDOW_MONTHS
    n_train_: int = 0
    metrics_: dict[str, float] = field(default_factory=dict)
    trained_on: str = ""

    @property
    def version_(self) -> str:
        parts = {k: v for k, v in self._document().items() if k not in ("version", "metrics")}
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
        return f"{ARTIFACT_KIND}-{digest[:12]}"

    def predict(self, window: StatementWindow) -> NeedPrediction:
        """Score the lines of ``window``, which must hold :attr:`window_months` months."""
        if window.n_months != self.window_months:
            raise InvalidInput(
                detail=f"the model reads {self.window_months} statement months, the window has {window.n_months}"
            )
        features = feature_matrix(window)
        change = self.regression_.decision(features)
        return NeedPrediction(
            utilisation=np.clip(features[:, _NEWEST] + change, 0.0, UTILISATION_CAP),
            pressing=_sigmoid(self.pressing_.decision(features)),
            falling=_sigmoid(self.falling_.decision(features)),
        )

    def _document(self) -> dict[str, Any]:
        return {
            "format": ARTIFACT_FORMAT,
            "kind": ARTIFACT_KIND,
            "feature_names": list(self.feature_names),
            "window_months": self.window_months,
            "utilisation_cap": UTILISATION_CAP,
            # The regression predicts the change from the newest month's utilisation.
            "regression": {**self.regression_.to_dict(), "offset_feature": "utilisation_1"},
            "pressing": self.pressing_.to_dict(),
            "falling": self.falling_.to_dict(),
            "n_train": self.n_train_,
            "trained_on": self.trained_on,
            "metrics": dict(self.metrics_),
        }

    def to_json(self) -> str:
        """Return the artifact as JSON text, with its version."""
        return json.dumps({**self._document(), "version": self.version_}, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> UtilisationModel:
        """Read an artifact written by :meth:`to_json`.

        Raises
        ------
        InvalidInput
            When the text is not an artifact of this format and kind, or its features
            differ from :data:`FEATURE_NAMES`.
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InvalidInput(detail=f"utilisation model artifact is not JSON: {error}") from None
        if data.get("format") != ARTIFACT_FORMAT or data.get("kind") != ARTIFACT_KIND:
            raise InvalidInput(
                detail=f"expected a utilisation model artifact of format {ARTIFACT_FORMAT}, "
                f"got kind {data.get('kind')!r} format {data.get('format')!r}"
            )
        if tuple(data["feature_names"]) != FEATURE_NAMES:
            raise InvalidInput(detail="the artifact's features differ from this version's; refit the model")
        return cls(
            regression_=LinearPart.from_dict(data["regression"]),
            pressing_=LinearPart.from_dict(data["pressing"]),
            falling_=LinearPart.from_dict(data["falling"]),
            window_months=int(data["window_months"]),
            n_train_=int(data["n_train"]),
            metrics_={k: float(v) for k, v in data.get("metrics", {}).items()},
            trained_on=str(data.get("trained_on", "")),
        )


_NEWEST = FEATURE_NAMES.index("utilisation_1")


def load_shipped_model() -> UtilisationModel:
    """Return the model shipped with the package (fitted on the Taiwan statements)."""
    text = resources.files("creditline.suggestion").joinpath(SHIPPED_ARTIFACT).read_text(encoding="utf-8")
    return UtilisationModel.from_json(text)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50.0, 50.0)))


def _fold_scaling(coefficients: np.ndarray, intercept: float, mean: np.ndarray, scale: np.ndarray) -> LinearPart:
    """Express a model fitted on standardised features as one on raw features."""
    raw = coefficients / scale
    return LinearPart(intercept=float(intercept - raw @ mean), coefficients=tuple(float(c) for c in raw))


def fit_utilisation_model(
    window: StatementWindow,
    targets: NextMonthTargets,
    *,
    huber_epsilon: float = DEFAULT_HUBER_EPSILON,
    logistic_c: float = DEFAULT_LOGISTIC_C,
    trained_on: str = "",
) -> UtilisationModel:
    """Fit the three parts on the lines of ``window`` and what their next month held.

    Raises
    ------
    InvalidInput
        When a class has a single value in the training lines, so it cannot be fitted.
    """
    from sklearn.linear_model import HuberRegressor, LogisticRegression
    from sklearn.preprocessing import StandardScaler

    features = feature_matrix(window)
    scaler = StandardScaler().fit(features)
    scaled = scaler.transform(features)
    # Constant features (scale 0) get scale 1 from StandardScaler, so folding is safe.
    mean, scale = scaler.mean_, scaler.scale_

    change = targets.utilisation - features[:, _NEWEST]
    huber = HuberRegressor(epsilon=huber_epsilon, max_iter=2000).fit(scaled, change)
    parts = {"regression": _fold_scaling(huber.coef_, float(huber.intercept_), mean, scale)}
    for name, labels in (("pressing", targets.pressing), ("falling", targets.falling)):
        if np.unique(labels).size < 2:
            raise InvalidInput(detail=f"every training line has the same {name} class; it cannot be fitted")
        logistic = LogisticRegression(C=logistic_c, max_iter=2000).fit(scaled, labels.astype(int))
        parts[name] = _fold_scaling(logistic.coef_[0], float(logistic.intercept_[0]), mean, scale)

    return UtilisationModel(
        regression_=parts["regression"],
        pressing_=parts["pressing"],
        falling_=parts["falling"],
        window_months=window.n_months,
        n_train_=len(window.account_ids),
        trained_on=trained_on,
    )


def mean_absolute_error(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - predicted)))


def r_squared(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Return the coefficient of determination, 1 - SS_res / SS_tot."""
    total = float(np.sum((actual - actual.mean()) ** 2))
    return 1.0 - float(np.sum((actual - predicted) ** 2)) / total if total else 0.0


def evaluate(model: UtilisationModel, window: StatementWindow, targets: NextMonthTargets) -> dict[str, float]:
    """Compare the model with the naive forecast "next month = newest month" on held-out lines.

    Returns MAE and R^2 of the utilisation forecast and AUC of both classes, each for the
    model and for the baseline, whose class scores are the newest utilisation ("pressing")
    and its negative ("falling").
    """
    predicted = model.predict(window)
    newest = feature_matrix(window)[:, _NEWEST]
    actual = targets.utilisation
    return {
        "rows": float(actual.size),
        "mae": mean_absolute_error(actual, predicted.utilisation),
        "mae_baseline": mean_absolute_error(actual, newest),
        "r2": r_squared(actual, predicted.utilisation),
        "r2_baseline": r_squared(actual, newest),
        "auc_pressing": auc(targets.pressing.astype(int), predicted.pressing),
        "auc_pressing_baseline": auc(targets.pressing.astype(int), newest),
        "auc_falling": auc(targets.falling.astype(int), predicted.falling),
        "auc_falling_baseline": auc(targets.falling.astype(int), -newest),
        "pressing_rate": float(targets.pressing.mean()),
        "falling_rate": float(targets.falling.mean()),
    }
