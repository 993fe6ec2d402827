"""Profile snapshots: one line's latest profile and score, kept for real-time decisions.

Building a profile with Polars and scoring it takes milliseconds per call, so a real-time
decision reads the stored snapshot and rebuilds it only when it is out of date: when the
line has a newer statement month, a different approved limit (utilisation features
depend on it) or the champion model changed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, delete, insert, select

from creditline.errors import ModelNotReady
from creditline.profile import build_profiles
from creditline.scoring import Scorecard
from creditline.store.tables import customers, models, profile_snapshots

logger = logging.getLogger(__name__)

_MODEL_CACHE: dict[str, Scorecard] = {}
_MODEL_CACHE_SIZE = 4


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A line's profile features and champion score as of one statement month."""

    account_id: str
    as_of_month: date | None
    model_version: str
    approved_limit: int
    features: dict[str, float | int | None]
    score: float | None
    pd: float | None
    risk_reasons: tuple[str, ...]


_CHAMPION_VERSION = (
    select(models.c.model_version).where(models.c.kind == "scorecard", models.c.status == "champion").limit(1)
)
_SNAPSHOT_AND_CHAMPION = select(
    profile_snapshots, _CHAMPION_VERSION.scalar_subquery().label("champion_version")
).where(profile_snapshots.c.account_id == bindparam("account_id"))


def champion_version(conn: Connection) -> str:
    """Return the model version of the champion scorecard.

    Raises
    ------
    ModelNotReady
        When no scorecard is champion.
    """
    version = conn.scalar(_CHAMPION_VERSION)
    if version is None:
        raise ModelNotReady()
    return str(version)


def _scorecard(conn: Connection, model_version: str) -> Scorecard:
    model = _MODEL_CACHE.get(model_version)
    if model is None:
        artifact = conn.scalar(select(models.c.artifact).where(models.c.model_version == model_version))
        model = Scorecard.from_json(str(artifact))
        if len(_MODEL_CACHE) >= _MODEL_CACHE_SIZE:
            _MODEL_CACHE.pop(next(iter(_MODEL_CACHE)))
        _MODEL_CACHE[model_version] = model
    return model


