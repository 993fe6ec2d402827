"""LightGBM challenger to the scorecard: monotone gradient boosting saved as versioned JSON.

The challenger models P(bad) with LightGBM under monotone constraints that agree with the
scorecard's risk trends. A feature whose bad rate rises with its value ("ascending") gets
constraint +1 on the log-odds of bad, "descending" gets -1, and "auto" stays unconstrained.

Its score uses the scorecard's points scaling, ``score = offset - factor * logit(PD)``, so
that both models rank and band on one scale. Reason codes come from LightGBM's per-feature
contributions (``pred_contrib=True``, SHAP values on the log-odds scale): the features that
push a row's risk up the most, mapped to risk reason codes, each code once.

Artifact layout (``format_version`` 1)::

    {"format": "creditline.challenger", "format_version": 1, "model_version", "created_at",
     "target", "features": [{"name", "reason_code", "monotone_constraint"}], "settings",
     "scaling": {"factor", "offset"}, "booster": "<LightGBM text model>", "metrics", "training"}

The booster is LightGBM's own text format (``Booster.model_to_string``), never a pickle.
Loading and scoring need LightGBM (the ``train`` extra) but not scikit-learn.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.domain.reasons import reason_for_feature
from creditline.errors import InvalidInput
from creditline.scoring.artifact import frame_fingerprint
from creditline.scoring.metrics import auc, gini, ks

if TYPE_CHECKING:
    import lightgbm

logger = logging.getLogger(__name__)

FORMAT = "creditline.challenger"
FORMAT_VERSION = 1

FloatArray = npt.NDArray[np.float64]

# Risk trend -> LightGBM monotone constraint on the raw score (the log-odds of bad).
TREND_CONSTRAINTS = {"ascending": 1, "descending": -1, "auto": 0}


@dataclass(frozen=True, slots=True)
class ChallengerSettings:
    """How to fit and scale the LightGBM challenger.

    Boosting: ``n_estimators`` rounds of trees with at most ``num_leaves`` leaves, each
    leaf with at least ``min_child_samples`` training rows, shrunk by ``learning_rate``,
    with L2 leaf regularisation ``reg_lambda``. ``seed`` and ``num_threads`` are fixed and
    LightGBM runs with ``deterministic=True``, so the same data gives the same model text.

    Points scaling as in the scorecard: ``base_score`` means good:bad odds of
    ``base_odds`` to 1 and every ``pdo`` points double the odds. ``max_reasons`` caps the
    reason codes per row.
    """

    n_estimators: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_child_samples: int = 50
    reg_lambda: float = 1.0
    seed: int = 0
    num_threads: int = 1
    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0
    max_reasons: int = 4

    def __post_init__(self) -> None:
        for name, (allowed, check) in _CONSTRAINTS.items():
            value = getattr(self, name)
            if not check(value):
                raise InvalidInput("challenger.setting_invalid", name=name, allowed=allowed, value=repr(value))

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a JSON-ready mapping."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChallengerSettings:
        """Build settings from :meth:`to_dict` output; unknown keys raise InvalidInput."""
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidInput(
                "challenger.setting_unknown", names=", ".join(unknown), known=", ".join(sorted(known))
            )
        return cls(**dict(data))

    @property
    def factor(self) -> float:
        """Points per unit of log-odds: ``pdo / ln 2``."""
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        """Score at even odds: ``base_score - factor * ln(base_odds)``."""
        return self.base_score - self.factor * math.log(self.base_odds)


def _is_int_at_least(minimum: int) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum


def _is_positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0


# One table of parameter checks: setting -> (allowed values in Python notation, check).
_CONSTRAINTS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "n_estimators": ("int >= 1", _is_int_at_least(1)),
    "learning_rate": ("float > 0", _is_positive),
    "num_leaves": ("int >= 2", _is_int_at_least(2)),
    "min_child_samples": ("int >= 1", _is_int_at_least(1)),
    "reg_lambda": ("float >= 0", lambda v: v == 0 or _is_positive(v)),
    "seed": ("int >= 0", _is_int_at_least(0)),
    "num_threads": ("int >= 1", _is_int_at_least(1)),
    "base_score": ("finite float", lambda v: isinstance(v, int | float) and math.isfinite(v)),
    "base_odds": ("float > 0", _is_positive),
    "pdo": ("float > 0", _is_positive),
    "max_reasons": ("int >= 1", _is_int_at_least(1)),
}


@dataclass(frozen=True, slots=True)
class ChallengerFeature:
    """One input of the challenger with its reason code and monotone constraint (+1, -1 or 0)."""

    name: str
    reason_code: str
    monotone_constraint: int


@dataclass(frozen=True)
class Challenger:
    """A fitted LightGBM challenger, saved and loaded as versioned JSON.

    ``metrics`` contains the training-sample AUC, KS and Gini; ``training`` the row and bad
    counts and the SHA-256 fingerprint of the training columns.
    """

    model_version: str
    created_at: datetime
    target: str
    inputs: tuple[ChallengerFeature, ...]
    settings: ChallengerSettings
    booster_text: str
    metrics: dict[str, float] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    _booster: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def features(self) -> tuple[str, ...]:
        """Names of the model inputs, in model order."""
        return tuple(item.name for item in self.inputs)

    def booster(self) -> lightgbm.Booster:
        """Return the LightGBM booster parsed from the stored model text (parsed once)."""
        if self._booster is None:
            lgb = _import_lightgbm()
            object.__setattr__(self, "_booster", lgb.Booster(model_str=self.booster_text))
        return self._booster

    def score(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Score every row of ``frame``.

        Returns ``frame`` with ``score`` (Float64, higher is safer, on the scorecard's
        points scale), ``pd`` (probability of bad, a fraction) and ``reason_codes``
        (List[String]: the codes of the features whose contribution raised the row's
        log-odds of bad, largest first, each code once, at most ``settings.max_reasons``).
        Null and NaN values go down the trees' missing-value branches.

        Raises
        ------
        InvalidInput
            When a feature column is absent or not numeric.
        """
        matrix = feature_matrix(frame, self.features, self.model_version)
        booster = self.booster()
        log_odds = np.asarray(booster.predict(matrix, raw_score=True), dtype=np.float64)
        contributions = np.asarray(booster.predict(matrix, pred_contrib=True), dtype=np.float64)
        codes = [item.reason_code for item in self.inputs]
        reasons = rank_contributions(contributions[:, : len(codes)], codes, self.settings.max_reasons)
        offset, factor = self.settings.offset, self.settings.factor
        return frame.with_columns(
            pl.Series("score", offset - factor * log_odds, dtype=pl.Float64),
            pl.Series("pd", _sigmoid(log_odds), dtype=pl.Float64),
            reasons,
        )

    def to_json(self) -> str:
        """Serialise to the versioned JSON artifact (format ``creditline.challenger``)."""
        stamped = {"model_version": self.model_version, "created_at": self.created_at.isoformat()}
        return _canonical_json(_artifact_body(self) | stamped)

    @classmethod
    def from_json(cls, text: str) -> Challenger:
        """Load a challenger from :meth:`to_json` output.

        Raises
        ------
        InvalidInput
            When the text is not JSON, not a challenger artifact, of an unsupported
            ``format_version``, or has a missing or malformed field.
        """
        return _load_artifact(text)

    def save(self, path: str | Path) -> Path:
        """Write the JSON artifact to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        target.write_text(self.to_json(), encoding="utf-8")
        logger.info("challenger %s saved", self.model_version)
        return target

    @classmethod
    def load(cls, path: str | Path) -> Challenger:
        """Read a JSON artifact written by :meth:`save`; see :meth:`from_json` for errors."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def monotone_constraints(features: Sequence[str], trends: Mapping[str, str]) -> dict[str, int]:
    """Map each feature's risk trend to its LightGBM monotone constraint.

    "ascending" (bad rate rises with the value) gives +1, "descending" -1, and "auto" or a
    feature missing from ``trends`` 0 (unconstrained).

    Raises
    ------
    InvalidInput
        When a trend is not one of "ascending", "descending" or "auto".
    """
    constraints: dict[str, int] = {}
    for name in features:
        trend = str(trends.get(name, "auto"))
        if trend not in TREND_CONSTRAINTS:
            raise InvalidInput(
                "challenger.trend_invalid", feature=name, value=repr(trend), allowed=", ".join(TREND_CONSTRAINTS)
            )
        constraints[name] = TREND_CONSTRAINTS[trend]
    return constraints


