"""Validation report of a stored scorecard: one self-contained HTML file, Chinese and English.

:func:`write_report` measures the scorecard on its hold-out, compares it with the latest
LightGBM challenger and checks outcomes by sex and age band, then writes the page.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine

from creditline.clock import Clock
from creditline.report.content import ReportContent, gather_report
from creditline.report.html import render_report

logger = logging.getLogger(__name__)

__all__ = ["ReportContent", "gather_report", "render_report", "write_report"]


def write_report(engine: Engine, model_version: str, out: Path, clock: Clock) -> ReportContent:
    """Gather the report of scorecard ``model_version`` and write it to ``out`` (UTF-8 HTML).

    Raises the errors of :func:`gather_report`; the file is only written when gathering succeeds.
    """
    content = gather_report(engine, model_version, clock)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(content), encoding="utf-8")
    logger.info("validation report of %s written", model_version)
    return content
