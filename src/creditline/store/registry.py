"""Model registry rows: fitted model artifacts with their status, metrics and history.

A model version is ``challenger``, ``champion`` or ``retired``; each kind has at most
one champion, which reviews score with. Every registration and every promotion is also
appended to the ledger stream ``registry:<kind>`` in the same transaction, with who did
it, so an auditor can tell which model was champion when, and on whose decision.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from creditline.domain.ledger import registry_stream
from creditline.errors import Conflict, ModelNotReady, NotFound
from creditline.store.ledger import append_headed_event
from creditline.store.tables import models

logger = logging.getLogger(__name__)

MODEL_STATUSES = ("challenger", "champion", "retired")
MODEL_REGISTERED = "ModelRegistered"
MODEL_PROMOTED = "ModelPromoted"


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """One registered model version, without its artifact text."""

    model_version: str
    kind: str
    status: str
    created_at: datetime
    created_by: str
    fingerprint: str  # SHA-256 of the training columns
    features: tuple[str, ...]  # the model's features, read from its artifact
    metrics: dict[str, Any]


def save_model(
    conn: Connection,
    *,
    model_version: str,
    kind: str,
    status: str,
    artifact: str,
    metrics: dict[str, Any],
    fingerprint: str,
    created_by: str,
    created_at: datetime,
) -> None:
    """Store a fitted model; a new champion retires the previous one in the same transaction.

    Refitting the same data with the same settings gives the same version. That model
    keeps its first record and is not registered again. With ``status="champion"`` it is
    promoted by ``created_by`` unless it already is the champion; with another status an
    existing record keeps its status.
    """
    known = conn.scalar(select(models.c.status).where(models.c.model_version == model_version))
    if known is None:
        register_model(
            conn,
            model_version=model_version,
            kind=kind,
            artifact=artifact,
            metrics=metrics,
            fingerprint=fingerprint,
            created_by=created_by,
            created_at=created_at,
            status="challenger" if status == "champion" else status,
        )
    if status == "champion" and known != "champion":
        promote_model(conn, model_version=model_version, promoted_by=created_by, promoted_at=created_at)


def register_model(
    conn: Connection,
    *,
    model_version: str,
    kind: str,
    artifact: str,
    metrics: dict[str, Any],
    fingerprint: str,
    created_by: str,
    created_at: datetime,
    status: str = "challenger",
) -> None:
    """Insert a new model version and record its registration in the ledger.

    Raises
    ------
    Conflict
        When ``model_version`` is already registered.
    """
    if conn.scalar(select(models.c.model_version).where(models.c.model_version == model_version)) is not None:
        raise Conflict("scoring.model_exists", model_version=model_version)
    conn.execute(
        models.insert().values(
            model_version=model_version,
            kind=kind,
            status=status,
            artifact=artifact,
            metrics=metrics,
            fingerprint=fingerprint,
            created_by=created_by,
            created_at=created_at,
        )
    )
    payload = {
        "model_version": model_version,
        "kind": kind,
        "status": status,
        "fingerprint": fingerprint,
        "registered_by": created_by,
    }
    append_headed_event(conn, registry_stream(kind), MODEL_REGISTERED, created_at, payload)


def promote_model(conn: Connection, *, model_version: str, promoted_by: str, promoted_at: datetime) -> str | None:
    """Make ``model_version`` the champion of its kind and retire the previous champion.

    A retired version may be promoted again, which is how a promotion is rolled back.
    Returns the previous champion's version, None when the kind had none.

    Raises
    ------
    NotFound
        When the version is not registered.
    Conflict
        When it already is the champion.
    """
    row = conn.execute(
        select(models.c.kind, models.c.status).where(models.c.model_version == model_version).with_for_update()
    ).first()
    if row is None:
        raise NotFound(kind="model", ident=model_version)
    if row.status == "champion":
        raise Conflict("scoring.model_already_champion", model_version=model_version)
    previous = conn.scalar(
        select(models.c.model_version).where(models.c.kind == row.kind, models.c.status == "champion").with_for_update()
    )
    if previous is not None:
        conn.execute(update(models).where(models.c.model_version == previous).values(status="retired"))
    conn.execute(update(models).where(models.c.model_version == model_version).values(status="champion"))
    payload = {
        "model_version": model_version,
        "kind": row.kind,
        "previous_status": row.status,
        "previous_champion": previous,
        "promoted_by": promoted_by,
    }
    append_headed_event(conn, registry_stream(row.kind), MODEL_PROMOTED, promoted_at, payload)
    logger.info("model %s promoted to champion of %s by %s, retiring %s", model_version, row.kind, promoted_by, previous)
    return str(previous) if previous is not None else None


def list_models(conn: Connection, kind: str | None = None) -> list[ModelRecord]:
    """Return the registered models, newest first (``kind`` None lists every kind)."""
    query = select(models).order_by(models.c.created_at.desc(), models.c.model_version)
    if kind is not None:
        query = query.where(models.c.kind == kind)
    return [
        ModelRecord(
            model_version=row.model_version,
            kind=row.kind,
            status=row.status,
            created_at=row.created_at,
            created_by=row.created_by,
            fingerprint=row.fingerprint,
            features=_artifact_features(row.artifact),
            metrics=dict(row.metrics),
        )
        for row in conn.execute(query)
    ]


def champion_artifact(conn: Connection, kind: str = "scorecard") -> str:
    """Return the JSON artifact of the current champion model of ``kind``."""
    artifact = conn.scalar(select(models.c.artifact).where(models.c.kind == kind, models.c.status == "champion"))
    if artifact is None:
        raise ModelNotReady()
    return str(artifact)


def model_artifact(conn: Connection, model_version: str) -> str:
    artifact = conn.scalar(select(models.c.artifact).where(models.c.model_version == model_version))
    if artifact is None:
        raise NotFound(kind="model", ident=model_version)
    return str(artifact)


def _artifact_features(artifact: str) -> tuple[str, ...]:
    """Read feature names from an artifact's ``features`` list (scorecards) or ``feature_names``.

    Returns an empty tuple for an artifact of another layout rather than failing the listing.
    """
    try:
        data = json.loads(artifact)
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    features = data.get("features")
    if isinstance(features, list):
        return tuple(str(f["name"]) if isinstance(f, dict) and "name" in f else str(f) for f in features)
    names = data.get("feature_names")
    return tuple(str(n) for n in names) if isinstance(names, list) else ()
