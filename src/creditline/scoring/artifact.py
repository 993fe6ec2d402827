"""The scorecard's JSON artifact: write, read and validate it, and derive its version.

Layout (``format_version`` 2)::

    {"format": "creditline.scorecard", "format_version": 2, "model_version", "created_at",
     "target", "settings", "features": [{"name", "reason_code", "dtype", "trend",
     "requested_trend", "splits", "categories", "unseen_bin",
     "bins": [{"lower", "upper", "count", "bad_rate", "woe", "points"}],
     "special_bins": [{"value", "count", "bad_rate", "woe", "points", "rule"}],
     "missing_bin": {"count", "bad_rate", "woe", "points", "rule"}, "coefficient", "iv"}],
     "dropped": [{"name", "reason", "iv", "detail"}], "intercept",
     "scaling": {"factor", "offset"}, "metrics", "training",
     "selection": [{"feature", "step", "reason", "value"}],
     "warnings": [{"feature", "detail"}],
     "calibration": null or {"method", "scores", "pds", "n_rows", "n_bads", "brier",
                             "brier_raw", "table": [{"lower_pd", "upper_pd", "count",
                             "bads", "mean_pd", "bad_rate"}]}}

Version 2 added ``dtype``, ``categories``, ``unseen_bin`` and ``special_bins`` per
feature, the trend "none" for categorical features, and ``selection``, ``warnings`` and
``calibration``. Version 1 artifacts still load: their features are numerical with no
special values, and the model has no selection record, warning or calibration.

Open bin bounds are null, and categorical bins have null bounds too. Floats are written
with Python's shortest round-trip repr, so a loaded scorecard gives bit-identical scores.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import polars as pl

from creditline.errors import InvalidInput
from creditline.scoring.calibration import Calibration, CalibrationBin, check_table
from creditline.scoring.scorecard import (
    CATEGORICAL,
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
from creditline.scoring.settings import ScorecardSettings

FORMAT = "creditline.scorecard"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)

# Fields left out of the hash behind the default model version, so that refitting the
# same data with the same settings gives the same version.
_UNHASHED_FIELDS = ("model_version", "created_at")


def dump_artifact(model: Scorecard) -> str:
    """Serialise ``model`` to its JSON artifact."""
    stamped = {"model_version": model.model_version, "created_at": model.created_at.isoformat()}
    return _canonical_json(artifact_body(model) | stamped)


def artifact_body(model: Scorecard) -> dict[str, Any]:
    """Return the artifact fields that describe the fitted model, without version and time."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "target": model.target,
        "settings": model.settings.to_dict(),
        "features": [_characteristic_to_dict(c) for c in model.characteristics],
        "dropped": [
            {"name": d.name, "reason": d.reason, "iv": d.iv, "detail": d.detail}
            for d in model.dropped
        ],
        "intercept": model.intercept,
        "scaling": {"factor": model.factor, "offset": model.offset},
        "metrics": dict(model.metrics),
        "training": dict(model.training),
        "selection": [
            {"feature": step.feature, "step": step.step, "reason": step.reason, "value": step.value}
            for step in model.selection
        ],
        "warnings": [{"feature": w.feature, "detail": w.detail} for w in model.warnings],
        "calibration": model.calibration.to_dict() if model.calibration is not None else None,
    }


def default_model_version(model: Scorecard) -> str:
    """Return ``"sc-"`` and the first 12 hex digits of the SHA-256 of the artifact body."""
    digest = hashlib.sha256(_canonical_json(artifact_body(model)).encode("utf-8")).hexdigest()
    return f"sc-{digest[:12]}"


def frame_fingerprint(frame: pl.DataFrame, columns: Sequence[str]) -> str:
    """Return the SHA-256 hex digest of ``columns`` of ``frame`` in a stable serialisation.

    Each column contributes its name, its validity mask and its values, in the order
    given: numbers and booleans as little-endian float64 (null as 0), other columns as
    the byte length and UTF-8 text of each value. So the digest does not depend on the
    Polars version or on how the frame is stored in memory. Row order matters.
    """
    digest = hashlib.sha256()
    digest.update(f"rows={frame.height}\n".encode())
    for name in columns:
        column = frame.get_column(name)
        digest.update(f"column={name}\n".encode())
        digest.update(np.packbits(column.is_not_null().to_numpy()).tobytes())
        if column.dtype.is_numeric() or column.dtype in (pl.Boolean, pl.Null):
            values = column.cast(pl.Float64).fill_null(0.0).to_numpy()
            digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
        else:
            text = column.cast(pl.String).fill_null("")
            lengths = text.str.len_bytes().cast(pl.Int64).to_numpy()
            digest.update(np.ascontiguousarray(lengths, dtype="<i8").tobytes())
            digest.update(text.str.join("").item().encode("utf-8"))
    return digest.hexdigest()


