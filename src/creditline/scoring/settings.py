"""Settings of a scorecard fit: points scaling, feature selection, binning and the solver.

Every field is written into the model artifact, so a saved scorecard states how it was made.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from creditline.errors import InvalidInput

BINNING_SOLVERS = ("cp", "mip")
LOGISTIC_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky")
STEPWISE_METHODS = ("none", "forward_aic", "forward_pvalue", "l1")
CALIBRATION_METHODS = ("isotonic", "platt", "none")
# Slots are stored as uint8: bins, special values and the missing slot must fit in 255.
MAX_SPECIAL_VALUES = 16


@dataclass(frozen=True, slots=True)
class ScorecardSettings:
    """How to fit and scale a WoE logistic scorecard.

    Points scaling: a score of ``base_score`` means good:bad odds of ``base_odds`` to 1,
    and every ``pdo`` points double those odds. Higher scores are safer.

    Feature selection: features named in ``excluded_attributes`` (protected attributes) are
    never used, even when the caller lists them. Features whose information value is below
    ``min_iv`` are dropped. Both are recorded in the artifact with the reason.

    Binning (optbinning ``OptimalBinning``): each bin contains at least ``min_bin_share`` of the
    training rows (a fraction, not a percent), at most ``max_n_bins`` bins, pre-binning
    into at most ``max_n_prebins`` bins of at least ``min_prebin_share`` each, solved with
    ``binning_solver``.

    Special values and categories: ``special_values`` maps a feature to the values that
    mean something other than a quantity, such as -1 for "no bureau file". Each gets a
    bin of its own. Features named in ``categorical_features`` are binned as labels
    even when their dtype is numeric. Text columns always are.

    Training sample: the target needs at least ``min_class_rows`` bads and as many goods.

    Selection after binning: of two features whose WoE correlation exceeds
    ``max_correlation`` in absolute value, the one with the lower IV is dropped; then
    the feature with the highest variance inflation factor is dropped while it exceeds
    ``max_vif``; then ``stepwise`` selects: "forward_aic" (add the feature that lowers
    AIC most, while one does), "forward_pvalue" (add the feature with the lowest Wald
    p-value below ``entry_p_value``), "l1" (drop features with a zero coefficient in an
    L1 logistic regression of strength ``l1_C``) or "none".

    Logistic regression (scikit-learn ``LogisticRegression``, L2 penalty): inverse
    regularisation strength ``C``, ``solver``, ``max_iter``, ``tol`` and ``random_state``.

    Calibration on held-out rows: ``calibration`` is "isotonic", "platt" or "none", and
    the calibration table has ``calibration_bins`` bins of predicted PD.
    """

    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    max_reasons: int = 4
    excluded_attributes: tuple[str, ...] = ("sex", "marital_status")
    min_iv: float = 0.02
    min_bin_share: float = 0.05
    min_prebin_share: float = 0.02
    max_n_bins: int = 8
    max_n_prebins: int = 20
    binning_solver: str = "cp"
    C: float = 1.0
    solver: str = "lbfgs"
    max_iter: int = 1000
    tol: float = 1e-8
    random_state: int = 0
    # Feature -> its special values, stored as sorted pairs so the settings stay hashable.
    special_values: Any = ()
    categorical_features: tuple[str, ...] = ()
    min_class_rows: int = 10
    max_correlation: float = 0.7
    max_vif: float = 10.0
    stepwise: str = "forward_aic"
    entry_p_value: float = 0.05
    l1_C: float = 0.05
    calibration: str = "isotonic"
    calibration_bins: int = 10

    def __post_init__(self) -> None:
        # A list given for the excluded attributes would make the frozen settings unhashable.
        object.__setattr__(self, "excluded_attributes", tuple(self.excluded_attributes))
        object.__setattr__(self, "categorical_features", tuple(self.categorical_features))
        object.__setattr__(self, "special_values", _special_pairs(self.special_values))
        for name, (allowed, check) in _CONSTRAINTS.items():
            value = getattr(self, name)
            if not check(value):
                raise InvalidInput(
                    "scoring.setting_invalid", name=name, allowed=allowed, value=repr(value)
                )

    def special_values_of(self, feature: str) -> tuple[float | str, ...]:
        """Return the special values declared for ``feature``, empty when none are."""
        return dict(self.special_values).get(feature, ())

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready mapping (tuples become lists)."""
        data = asdict(self)
        data["excluded_attributes"] = list(self.excluded_attributes)
        data["categorical_features"] = list(self.categorical_features)
        data["special_values"] = {name: list(values) for name, values in self.special_values}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScorecardSettings:
        """Build settings from :meth:`to_dict` output; unknown keys raise InvalidInput."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(
                "scoring.setting_unknown", names=", ".join(unknown), known=", ".join(sorted(known))
            )
        values = dict(data)
        for name in ("excluded_attributes", "categorical_features"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        return cls(**values)


def _special_pairs(value: Any) -> Any:
    """Normalise a mapping of feature -> special values to sorted (feature, values) pairs.

    A value that is neither a mapping nor such pairs is returned unchanged, so that the
    constraint table reports it.
    """
    items = value.items() if isinstance(value, Mapping) else value
    try:
        pairs = tuple(sorted((name, tuple(values)) for name, values in items))
    except (TypeError, ValueError):
        return value
    return pairs


def _is_special_pairs(value: Any) -> bool:
    if not isinstance(value, tuple):
        return False
    for pair in value:
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str) and pair[0]):
            return False
        values = pair[1]
        if not 1 <= len(values) <= MAX_SPECIAL_VALUES or len(set(values)) != len(values):
            return False
        if not all(isinstance(v, str) or _is_real(v) for v in values):
            return False
    return True


def _is_real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_positive(value: Any) -> bool:
    return _is_real(value) and value > 0


def _is_fraction(value: Any) -> bool:
    return _is_real(value) and 0 < value < 1


def _is_names(value: Any) -> bool:
    return isinstance(value, tuple) and all(isinstance(item, str) and item for item in value)


# One table of parameter checks, so every failure is phrased the same way:
# setting name -> (allowed values in Python notation, check). The notation reads the same
# in the Chinese and the English message.
_CONSTRAINTS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "base_score": ("finite float", _is_real),
    "base_odds": ("float > 0", _is_positive),
    "pdo": ("float > 0", _is_positive),
    "max_reasons": ("int >= 1", lambda v: _is_int(v) and v >= 1),
    "excluded_attributes": ("tuple[str, ...] of non-empty names", _is_names),
    "min_iv": ("float >= 0", lambda v: _is_real(v) and v >= 0),
    "min_bin_share": ("0 < float <= 0.5", lambda v: _is_real(v) and 0 < v <= 0.5),
    "min_prebin_share": ("0 < float < 1", _is_fraction),
    "max_n_bins": ("int >= 2", lambda v: _is_int(v) and v >= 2),
    "max_n_prebins": ("int >= 2", lambda v: _is_int(v) and v >= 2),
    "binning_solver": (" | ".join(repr(v) for v in BINNING_SOLVERS), lambda v: v in BINNING_SOLVERS),
    "C": ("float > 0", _is_positive),
    "solver": (" | ".join(repr(v) for v in LOGISTIC_SOLVERS), lambda v: v in LOGISTIC_SOLVERS),
    "max_iter": ("int >= 1", lambda v: _is_int(v) and v >= 1),
    "tol": ("float > 0", _is_positive),
    "random_state": ("int >= 0", lambda v: _is_int(v) and v >= 0),
    "special_values": (
        f"{{feature: [1 to {MAX_SPECIAL_VALUES} distinct finite numbers or strings]}}",
        _is_special_pairs,
    ),
    "categorical_features": ("tuple[str, ...] of non-empty names", _is_names),
    "min_class_rows": ("int >= 1", lambda v: _is_int(v) and v >= 1),
    "max_correlation": ("0 < float <= 1", lambda v: _is_real(v) and 0 < v <= 1),
    "max_vif": ("float > 1", lambda v: _is_real(v) and v > 1),
    "stepwise": (" | ".join(repr(v) for v in STEPWISE_METHODS), lambda v: v in STEPWISE_METHODS),
    "entry_p_value": ("0 < float < 1", _is_fraction),
    "l1_C": ("float > 0", _is_positive),
    "calibration": (" | ".join(repr(v) for v in CALIBRATION_METHODS), lambda v: v in CALIBRATION_METHODS),
    "calibration_bins": ("int >= 1", lambda v: _is_int(v) and v >= 1),
}
