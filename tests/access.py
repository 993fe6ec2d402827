"""Access tokens for API tests, signed with the settings' active key."""

from __future__ import annotations

import warnings
from datetime import timedelta

from sqlalchemy import Engine
from starlette.exceptions import StarletteDeprecationWarning

from creditline.api.app import create_app
from creditline.api.tokens import issue_token
from creditline.clock import Clock
from creditline.settings import Settings

# NOTE: Starlette 1.x warns at import that its test client prefers the httpx2 package. The dev
# extra installs httpx only, and the warning concerns the test client, not creditline.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


def bearer(
    clock: Clock,
    *,
    subject: str,
    role: str,
    strong_auth: bool = False,
    ttl: timedelta = timedelta(hours=1),
    settings: Settings | None = None,
) -> dict[str, str]:
    """Return an Authorization header for ``subject`` in ``role``, issued at the clock's now."""
    settings = settings or Settings()
    secret = settings.token_secrets()[settings.token_active_kid]
    token = issue_token(
        secret,
        settings.token_active_kid,
        subject=subject,
        role=role,
        now=clock.now(),
        ttl=ttl,
        strong_auth=strong_auth,
    )
    return {"Authorization": f"Bearer {token}"}


def app_client(engine: Engine, clock: Clock) -> TestClient:
    """A test client for the API on ``engine``; use it as a context manager so start-up runs."""
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(Settings(database_url=url), clock=clock))
