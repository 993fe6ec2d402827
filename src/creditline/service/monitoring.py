"""Model monitoring and export: load a registered scorecard and the current portfolio.

The current portfolio is every line's latest profile, built from the stored lines,
statements and customers the way training builds it, without the outcomes.
"""

from __future__ import annotations

import logging

import polars as pl
from sqlalchemy import Connection

from creditline.errors import InvalidInput
from creditline.profile import build_profiles
from creditline.scoring import Scorecard
from creditline.scoring.monitoring import MonitoringReport, monitor
from creditline.store import frames
from creditline.store.registry import champion_artifact, model_artifact

logger = logging.getLogger(__name__)


def load_scorecard_version(conn: Connection, model_version: str | None = None) -> Scorecard:
    """Return the registered scorecard ``model_version``, or the champion when None.

    Raises
    ------
    NotFound
        When the version is not registered.
    ModelNotReady
        When no version is given and no scorecard is champion.
    InvalidInput
        When the registered artifact is not a scorecard.
    """
    artifact = champion_artifact(conn) if model_version is None else model_artifact(conn, model_version)
    return Scorecard.from_json(artifact)


def load_current_profiles(conn: Connection) -> pl.DataFrame:
    """Build the latest profile of every stored line, sorted by account id."""
    lines = frames.load_lines(conn)
    statements = frames.load_statements(conn)
    customers = frames.load_customers(conn)
    if lines.is_empty():
        return pl.DataFrame()
    return build_profiles(lines, statements, customers).sort("account_id")


def monitor_model(conn: Connection, model_version: str | None = None) -> MonitoringReport:
    """Compute the score PSI and characteristic CSIs of a model on the current portfolio.

    Raises
    ------
    InvalidInput
        When no line is stored, or the profiles lack a characteristic of the model.
    NotFound, ModelNotReady
        As :func:`load_scorecard_version`.
    """
    model = load_scorecard_version(conn, model_version)
    profiles = load_current_profiles(conn)
    if profiles.height == 0:
        raise InvalidInput("monitoring.portfolio_empty", model_version=model.model_version)
    return monitor(model, profiles)