def load_artifact(text: str) -> Scorecard:
    """Parse and validate a JSON artifact; every problem raises InvalidInput."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError) as exc:
        raise InvalidInput("scoring.artifact_not_json", detail=str(exc)) from None
    if not isinstance(data, dict):
        raise InvalidInput("scoring.artifact_format", found=type(data).__name__, expected=FORMAT)
    if data.get("format") != FORMAT:
        raise InvalidInput("scoring.artifact_format", found=repr(data.get("format")), expected=FORMAT)
    version = data.get("format_version")
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise InvalidInput(
            "scoring.artifact_version",
            found=repr(version),
            supported=", ".join(str(v) for v in READABLE_VERSIONS),
        )
    return _Reader(int(version)).scorecard(data)


def _canonical_json(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _characteristic_to_dict(c: Characteristic) -> dict[str, Any]:
    return {
        "name": c.name,
        "reason_code": c.reason_code,
        "dtype": c.dtype,
        "trend": c.trend,
        "requested_trend": c.requested_trend,
        "splits": list(c.splits),
        "categories": [list(group) for group in c.categories],
        "unseen_bin": c.unseen_bin,
        "special_bins": [
            {
                "value": b.value,
                "count": b.count,
                "bad_rate": b.bad_rate,
                "woe": b.woe,
                "points": b.points,
                "rule": b.rule,
            }
            for b in c.special_bins
        ],
        "bins": [
            {
                "lower": b.lower,
                "upper": b.upper,
                "count": b.count,
                "bad_rate": b.bad_rate,
                "woe": b.woe,
                "points": b.points,
            }
            for b in c.bins
        ],
        "missing_bin": {
            "count": c.missing_bin.count,
            "bad_rate": c.missing_bin.bad_rate,
            "woe": c.missing_bin.woe,
            "points": c.missing_bin.points,
            "rule": c.missing_bin.rule,
        },
        "coefficient": c.coefficient,
        "iv": c.iv,
    }


class _Reader:
    """Reads artifact fields, naming the JSON path of the first bad one in the error."""

    def __init__(self, version: int) -> None:
        self.version = version

    def scorecard(self, data: dict[str, Any]) -> Scorecard:
        settings_data = self.field(data, "settings", dict, "$")
        try:
            settings = ScorecardSettings.from_dict(settings_data)
        except TypeError as exc:
            raise _invalid("$.settings", str(exc)) from None
        features = self.field(data, "features", list, "$")
        if not features:
            raise _invalid("$.features", "the scorecard has no characteristics")
        scaling = self.field(data, "scaling", dict, "$")
        return Scorecard(
            model_version=self.field(data, "model_version", str, "$"),
            created_at=self.timestamp(data, "created_at", "$"),
            target=self.field(data, "target", str, "$"),
            settings=settings,
            characteristics=tuple(
                self.characteristic(item, f"$.features[{i}]") for i, item in enumerate(features)
            ),
            dropped=tuple(
                self.dropped(item, f"$.dropped[{i}]")
                for i, item in enumerate(self.field(data, "dropped", list, "$"))
            ),
            intercept=self.number(data, "intercept", "$"),
            factor=self.number(scaling, "factor", "$.scaling"),
            offset=self.number(scaling, "offset", "$.scaling"),
            metrics=self.field(data, "metrics", dict, "$"),
            training=self.field(data, "training", dict, "$"),
            **self.version_2_model_fields(data),
        )

    def version_2_model_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        if self.version < 2:
            return {}
        selection = tuple(
            SelectionStep(
                feature=self.field(item, "feature", str, f"$.selection[{i}]"),
                step=self.field(item, "step", str, f"$.selection[{i}]"),
                reason=self.field(item, "reason", str, f"$.selection[{i}]"),
                value=self.optional_number(item, "value", f"$.selection[{i}]"),
            )
            for i, item in enumerate(self.objects(data, "selection", "$"))
        )
        fit_warnings = tuple(
            FitWarning(
                feature=self.field(item, "feature", str, f"$.warnings[{i}]"),
                detail=self.field(item, "detail", str, f"$.warnings[{i}]"),
            )
            for i, item in enumerate(self.objects(data, "warnings", "$"))
        )
        if "calibration" not in data:
            raise _invalid("$.calibration", "missing")
        calibration = None if data["calibration"] is None else self.calibration(data["calibration"], "$.calibration")
        return {"selection": selection, "warnings": fit_warnings, "calibration": calibration}

    def calibration(self, item: Any, path: str) -> Calibration:
        item = self.object(item, path)
        scores = [self.finite(v, f"{path}.scores[{i}]") for i, v in enumerate(self.field(item, "scores", list, path))]
        pds = [self.finite(v, f"{path}.pds[{i}]") for i, v in enumerate(self.field(item, "pds", list, path))]
        problem = check_table(scores, pds)
        if problem:
            raise _invalid(f"{path}.scores", problem)
        table = tuple(
            CalibrationBin(
                lower_pd=self.number(row, "lower_pd", f"{path}.table[{i}]"),
                upper_pd=self.number(row, "upper_pd", f"{path}.table[{i}]"),
                count=self.count(row, f"{path}.table[{i}]"),
                bads=self.field(row, "bads", int, f"{path}.table[{i}]"),
                mean_pd=self.number(row, "mean_pd", f"{path}.table[{i}]"),
                bad_rate=self.number(row, "bad_rate", f"{path}.table[{i}]"),
            )
            for i, row in enumerate(self.objects(item, "table", path))
        )
        return Calibration(
            method=self.choice(item, "method", ("isotonic", "platt"), path),
            scores=tuple(scores),
            pds=tuple(pds),
            n_rows=self.field(item, "n_rows", int, path),
            n_bads=self.field(item, "n_bads", int, path),
            brier=self.number(item, "brier", path),
            brier_raw=self.number(item, "brier_raw", path),
            table=table,
        )

    def objects(self, data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
        return [self.object(v, f"{path}.{key}[{i}]") for i, v in enumerate(self.field(data, key, list, path))]

    def characteristic(self, item: Any, path: str) -> Characteristic:
        item = self.object(item, path)
        splits = tuple(
            self.finite(value, f"{path}.splits[{i}]")
            for i, value in enumerate(self.field(item, "splits", list, path))
        )
        if any(b <= a for a, b in zip(splits, splits[1:])):
            raise _invalid(f"{path}.splits", "the splits must be strictly increasing")
        bins = tuple(
            self.bin(value, f"{path}.bins[{i}]")
            for i, value in enumerate(self.field(item, "bins", list, path))
        )
        extra = self.version_2_feature_fields(item, path)
        categorical = extra.get("dtype") == CATEGORICAL
        if categorical and len(bins) != len(extra["categories"]):
            raise _invalid(
                f"{path}.bins", f"{len(bins)} bins for {len(extra['categories'])} category groups; expected the same number"
            )
        if not categorical and len(bins) != len(splits) + 1:
            raise _invalid(
                f"{path}.bins", f"{len(bins)} bins for {len(splits)} splits; expected {len(splits) + 1}"
            )
        trends = ("ascending", "descending", "none") if self.version >= 2 else ("ascending", "descending")
        return Characteristic(
            name=self.field(item, "name", str, path),
            reason_code=self.field(item, "reason_code", str, path),
            trend=self.choice(item, "trend", trends, path),
            requested_trend=self.choice(item, "requested_trend", ("ascending", "descending", "auto"), path),
            splits=splits,
            bins=bins,
            missing_bin=self.missing_bin(self.field(item, "missing_bin", dict, path), f"{path}.missing_bin"),
            coefficient=self.number(item, "coefficient", path),
            iv=self.number(item, "iv", path),
            **extra,
        )

    def version_2_feature_fields(self, item: dict[str, Any], path: str) -> dict[str, Any]:
        if self.version < 2:
            return {}
        dtype = self.choice(item, "dtype", (NUMERICAL, CATEGORICAL), path)
        categories = tuple(
            tuple(self.labels(group, f"{path}.categories[{i}]"))
            for i, group in enumerate(self.field(item, "categories", list, path))
        )
        if "unseen_bin" not in item:
            raise _invalid(f"{path}.unseen_bin", "missing")
        unseen = item["unseen_bin"]
        if dtype == CATEGORICAL and not (
            isinstance(unseen, int) and not isinstance(unseen, bool) and 0 <= unseen < len(categories)
        ):
            raise _invalid(f"{path}.unseen_bin", f"expected a bin index below {len(categories)}, got {unseen!r}")
        specials = tuple(
            self.special_bin(value, f"{path}.special_bins[{i}]")
            for i, value in enumerate(self.field(item, "special_bins", list, path))
        )
        return {
            "dtype": dtype,
            "categories": categories,
            "unseen_bin": unseen if dtype == CATEGORICAL else None,
            "special_bins": specials,
        }

    def labels(self, group: Any, path: str) -> list[str]:
        if not isinstance(group, list) or not all(isinstance(label, str) for label in group):
            raise _invalid(path, "expected a list of category labels (strings)")
        return group

    def special_bin(self, item: Any, path: str) -> SpecialBin:
        item = self.object(item, path)
        if "value" not in item:
            raise _invalid(f"{path}.value", "missing")
        value = item["value"]
        if not isinstance(value, str):
            value = self.finite(value, f"{path}.value")
        return SpecialBin(
            value=value,
            count=self.count(item, path),
            bad_rate=self.optional_number(item, "bad_rate", path),
            woe=self.number(item, "woe", path),
            points=self.number(item, "points", path),
            rule=self.choice(item, "rule", (MISSING_OBSERVED, MISSING_NEUTRAL), path),
        )

    def bin(self, item: Any, path: str) -> Bin:
        item = self.object(item, path)
        return Bin(
            lower=self.optional_number(item, "lower", path),
            upper=self.optional_number(item, "upper", path),
            count=self.count(item, path),
            bad_rate=self.optional_number(item, "bad_rate", path),
            woe=self.number(item, "woe", path),
            points=self.number(item, "points", path),
        )

    def missing_bin(self, item: dict[str, Any], path: str) -> MissingBin:
        return MissingBin(
            count=self.count(item, path),
            bad_rate=self.optional_number(item, "bad_rate", path),
            woe=self.number(item, "woe", path),
            points=self.number(item, "points", path),
            rule=self.choice(item, "rule", (MISSING_OBSERVED, MISSING_NEUTRAL), path),
        )

    def dropped(self, item: Any, path: str) -> DroppedFeature:
        item = self.object(item, path)
        return DroppedFeature(
            name=self.field(item, "name", str, path),
            reason=self.field(item, "reason", str, path),
            iv=self.optional_number(item, "iv", path),
            detail=str(item.get("detail", "")),
        )

    def object(self, item: Any, path: str) -> dict[str, Any]:
        if not isinstance(item, dict):
            raise _invalid(path, f"expected an object, got {type(item).__name__}")
        return item

    def field(self, data: dict[str, Any], key: str, kind: type, path: str) -> Any:
        if key not in data:
            raise _invalid(f"{path}.{key}", "missing")
        value = data[key]
        if not isinstance(value, kind):
            raise _invalid(f"{path}.{key}", f"expected {kind.__name__}, got {type(value).__name__}")
        return value

    def finite(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _invalid(path, f"expected a finite number, got {value!r}")
        return float(value)

    def number(self, data: dict[str, Any], key: str, path: str) -> float:
        if key not in data:
            raise _invalid(f"{path}.{key}", "missing")
        return self.finite(data[key], f"{path}.{key}")

    def optional_number(self, data: dict[str, Any], key: str, path: str) -> float | None:
        if key not in data:
            raise _invalid(f"{path}.{key}", "missing")
        return None if data[key] is None else self.finite(data[key], f"{path}.{key}")

    def count(self, data: dict[str, Any], path: str) -> int:
        value = self.field(data, "count", int, path)
        if isinstance(value, bool) or value < 0:
            raise _invalid(f"{path}.count", f"expected a count of at least 0, got {value!r}")
        return int(value)

    def choice(self, data: dict[str, Any], key: str, allowed: tuple[str, ...], path: str) -> str:
        value = self.field(data, key, str, path)
        if value not in allowed:
            raise _invalid(f"{path}.{key}", f"expected one of {', '.join(allowed)}, got {value!r}")
        return str(value)

    def timestamp(self, data: dict[str, Any], key: str, path: str) -> datetime:
        text = self.field(data, key, str, path)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise _invalid(f"{path}.{key}", f"expected an ISO 8601 timestamp, got {text!r}") from None
        if value.tzinfo is None:
            raise _invalid(f"{path}.{key}", f"expected a timestamp with a UTC offset, got {text!r}")
        return value


def _invalid(path: str, problem: str) -> InvalidInput:
    return InvalidInput("scoring.artifact_invalid", path=path, problem=problem)