def fit_challenger(
    frame: pl.DataFrame,
    *,
    features: Sequence[str],
    target: str = "bad",
    trends: Mapping[str, str] | None = None,
    settings: ChallengerSettings | None = None,
    created_at: datetime | None = None,
    model_version: str | None = None,
) -> Challenger:
    """Fit the LightGBM challenger on ``frame``.

    Parameters
    ----------
    frame : training rows with the numeric ``features`` and the 0/1 ``target`` (1 = bad).
    features : model inputs, in order; names must be unique.
    trends : risk trend per feature ("ascending", "descending", "auto"); missing is "auto".
    settings : boosting and scaling settings; defaults to :class:`ChallengerSettings`.
    created_at : timezone-aware creation time; defaults to now (UTC).
    model_version : defaults to ``"ch-"`` and 12 hex digits of the SHA-256 of the
        artifact body, so refitting the same data with the same settings gives the same version.

    Raises
    ------
    InvalidInput
        When features are missing, duplicated or not numeric, the target is not 0/1 or has
        one class, a trend is invalid, or ``created_at`` is naive.
    """
    settings = settings or ChallengerSettings()
    features = list(features)
    _check_training_frame(frame, features, target)
    constraints = monotone_constraints(features, trends or {})
    matrix = feature_matrix(frame, features, "challenger")
    label = frame.get_column(target).cast(pl.Float64).to_numpy()

    booster = _train_booster(matrix, label, features, constraints, settings)
    when = created_at or datetime.now(UTC)
    if when.tzinfo is None:
        raise InvalidInput("challenger.created_at_naive", value=when.isoformat())
    log_odds = np.asarray(booster.predict(matrix, raw_score=True), dtype=np.float64)
    fingerprint_columns = [*features, target]
    model = Challenger(
        model_version="",
        created_at=when.astimezone(UTC),
        target=target,
        inputs=tuple(ChallengerFeature(name, reason_for_feature(name), constraints[name]) for name in features),
        settings=settings,
        booster_text=booster.model_to_string(),
        metrics={"auc": auc(label, log_odds), "ks": ks(label, log_odds), "gini": gini(label, log_odds)},
        training={
            "rows": frame.height,
            "bads": int(label.sum()),
            "bad_rate": float(label.mean()),
            "fingerprint": frame_fingerprint(frame, fingerprint_columns),
            "fingerprint_columns": fingerprint_columns,
        },
    )
    version = model_version or _default_model_version(model)
    logger.info("challenger %s fitted on %d rows, %d features", version, frame.height, len(features))
    return replace(model, model_version=version)


