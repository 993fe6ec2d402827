"""Population stability of a scorecard: PSI of the score and CSI of each characteristic.

Both compare the share of rows per band (score) or per slot (characteristic) between
the training sample (expected, ``e``) and the current portfolio (actual, ``a``)::

    PSI = sum over bands of (a - e) * ln(a / e)

CSI is the same sum over a characteristic's slots: its bins, special values and the
missing slot. Status bands: below 0.10 ``stable``, 0.10 to 0.25 ``watch`` (0.25
included), above 0.25 ``shift``.

Smoothing: a band that is empty on one side would make ``ln(a / e)`` infinite, so every
share ``p`` of a distribution over ``K`` bands is replaced by
``(p + SHARE_SMOOTHING) / (1 + K * SHARE_SMOOTHING)`` with ``SHARE_SMOOTHING = 0.0001``.
The smoothed shares still sum to 1, a band empty on both sides adds exactly 0, and two
equal distributions give a PSI of exactly 0. A band that empties entirely, a category
that vanishes and a column that is all missing today give large but finite values.

Score bands: when ``model.training`` contains :data:`SCORE_REFERENCE_KEY` (written by
:func:`score_reference_from_scores` from the training scores), its fixed edges and
shares are used. Otherwise the reference is derived from the bins' training counts: the
score distribution is the convolution of each characteristic's points distribution, on
a grid of :data:`POINTS_GRID` points, which assumes the characteristics independent.
NOTE: that fallback ignores the correlation between characteristics, so its band shares
are an approximation of the training score distribution, and its PSI is only as good as
that approximation; store the training scores to avoid it.

Labels never seen in training are scored with the unseen bin, so they count there for
the CSI, and :attr:`CharacteristicStability.new_labels` lists them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from creditline.errors import InvalidInput
from creditline.scoring.export_sql import category_slots
from creditline.scoring.scorecard import CATEGORICAL, Characteristic, Scorecard

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

SHARE_SMOOTHING = 1e-4
STABLE_BELOW = 0.10
SHIFT_ABOVE = 0.25
N_SCORE_BANDS = 10
POINTS_GRID = 0.01
SCORE_REFERENCE_KEY = "score_distribution"
REFERENCE_STORED = "stored"
REFERENCE_BINS = "bins"
STABLE, WATCH, SHIFT = "stable", "watch", "shift"


@dataclass(frozen=True, slots=True)
class BandShift:
    """One score band or characteristic slot: expected and actual shares and its PSI term.

    ``lower`` and ``upper`` bound a score band or numerical bin (``lower <= x < upper``,
    None when open). ``label`` names a slot ("missing", a special value, the labels of a
    categorical bin) and is empty for a numerical bin or score band. Shares are fractions
    before smoothing; ``contribution`` is the band's term after smoothing.
    """

    slot: int
    kind: str  # "band", "bin", "special" or "missing"
    lower: float | None
    upper: float | None
    label: str
    expected_share: float
    actual_share: float
    actual_count: int
    contribution: float


@dataclass(frozen=True, slots=True)
class ScoreStability:
    """PSI of the score over fixed bands; ``reference`` is "stored" or "bins"."""

    psi: float
    status: str
    reference: str
    bands: tuple[BandShift, ...]


@dataclass(frozen=True, slots=True)
class CharacteristicStability:
    """CSI of one characteristic over its slots.

    ``new_labels`` are current labels never seen in training (categorical only; they
    score as the unseen bin), ``vanished_labels`` training labels with no current row.
    """

    feature: str
    csi: float
    status: str
    slots: tuple[BandShift, ...]
    new_labels: tuple[str, ...] = ()
    new_label_rows: int = 0
    vanished_labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MonitoringReport:
    """Stability of one model between its training sample and the current portfolio."""

    model_version: str
    n_reference: int
    n_current: int
    smoothing: float
    score: ScoreStability
    characteristics: tuple[CharacteristicStability, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready mapping with the same numbers."""
        return asdict(self)


def stability_status(value: float) -> str:
    """Return "stable" below 0.10, "watch" from 0.10 to 0.25 and "shift" above 0.25."""
    if value < STABLE_BELOW:
        return STABLE
    if value <= SHIFT_ABOVE:
        return WATCH
    return SHIFT


def smoothed_shares(shares: Sequence[float]) -> FloatArray:
    """Return ``(p + SHARE_SMOOTHING) / (1 + K * SHARE_SMOOTHING)`` for each of the K shares."""
    values = np.asarray(shares, dtype=np.float64)
    return (values + SHARE_SMOOTHING) / (1.0 + values.size * SHARE_SMOOTHING)


