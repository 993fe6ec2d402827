"""How a review batch treated accounts whose outcome is known, on the hold-out split."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import Engine, select

from creditline.service.models import DEFAULT_SPLIT_SEED, DEFAULT_TRAIN_SHARE, in_training_split
from creditline.store import frames
from creditline.store.tables import review_items
from creditline.store.transactions import reading


@dataclass(frozen=True, slots=True)
class HoldoutOutcome:
    """Counts of hold-out accounts by next-month outcome and by the batch's decision."""

    accounts: int
    bads: int
    bads_cut: int
    bads_raised: int
    goods: int
    goods_cut: int
    goods_raised: int

    @property
    def goods_touched(self) -> int:
        return self.goods_cut + self.goods_raised


def holdout_outcome(
    engine: Engine, batch_id: str, *, train_share: float = DEFAULT_TRAIN_SHARE, seed: str = DEFAULT_SPLIT_SEED
) -> HoldoutOutcome:
    """Cross the batch's proposals with the outcomes of accounts outside the training split.

    An offer counts as "raised" although the customer still has to accept it.
    """
    with reading(engine) as conn:
        outcomes = frames.load_outcomes(conn)
        rows = conn.execute(
            select(review_items.c.account_id, review_items.c.direction).where(review_items.c.batch_id == batch_id)
        ).all()
    items = pl.DataFrame(
        {"account_id": [r.account_id for r in rows], "direction": [r.direction for r in rows]},
        schema={"account_id": pl.Utf8, "direction": pl.Utf8},
    )
    latest = outcomes.sort("as_of").group_by("account_id").agg(pl.col("bad").last())
    data = items.join(latest, on="account_id", how="inner")
    data = data.filter(~in_training_split(data["account_id"], train_share, seed))

    def count(bad: int, direction: str | None = None) -> int:
        selected = data.filter(pl.col("bad") == bad)
        if direction is not None:
            selected = selected.filter(pl.col("direction") == direction)
        return selected.height

    return HoldoutOutcome(
        accounts=data.height,
        bads=count(1),
        bads_cut=count(1, "decrease"),
        bads_raised=count(1, "increase"),
        goods=count(0),
        goods_cut=count(0, "decrease"),
        goods_raised=count(0, "increase"),
    )
