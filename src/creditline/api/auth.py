"""Who is calling: bearer tokens, roles and line ownership.

Every /v1 route declares its callers with :func:`require_roles` (or :func:`current_principal`
when any role may call) and, for a line, checks ownership with :func:`ensure_line_access`.
A missing or invalid token gives 401 with a ``WWW-Authenticate`` header (RFC 6750). A role
that may not call a route gives 403. A customer asking for another customer's line gets the
same 404 as for a line that does not exist, so account ids cannot be probed.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from creditline.api.tokens import TokenVerifier
from creditline.errors import Forbidden, NotFound, Unauthenticated

logger = logging.getLogger(__name__)

REALM = "creditline"


class Role(enum.StrEnum):
    """The role claim of a token."""

    CUSTOMER = "customer"  # a borrower; reaches only their own lines
    OFFICER = "officer"  # credit officer: works the human-review queue
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # operations staff
    SERVICE = "service"  # the lender's messaging system, which reads the notice outbox


STAFF_ROLES = frozenset({Role.OFFICER, Role.AUDITOR, Role.ADMIN})


@dataclass(frozen=True)
class Principal:
    """The verified caller: ``subject`` is the customer id for customers, the staff id otherwise."""

    subject: str
    role: Role
    strong_auth: bool
    token_id: str

    @property
    def scope(self) -> str:
        """Key under which the caller's idempotency keys are kept apart from everyone else's."""
        return f"{self.role}:{self.subject}"


def bearer_token(authorization: str | None) -> str:
    """Return the token of an ``Authorization: Bearer <token>`` header value."""
    if not authorization:
        raise Unauthenticated("access.token.missing")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        # Only the scheme is echoed: the rest may be a credential.
        raise Unauthenticated("access.token.scheme", scheme=scheme[:20])
    if not token.strip():
        raise Unauthenticated("access.token.missing")
    return token.strip()


def authenticate(request: Request) -> Principal:
    """Verify the request's bearer token with the application's keys and clock."""
    verifier: TokenVerifier = request.app.state.token_verifier
    claims = verifier.verify(bearer_token(request.headers.get("Authorization")), request.app.state.clock.now())
    try:
        role = Role(claims.role)
    except ValueError:
        raise Unauthenticated(
            "access.token.role_unknown", role=claims.role, roles=", ".join(str(role) for role in Role)
        ) from None
    return Principal(subject=claims.subject, role=role, strong_auth=claims.strong_auth, token_id=claims.token_id)


def remember_principal(request: Request, principal: Principal) -> None:
    """Keep the verified caller for the rest of the request (the state lives in the ASGI scope)."""
    request.state.principal = principal


def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the verified caller, or a 401 problem."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    principal = authenticate(request)
    remember_principal(request, principal)
    return principal


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """Build a FastAPI dependency that admits only ``roles``: 401 without a valid token, else 403.

    The dependency is a coroutine because it does no I/O: FastAPI would run a plain
    function in its thread pool, and that hand-off costs more than checking the token.
    """
    allowed = frozenset(roles)
    names = ", ".join(str(role) for role in roles)

    async def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if principal.role not in allowed:
            logger.info("role %s rejected on %s %s", principal.role, request.method, request.url.path)
            raise Forbidden("access.role_required", role=str(principal.role), roles=names)
        return principal

    dependency.__name__ = f"require_{'_or_'.join(str(role) for role in roles)}"
    return dependency


def ensure_line_access(principal: Principal, customer_id: str, account_id: str) -> None:
    """Admit staff to any line and a customer to their own lines only.

    Raises
    ------
    NotFound
        For a customer and a line of another customer, with the same message as for a
        line that does not exist.
    """
    if principal.role is Role.CUSTOMER and principal.subject != customer_id:
        raise NotFound(kind="line", ident=account_id)


def install(app: FastAPI) -> None:
    """Render 401 problems with the ``WWW-Authenticate`` challenge of RFC 6750."""
    from creditline.api import problems

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, error: Unauthenticated) -> JSONResponse:
        locale = getattr(request.state, "locale", "zh")
        response = problems.problem(
            request, 401, error.key.replace(".", "-"), "api.title.unauthorized", error.render(locale)
        )
        challenge = f'Bearer realm="{REALM}"'
        # RFC 6750: no error code when the request carried no bearer credentials at all.
        if error.key not in ("access.token.missing", "access.token.scheme"):
            challenge += ', error="invalid_token"'
        response.headers["WWW-Authenticate"] = challenge
        return response