def psi_terms(expected: Sequence[float], actual: Sequence[float]) -> FloatArray:
    """Return each band's ``(a - e) * ln(a / e)`` on smoothed shares; the PSI is their sum.

    Raises
    ------
    ValueError
        When the two distributions have a different number of bands, or none.
    """
    if len(expected) != len(actual) or len(expected) == 0:
        raise ValueError(f"{len(expected)} expected and {len(actual)} actual shares; expected the same non-zero number")
    e = smoothed_shares(expected)
    a = smoothed_shares(actual)
    return (a - e) * np.log(a / e)


def score_reference_from_scores(scores: npt.ArrayLike, n_bands: int = N_SCORE_BANDS) -> dict[str, Any]:
    """Build the stored score reference from training scores: decile edges and band shares.

    Edges lie halfway between adjacent distinct scores, so a score that repeats is never
    split between two bands, and there are fewer bands when scores repeat. Store the
    result as ``model.training[SCORE_REFERENCE_KEY]``.
    """
    values = np.sort(np.asarray(scores, dtype=np.float64))
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise ValueError("no finite training score to build a score reference from")
    atoms, counts = np.unique(values, return_counts=True)
    edges = _quantile_edges(atoms, counts / counts.sum(), n_bands)
    band = np.searchsorted(np.asarray(edges), values, side="right")
    shares = np.bincount(band, minlength=len(edges) + 1) / values.size
    return {"edges": edges, "shares": [float(s) for s in shares], "rows": int(values.size)}


def score_reference(model: Scorecard) -> tuple[list[float], list[float], str]:
    """Return the score band edges, their training shares and where they come from.

    The stored reference (``model.training[SCORE_REFERENCE_KEY]``) is used when present,
    and the convolution of the bins' training counts otherwise.
    """
    stored = model.training.get(SCORE_REFERENCE_KEY)
    if isinstance(stored, dict) and "edges" in stored and "shares" in stored:
        edges = [float(v) for v in stored["edges"]]
        shares = [float(v) for v in stored["shares"]]
        if len(shares) == len(edges) + 1:
            return edges, shares, REFERENCE_STORED
        logger.warning("stored score reference of %s has %d edges and %d shares; using the bins", model.model_version, len(edges), len(shares))
    atoms, probabilities = _convolved_scores(model)
    edges = _quantile_edges(atoms, probabilities, N_SCORE_BANDS)
    band = np.searchsorted(np.asarray(edges), atoms, side="right")
    shares = np.bincount(band, weights=probabilities, minlength=len(edges) + 1)
    return edges, [float(s) for s in shares], REFERENCE_BINS


def monitor(model: Scorecard, current: pl.DataFrame) -> MonitoringReport:
    """Compare the current portfolio with the training sample of ``model``.

    Parameters
    ----------
    model : the scorecard; its bins' training counts are the expected slot shares.
    current : one row per line with a column per characteristic (nulls allowed).

    Raises
    ------
    InvalidInput
        When ``current`` has no row, or lacks a characteristic's column.
    """
    if current.height == 0:
        raise InvalidInput("monitoring.portfolio_empty", model_version=model.model_version)
    scored = model.score(current)
    score = _score_stability(model, scored.get_column("score").to_numpy())
    characteristics = tuple(_characteristic_stability(c, current.get_column(c.name)) for c in model.characteristics)
    n_reference = int(model.training.get("rows") or sum(b.count for b in model.characteristics[0].bins))
    logger.info(
        "model %s monitored on %d rows: score PSI %.4f (%s)", model.model_version, current.height, score.psi, score.status
    )
    return MonitoringReport(
        model_version=model.model_version,
        n_reference=n_reference,
        n_current=current.height,
        smoothing=SHARE_SMOOTHING,
        score=score,
        characteristics=characteristics,
    )


def _score_stability(model: Scorecard, scores: FloatArray) -> ScoreStability:
    edges, expected, source = score_reference(model)
    band = np.searchsorted(np.asarray(edges, dtype=np.float64), scores, side="right")
    counts = np.bincount(band, minlength=len(edges) + 1)
    actual = counts / scores.size
    terms = psi_terms(expected, actual)
    bounds: list[float | None] = [None, *edges, None]
    bands = tuple(
        BandShift(
            slot=k,
            kind="band",
            lower=bounds[k],
            upper=bounds[k + 1],
            label="",
            expected_share=float(expected[k]),
            actual_share=float(actual[k]),
            actual_count=int(counts[k]),
            contribution=float(terms[k]),
        )
        for k in range(len(expected))
    )
    value = _total(terms)
    return ScoreStability(psi=value, status=stability_status(value), reference=source, bands=bands)


