"""Logging set-up for entry points (CLI and server); library modules only get loggers.

With CREDITLINE_LOG_FORMAT=json every record is one JSON line. Records carry the ids
that the code passes in ``extra`` (request_id, batch_id, account_id, import_id); the
code never passes personal data or secrets.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from creditline.settings import Settings

CONTEXT_FIELDS = ("request_id", "batch_id", "account_id", "import_id")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(settings: Settings) -> None:
    """Send creditline's logs to stderr, as text or JSON lines, at the configured level.

    Text logs show warnings and errors only unless CREDITLINE_LOG_LEVEL lowers the level,
    so that CLI output stays readable.
    """
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
        level = settings.log_level
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        level = settings.log_level if settings.log_level != "INFO" else "WARNING"
    root = logging.getLogger("creditline")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