def rank_contributions(contributions: FloatArray, codes: Sequence[str], max_reasons: int) -> pl.Series:
    """Return each row's reason codes from per-feature contributions to the log-odds of bad.

    ``contributions[i, j]`` is feature ``j``'s contribution to row ``i``; ``codes[j]`` its
    reason code. Only positive contributions count (they push risk up). Larger comes
    first, equal contributions keep feature order, a code shared by several features
    appears once at the position of its largest contribution, and at most
    ``max_reasons`` codes are returned per row.
    """
    n_rows, n_features = contributions.shape
    if n_features != len(codes):
        raise ValueError(f"{n_features} contribution columns for {len(codes)} reason codes")
    # Stable sort of the negated values: largest first, ties in feature order.
    order = np.argsort(-contributions, axis=1, kind="stable")
    ranked = np.take_along_axis(contributions, order, axis=1)
    code_array = np.asarray(codes, dtype=object)
    rows: list[list[str]] = []
    for row_order, row_values in zip(order, ranked, strict=True):
        picked: list[str] = []
        for position, value in zip(row_order, row_values, strict=True):
            if value <= 0 or len(picked) == max_reasons:
                break
            code = code_array[position]
            if code not in picked:
                picked.append(code)
        rows.append(picked)
    return pl.Series("reason_codes", rows, dtype=pl.List(pl.String))


