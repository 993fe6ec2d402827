"""Training the LightGBM challenger beside a stored scorecard, on the scorecard's own split."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection, Engine, select

from creditline.clock import Clock
from creditline.errors import InvalidInput, NotFound
from creditline.profile import FEATURES
from creditline.scoring import Scorecard, auc, gini, ks
from creditline.scoring.challenger import Challenger, ChallengerSettings, fit_challenger
from creditline.service.models import (
    DEFAULT_SPLIT_SEED,
    DEFAULT_TRAIN_SHARE,
    in_training_split,
    load_training_frame,
)
from creditline.store.registry import save_model
from creditline.store.tables import models
from creditline.store.transactions import reading, transaction

logger = logging.getLogger(__name__)

CHALLENGER_KIND = "challenger"
CHALLENGER_STATUS = "challenger"


@dataclass(frozen=True, slots=True)
class StoredModel:
    """One row of the models table: the artifact text with its registry fields."""

    model_version: str
    kind: str
    status: str
    artifact: str
    metrics: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ChallengerResult:
    """A fitted challenger with hold-out metrics of it and of the scorecard it challenges."""

    model: Challenger
    scorecard_version: str
    n_train: int
    n_holdout: int
    holdout_metrics: dict[str, float]
    scorecard_holdout_metrics: dict[str, float]


def load_stored_model(conn: Connection, model_version: str | None = None, *, kind: str = "scorecard") -> StoredModel:
    """Return the model ``model_version``, or the current champion of ``kind`` when None.

    Raises
    ------
    NotFound
        When no model has that version, or no champion of ``kind`` exists.
    """
    query = select(models.c.model_version, models.c.kind, models.c.status, models.c.artifact, models.c.metrics)
    if model_version is None:
        query = query.where(models.c.kind == kind, models.c.status == "champion")
    else:
        query = query.where(models.c.model_version == model_version)
    row = conn.execute(query).first()
    if row is None:
        raise NotFound(kind="model", ident=model_version or f"{kind} champion")
    return StoredModel(row.model_version, row.kind, row.status, str(row.artifact), dict(row.metrics or {}))


def latest_challenger(conn: Connection, scorecard_version: str) -> StoredModel | None:
    """Return the newest challenger fitted against ``scorecard_version``, else the newest one.

    Returns None when no challenger is stored.
    """
    rows = conn.execute(
        select(models.c.model_version, models.c.kind, models.c.status, models.c.artifact, models.c.metrics)
        .where(models.c.kind == CHALLENGER_KIND)
        .order_by(models.c.created_at.desc(), models.c.model_version)
    ).all()
    stored = [StoredModel(r.model_version, r.kind, r.status, str(r.artifact), dict(r.metrics or {})) for r in rows]
    for model in stored:
        if model.metrics.get("scorecard_version") == scorecard_version:
            return model
    return stored[0] if stored else None


def split_settings(metrics: Mapping[str, Any]) -> tuple[float, str]:
    """Return the train share and split seed stored with a scorecard, or the defaults."""
    share = metrics.get("train_share", DEFAULT_TRAIN_SHARE)
    seed = metrics.get("split_seed", DEFAULT_SPLIT_SEED)
    return float(share), str(seed)


def split_training_frame(data: pl.DataFrame, share: float, seed: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split labelled profiles into the training and hold-out parts by account id."""
    flagged = data.with_columns(in_training_split(data["account_id"], share, seed))
    return flagged.filter(pl.col("in_train")), flagged.filter(~pl.col("in_train"))


def challenger_trends(scorecard: Scorecard) -> dict[str, str]:
    """Return the risk trend of every profile feature that agrees with the scorecard.

    A feature in the scorecard takes its fitted characteristic's trend, because that is
    the direction its points move. Any other feature takes the catalogue's ``risk_trend``.
    """
    trends = {spec.name: str(spec.risk_trend) for spec in FEATURES}
    trends.update({c.name: c.trend for c in scorecard.characteristics})
    return trends


def measure(bad: np.ndarray, pd_values: np.ndarray) -> dict[str, float]:
    """Return AUC, KS and Gini of ``pd_values`` against ``bad``, and the row count."""
    return {"auc": auc(bad, pd_values), "ks": ks(bad, pd_values), "gini": gini(bad, pd_values), "rows": float(len(bad))}


def train_challenger(
    engine: Engine,
    clock: Clock,
    *,
    trained_by: str,
    scorecard_version: str | None = None,
    settings: ChallengerSettings | None = None,
) -> ChallengerResult:
    """Fit the challenger on the training split of a stored scorecard and register it.

    The candidate features are the profile features minus the scorecard's excluded
    attributes, and the split repeats the scorecard's train share and seed, so both
    models see the same training accounts and are measured on the same hold-out. The
    challenger uses the scorecard's points scaling unless ``settings`` is given.
    It is stored with kind and status "challenger"; the champion is untouched.

    Raises
    ------
    NotFound
        When ``scorecard_version`` (or, when None, a champion scorecard) is not stored.
    InvalidInput
        When the named model is not a scorecard, or the data cannot be fitted.
    """
    with reading(engine) as conn:
        stored = load_stored_model(conn, scorecard_version)
    if stored.kind != "scorecard":
        raise InvalidInput("report.not_a_scorecard", model_version=stored.model_version, kind=stored.kind)
    scorecard = Scorecard.from_json(stored.artifact)
    share, seed = split_settings(stored.metrics)
    train, holdout = split_training_frame(load_training_frame(engine), share, seed)

    excluded = set(scorecard.settings.excluded_attributes)
    features = [spec.name for spec in FEATURES if spec.name not in excluded]
    if settings is None:
        scale = scorecard.settings
        settings = ChallengerSettings(base_score=scale.base_score, base_odds=scale.base_odds, pdo=scale.pdo)
    model = fit_challenger(
        train,
        features=features,
        target="bad",
        trends=challenger_trends(scorecard),
        settings=settings,
        created_at=clock.now(),
    )

    bad = holdout["bad"].to_numpy()
    challenger_metrics = measure(bad, model.score(holdout)["pd"].to_numpy())
    scorecard_metrics = measure(bad, scorecard.score(holdout)["pd"].to_numpy())
    with transaction(engine) as conn:
        save_model(
            conn,
            model_version=model.model_version,
            kind=CHALLENGER_KIND,
            status=CHALLENGER_STATUS,
            artifact=model.to_json(),
            metrics={
                "holdout": challenger_metrics,
                "scorecard_version": scorecard.model_version,
                "scorecard_holdout": scorecard_metrics,
                "train_share": share,
                "split_seed": seed,
            },
            fingerprint=model.training["fingerprint"],
            created_by=trained_by,
            created_at=clock.now(),
        )
    logger.info(
        "challenger %s trained on %d rows against %s, hold-out AUC %.4f vs %.4f",
        model.model_version,
        train.height,
        scorecard.model_version,
        challenger_metrics["auc"],
        scorecard_metrics["auc"],
    )
    return ChallengerResult(
        model, scorecard.model_version, train.height, holdout.height, challenger_metrics, scorecard_metrics
    )
