"""Training, listing and promoting the risk scorecard, and the reproducible data splits.

Accounts split by a salted hash of their id: ``train_share`` of them train and the rest
are the hold-out. Of the training accounts, ``calibration_share`` calibrate the PD and
the others fit the bins and the regression.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine, select

from creditline.clock import Clock
from creditline.errors import InvalidInput
from creditline.profile import FEATURES, build_profiles
from creditline.scoring import Scorecard, auc, gini, ks
from creditline.scoring.monitoring import SCORE_REFERENCE_KEY, score_reference_from_scores
from creditline.scoring.metrics import brier_score
from creditline.store import frames
from creditline.store.registry import ModelRecord, list_models, promote_model, save_model
from creditline.store.tables import models
from creditline.store.transactions import reading, transaction

logger = logging.getLogger(__name__)

DEFAULT_TRAIN_SHARE = 0.7
DEFAULT_CALIBRATION_SHARE = 0.25
DEFAULT_SPLIT_SEED = "creditline"
SCORECARD_KIND = "scorecard"


def in_training_split(account_ids: pl.Series, share: float, seed: str) -> pl.Series:
    """Assign each account to the training split by a salted SHA-256 of its id.

    The assignment depends only on the id, the seed and the share, so it is the same on
    every machine, in every run and whatever the row order.
    """
    if not 0.0 < share < 1.0:
        raise InvalidInput(detail=f"train share {share} must be between 0 and 1 (exclusive), e.g. 0.7")
    threshold = int(share * 2**32)

    def bucket(account_id: str) -> bool:
        digest = hashlib.sha256(f"{seed}:{account_id}".encode()).digest()
        return int.from_bytes(digest[:4], "big") < threshold

    return pl.Series("in_train", [bucket(value) for value in account_ids.to_list()], dtype=pl.Boolean)


def load_training_frame(engine: Engine) -> pl.DataFrame:
    """Build profiles for every line and join its latest outcome flag as ``bad``."""
    with reading(engine) as conn:
        lines = frames.load_lines(conn)
        statements = frames.load_statements(conn)
        customers = frames.load_customers(conn)
        outcomes = frames.load_outcomes(conn)
    if outcomes.is_empty():
        raise InvalidInput(detail="no outcomes stored; import an outcomes table (account_id, as_of, bad) to train")
    profiles = build_profiles(lines, statements, customers)
    latest = outcomes.sort("as_of").group_by("account_id").agg(pl.col("bad").last())
    # Sorted, so that the training frame and its fingerprint do not depend on the order
    # in which the database or the group-by returned rows.
    return profiles.join(latest, on="account_id", how="inner").sort("account_id")


@dataclass(frozen=True, slots=True)
class TrainResult:
    """A fitted scorecard with its row counts (fit, calibration, hold-out) and hold-out metrics."""

    model: Scorecard
    n_train: int  # rows that fitted bins and regression, calibration rows included
    n_holdout: int
    holdout_metrics: dict[str, float]
    n_calibration: int = 0


def holdout_metrics(model: Scorecard, holdout: pl.DataFrame) -> dict[str, float]:
    """Measure AUC, KS, Gini and the Brier scores of the calibrated and the raw PD on ``holdout``."""
    scored = model.score(holdout)
    bad = scored["bad"].to_numpy()
    risk = scored["pd"].to_numpy()
    return {
        "auc": auc(bad, risk),
        "ks": ks(bad, risk),
        "gini": gini(bad, risk),
        "brier": brier_score(bad, risk),
        "brier_raw": brier_score(bad, scored["pd_raw"].to_numpy()),
        "rows": float(len(bad)),
    }


def split_for_calibration(train: pl.DataFrame, share: float, seed: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split training rows into fit and calibration rows by a salted hash of the account id.

    The salt differs from the hold-out split's, so the calibration rows are a random
    ``share`` of the training rows, the same in every run.
    """
    in_calibration = in_training_split(train["account_id"], share, f"{seed}:calibration")
    return train.filter(~in_calibration), train.filter(in_calibration)


def _has_both_classes(frame: pl.DataFrame, minimum: int) -> bool:
    n_bads = int(frame["bad"].cast(pl.Int64).sum())
    return min(n_bads, frame.height - n_bads) >= minimum


def train_scorecard(
    engine: Engine,
    clock: Clock,
    *,
    trained_by: str,
    train_share: float = DEFAULT_TRAIN_SHARE,
    seed: str = DEFAULT_SPLIT_SEED,
    settings: Any = None,
    calibration_share: float = DEFAULT_CALIBRATION_SHARE,
    promote: bool = True,
) -> TrainResult:
    """Fit the scorecard, calibrate its PD, measure it on the hold-out and register it.

    The model is promoted to champion by ``trained_by`` when ``promote`` is true (the
    ledger records that promotion), and registered as a challenger otherwise.
    Calibration is skipped, with a warning in the log and ``calibration_skipped`` in the
    stored metrics, when the calibration rows have fewer than
    ``settings.min_class_rows`` bads or goods.
    """
    from creditline.scoring import ScorecardSettings
    from creditline.scoring.train import fit_scorecard

    settings = settings or ScorecardSettings()
    data = load_training_frame(engine)
    data = data.with_columns(in_training_split(data["account_id"], train_share, seed))
    train = data.filter(pl.col("in_train"))
    holdout = data.filter(~pl.col("in_train"))
    fit_rows, calibration_rows = train, None
    skipped = ""
    if settings.calibration != "none":
        fit_rows, calibration_rows = split_for_calibration(train, calibration_share, seed)
        if not _has_both_classes(calibration_rows, settings.min_class_rows):
            skipped = f"fewer than {settings.min_class_rows} bads or goods among {calibration_rows.height} rows"
            logger.warning("scorecard calibration skipped: %s", skipped)
            fit_rows, calibration_rows = train, None
    features = [spec.name for spec in FEATURES]
    trends = {spec.name: spec.risk_trend for spec in FEATURES}
    model = fit_scorecard(
        fit_rows,
        features=features,
        target="bad",
        trends=trends,
        settings=settings,
        calibration_frame=calibration_rows,
    )
    # The training score distribution is the reference of the score PSI in monitoring.
    model.training[SCORE_REFERENCE_KEY] = score_reference_from_scores(model.score(fit_rows)["score"].to_numpy())
    metrics = holdout_metrics(model, holdout)
    stored_metrics: dict[str, Any] = {
        "holdout": metrics,
        "train_share": train_share,
        "calibration_share": calibration_share if calibration_rows is not None else 0.0,
        "split_seed": seed,
    }
    if skipped:
        stored_metrics["calibration_skipped"] = skipped
    with transaction(engine) as conn:
        save_model(
            conn,
            model_version=model.model_version,
            kind=SCORECARD_KIND,
            status="champion" if promote else "challenger",
            artifact=model.to_json(),
            metrics=stored_metrics,
            fingerprint=model.training["fingerprint"],
            created_by=trained_by,
            created_at=clock.now(),
        )
    logger.info("scorecard %s trained on %d rows, hold-out AUC %.4f", model.model_version, fit_rows.height, metrics["auc"])
    n_calibration = calibration_rows.height if calibration_rows is not None else 0
    return TrainResult(model, train.height, holdout.height, metrics, n_calibration)


def list_scorecards(engine: Engine, kind: str | None = None) -> list[ModelRecord]:
    """Return the registered models of ``kind`` (every kind when None), newest first."""
    with reading(engine) as conn:
        return list_models(conn, kind)


@dataclass(frozen=True, slots=True)
class Promotion:
    """A completed promotion: the new champion, the one it replaced, who and when."""

    model_version: str
    kind: str
    previous_champion: str | None
    promoted_by: str


def promote(engine: Engine, model_version: str, clock: Clock, *, promoted_by: str) -> Promotion:
    """Make ``model_version`` the champion of its kind; the ledger records who did it.

    Raises
    ------
    InvalidInput
        When ``promoted_by`` is blank.
    NotFound
        When the version is not registered.
    Conflict
        When it already is the champion.
    """
    if not promoted_by.strip():
        raise InvalidInput("scoring.promoted_by_missing")
    with transaction(engine) as conn:
        previous = promote_model(conn, model_version=model_version, promoted_by=promoted_by, promoted_at=clock.now())
        kind = str(conn.scalar(select(models.c.kind).where(models.c.model_version == model_version)))
    return Promotion(model_version, kind, previous, promoted_by)
