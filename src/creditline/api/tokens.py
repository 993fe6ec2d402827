"""Access tokens signed by the lender's app: compact JWS with HMAC-SHA256, standard library only.

A token is ``base64url(header).base64url(claims).base64url(signature)`` without padding
(RFC 7515 compact serialisation). The header is ``{"alg": "HS256", "kid": ..., "typ": "JWT"}``;
the claims are ``sub``, ``role``, ``iat``, ``exp`` (seconds since the Unix epoch), ``jti``,
``aud`` = "creditline" and an optional ``sa`` (strong authentication, true or false). The
signature is HMAC-SHA256 over the ASCII text ``header.claims`` with the secret named by ``kid``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from creditline.errors import Unauthenticated

ALGORITHM = "HS256"
AUDIENCE = "creditline"
# Clocks of the lender's app and of this service may differ by up to this much.
CLOCK_SKEW_LEEWAY = timedelta(seconds=60)
MIN_SECRET_BYTES = 32
# Longer headers are rejected before any decoding work.
MAX_TOKEN_LENGTH = 4096
_BASE64URL_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """The verified content of a token; ``role`` is still the raw claim text."""

    subject: str
    role: str
    issued_at: datetime
    expires_at: datetime
    token_id: str
    strong_auth: bool
    key_id: str


def decode_secret(text: str) -> bytes:
    """Decode a signing secret written in base64, standard or URL-safe alphabet, padding optional.

    Raises
    ------
    ValueError
        When ``text`` is not base64.
    """
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except binascii.Error as error:
        raise ValueError(f"not base64: {error}") from None


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(segment: str) -> bytes:
    if _BASE64URL_SEGMENT.fullmatch(segment) is None:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))



def _json_segment(value: Mapping[str, Any]) -> str:
    return _b64encode(json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8"))


def _sign(secret: bytes, signing_input: str) -> bytes:
    return hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()


def issue_token(
    secret: bytes,
    key_id: str,
    *,
    subject: str,
    role: str,
    now: datetime,
    ttl: timedelta,
    strong_auth: bool = False,
    token_id: str | None = None,
) -> str:
    """Sign a token for ``subject`` in ``role``, valid from ``now`` for ``ttl``.

    This is what the lender's app does; creditline itself issues tokens only for
    development and tests (``creditline token issue``).
    """
    if ttl <= timedelta(0):
        raise ValueError("ttl must be positive")
    issued = int(now.timestamp())
    header = {"alg": ALGORITHM, "kid": key_id, "typ": "JWT"}
    claims: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "iat": issued,
        "exp": issued + int(ttl.total_seconds()),
        "jti": token_id or uuid.uuid4().hex,
        "aud": AUDIENCE,
        "sa": strong_auth,
    }
    signing_input = f"{_json_segment(header)}.{_json_segment(claims)}"
    return f"{signing_input}.{_b64encode(_sign(secret, signing_input))}"


def _load_json(segment: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(segment))
    except (ValueError, UnicodeDecodeError):
        raise Unauthenticated("access.token.malformed") from None
    if not isinstance(value, dict):
        raise Unauthenticated("access.token.malformed")
    return value


def _timestamp(claims: Mapping[str, Any], name: str) -> datetime:
    value = claims.get(name)
    # bool is an int subclass, and "exp": true must not pass as 1 January 1970.
    if not isinstance(value, int) or isinstance(value, bool):
        raise Unauthenticated("access.token.claim_invalid", claim=name)
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise Unauthenticated("access.token.claim_invalid", claim=name) from None


def _text_claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise Unauthenticated("access.token.claim_invalid", claim=name)
    return value


def _check_audience(claims: Mapping[str, Any]) -> None:
    audience = claims.get("aud")
    accepted = audience == AUDIENCE or (isinstance(audience, list) and AUDIENCE in audience)
    if not accepted:
        raise Unauthenticated("access.token.claim_invalid", claim="aud")


def verify_token(token: str, keys: Mapping[str, bytes], now: datetime) -> TokenClaims:
    """Check a token's form, signature, audience and validity period.

    Parameters
    ----------
    keys
        Signing secrets by key id; the header's ``kid`` picks one.
    now
        The current UTC time; ``exp`` and ``iat`` are honoured with a leeway of
        ``CLOCK_SKEW_LEEWAY`` (60 seconds) either way.

    Raises
    ------
    Unauthenticated
        With the key ``access.token.<problem>`` naming what failed: malformed,
        unsupported_algorithm, unknown_key, bad_signature, claim_invalid, expired or
        not_yet_valid.
    """
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise Unauthenticated("access.token.malformed")
    header_segment, claims_segment, signature_segment = token.split(".")
    header = _load_json(header_segment)
    if header.get("alg") != ALGORITHM:
        raise Unauthenticated("access.token.unsupported_algorithm", algorithm=str(header.get("alg")))
    key_id = header.get("kid")
    if not isinstance(key_id, str) or key_id not in keys:
        raise Unauthenticated("access.token.unknown_key", kid=str(key_id))
    try:
        signature = _b64decode(signature_segment)
    except ValueError:
        raise Unauthenticated("access.token.malformed") from None
    expected = _sign(keys[key_id], f"{header_segment}.{claims_segment}")
    if not hmac.compare_digest(signature, expected):
        raise Unauthenticated("access.token.bad_signature")

    claims = _load_json(claims_segment)
    _check_audience(claims)
    issued_at = _timestamp(claims, "iat")
    expires_at = _timestamp(claims, "exp")
    _check_period(issued_at, expires_at, now)
    strong_auth = claims.get("sa", False)
    if not isinstance(strong_auth, bool):
        raise Unauthenticated("access.token.claim_invalid", claim="sa")
    return TokenClaims(
        subject=_text_claim(claims, "sub"),
        role=_text_claim(claims, "role"),
        issued_at=issued_at,
        expires_at=expires_at,
        token_id=_text_claim(claims, "jti"),
        strong_auth=strong_auth,
        key_id=key_id,
    )


def _check_period(issued_at: datetime, expires_at: datetime, now: datetime) -> None:
    if now >= expires_at + CLOCK_SKEW_LEEWAY:
        raise Unauthenticated("access.token.expired")
    if issued_at > now + CLOCK_SKEW_LEEWAY:
        raise Unauthenticated("access.token.not_yet_valid")


class TokenVerifier:
    """Verify tokens with one set of keys, remembering the tokens that passed.

    A token's signature and claims cannot change. So a token that passed before is not
    decoded and signed again: only its validity period is checked against ``now``. A
    customer's app sends the same token with every call, so most requests skip the HMAC.
    At most ``capacity`` tokens are remembered; when that is passed, the memory is emptied.
    A token that failed is not remembered.
    """

    def __init__(self, keys: Mapping[str, bytes], capacity: int = 10_000) -> None:
        self.keys = dict(keys)
        self.capacity = capacity
        self._passed: dict[str, TokenClaims] = {}

    def verify(self, token: str, now: datetime) -> TokenClaims:
        """Return the token's claims, or raise :class:`Unauthenticated` as :func:`verify_token` does."""
        claims = self._passed.get(token)
        if claims is not None:
            _check_period(claims.issued_at, claims.expires_at, now)
            return claims
        claims = verify_token(token, self.keys, now)
        if len(self._passed) >= self.capacity:
            self._passed.clear()
        self._passed[token] = claims
        return claims