def feature_matrix(frame: pl.DataFrame, features: Sequence[str], model_version: str) -> FloatArray:
    """Return ``features`` of ``frame`` as a C-ordered float64 matrix with NaN for null.

    Raises
    ------
    InvalidInput
        When a column is absent or not numeric.
    """
    missing = [name for name in features if name not in frame.columns]
    if missing:
        raise InvalidInput("challenger.columns_missing", columns=", ".join(missing), model_version=model_version)
    for name in features:
        dtype = frame.schema[name]
        if not (dtype.is_numeric() or dtype in (pl.Boolean, pl.Null)):
            raise InvalidInput("challenger.feature_not_numeric", feature=name, dtype=str(dtype))
    selected = frame.select(pl.col(name).cast(pl.Float64) for name in features)
    return np.ascontiguousarray(selected.to_numpy(), dtype=np.float64)


def _check_training_frame(frame: pl.DataFrame, features: list[str], target: str) -> None:
    if not features:
        raise InvalidInput("challenger.no_features")
    duplicated = sorted({name for name in features if features.count(name) > 1})
    if duplicated:
        raise InvalidInput("challenger.features_duplicated", names=", ".join(duplicated))
    if target not in frame.columns:
        raise InvalidInput("challenger.columns_missing", columns=target, model_version="challenger")
    labels = frame.get_column(target)
    values = labels.cast(pl.Float64, strict=False)
    invalid = ~values.is_in([0.0, 1.0]).fill_null(False)
    if invalid.any():
        found = labels.filter(invalid).unique(maintain_order=True).head(5).cast(pl.String).fill_null("null")
        raise InvalidInput("challenger.target_not_binary", column=target, values=", ".join(found.to_list()))
    bads = int(values.sum())
    goods = frame.height - bads
    if bads == 0 or goods == 0:
        raise InvalidInput("challenger.target_single_class", column=target, bads=bads, goods=goods)


def _train_booster(
    matrix: FloatArray,
    label: FloatArray,
    features: list[str],
    constraints: Mapping[str, int],
    settings: ChallengerSettings,
) -> lightgbm.Booster:
    lgb = _import_lightgbm()
    params = {
        "objective": "binary",
        "learning_rate": settings.learning_rate,
        "num_leaves": settings.num_leaves,
        "min_data_in_leaf": settings.min_child_samples,
        "lambda_l2": settings.reg_lambda,
        "monotone_constraints": [constraints[name] for name in features],
        # "intermediate" fits better than "basic". "advanced" broke monotonicity in
        # LightGBM 4.7.0 when the constrained feature had missing values (seen in
        # test_pd_is_monotone_in_constrained_feature), so it is not used.
        "monotone_constraints_method": "intermediate",
        "seed": settings.seed,
        "num_threads": settings.num_threads,
        "deterministic": True,
        # Row-wise histograms avoid LightGBM's timing-based choice between layouts.
        "force_row_wise": True,
        "verbosity": -1,
    }
    dataset = lgb.Dataset(matrix, label=label, feature_name=features, free_raw_data=True)
    return lgb.train(params, dataset, num_boost_round=settings.n_estimators)