def _characteristic_stability(c: Characteristic, column: pl.Series) -> CharacteristicStability:
    counts_expected = np.array(
        [b.count for b in c.bins] + [s.count for s in c.special_bins] + [c.missing_bin.count], dtype=np.float64
    )
    total = counts_expected.sum()
    expected = counts_expected / total if total > 0 else np.zeros_like(counts_expected)
    slots = c.slots(column)
    counts = np.bincount(slots, minlength=counts_expected.size)
    actual = counts / column.len()
    terms = psi_terms(expected, actual)
    rows = tuple(
        BandShift(
            slot=k,
            kind=kind,
            lower=lower,
            upper=upper,
            label=label,
            expected_share=float(expected[k]),
            actual_share=float(actual[k]),
            actual_count=int(counts[k]),
            contribution=float(terms[k]),
        )
        for k, (kind, lower, upper, label) in enumerate(_slot_descriptions(c))
    )
    value = _total(terms)
    new_labels, new_rows, vanished = _label_changes(c, column) if c.dtype == CATEGORICAL else ((), 0, ())
    return CharacteristicStability(
        feature=c.name,
        csi=value,
        status=stability_status(value),
        slots=rows,
        new_labels=new_labels,
        new_label_rows=new_rows,
        vanished_labels=vanished,
    )


def _slot_descriptions(c: Characteristic) -> list[tuple[str, float | None, float | None, str]]:
    """Return (kind, lower, upper, label) for each slot: bins, special values, missing."""
    described: list[tuple[str, float | None, float | None, str]] = []
    if c.dtype == CATEGORICAL:
        described += [("bin", None, None, ", ".join(group)) for group in c.categories]
    else:
        bounds: list[float | None] = [None, *c.splits, None]
        described += [("bin", bounds[k], bounds[k + 1], "") for k in range(len(c.bins))]
    described += [("special", None, None, str(s.value)) for s in c.special_bins]
    described.append(("missing", None, None, "missing"))
    return described


def _label_changes(c: Characteristic, column: pl.Series) -> tuple[tuple[str, ...], int, tuple[str, ...]]:
    mapping = category_slots(c)
    labels = column.cast(pl.String).drop_nulls()
    present = set(labels.unique().to_list())
    new = tuple(sorted(label for label in present if label not in mapping))
    new_rows = int(labels.is_in(list(new)).sum()) if new else 0
    trained = [label for group in c.categories for label in group]
    vanished = tuple(sorted(label for label in trained if label not in present))
    return new, new_rows, vanished


def _total(terms: FloatArray) -> float:
    value = float(terms.sum())
    # Every term is (a - e) * ln(a / e) >= 0 on positive shares, so the sum is finite;
    # the check guards the invariant rather than any expected input.
    if not math.isfinite(value):
        raise ValueError(f"stability index is not finite: {value}")
    return value


def _convolved_scores(model: Scorecard) -> tuple[FloatArray, FloatArray]:
    """Return the score values on the points grid and their probabilities.

    Each characteristic contributes its slot points with the slot's share of training
    rows, and the total is their sum under independence.
    """
    steps = []
    for c in model.characteristics:
        counts = np.array(
            [b.count for b in c.bins] + [s.count for s in c.special_bins] + [c.missing_bin.count], dtype=np.float64
        )
        if counts.sum() <= 0:
            counts = np.ones_like(counts)
        steps.append((np.rint(c.slot_points() / POINTS_GRID).astype(np.int64), counts / counts.sum()))
    low = sum(int(points.min()) for points, _ in steps)
    high = sum(int(points.max()) for points, _ in steps)
    distribution = np.zeros(high - low + 1, dtype=np.float64)
    distribution[0] = 1.0
    floor = 0
    for points, shares in steps:
        shifted = np.zeros_like(distribution)
        step_low = int(points.min())
        for offset, share in zip(points - step_low, shares, strict=True):
            if share > 0:
                shifted[offset:] += share * distribution[: distribution.size - offset]
        distribution = shifted
        floor += step_low
    support = np.nonzero(distribution > 0)[0]
    return (support + floor) * POINTS_GRID, distribution[support]


def _quantile_edges(atoms: FloatArray, probabilities: FloatArray, n_bands: int) -> list[float]:
    """Return band edges near the quantiles 1/n .. (n-1)/n of a discrete distribution.

    Each edge lies halfway between the atom at which the cumulative share reaches the
    quantile and the next atom, so an atom is never split; repeated edges are dropped.
    """
    cumulative = np.cumsum(probabilities)
    edges: list[float] = []
    for q in np.arange(1, n_bands) / n_bands:
        k = int(np.searchsorted(cumulative, q - 1e-12, side="left"))
        if k >= atoms.size - 1:
            continue
        edge = float((atoms[k] + atoms[k + 1]) / 2)
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges
