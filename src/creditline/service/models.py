"""Training the risk scorecard on stored data, and the reproducible train/hold-out split."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Engine

from creditline.clock import Clock
from creditline.errors import InvalidInput
from creditline.profile import FEATURES, build_profiles
from creditline.scoring import Scorecard, auc, gini, ks
from creditline.store import frames
from creditline.store.registry import save_model

logger = logging.getLogger(__name__)

DEFAULT_TRAIN_SHARE = 0.7
DEFAULT_SPLIT_SEED = "creditline"


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
    with engine.connect() as conn:
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
    model: Scorecard
    n_train: int
    n_holdout: int
    holdout_metrics: dict[str, float]


def holdout_metrics(model: Scorecard, holdout: pl.DataFrame) -> dict[str, float]:
    scored = model.score(holdout)
    bad = scored["bad"].to_numpy()
    risk = scored["pd"].to_numpy()
    return {"auc": auc(bad, risk), "ks": ks(bad, risk), "gini": gini(bad, risk), "rows": float(len(bad))}


def train_scorecard(
    engine: Engine,
    clock: Clock,
    *,
    trained_by: str,
    train_share: float = DEFAULT_TRAIN_SHARE,
    seed: str = DEFAULT_SPLIT_SEED,
    settings: Any = None,
) -> TrainResult:
    """Fit the scorecard on the training split, measure it on the hold-out and register it as champion."""
    from creditline.scoring import ScorecardSettings
    from creditline.scoring.train import fit_scorecard

    data = load_training_frame(engine)
    data = data.with_columns(in_training_split(data["account_id"], train_share, seed))
    train = data.filter(pl.col("in_train"))
    holdout = data.filter(~pl.col("in_train"))
    features = [spec.name for spec in FEATURES]
    trends = {spec.name: spec.risk_trend for spec in FEATURES}
    model = fit_scorecard(
        train, features=features, target="bad", trends=trends, settings=settings or ScorecardSettings()
    )
    metrics = holdout_metrics(model, holdout)
    with engine.begin() as conn:
        save_model(
            conn,
            model_version=model.model_version,
            kind="scorecard",
            status="champion",
            artifact=model.to_json(),
            metrics={"holdout": metrics, "train_share": train_share, "split_seed": seed},
            fingerprint=model.training["fingerprint"],
            created_by=trained_by,
            created_at=clock.now(),
        )
    logger.info("scorecard %s trained on %d rows, hold-out AUC %.4f", model.model_version, train.height, metrics["auc"])
    return TrainResult(model, train.height, holdout.height, metrics)
