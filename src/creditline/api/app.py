"""Application factory for the HTTP API."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from creditline import __version__
from creditline.api import (
    auth,
    case_routes,
    customer_routes,
    model_routes,
    outbox_routes,
    problems,
    risk_routes,
    routes,
    suggestion_routes,
)
from creditline.api.idempotency import IdempotencyMiddleware
from creditline.clock import Clock, SystemClock
from creditline.i18n import negotiate_accept_language
from creditline.settings import Settings

logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Build the API for ``settings``; the engine is created at start-up, not at import."""
    settings = settings or Settings.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from creditline.store.db import make_engine

        app.state.engine = make_engine(settings.database_url)
        if settings.uses_development_token_key:
            logger.warning("access tokens are checked with the published development key; set CREDITLINE_TOKEN_KEYS")
        logger.info("API started")
        try:
            yield
        finally:
            app.state.engine.dispose()
            logger.info("API stopped")

    app = FastAPI(
        title="creditline",
        version=__version__,
        description="授信额度管理引擎 API · Credit-line management engine API. Amounts are decimal strings in major units.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()

    # Added first, so it runs inside request_context and sees the request id and locale.
    app.add_middleware(IdempotencyMiddleware)

    @app.middleware("http")
    async def request_context(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request.state.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request.state.locale = negotiate_accept_language(request.headers.get("Accept-Language"))
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        response.headers.setdefault("Content-Language", request.state.locale)
        logger.info(
            "%s %s -> %d in %.1f ms",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            extra={"request_id": request.state.request_id},
        )
        return response

    problems.install(app)
    auth.install(app)
    app.include_router(routes.router)
    app.include_router(suggestion_routes.router)
    app.include_router(case_routes.router)
    app.include_router(outbox_routes.router)
    app.include_router(customer_routes.router)
    app.include_router(risk_routes.router)
    app.include_router(model_routes.router)
    return app
