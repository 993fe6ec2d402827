"""Calibration of the scorecard's PD on held-out rows: a monotone score-to-PD table.

The logistic PD of a scorecard is fitted on the same rows as its bins and can be off in
level, and WoE binning flattens it within bins. Calibration fits a map from score to
observed bad rate on rows the scorecard did not see:

- ``isotonic``: scikit-learn's ``IsotonicRegression`` of bad on score, decreasing (a
  higher score is safer). The table is its thresholds.
- ``platt``: a one-feature logistic regression of bad on score (Platt scaling). The table
  is that curve at :data:`PLATT_KNOTS` evenly spaced scores over the calibration range.

Scoring interpolates linearly between the table's knots and returns the end values
beyond them. Importing this module needs only NumPy; fitting imports scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from creditline.errors import InvalidInput
from creditline.scoring.metrics import brier_score

FloatArray = npt.NDArray[np.float64]

# Calibrated PDs are kept within [PD_FLOOR, 1 - PD_FLOOR]. An isotonic fit gives PD 0 to
# the safest block when the calibration rows have no bad there, and a limit policy should
# never read a PD of exactly 0 or 1 from a finite sample.
PD_FLOOR = 1e-4
PLATT_KNOTS = 64


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    """One row of a calibration table: rows whose predicted PD is in ``[lower_pd, upper_pd]``."""

    lower_pd: float
    upper_pd: float
    count: int
    bads: int
    mean_pd: float  # mean predicted PD of the rows
    bad_rate: float  # observed fraction of bads among them


@dataclass(frozen=True, slots=True)
class Calibration:
    """A monotone score-to-PD table fitted on held-out rows, with its quality on them.

    ``scores`` are strictly increasing and ``pds`` non-increasing, both fractions of 1
    for PD. ``brier`` and ``brier_raw`` are the Brier scores of the calibrated and of the
    logistic PD on the calibration rows. ``table`` bins those rows by calibrated PD.
    """

    method: str
    scores: tuple[float, ...]
    pds: tuple[float, ...]
    n_rows: int
    n_bads: int
    brier: float
    brier_raw: float
    table: tuple[CalibrationBin, ...]

    def pd(self, score: npt.ArrayLike) -> FloatArray:
        """Return the calibrated PD of each score, interpolated linearly between knots."""
        values = np.asarray(score, dtype=np.float64)
        return np.interp(values, np.asarray(self.scores), np.asarray(self.pds))

    def to_dict(self) -> dict[str, Any]:
        """Return the calibration as a JSON-ready mapping."""
        return {
            "method": self.method,
            "scores": list(self.scores),
            "pds": list(self.pds),
            "n_rows": self.n_rows,
            "n_bads": self.n_bads,
            "brier": self.brier,
            "brier_raw": self.brier_raw,
            "table": [
                {
                    "lower_pd": b.lower_pd,
                    "upper_pd": b.upper_pd,
                    "count": b.count,
                    "bads": b.bads,
                    "mean_pd": b.mean_pd,
                    "bad_rate": b.bad_rate,
                }
                for b in self.table
            ],
        }


def fit_calibration(
    score: npt.ArrayLike, bad: npt.ArrayLike, pd_raw: npt.ArrayLike, *, method: str, n_bins: int = 10
) -> Calibration:
    """Fit a score-to-PD table on held-out rows.

    Parameters
    ----------
    score : scorecard scores of the calibration rows (higher is safer).
    bad : 0/1 outcomes of the same rows.
    pd_raw : the scorecard's logistic PD of the same rows, for ``brier_raw``.
    method : "isotonic" or "platt".
    n_bins : number of PD bins in the calibration table.

    Raises
    ------
    InvalidInput
        When the method is unknown, the arrays differ in length, or the rows lack bads
        or goods.
    """
    if method not in ("isotonic", "platt"):
        raise InvalidInput(
            "scoring.setting_invalid", name="calibration", allowed="'isotonic' | 'platt'", value=repr(method)
        )
    scores = np.asarray(score, dtype=np.float64).ravel()
    outcome = np.asarray(bad, dtype=np.float64).ravel()
    raw = np.asarray(pd_raw, dtype=np.float64).ravel()
    if not scores.size == outcome.size == raw.size:
        raise InvalidInput(
            "scoring.metric_length_mismatch", metric="calibration", n_bad=outcome.size, n_risk=scores.size
        )
    n_bads = int(outcome.sum())
    if n_bads == 0 or n_bads == outcome.size:
        raise InvalidInput("scoring.calibration_single_class", bads=n_bads, goods=outcome.size - n_bads)

    knots, pds = _isotonic_knots(scores, outcome) if method == "isotonic" else _platt_knots(scores, outcome)
    calibrated = np.interp(scores, knots, pds)
    return Calibration(
        method=method,
        scores=tuple(float(v) for v in knots),
        pds=tuple(float(v) for v in pds),
        n_rows=int(scores.size),
        n_bads=n_bads,
        brier=brier_score(outcome, calibrated),
        brier_raw=brier_score(outcome, raw),
        table=calibration_table(outcome, calibrated, n_bins=n_bins),
    )


def calibration_table(bad: npt.ArrayLike, pd: npt.ArrayLike, *, n_bins: int = 10) -> tuple[CalibrationBin, ...]:
    """Bin rows by predicted PD into about equal-count bins and compare with the bad rate.

    Rows with the same PD always share a bin, so there are fewer than ``n_bins`` bins when
    PDs repeat (a scorecard has few distinct scores).
    """
    outcome = np.asarray(bad, dtype=np.float64).ravel()
    predicted = np.asarray(pd, dtype=np.float64).ravel()
    if predicted.size == 0:
        return ()
    inner_edges = np.unique(np.quantile(predicted, np.linspace(0, 1, n_bins + 1)[1:-1]))
    bin_of_row = np.searchsorted(inner_edges, predicted, side="right")
    rows: list[CalibrationBin] = []
    for k in np.unique(bin_of_row):
        in_bin = bin_of_row == k
        members = predicted[in_bin]
        rows.append(
            CalibrationBin(
                lower_pd=float(members.min()),
                upper_pd=float(members.max()),
                count=int(in_bin.sum()),
                bads=int(outcome[in_bin].sum()),
                mean_pd=float(members.mean()),
                bad_rate=float(outcome[in_bin].mean()),
            )
        )
    return tuple(rows)


def calibration_from_dict(data: dict[str, Any]) -> Calibration:
    """Build a calibration from :meth:`Calibration.to_dict` output (validated by the artifact reader)."""
    return Calibration(
        method=str(data["method"]),
        scores=tuple(float(v) for v in data["scores"]),
        pds=tuple(float(v) for v in data["pds"]),
        n_rows=int(data["n_rows"]),
        n_bads=int(data["n_bads"]),
        brier=float(data["brier"]),
        brier_raw=float(data["brier_raw"]),
        table=tuple(CalibrationBin(**row) for row in data["table"]),
    )


def check_table(scores: Sequence[float], pds: Sequence[float]) -> str | None:
    """Return what is wrong with a score-to-PD table, or None when it is valid."""
    if len(scores) == 0 or len(scores) != len(pds):
        return f"{len(scores)} scores and {len(pds)} PDs; expected the same non-zero number"
    if any(b <= a for a, b in zip(scores, scores[1:])):
        return "the scores must be strictly increasing"
    if any(b > a for a, b in zip(pds, pds[1:])):
        return "the PDs must not rise as the score rises"
    if any(not 0.0 <= p <= 1.0 for p in pds):
        return "every PD must be within [0, 1]"
    return None


def _isotonic_knots(scores: FloatArray, outcome: FloatArray) -> tuple[FloatArray, FloatArray]:
    from sklearn.isotonic import IsotonicRegression

    model = IsotonicRegression(increasing=False, y_min=PD_FLOOR, y_max=1.0 - PD_FLOOR, out_of_bounds="clip")
    model.fit(scores, outcome)
    knots = np.asarray(model.X_thresholds_, dtype=np.float64)
    pds = np.asarray(model.y_thresholds_, dtype=np.float64)
    if knots.size == 1:
        # One distinct score: a flat table of two knots keeps np.interp well defined.
        knots = np.array([knots[0], knots[0] + 1.0])
        pds = np.repeat(pds, 2)
    return knots, pds


def _platt_knots(scores: FloatArray, outcome: FloatArray) -> tuple[FloatArray, FloatArray]:
    from sklearn.linear_model import LogisticRegression

    low, high = float(scores.min()), float(scores.max())
    if high == low:
        high = low + 1.0
    scale = (high - low) or 1.0
    # Scaled to [0, 1] so that the solver's tolerance means the same whatever the points scale.
    model = LogisticRegression(C=1e6, max_iter=1000)
    model.fit(((scores - low) / scale).reshape(-1, 1), outcome)
    knots = np.linspace(low, high, PLATT_KNOTS)
    pds = model.predict_proba(((knots - low) / scale).reshape(-1, 1))[:, 1]
    pds = np.clip(pds, PD_FLOOR, 1.0 - PD_FLOOR)
    # A sample where bads score higher would give a rising curve; the table must not rise.
    pds = np.minimum.accumulate(pds)
    return knots, pds
