"""``creditline token issue`` signs tokens the API accepts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from creditline.api.tokens import verify_token
from creditline.cli import Context, build_app
from creditline.settings import Settings


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_app(Context("en")), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_token_issue_prints_verifiable_token() -> None:
    code, stdout, _ = run("token", "issue", "--sub", "C00001", "--role", "customer", "--strong-auth", "--ttl", "3600")

    assert code == 0
    settings = Settings()
    claims = verify_token(stdout.strip(), settings.token_secrets(), datetime.now(UTC))
    assert claims.subject == "C00001"
    assert claims.role == "customer"
    assert claims.strong_auth is True
    assert claims.key_id == "dev"
    assert (claims.expires_at - claims.issued_at).total_seconds() == 3600


def test_token_issue_without_strong_auth() -> None:
    code, stdout, _ = run("token", "issue", "--sub", "officer-li", "--role", "officer")

    assert code == 0
    claims = verify_token(stdout.strip(), Settings().token_secrets(), datetime.now(UTC))
    assert claims.strong_auth is False
    assert (claims.expires_at - claims.issued_at).total_seconds() == 3600


@pytest.mark.parametrize("role", ["root", "Customer"])
def test_token_issue_rejects_unknown_role(role: str) -> None:
    code, stdout, stderr = run("token", "issue", "--sub", "C1", "--role", role)

    assert code == 2
    assert stdout == ""
    assert stderr.strip() == f"Invalid role '{role}': the roles are customer, officer, auditor, admin, service."
