"""A fitted WoE scorecard and its vectorised scoring, in NumPy and Polars only.

Importing this module, loading a saved scorecard and scoring with it never imports
optbinning, scikit-learn or pandas. Fitting lives in :mod:`creditline.scoring.train`.

Points scaling (higher score = safer)::

    factor = pdo / ln 2
    offset = base_score - factor * ln(base_odds)
    points of bin j of characteristic i = -(beta_i * woe_ij + beta_0 / n) * factor + offset / n
    score = sum of the points of the row's bins = offset - factor * logit(PD)
    PD = 1 / (1 + exp((score - offset) / factor))

where ``beta`` are the logistic-regression coefficients on WoE (P(bad) is modelled, so
they are negative), ``beta_0`` the intercept and ``n`` the number of characteristics.

WoE orientation, everywhere in this package: ``woe = ln(share of goods / share of bads)``,
so a higher WoE is safer and earns more points.

Slots: every characteristic maps a value to one slot, in this order: its bins, then one
slot per lender-declared special value, then the missing slot (null and NaN). A
categorical characteristic gives a label never seen in training the slot ``unseen_bin``.
When ``calibration`` is set, ``pd`` is read from its score-to-PD table and ``pd_raw``
keeps the logistic PD above; otherwise the two are equal.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.errors import InvalidInput
from creditline.scoring.calibration import Calibration
from creditline.scoring.reason_codes import SlotArray, rank_reason_codes
from creditline.scoring.settings import ScorecardSettings

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

# Up to this many splits, assign_slots compares against each split in a uint8 counter
# (at most 254 bins and the missing slot fit in uint8).
_MAX_COMPARED_SPLITS = 32

# Source of the missing bin's points (the ``rule`` of :class:`MissingBin`).
MISSING_OBSERVED = "observed"  # training had missing values: own WoE from their counts
MISSING_NEUTRAL = "neutral bin"  # training had none: the points of the bin with WoE closest to 0

# Why a feature is not in the scorecard (the ``reason`` of :class:`DroppedFeature`).
DROP_EXCLUDED = "excluded attribute"
DROP_NOT_NUMERIC = "not numeric"
DROP_ALL_MISSING = "all values missing"
DROP_CONSTANT = "constant value"
DROP_BINNING_FAILED = "binning failed"
DROP_SINGLE_BIN = "single bin"
DROP_LOW_IV = "information value below minimum"
DROP_POSITIVE_COEFFICIENT = "coefficient sign reversed"
DROP_TREND_NOT_MET = "requested trend not met"
DROP_CORRELATED = "correlated with a stronger feature"
DROP_HIGH_VIF = "variance inflation factor above maximum"
DROP_STEPWISE = "not selected by stepwise regression"
DROP_L1 = "zero L1 coefficient"
DROP_REASONS = (
    DROP_EXCLUDED,
    DROP_NOT_NUMERIC,
    DROP_ALL_MISSING,
    DROP_CONSTANT,
    DROP_BINNING_FAILED,
    DROP_SINGLE_BIN,
    DROP_LOW_IV,
    DROP_POSITIVE_COEFFICIENT,
    DROP_TREND_NOT_MET,
    DROP_CORRELATED,
    DROP_HIGH_VIF,
    DROP_STEPWISE,
    DROP_L1,
)

NUMERICAL = "numerical"
CATEGORICAL = "categorical"


@dataclass(frozen=True, slots=True)
class Bin:
    """One value range of a characteristic: ``lower <= x < upper``; None is unbounded."""

    lower: float | None
    upper: float | None
    count: int  # training rows in the bin
    bad_rate: float | None  # fraction of bads among them; None for an empty bin
    woe: float  # ln(share of goods in bin / share of bads in bin); higher is safer
    points: float


@dataclass(frozen=True, slots=True)
class MissingBin:
    """Points for a null or NaN value; ``rule`` is their source (one of the MISSING_* values)."""

    count: int
    bad_rate: float | None
    woe: float
    points: float
    rule: str


@dataclass(frozen=True, slots=True)
class SpecialBin:
    """Points for one lender-declared special value, such as -1 for "no bureau file".

    ``rule`` is MISSING_OBSERVED when training had rows with the value (own WoE from
    their counts) and MISSING_NEUTRAL when it had none (the neutral bin's WoE).
    """

    value: float | str
    count: int
    bad_rate: float | None
    woe: float
    points: float
    rule: str


@dataclass(frozen=True, slots=True)
class Characteristic:
    """One feature of the scorecard: its bins, WoE, coefficient and points."""

    name: str
    reason_code: str
    # "ascending" or "descending": how the bad rate moves as the value rises; "none" for
    # a categorical feature, whose bins are ordered by bad rate instead.
    trend: str
    requested_trend: str  # what the fit was asked for: "ascending", "descending" or "auto"
    splits: tuple[float, ...]  # strictly increasing; bin k is splits[k-1] <= x < splits[k]
    bins: tuple[Bin, ...]
    missing_bin: MissingBin
    coefficient: float
    iv: float
    dtype: str = NUMERICAL
    categories: tuple[tuple[str, ...], ...] = ()  # categorical: the labels of each bin
    unseen_bin: int | None = None  # categorical: the bin of labels never seen in training
    special_bins: tuple[SpecialBin, ...] = ()

    def slot_index(self, values: FloatArray) -> SlotArray:
        """Map numeric values to slots (bins, special values, then NaN as missing)."""
        specials = tuple(float(s.value) for s in self.special_bins)
        return assign_slots(self.splits, values, specials)

    def slots(self, column: pl.Series) -> SlotArray:
        """Map a column to slots; a categorical characteristic reads it as text labels.

        Raises
        ------
        InvalidInput
            When a numerical characteristic gets a column that is not numeric.
        """
        if self.dtype == CATEGORICAL:
            mapping = {label: k for k, group in enumerate(self.categories) for label in group}
            first_special = len(self.bins)
            mapping.update({str(s.value): first_special + j for j, s in enumerate(self.special_bins)})
            return assign_categories(column, mapping, self.unseen_bin or 0, first_special + len(self.special_bins))
        return self.slot_index(_feature_values(column))

    def slot_points(self) -> FloatArray:
        """Points of every bin, then of every special value, then of the missing slot."""
        points = [b.points for b in self.bins] + [s.points for s in self.special_bins]
        return np.array(points + [self.missing_bin.points], dtype=np.float64)

    def slot_woe(self) -> FloatArray:
        """WoE of every bin, then of every special value, then of the missing slot."""
        woe = [b.woe for b in self.bins] + [s.woe for s in self.special_bins]
        return np.array(woe + [self.missing_bin.woe], dtype=np.float64)

    def slot_losses(self) -> FloatArray:
        """Points each slot loses against the best bin (special and missing slots may be negative)."""
        points = self.slot_points()
        return float(points[: len(self.bins)].max()) - points


@dataclass(frozen=True, slots=True)
class DroppedFeature:
    """A requested feature left out of the scorecard, with one of the DROP_* reasons."""

    name: str
    reason: str
    iv: float | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SelectionStep:
    """One decision of the fit about one feature, in the order the fit made them.

    ``step`` is the stage ("exclusion", "binning", "iv", "correlation", "vif",
    "stepwise", "l1", "coefficient_sign" or "selected"), ``reason`` a DROP_* value or
    "kept", and ``value`` the statistic behind it (IV, |r|, VIF, AIC, p-value or
    coefficient), None where there is none.
    """

    feature: str
    step: str
    reason: str
    value: float | None = None


@dataclass(frozen=True, slots=True)
class FitWarning:
    """A problem the fit worked around, such as a requested trend the data cannot meet."""

    feature: str
    detail: str


@dataclass(frozen=True)
class Scorecard:
    """A fitted WoE logistic scorecard, saved and loaded as versioned JSON.

    ``metrics`` contains the training-sample AUC, KS and Gini; ``training`` the row count,
    bad count, bad rate and the SHA-256 fingerprint of the training columns.
    ``selection`` records every feature-selection step and ``warnings`` the problems the
    binning worked around. ``calibration`` maps scores to calibrated PDs when set.
    """

    model_version: str
    created_at: datetime
    target: str
    settings: ScorecardSettings
    characteristics: tuple[Characteristic, ...]
    dropped: tuple[DroppedFeature, ...]
    intercept: float
    factor: float
    offset: float
    metrics: dict[str, float] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    selection: tuple[SelectionStep, ...] = ()
    warnings: tuple[FitWarning, ...] = ()
    calibration: Calibration | None = None

    @property
    def features(self) -> tuple[str, ...]:
        """Names of the characteristics, in model order."""
        return tuple(c.name for c in self.characteristics)

    def score(self, frame: pl.DataFrame, *, with_points: bool = False) -> pl.DataFrame:
        """Score every row of ``frame``.

        Returns ``frame`` with the columns ``score`` (Float64, higher is safer), ``pd``
        (probability of bad, a fraction; calibrated when the scorecard has a
        calibration), ``pd_raw`` (the logistic PD of the score) and ``reason_codes`` (List[String], at most
        ``settings.max_reasons`` codes, largest points loss against the characteristic's
        best bin first, each code once). ``with_points=True`` also adds one
        ``points_<feature>`` column per characteristic.

        Null and NaN values get the missing bin's points, and special values their own.
        Values outside the training range get the points of the outer bins. A
        categorical label never seen in training gets the points of ``unseen_bin``.

        Raises
        ------
        InvalidInput
            When a feature column is absent, or not numeric for a numerical characteristic.
        """
        self._check_columns(frame)
        total = np.zeros(frame.height, dtype=np.float64)
        slots: list[SlotArray] = []
        point_columns: dict[str, FloatArray] = {}
        for characteristic in self.characteristics:
            slot = characteristic.slots(frame.get_column(characteristic.name))
            points = characteristic.slot_points()[slot]
            total += points
            slots.append(slot)
            if with_points:
                point_columns[f"points_{characteristic.name}"] = points

        reasons = rank_reason_codes(
            slots,
            [c.slot_losses() for c in self.characteristics],
            [c.reason_code for c in self.characteristics],
            self.settings.max_reasons,
        )
        pd_raw = pd_from_score(total, self.offset, self.factor)
        calibrated = pd_raw if self.calibration is None else self.calibration.pd(total)
        columns = [
            pl.Series("score", total, dtype=pl.Float64),
            pl.Series("pd", calibrated, dtype=pl.Float64),
            pl.Series("pd_raw", pd_raw, dtype=pl.Float64),
            reasons,
        ]
        columns += [pl.Series(name, values) for name, values in point_columns.items()]
        return frame.with_columns(columns)

    def woe(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return the WoE of each characteristic for every row, one column per feature.

        These are the inputs of the logistic regression; the score equals
        ``offset - factor * (intercept + sum(coefficient * woe))``.
        """
        self._check_columns(frame)
        return pl.DataFrame(
            {
                c.name: c.slot_woe()[c.slots(frame.get_column(c.name))]
                for c in self.characteristics
            }
        )

    def iv_table(self) -> pl.DataFrame:
        """Return the information value of every requested feature, highest first.

        Columns: ``feature``, ``iv`` (null where it was never computed), ``selected``
        (in the scorecard) and ``reason`` (why it was dropped, null when selected).
        """
        rows: list[dict[str, Any]] = [
            {"feature": c.name, "iv": c.iv, "selected": True, "reason": None}
            for c in self.characteristics
        ]
        rows += [
            {"feature": d.name, "iv": d.iv, "selected": False, "reason": d.reason}
            for d in self.dropped
        ]
        schema = {"feature": pl.String, "iv": pl.Float64, "selected": pl.Boolean, "reason": pl.String}
        return pl.DataFrame(rows, schema=schema).sort(
            ["iv", "feature"], descending=[True, False], nulls_last=True
        )

    def to_json(self) -> str:
        """Serialise to the versioned JSON artifact (format ``creditline.scorecard``)."""
        from creditline.scoring.artifact import dump_artifact

        return dump_artifact(self)

    @classmethod
    def from_json(cls, text: str) -> Scorecard:
        """Load a scorecard from :meth:`to_json` output.

        Raises
        ------
        InvalidInput
            When the text is not JSON, not a scorecard artifact, of an unsupported
            ``format_version``, or has a missing or malformed field.
        """
        from creditline.scoring.artifact import load_artifact

        return load_artifact(text)

    def save(self, path: str | Path) -> Path:
        """Write the JSON artifact to ``path`` (UTF-8) and return the path."""
        target = Path(path)
        target.write_text(self.to_json(), encoding="utf-8")
        logger.info("scorecard %s saved", self.model_version)
        return target

    @classmethod
    def load(cls, path: str | Path) -> Scorecard:
        """Read a JSON artifact written by :meth:`save`; see :meth:`from_json` for errors."""
        return cls.from_json(Path(path).read_text(encoding="utf-8"))

    def _check_columns(self, frame: pl.DataFrame) -> None:
        missing = [name for name in self.features if name not in frame.columns]
        if missing:
            raise InvalidInput(
                "scoring.columns_missing",
                columns=", ".join(missing),
                model_version=self.model_version,
            )


def assign_slots(splits: Sequence[float], values: FloatArray, specials: Sequence[float] = ()) -> SlotArray:
    """Return the slot of each value: its bin, its special value's slot, or the missing slot.

    Bin k contains ``splits[k-1] <= x < splits[k]``. Values below the first split or above
    the last, -inf and +inf included, fall in the outer bins. A value equal to
    ``specials[j]`` gets slot ``len(splits) + 1 + j`` and NaN gets the last slot,
    ``len(splits) + 1 + len(specials)``.
    """
    n_splits = len(splits)
    if n_splits > _MAX_COMPARED_SPLITS:
        index: SlotArray = np.searchsorted(np.asarray(splits, dtype=np.float64), values, side="right")
    else:
        # Counting the splits each value reaches is about four times faster than
        # searchsorted for the handful of splits a scorecard has, because the uint8
        # passes are branch-free and stream through memory.
        index = np.zeros(values.size, dtype=np.uint8)
        reached = np.empty(values.size, dtype=np.bool_)
        for split in splits:
            np.greater_equal(values, split, out=reached)
            np.add(index, reached, out=index, casting="unsafe")
    for j, special in enumerate(specials):
        index[values == special] = n_splits + 1 + j
    index[np.isnan(values)] = n_splits + 1 + len(specials)
    return index


def assign_categories(column: pl.Series, mapping: dict[str, int], unseen_slot: int, missing_slot: int) -> SlotArray:
    """Return the slot of each label of ``column`` read as text.

    Labels in ``mapping`` get their slot, other labels ``unseen_slot`` and nulls
    ``missing_slot``. Labels are matched whole, so commas, semicolons or bars inside a
    label are ordinary characters.
    """
    labels = column.cast(pl.String)
    slots = labels.replace_strict(mapping, default=unseen_slot, return_dtype=pl.UInt8)
    slots = pl.select(pl.when(labels.is_null()).then(missing_slot).otherwise(slots).cast(pl.UInt8)).to_series()
    return np.asarray(slots.to_numpy(), dtype=np.uint8)


def load_scorecard(path: str | Path) -> Scorecard:
    """Read a scorecard JSON artifact from ``path``; see :meth:`Scorecard.from_json`."""
    return Scorecard.load(path)


def pd_from_score(score: FloatArray, offset: float, factor: float) -> FloatArray:
    """Convert scores to PD (a fraction): ``1 / (1 + exp((score - offset) / factor))``.

    Written with ``exp(-|z|)`` so that extreme scores neither overflow nor lose precision.
    """
    log_odds_bad = (offset - np.asarray(score, dtype=np.float64)) / factor
    decay = np.exp(-np.abs(log_odds_bad))
    return np.where(log_odds_bad >= 0, 1.0 / (1.0 + decay), decay / (1.0 + decay))


def _feature_values(column: pl.Series) -> FloatArray:
    """Return a feature column as float64 with NaN for null."""
    name = column.name
    if not (column.dtype.is_numeric() or column.dtype in (pl.Boolean, pl.Null)):
        raise InvalidInput("scoring.feature_not_numeric", feature=name, dtype=str(column.dtype))
    values = column.cast(pl.Float64).to_numpy()
    # to_numpy may return a read-only view; the caller never writes into it.
    return np.asarray(values, dtype=np.float64)
