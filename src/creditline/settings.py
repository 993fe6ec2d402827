"""Typed settings read from ``CREDITLINE_*`` environment variables, validated at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creditline.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///creditline.db"


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime configuration.

    ``database_url`` is an SQLAlchemy URL: an SQLite file by default, PostgreSQL as
    ``postgresql://user@host:port/db`` (driven by psycopg 3). ``timezone`` is the lender's
    IANA zone for calendar rules such as "once per month". ``environment`` "production"
    rejects SQLite.
    """

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    data_home: Path | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    environment: str = "development"
    lang: str | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                detail=f"CREDITLINE_TIMEZONE='{self.timezone}' is not an IANA time zone; use for example Asia/Shanghai"
            ) from None
        if self.log_format not in ("text", "json"):
            raise InvalidInput(detail=f"CREDITLINE_LOG_FORMAT='{self.log_format}' must be text or json")
        if self.environment == "production" and self.database_url.startswith("sqlite"):
            raise InvalidInput(
                detail="CREDITLINE_DATABASE_URL points at SQLite in production; set a PostgreSQL URL"
            )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        data_home = env.get("CREDITLINE_DATA_HOME")
        return cls(
            database_url=env.get("CREDITLINE_DATABASE_URL") or DEFAULT_DATABASE_URL,
            timezone=env.get("CREDITLINE_TIMEZONE") or "Asia/Shanghai",
            data_home=Path(data_home) if data_home else None,
            log_format=env.get("CREDITLINE_LOG_FORMAT") or "text",
            log_level=env.get("CREDITLINE_LOG_LEVEL") or "INFO",
            environment=env.get("CREDITLINE_ENV") or "development",
            lang=env.get("CREDITLINE_LANG") or None,
        )
