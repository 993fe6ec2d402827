"""Gather what the validation report of one stored scorecard shows, from the database.

The scorecard is measured on the hold-out part of its own train/hold-out split (the
train share and seed stored with it), so the figures are out-of-sample and repeatable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import Connection, Engine, select

from creditline.clock import Clock
from creditline.errors import InvalidInput
from creditline.report.curves import (
    CalibrationBin,
    Histogram,
    KsCurve,
    RocCurve,
    calibration_bins,
    ks_curve,
    roc_curve,
    score_histogram,
)
from creditline.report.fairness import FairnessRow, fairness_rows
from creditline.scoring import Scorecard
from creditline.scoring.challenger import Challenger
from creditline.service.challenger import (
    latest_challenger,
    load_stored_model,
    measure,
    split_settings,
    split_training_frame,
)
from creditline.service.models import load_training_frame
from creditline.store import frames
from creditline.store.tables import customers, review_batches, review_items

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChallengerSection:
    model_version: str
    metrics: dict[str, float]
    roc: RocCurve
    features: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportContent:
    """Everything the HTML report shows, computed once."""

    scorecard: Scorecard
    status: str
    generated_at: datetime
    train_share: float
    split_seed: str
    n_train: int
    n_holdout: int
    n_holdout_bads: int
    metrics: dict[str, float]  # hold-out AUC, KS, Gini and rows of the scorecard
    roc: RocCurve
    ks: KsCurve
    histogram: Histogram
    calibration: list[CalibrationBin]
    challenger: ChallengerSection | None
    fairness: list[FairnessRow]
    batch_id: str | None  # the review batch behind the fairness decision rates


def gather_report(engine: Engine, model_version: str, clock: Clock) -> ReportContent:
    """Measure the stored scorecard ``model_version`` on its hold-out and collect the report.

    Raises
    ------
    NotFound
        When no model has that version.
    InvalidInput
        When the model is not a scorecard, or its hold-out lacks goods or bads.
    """
    with engine.connect() as conn:
        stored = load_stored_model(conn, model_version)
        challenger_row = latest_challenger(conn, model_version)
        batch_id, items = _latest_batch_items(conn)
        people = frames.load_customers(conn).select("customer_id", "sex")
    if stored.kind != "scorecard":
        raise InvalidInput("report.not_a_scorecard", model_version=model_version, kind=stored.kind)
    scorecard = Scorecard.from_json(stored.artifact)
    share, seed = split_settings(stored.metrics)
    train, holdout = split_training_frame(load_training_frame(engine), share, seed)
    bads = int(holdout["bad"].sum()) if holdout.height else 0
    if bads == 0 or bads == holdout.height:
        raise InvalidInput("report.holdout_single_class", bads=bads, goods=holdout.height - bads)

    scored = scorecard.score(holdout).join(people, on="customer_id", how="left")
    bad = scored["bad"].to_numpy()
    score = scored["score"].to_numpy()
    pd_values = scored["pd"].to_numpy()

    challenger = None
    if challenger_row is not None:
        model = Challenger.from_json(challenger_row.artifact)
        challenger_pd = model.score(holdout)["pd"].to_numpy()
        challenger = ChallengerSection(
            model.model_version, measure(bad, challenger_pd), roc_curve(bad, challenger_pd), model.features
        )

    logger.info("validation report of %s gathered on %d hold-out rows", model_version, holdout.height)
    return ReportContent(
        scorecard=scorecard,
        status=stored.status,
        generated_at=clock.now(),
        train_share=share,
        split_seed=seed,
        n_train=train.height,
        n_holdout=holdout.height,
        n_holdout_bads=bads,
        metrics=measure(bad, pd_values),
        roc=roc_curve(bad, pd_values),
        ks=ks_curve(bad, score),
        histogram=score_histogram(bad, score),
        calibration=calibration_bins(bad, pd_values),
        challenger=challenger,
        fairness=fairness_rows(scored, items),
        batch_id=batch_id,
    )


def _latest_batch_items(conn: Connection) -> tuple[str | None, pl.DataFrame | None]:
    """Return the newest review batch's id and its items with ``sex``, ``age`` and ``direction``.

    Age is in whole years at the batch's as-of month (the year of its creation when the
    month is unknown), the same rule as the profile's ``age``.
    """
    batch = conn.execute(
        select(review_batches.c.batch_id, review_batches.c.as_of_month, review_batches.c.created_at)
        .order_by(review_batches.c.created_at.desc(), review_batches.c.batch_id.desc())
        .limit(1)
    ).first()
    if batch is None:
        return None, None
    year = batch.as_of_month.year if batch.as_of_month is not None else batch.created_at.year
    rows = conn.execute(
        select(review_items.c.direction, customers.c.sex, customers.c.birth_year)
        .select_from(review_items.outerjoin(customers, review_items.c.customer_id == customers.c.customer_id))
        .where(review_items.c.batch_id == batch.batch_id)
    ).all()
    items = pl.DataFrame(
        {
            "direction": [row.direction for row in rows],
            "sex": [row.sex for row in rows],
            "age": [year - row.birth_year if row.birth_year is not None else None for row in rows],
        },
        schema={"direction": pl.String, "sex": pl.String, "age": pl.Int64},
    )
    return str(batch.batch_id), items
