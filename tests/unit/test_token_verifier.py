"""TokenVerifier remembers tokens that passed, and still checks their validity period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from creditline.api.tokens import TokenVerifier, issue_token
from creditline.errors import Unauthenticated

SECRET = b"s" * 32
NOW = datetime(2026, 12, 4, 8, 0, tzinfo=UTC)


def token(subject: str = "C0001", now: datetime = NOW, ttl: timedelta = timedelta(minutes=10)) -> str:
    return issue_token(SECRET, "k1", subject=subject, role="customer", now=now, ttl=ttl)


def test_remembered_token_still_expires() -> None:
    verifier = TokenVerifier({"k1": SECRET})
    text = token()

    assert verifier.verify(text, NOW).subject == "C0001"
    with pytest.raises(Unauthenticated) as raised:
        verifier.verify(text, NOW + timedelta(minutes=11))
    assert raised.value.key == "access.token.expired"


def test_edited_remembered_token_fails_signature() -> None:
    verifier = TokenVerifier({"k1": SECRET})
    text = token()
    verifier.verify(text, NOW)
    header, claims, signature = text.split(".")
    other_claims = token(subject="C0002").split(".")[1]

    with pytest.raises(Unauthenticated) as raised:
        verifier.verify(f"{header}.{other_claims}.{signature}", NOW)
    assert raised.value.key == "access.token.bad_signature"


def test_rejected_token_is_not_remembered() -> None:
    verifier = TokenVerifier({"k1": SECRET})
    early = token(now=NOW + timedelta(minutes=5))

    with pytest.raises(Unauthenticated):
        verifier.verify(early, NOW)
    assert verifier.verify(early, NOW + timedelta(minutes=5)).subject == "C0001"


def test_verifies_past_its_capacity() -> None:
    verifier = TokenVerifier({"k1": SECRET}, capacity=2)
    texts = [token(subject=f"C{index:04d}") for index in range(5)]

    assert [verifier.verify(text, NOW).subject for text in texts + texts] == [f"C{i:04d}" for i in range(5)] * 2
