"""Fairness table: score, bad rate and limit decisions by sex and by age band.

Sex is an excluded attribute, so it never enters the scorecard. Age may be a
characteristic. A lender still has to show how outcomes differ between these groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Lower bounds of the age bands in whole years; the first band is everything below 25.
AGE_BAND_STARTS = (25, 35, 45, 55)
UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class FairnessRow:
    """One group of one attribute, with hold-out and review-batch figures.

    Rates are fractions. ``items``, ``increase_rate`` and ``decrease_rate`` describe the
    latest review batch and are None when no batch exists or it has no line of the group.
    """

    attribute: str  # "sex" or "age_band"
    group: str  # the stored sex value, an age band such as "25-34", or "unknown"
    accounts: int  # hold-out accounts in the group
    mean_score: float | None
    mean_pd: float | None
    bad_rate: float | None
    items: int | None
    increase_rate: float | None
    decrease_rate: float | None


def age_band(age: pl.Expr) -> pl.Expr:
    """Return the age band label of ``age`` (whole years): "<25", "25-34", ..., "55+" or "unknown"."""
    first = AGE_BAND_STARTS[0]
    expression = pl.when(age.is_null()).then(pl.lit(UNKNOWN)).when(age < first).then(pl.lit(f"<{first}"))
    for start, end in zip(AGE_BAND_STARTS, AGE_BAND_STARTS[1:], strict=False):
        expression = expression.when(age < end).then(pl.lit(f"{start}-{end - 1}"))
    return expression.otherwise(pl.lit(f"{AGE_BAND_STARTS[-1]}+"))


def band_order() -> list[str]:
    """Return every age band label in ascending age, then "unknown"."""
    labels = [f"<{AGE_BAND_STARTS[0]}"]
    labels += [f"{start}-{end - 1}" for start, end in zip(AGE_BAND_STARTS, AGE_BAND_STARTS[1:], strict=False)]
    return [*labels, f"{AGE_BAND_STARTS[-1]}+", UNKNOWN]


def fairness_rows(holdout: pl.DataFrame, batch_items: pl.DataFrame | None) -> list[FairnessRow]:
    """Compare groups by sex and by age band.

    Parameters
    ----------
    holdout : scored hold-out rows with ``sex`` (String, nullable), ``age`` (whole
        years, nullable), ``score``, ``pd`` and ``bad`` (0/1).
    batch_items : items of the latest review batch with ``sex``, ``age`` and
        ``direction`` ("increase", "decrease", "unchanged"), or None.

    Returns
    -------
    Rows for every group seen in either frame: sexes in sorted order with unknown last,
    then age bands in ascending order.
    """
    scored = _with_groups(holdout)
    items = _with_groups(batch_items) if batch_items is not None else None
    rows: list[FairnessRow] = []
    for attribute in ("sex", "age_band"):
        stats = scored.group_by(attribute).agg(
            pl.len().alias("accounts"),
            pl.col("score").mean().alias("mean_score"),
            pl.col("pd").mean().alias("mean_pd"),
            pl.col("bad").cast(pl.Float64).mean().alias("bad_rate"),
        )
        decisions = None
        if items is not None:
            decisions = items.group_by(attribute).agg(
                pl.len().alias("items"),
                (pl.col("direction") == "increase").mean().alias("increase_rate"),
                (pl.col("direction") == "decrease").mean().alias("decrease_rate"),
            )
        groups = set(stats[attribute].to_list()) | (set(decisions[attribute].to_list()) if decisions is not None else set())
        for group in _ordered(attribute, groups):
            rows.append(_row(attribute, group, stats, decisions))
    return rows


def _with_groups(frame: pl.DataFrame) -> pl.DataFrame:
    sex = pl.col("sex").cast(pl.String)
    return frame.with_columns(
        pl.when(sex.is_null() | (sex.str.strip_chars() == "")).then(pl.lit(UNKNOWN)).otherwise(sex).alias("sex"),
        age_band(pl.col("age")).alias("age_band"),
    )


def _ordered(attribute: str, groups: set[str]) -> list[str]:
    if attribute == "age_band":
        return [label for label in band_order() if label in groups]
    known = sorted(group for group in groups if group != UNKNOWN)
    return known + ([UNKNOWN] if UNKNOWN in groups else [])


def _row(attribute: str, group: str, stats: pl.DataFrame, decisions: pl.DataFrame | None) -> FairnessRow:
    stat = stats.filter(pl.col(attribute) == group)
    decision = decisions.filter(pl.col(attribute) == group) if decisions is not None else None
    has_stat = stat.height == 1
    has_decision = decision is not None and decision.height == 1
    return FairnessRow(
        attribute=attribute,
        group=group,
        accounts=int(stat["accounts"][0]) if has_stat else 0,
        mean_score=float(stat["mean_score"][0]) if has_stat else None,
        mean_pd=float(stat["mean_pd"][0]) if has_stat else None,
        bad_rate=float(stat["bad_rate"][0]) if has_stat else None,
        items=int(decision["items"][0]) if has_decision else None,  # type: ignore[index]
        increase_rate=float(decision["increase_rate"][0]) if has_decision else None,  # type: ignore[index]
        decrease_rate=float(decision["decrease_rate"][0]) if has_decision else None,  # type: ignore[index]
    )
