"""Typed settings read from ``CREDITLINE_*`` environment variables, validated at start-up."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from creditline.errors import InvalidInput

DEFAULT_DATABASE_URL = "sqlite:///creditline.db"
ENVIRONMENTS = ("development", "test", "production")
DEFAULT_TIMEZONE = "Asia/Shanghai"
# The signing key used when CREDITLINE_TOKEN_KEYS is unset. It is published here, so any
# token signed with it is forgeable: production rejects it.
DEVELOPMENT_TOKEN_KID = "dev"
DEVELOPMENT_TOKEN_SECRET = "Y3JlZGl0bGluZS1kZXZlbG9wbWVudC1rZXktTk9ULVNFQ1JFVA"


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime configuration.

    ``database_url`` is an SQLAlchemy URL: an SQLite file by default, PostgreSQL as
    ``postgresql://user@host:port/db`` (driven by psycopg 3). ``timezone`` is the lender's
    IANA zone for calendar rules such as "once per month". ``environment`` "production"
    rejects SQLite.

    ``token_keys`` maps key ids to HMAC-SHA256 secrets for access tokens, each secret in
    base64 (standard or URL-safe alphabet). ``token_active_kid`` names the key that
    ``creditline token issue`` signs with. Production requires keys of at least 32 bytes
    and rejects the published development key.

    ``policy_path`` names the limit policy file the service decides customer requests
    with; unset, the shipped ``default_cny`` policy is used.
    """

    database_url: str = DEFAULT_DATABASE_URL
    timezone: str = "Asia/Shanghai"
    data_home: Path | None = None
    log_format: str = "text"
    log_level: str = "INFO"
    environment: str = "development"
    lang: str | None = None
    token_keys: Mapping[str, str] = field(default_factory=lambda: {DEVELOPMENT_TOKEN_KID: DEVELOPMENT_TOKEN_SECRET})
    token_active_kid: str = DEVELOPMENT_TOKEN_KID
    policy_path: Path | None = None

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidInput(
                detail=f"CREDITLINE_TIMEZONE='{self.timezone}' is not an IANA time zone; use for example Asia/Shanghai"
            ) from None
        if self.log_format not in ("text", "json"):
            raise InvalidInput(detail=f"CREDITLINE_LOG_FORMAT='{self.log_format}' must be text or json")
        if self.environment not in ENVIRONMENTS:
            raise InvalidInput(
                detail=f"CREDITLINE_ENV='{self.environment}' is unknown; use one of {', '.join(ENVIRONMENTS)}"
            )
        if self.environment == "production" and self.database_url.startswith("sqlite"):
            raise InvalidInput(
                detail="CREDITLINE_DATABASE_URL points at SQLite in production; set a PostgreSQL URL"
            )
        self._check_token_keys()

    def _check_token_keys(self) -> None:
        from creditline.api.tokens import MIN_SECRET_BYTES

        secrets = self.token_secrets()
        if self.token_active_kid not in secrets:
            raise InvalidInput(
                detail=f"CREDITLINE_TOKEN_ACTIVE_KID='{self.token_active_kid}' is not a key id of "
                f"CREDITLINE_TOKEN_KEYS ({', '.join(sorted(secrets)) or 'none'})"
            )
        if self.environment != "production":
            return
        for kid, secret in sorted(secrets.items()):
            if self.token_keys[kid] == DEVELOPMENT_TOKEN_SECRET:
                raise InvalidInput(
                    detail=f"CREDITLINE_TOKEN_KEYS['{kid}'] is the published development key; "
                    "set a random secret in production"
                )
            if len(secret) < MIN_SECRET_BYTES:
                raise InvalidInput(
                    detail=f"CREDITLINE_TOKEN_KEYS['{kid}'] has {len(secret)} bytes; production needs "
                    f"at least {MIN_SECRET_BYTES} random bytes, for example from 'openssl rand -base64 32'"
                )

    def token_secrets(self) -> dict[str, bytes]:
        """Return the decoded signing secrets by key id."""
        from creditline.api.tokens import decode_secret

        secrets: dict[str, bytes] = {}
        for kid, text in self.token_keys.items():
            try:
                secrets[kid] = decode_secret(text)
            except ValueError:
                raise InvalidInput(
                    detail=f"CREDITLINE_TOKEN_KEYS['{kid}'] is not base64; write each secret in base64"
                ) from None
        return secrets

    @property
    def uses_development_token_key(self) -> bool:
        return DEVELOPMENT_TOKEN_SECRET in self.token_keys.values()

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
            policy_path=Path(env["CREDITLINE_POLICY_PATH"]) if env.get("CREDITLINE_POLICY_PATH") else None,
            **_token_settings(env),
        )


def _token_settings(env: Mapping[str, str]) -> dict[str, object]:
    """Read CREDITLINE_TOKEN_KEYS (a JSON object of key id to secret) and CREDITLINE_TOKEN_ACTIVE_KID."""
    text = env.get("CREDITLINE_TOKEN_KEYS")
    if not text:
        return {}
    try:
        keys = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(detail=f"CREDITLINE_TOKEN_KEYS is not valid JSON: {error}") from None
    valid = isinstance(keys, dict) and keys and all(isinstance(kid, str) and isinstance(secret, str) for kid, secret in keys.items())
    if not valid:
        raise InvalidInput(
            detail='CREDITLINE_TOKEN_KEYS must be a non-empty JSON object of key id to base64 secret, e.g. {"2026-12": "..."}'
        )
    active = env.get("CREDITLINE_TOKEN_ACTIVE_KID")
    if not active and len(keys) == 1:
        # With a single key there is nothing to choose.
        active = next(iter(keys))
    if not active:
        raise InvalidInput(detail="CREDITLINE_TOKEN_ACTIVE_KID is not set; name the key id that signs new tokens")
    return {"token_keys": keys, "token_active_kid": active}
