"""Bearer tokens, roles and line ownership on the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from creditline.api.tokens import issue_token
from creditline.clock import FixedClock
from creditline.service.imports import import_folder
from creditline.settings import Settings
from tests.access import TestClient, app_client, bearer
from tests.factories import write_portfolio

N_ACCOUNTS = 12
UNAUTHORIZED_TYPE = "https://creditline.dev/problems/access-token-"


@pytest.fixture
def client(engine: Engine, tmp_path: Path, clock: FixedClock) -> Iterator[TestClient]:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", N_ACCOUNTS), clock)
    with app_client(engine, clock) as test_client:
        yield test_client


def forged(clock: FixedClock, **changes: object) -> dict[str, str]:
    """A customer token for C0001 whose claims are edited after signing."""
    token = bearer(clock, subject="C0001", role="customer")["Authorization"].removeprefix("Bearer ")
    header, claims, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    decoded.update(changes)
    edited = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    return {"Authorization": f"Bearer {header}.{edited}.{signature}"}


def signed_with(clock: FixedClock, secret: bytes, kid: str, **claims: object) -> dict[str, str]:
    token = issue_token(secret, kid, now=clock.now(), ttl=timedelta(hours=1), **claims)  # type: ignore[arg-type]
    return {"Authorization": f"Bearer {token}"}


def test_customer_lists_own_lines_only(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/lines", headers=bearer(clock, subject="C0003", role="customer"))

    assert response.status_code == 200
    assert [line["account_id"] for line in response.json()["items"]] == ["A0003"]


def test_customer_filter_for_other_customer_is_empty(client: TestClient, clock: FixedClock) -> None:
    headers = bearer(clock, subject="C0003", role="customer")

    response = client.get("/v1/lines", params={"customer_id": "C0004"}, headers=headers)

    assert response.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize("suffix", ["", "/adjustments", "/events"])
def test_other_customers_line_is_not_found(client: TestClient, clock: FixedClock, suffix: str) -> None:
    headers = {**bearer(clock, subject="C0003", role="customer"), "Accept-Language": "en"}

    foreign = client.get(f"/v1/lines/A0004{suffix}", headers=headers)
    missing = client.get(f"/v1/lines/A9999{suffix}", headers=headers)

    assert foreign.status_code == 404
    assert missing.status_code == 404
    assert foreign.json()["detail"] == "Credit line 'A0004' not found."
    assert missing.json()["detail"] == "Credit line 'A9999' not found."
    assert foreign.json().keys() == missing.json().keys()


def test_customer_reads_own_line(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/lines/A0003/events", headers=bearer(clock, subject="C0003", role="customer"))

    assert response.status_code == 200
    assert [event["event_type"] for event in response.json()] == ["LineOpened"]


@pytest.mark.parametrize("role", ["officer", "auditor", "admin"])
def test_staff_read_any_line(client: TestClient, clock: FixedClock, role: str) -> None:
    headers = bearer(clock, subject="staff-1", role=role)

    assert client.get("/v1/lines/A0004", headers=headers).status_code == 200
    assert len(client.get("/v1/lines", headers=headers).json()["items"]) == N_ACCOUNTS
    assert client.get("/v1/batches", headers=headers).status_code == 200


@pytest.mark.parametrize("path", ["/v1/batches", "/v1/adjustments", "/v1/batches/B1/items", "/v1/cases"])
@pytest.mark.parametrize("role", ["customer", "service"])
def test_staff_routes_reject_other_roles(client: TestClient, clock: FixedClock, path: str, role: str) -> None:
    headers = {**bearer(clock, subject="C0001", role=role), "Accept-Language": "en"}

    response = client.get(path, headers=headers)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://creditline.dev/problems/access-role_required"
    assert problem["title"] == "Forbidden"
    assert problem["detail"].startswith(f"Role '{role}' may not do this; allowed roles: ")
    assert "WWW-Authenticate" not in response.headers


def test_forbidden_in_chinese(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/batches", headers=bearer(clock, subject="C0001", role="customer"))

    assert response.json()["title"] == "无权访问"
    assert response.json()["detail"] == "角色“customer”无权执行此操作：需要以下角色之一：admin, auditor, officer。"


def test_missing_token_is_unauthorized(client: TestClient) -> None:
    response = client.get("/v1/lines", headers={"Accept-Language": "en"})

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="creditline"'
    assert response.headers["content-language"] == "en"
    assert response.json() == {
        "type": UNAUTHORIZED_TYPE + "missing",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Missing access token: send the header 'Authorization: Bearer <token>'.",
        "instance": "/v1/lines",
    }


def test_missing_token_in_chinese(client: TestClient) -> None:
    response = client.get("/v1/lines")

    assert response.json()["title"] == "未通过身份验证"
    assert response.json()["detail"] == "缺少访问令牌：请在请求头 Authorization 中提供“Bearer <令牌>”。"


def rejected(client: TestClient, headers: dict[str, str]) -> tuple[int, str, str]:
    response = client.get("/v1/lines", headers={**headers, "Accept-Language": "en"})
    return response.status_code, response.json()["type"].removeprefix(UNAUTHORIZED_TYPE), response.headers.get("www-authenticate", "")


INVALID_CHALLENGE = 'Bearer realm="creditline", error="invalid_token"'


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-token", "Bearer a.b", "Bearer a.b.c.d", "Bearer !!.??.**"],
)
def test_malformed_tokens_rejected(client: TestClient, authorization: str) -> None:
    status, kind, challenge = rejected(client, {"Authorization": authorization})

    assert status == 401
    assert kind in {"missing", "malformed", "scheme"}
    assert challenge.startswith('Bearer realm="creditline"')


def test_other_scheme_named_without_the_credential(client: TestClient) -> None:
    response = client.get("/v1/lines", headers={"Authorization": "Basic dXNlcjpwYXNz", "Accept-Language": "en"})

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "The Authorization header must be 'Bearer <token>' but starts with 'Basic': put 'Bearer ' before the token."
    )
    assert "dXNlcjpwYXNz" not in response.text
    assert response.headers["www-authenticate"] == 'Bearer realm="creditline"'


def test_edited_claims_fail_signature(client: TestClient, clock: FixedClock) -> None:
    assert rejected(client, forged(clock, sub="C0002")) == (401, "bad_signature", INVALID_CHALLENGE)
    assert rejected(client, forged(clock, role="admin")) == (401, "bad_signature", INVALID_CHALLENGE)


def test_unknown_key_id_rejected(client: TestClient, clock: FixedClock) -> None:
    headers = signed_with(clock, b"x" * 32, "retired-2025", subject="C0001", role="customer")

    assert rejected(client, headers) == (401, "unknown_key", INVALID_CHALLENGE)


def test_wrong_secret_rejected(client: TestClient, clock: FixedClock) -> None:
    headers = signed_with(clock, b"y" * 32, Settings().token_active_kid, subject="C0001", role="customer")

    assert rejected(client, headers) == (401, "bad_signature", INVALID_CHALLENGE)


def test_unknown_role_rejected(client: TestClient, clock: FixedClock) -> None:
    response = client.get("/v1/lines", headers={**bearer(clock, subject="x", role="root"), "Accept-Language": "en"})

    assert response.status_code == 401
    assert response.json()["detail"] == (
        "Access token role 'root' is unknown: the roles are customer, officer, auditor, admin, service."
    )


def test_expiry_honours_clock_skew_leeway(client: TestClient, clock: FixedClock) -> None:
    headers = bearer(clock, subject="C0001", role="customer", ttl=timedelta(minutes=10))

    clock.advance(timedelta(minutes=10, seconds=59))
    assert client.get("/v1/lines", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    assert rejected(client, headers) == (401, "expired", INVALID_CHALLENGE)


def test_future_token_rejected_beyond_leeway(client: TestClient, clock: FixedClock) -> None:
    early = FixedClock(clock.now() + timedelta(seconds=60))
    too_early = FixedClock(clock.now() + timedelta(seconds=61))

    assert client.get("/v1/lines", headers=bearer(early, subject="C0001", role="customer")).status_code == 200
    assert rejected(client, bearer(too_early, subject="C0001", role="customer")) == (401, "not_yet_valid", INVALID_CHALLENGE)


@pytest.mark.parametrize(("claim", "value"), [("aud", "other-app"), ("exp", "tomorrow"), ("sa", "yes"), ("sub", "")])
def test_invalid_claims_rejected(claim: str, value: object, clock: FixedClock) -> None:
    from creditline.api.tokens import verify_token
    from creditline.errors import Unauthenticated

    settings = Settings()
    secret = settings.token_secrets()[settings.token_active_kid]
    token = issue_token(secret, settings.token_active_kid, subject="C0001", role="customer", now=clock.now(), ttl=timedelta(hours=1))
    header, claims, _ = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
    decoded[claim] = value
    edited = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    import hashlib
    import hmac

    signature = hmac.new(secret, f"{header}.{edited}".encode(), hashlib.sha256).digest()
    resigned = f"{header}.{edited}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

    with pytest.raises(Unauthenticated) as caught:
        verify_token(resigned, settings.token_secrets(), clock.now())
    assert caught.value.key == "access.token.claim_invalid"
    assert caught.value.params == {"claim": claim}


def test_rotated_keys_both_verify(engine: Engine, tmp_path: Path, clock: FixedClock) -> None:
    import_folder(engine, write_portfolio(tmp_path / "portfolio", 2), clock)
    old, new = base64.b64encode(b"o" * 32).decode(), base64.urlsafe_b64encode(b"n" * 40).decode()
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, token_keys={"2026-11": old, "2026-12": new}, token_active_kid="2026-12")
    from creditline.api.app import create_app

    with TestClient(create_app(settings, clock=clock)) as rotated:
        for kid, secret in (("2026-11", b"o" * 32), ("2026-12", b"n" * 40)):
            headers = signed_with(clock, secret, kid, subject="C0001", role="customer")
            assert rotated.get("/v1/lines", headers=headers).status_code == 200
        dev = bearer(clock, subject="C0001", role="customer")
        assert rotated.get("/v1/lines", headers=dev).status_code == 401


def test_settings_read_token_keys_from_environment() -> None:
    secret = base64.b64encode(b"k" * 32).decode()

    settings = Settings.from_environment({"CREDITLINE_TOKEN_KEYS": json.dumps({"k1": secret})})

    assert settings.token_active_kid == "k1"
    assert settings.token_secrets() == {"k1": b"k" * 32}


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CREDITLINE_TOKEN_KEYS": "{not json"}, "CREDITLINE_TOKEN_KEYS is not valid JSON"),
        ({"CREDITLINE_TOKEN_KEYS": "[]"}, "CREDITLINE_TOKEN_KEYS must be a non-empty JSON object"),
        ({"CREDITLINE_TOKEN_KEYS": '{"a": "AAAA", "b": "AAAA"}'}, "CREDITLINE_TOKEN_ACTIVE_KID is not set"),
        ({"CREDITLINE_TOKEN_KEYS": '{"a": "AAAA"}', "CREDITLINE_TOKEN_ACTIVE_KID": "b"}, "CREDITLINE_TOKEN_ACTIVE_KID='b' is not a key id"),
        ({"CREDITLINE_TOKEN_KEYS": '{"a": "not base64!"}'}, "CREDITLINE_TOKEN_KEYS['a'] is not base64"),
    ],
    ids=["not-json", "not-object", "no-active", "active-unknown", "not-base64"],
)
def test_settings_reject_bad_token_keys(environ: dict[str, str], message: str) -> None:
    from creditline.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        Settings.from_environment(environ)
    assert message in caught.value.params["detail"]


PRODUCTION = {"CREDITLINE_ENV": "production", "CREDITLINE_DATABASE_URL": "postgresql://db/creditline"}


def test_production_rejects_development_key() -> None:
    from creditline.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        Settings.from_environment(PRODUCTION)
    assert caught.value.params["detail"] == (
        "CREDITLINE_TOKEN_KEYS['dev'] is the published development key; set a random secret in production"
    )


def test_production_rejects_short_key() -> None:
    from creditline.errors import InvalidInput

    short = base64.b64encode(b"s" * 31).decode()
    with pytest.raises(InvalidInput) as caught:
        Settings.from_environment({**PRODUCTION, "CREDITLINE_TOKEN_KEYS": json.dumps({"k": short})})
    assert caught.value.params["detail"].startswith("CREDITLINE_TOKEN_KEYS['k'] has 31 bytes; production needs at least 32")


def test_production_accepts_long_random_key() -> None:
    secret = base64.b64encode(bytes(range(32))).decode()

    settings = Settings.from_environment({**PRODUCTION, "CREDITLINE_TOKEN_KEYS": json.dumps({"k": secret})})

    assert settings.token_secrets()["k"] == bytes(range(32))
