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

    Logistic regression (scikit-learn ``LogisticRegression``, L2 penalty): inverse
    regularisation strength ``C``, ``solver``, ``max_iter``, ``tol`` and ``random_state``.
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

    def __post_init__(self) -> None:
        # A list given for the excluded attributes would make the frozen settings unhashable.
        object.__setattr__(self, "excluded_attributes", tuple(self.excluded_attributes))
        for name, (allowed, check) in _CONSTRAINTS.items():
            value = getattr(self, name)
            if not check(value):
                raise InvalidInput(
                    "scoring.setting_invalid", name=name, allowed=allowed, value=repr(value)
                )

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready mapping (tuples become lists)."""
        data = asdict(self)
        data["excluded_attributes"] = list(self.excluded_attributes)
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
        if "excluded_attributes" in values:
            values["excluded_attributes"] = tuple(values["excluded_attributes"])
        return cls(**values)


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
}