def _clean(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def stored_snapshot(row: Any, prefix: str = "") -> Snapshot | None:
    """Return the snapshot held in ``row``'s ``profile_snapshots`` columns, or None when they are empty.

    ``prefix`` is prepended to each column name, for rows where the snapshot was read
    with labelled columns beside other tables (see :data:`SNAPSHOT_COLUMNS`).
    """
    model_version = getattr(row, prefix + "model_version")
    if model_version is None:
        return None
    features = dict(getattr(row, prefix + "features"))
    return Snapshot(
        account_id=row.account_id,
        as_of_month=getattr(row, prefix + "as_of_month"),
        model_version=model_version,
        approved_limit=int(features.pop("_approved_limit")),
        features=features,
        score=getattr(row, prefix + "score"),
        pd=getattr(row, prefix + "pd"),
        risk_reasons=tuple(getattr(row, prefix + "risk_reasons")),
    )


SNAPSHOT_PREFIX = "snapshot_"
# The snapshot's columns labelled with SNAPSHOT_PREFIX, and the champion's version, for a
# caller that reads them in the same statement as the line (outer-joined on account_id).
SNAPSHOT_COLUMNS = (
    *(
        profile_snapshots.c[name].label(SNAPSHOT_PREFIX + name)
        for name in ("as_of_month", "model_version", "features", "score", "pd", "risk_reasons")
    ),
    _CHAMPION_VERSION.scalar_subquery().label("champion_version"),
)


def current_snapshot(
    conn: Connection,
    line: Any,
    statement_rows: list[Any],
    now: datetime,
    *,
    prefetched: tuple[Snapshot | None, str | None] | None = None,
) -> Snapshot:
    """Return the line's snapshot, rebuilding and storing it when it is out of date.

    ``line`` is the ``credit_lines`` row (or a :class:`~creditline.domain.line.CreditLine`)
    and ``statement_rows`` its ``statements`` rows; a line without statements gets a
    snapshot with a null score. ``prefetched`` is the stored snapshot (or None) and the
    champion's version (or None) when the caller has read them already with
    :data:`SNAPSHOT_COLUMNS`.
    """
    if prefetched is None:
        # One round trip reads the stored snapshot and the champion's version to check it against.
        row = conn.execute(_SNAPSHOT_AND_CHAMPION, {"account_id": line.account_id}).first()
        prefetched = (stored_snapshot(row), row.champion_version) if row is not None else (None, champion_version(conn))
    stored, champion = prefetched
    if champion is None:
        raise ModelNotReady()
    version = str(champion)
    newest = max((statement.statement_month for statement in statement_rows), default=None)
    newest_month = newest.replace(day=1) if newest is not None else None
    if stored is not None:
        if (
            stored.model_version == version
            and stored.as_of_month == newest_month
            and stored.approved_limit == line.approved_limit
        ):
            return stored
    snapshot = _build(conn, line, statement_rows, version)
    _store(conn, snapshot, now)
    return snapshot


def _build(conn: Connection, line: Any, statement_rows: list[Any], model_version: str) -> Snapshot:
    if not statement_rows:
        return Snapshot(line.account_id, None, model_version, line.approved_limit, {}, None, None, ())
    birth_year = conn.scalar(select(customers.c.birth_year).where(customers.c.customer_id == line.customer_id))
    accounts = pl.DataFrame(
        {
            "account_id": [line.account_id],
            "customer_id": [line.customer_id],
            "approved_limit": [line.approved_limit],
            "currency": [line.currency],
        },
        schema={"account_id": pl.Utf8, "customer_id": pl.Utf8, "approved_limit": pl.Int64, "currency": pl.Utf8},
    )
    statements = pl.DataFrame(
        {
            "account_id": [row.account_id for row in statement_rows],
            "statement_month": [row.statement_month for row in statement_rows],
            "bill_amount": [row.bill_amount for row in statement_rows],
            "paid_amount": [row.paid_amount for row in statement_rows],
            "min_due": [row.min_due for row in statement_rows],
            "dpd": [row.dpd for row in statement_rows],
        },
        schema={
            "account_id": pl.Utf8,
            "statement_month": pl.Date,
            "bill_amount": pl.Int64,
            "paid_amount": pl.Int64,
            "min_due": pl.Int64,
            "dpd": pl.Int64,
        },
    )
    people = pl.DataFrame(
        {"customer_id": [line.customer_id], "birth_year": [birth_year]},
        schema={"customer_id": pl.Utf8, "birth_year": pl.Int64},
    )
    profile = build_profiles(accounts, statements, people)
    scored = _scorecard(conn, model_version).score(profile).row(0, named=True)
    excluded = {"account_id", "customer_id", "as_of_month", "score", "pd", "reason_codes"}
    features = {name: _clean(value) for name, value in scored.items() if name not in excluded}
    logger.info("profile snapshot of %s rebuilt", line.account_id, extra={"account_id": line.account_id})
    return Snapshot(
        account_id=line.account_id,
        as_of_month=scored["as_of_month"],
        model_version=model_version,
        approved_limit=line.approved_limit,
        features=features,
        score=_clean(scored["score"]),
        pd=_clean(scored["pd"]),
        risk_reasons=tuple(scored["reason_codes"] or ()),
    )


def _store(conn: Connection, snapshot: Snapshot, now: datetime) -> None:
    conn.execute(delete(profile_snapshots).where(profile_snapshots.c.account_id == snapshot.account_id))
    conn.execute(
        insert(profile_snapshots).values(
            account_id=snapshot.account_id,
            as_of_month=snapshot.as_of_month,
            model_version=snapshot.model_version,
            features={**snapshot.features, "_approved_limit": snapshot.approved_limit},
            score=snapshot.score,
            pd=snapshot.pd,
            risk_reasons=list(snapshot.risk_reasons),
            computed_at=now,
        )
    )


# Columns of a scored portfolio frame that are not profile features.
_NOT_FEATURES = frozenset(
    {
        "account_id",
        "customer_id",
        "as_of_month",
        "score",
        "pd",
        "pd_raw",
        "reason_codes",
        "risk_reasons",
        "product",
        "currency",
        "approved_limit",
        "outstanding",
        "increase_preference",
        "version",
        "opened_on",
        "monthly_income",
    }
)


def store_snapshots(conn: Connection, scored: pl.DataFrame, model_version: str, now: datetime) -> int:
    """Replace the snapshots of every line in ``scored`` (a review's scored portfolio frame).

    The periodic review profiles and scores every line anyway, so it writes the snapshots
    that real-time decisions read; the first request on a line then needs no rebuild.
    Returns the number of snapshots written.
    """
    features = [name for name in scored.columns if name not in _NOT_FEATURES]
    reasons = "risk_reasons" if "risk_reasons" in scored.columns else "reason_codes"
    rows = []
    for row in scored.iter_rows(named=True):
        values = {name: _clean(row[name]) for name in features}
        values["_approved_limit"] = row["approved_limit"]
        rows.append(
            {
                "account_id": row["account_id"],
                "as_of_month": row["as_of_month"],
                "model_version": model_version,
                "features": values,
                "score": _clean(row["score"]),
                "pd": _clean(row["pd"]),
                "risk_reasons": list(row[reasons] or ()),
                "computed_at": now,
            }
        )
    ids = [row["account_id"] for row in rows]
    for start in range(0, len(rows), 1000):
        conn.execute(delete(profile_snapshots).where(profile_snapshots.c.account_id.in_(ids[start : start + 1000])))
        conn.execute(insert(profile_snapshots), rows[start : start + 1000])
    return len(rows)
