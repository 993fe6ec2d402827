"""RFC 9457 problem details: the one place where exceptions become HTTP statuses."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from creditline.errors import Conflict, CreditlineError, Forbidden, NotFound, PolicyViolation, Unauthenticated
from creditline.i18n import MESSAGES, translate

logger = logging.getLogger(__name__)
PROBLEM_TYPE_BASE = "https://creditline.dev/problems/"


def _title_key(error: CreditlineError) -> str:
    if isinstance(error, NotFound):
        return "api.title.not_found"
    if isinstance(error, Conflict):
        return "api.title.conflict"
    if isinstance(error, PolicyViolation):
        return "api.title.policy"
    if isinstance(error, Unauthenticated):
        return "api.title.unauthorized"
    if isinstance(error, Forbidden):
        return "api.title.forbidden"
    if error.status == 422:
        return "api.title.invalid"
    return "api.title.internal"


def problem(request: Request, status: int, kind: str, title_key: str, detail: str, **extra: Any) -> JSONResponse:
    locale = getattr(request.state, "locale", "zh")
    body = {
        "type": PROBLEM_TYPE_BASE + kind,
        "title": translate(title_key, locale),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    headers = {"Content-Language": locale}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def validation_message(item: Mapping[str, Any], locale: str) -> str:
    """Render one pydantic error in ``locale``; types without a catalogue entry keep pydantic's English text."""
    key = f"api.validation.{item.get('type')}"
    if key not in MESSAGES:
        return str(item.get("msg", ""))
    context = {name: _context_text(value) for name, value in (item.get("ctx") or {}).items()}
    if "input" in item:
        # The value as the caller wrote it in JSON, cut short: 8000 or "abc" or null.
        context["input"] = json.dumps(item["input"], ensure_ascii=False, default=str)[:40]
    if item.get("type") == "json_invalid":
        context["position"] = str(item["loc"][-1])
    return translate(key, locale, **context)


def _location(item: Mapping[str, Any]) -> str:
    # A JSON syntax error's location ends with a character position, which is not a field.
    parts = item["loc"][:-1] if item.get("type") == "json_invalid" else item["loc"]
    return ".".join(str(part) for part in parts)


def _context_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def install(app: FastAPI) -> None:
    @app.exception_handler(CreditlineError)
    async def creditline_error(request: Request, error: CreditlineError) -> JSONResponse:
        locale = getattr(request.state, "locale", "zh")
        if error.status >= 500:
            logger.error("request %s failed: %s", getattr(request.state, "request_id", "-"), error.key)
        return problem(request, error.status, error.key.replace(".", "-"), _title_key(error), error.render(locale))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        locale = getattr(request.state, "locale", "zh")
        errors = [{"location": _location(item), "problem": validation_message(item, locale)} for item in error.errors()]
        first = errors[0] if errors else {"location": "-", "problem": "-"}
        detail = translate("api.error.validation", locale, **first)
        return problem(request, 422, "validation", "api.title.invalid", detail, errors=errors)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        # The traceback goes to the log only; the caller gets the request id to quote.
        request_id = getattr(request.state, "request_id", "-")
        logger.exception("request %s failed unexpectedly", request_id, extra={"request_id": request_id})
        locale = getattr(request.state, "locale", "zh")
        detail = translate("api.error.unexpected", locale, request_id=request_id)
        return problem(request, 500, "internal", "api.title.internal", detail)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        locale = getattr(request.state, "locale", "zh")
        if error.status_code == 404:
            detail = translate("api.error.route_not_found", locale, path=request.url.path)
            return problem(request, 404, "route-not-found", "api.title.not_found", detail)
        if error.status_code == 405:
            detail = translate("api.error.method_not_allowed", locale, path=request.url.path, method=request.method)
            return problem(request, 405, "method-not-allowed", "api.title.invalid", detail)
        return problem(request, error.status_code, "http", "api.title.invalid", str(error.detail))