def _import_lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError:
        raise InvalidInput("challenger.lightgbm_missing") from None
    return lightgbm


def _sigmoid(log_odds: FloatArray) -> FloatArray:
    # Written with exp(-|z|) so that extreme raw scores neither overflow nor lose precision.
    decay = np.exp(-np.abs(log_odds))
    return np.where(log_odds >= 0, 1.0 / (1.0 + decay), decay / (1.0 + decay))


def _artifact_body(model: Challenger) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "target": model.target,
        "features": [
            {"name": f.name, "reason_code": f.reason_code, "monotone_constraint": f.monotone_constraint}
            for f in model.inputs
        ],
        "settings": model.settings.to_dict(),
        "scaling": {"factor": model.settings.factor, "offset": model.settings.offset},
        "booster": model.booster_text,
        "metrics": dict(model.metrics),
        "training": dict(model.training),
    }


def _default_model_version(model: Challenger) -> str:
    digest = hashlib.sha256(_canonical_json(_artifact_body(model)).encode("utf-8")).hexdigest()
    return f"ch-{digest[:12]}"


def _canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _load_artifact(text: str) -> Challenger:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise InvalidInput("challenger.artifact_not_json", detail=str(exc)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = repr(data.get("format")) if isinstance(data, dict) else type(data).__name__
        raise InvalidInput("challenger.artifact_format", found=found, expected=FORMAT)
    if data.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(
            "challenger.artifact_version", found=repr(data.get("format_version")), supported=FORMAT_VERSION
        )
    features = _field(data, "features", list, "$")
    if not features:
        raise InvalidInput("challenger.artifact_invalid", path="$.features", problem="the model has no features")
    inputs = tuple(_feature(item, f"$.features[{i}]") for i, item in enumerate(features))
    try:
        settings = ChallengerSettings.from_dict(_field(data, "settings", dict, "$"))
    except TypeError as exc:
        raise InvalidInput("challenger.artifact_invalid", path="$.settings", problem=str(exc)) from None
    created_text = _field(data, "created_at", str, "$")
    try:
        created_at = datetime.fromisoformat(created_text)
    except ValueError:
        raise InvalidInput(
            "challenger.artifact_invalid", path="$.created_at", problem=f"{created_text!r} is not an ISO 8601 time"
        ) from None
    if created_at.tzinfo is None:
        raise InvalidInput("challenger.artifact_invalid", path="$.created_at", problem="the time has no time zone")
    return Challenger(
        model_version=_field(data, "model_version", str, "$"),
        created_at=created_at,
        target=_field(data, "target", str, "$"),
        inputs=inputs,
        settings=settings,
        booster_text=_field(data, "booster", str, "$"),
        metrics=_field(data, "metrics", dict, "$"),
        training=_field(data, "training", dict, "$"),
    )


def _feature(item: Any, path: str) -> ChallengerFeature:
    if not isinstance(item, dict):
        raise InvalidInput("challenger.artifact_invalid", path=path, problem="expected an object")
    constraint = _field(item, "monotone_constraint", int, path)
    if constraint not in (-1, 0, 1):
        raise InvalidInput(
            "challenger.artifact_invalid", path=f"{path}.monotone_constraint", problem=f"{constraint} is not -1, 0 or 1"
        )
    return ChallengerFeature(
        name=_field(item, "name", str, path),
        reason_code=_field(item, "reason_code", str, path),
        monotone_constraint=constraint,
    )


def _field(data: dict[str, Any], name: str, kind: type, path: str) -> Any:
    if name not in data:
        raise InvalidInput("challenger.artifact_invalid", path=f"{path}.{name}", problem="missing")
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(
            "challenger.artifact_invalid",
            path=f"{path}.{name}",
            problem=f"expected {kind.__name__}, got {type(value).__name__}",
        )
    return value
