"""Model registry rows: fitted model artifacts with their status and metrics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select, update

from creditline.errors import ModelNotReady, NotFound
from creditline.store.tables import models


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

    Refitting the same data with the same settings gives the same version. That model then
    only gets ``status`` again, and its first record is kept.
    """
    if status == "champion":
        conn.execute(
            update(models)
            .where(models.c.kind == kind, models.c.status == "champion", models.c.model_version != model_version)
            .values(status="retired")
        )
    known = conn.scalar(select(models.c.model_version).where(models.c.model_version == model_version))
    if known is not None:
        conn.execute(update(models).where(models.c.model_version == model_version).values(status=status))
        return
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
