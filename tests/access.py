"""Access tokens for API tests, signed with the settings' active key."""

from __future__ import annotations

from datetime import timedelta

from creditline.api.tokens import issue_token
from creditline.clock import Clock
from creditline.settings import Settings


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
