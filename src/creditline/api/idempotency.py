"""Idempotency keys for every POST under /v1: a retry returns the first reply and changes nothing twice.

The caller sends an ``Idempotency-Key`` header (1 to 128 printable ASCII characters).
Keys are kept per principal (role and subject), so two callers never share one. Each
POST runs in one :class:`~creditline.store.transactions.UnitOfWork`: the key is claimed
in ``idempotency_keys``, the handler's service calls join the same transaction with
savepoints, and the reply is stored in the key's row before the one commit. The reply
leaves the server only after that commit. So a key is never left claimed without a
reply, and a request that fails, or a process that dies, leaves nothing behind. Then:

- a retry with the same key, method, path and body returns the stored status and body,
  with the header ``Idempotent-Replayed: true``, and the handler does not run again;
- the same key with another body, method or path gets 422;
- the same key while the first request is still running waits for it to end, then
  gets its reply (or runs, if the first one's changes were rolled back).

Stored replies: every 2xx and every 4xx except 401, 403, 408, 409, 425 and 429. Those six
depend on the token or on timing, so the caller may fix the cause and retry with the same
key: the transaction is rolled back with the claim. A 5xx or an exception rolls it back
too, so it is never replayed. Bodies are compared after JSON canonicalisation (key order
and spacing do not matter); a body that is not JSON is compared byte for byte.

A key row without a reply can only be left by a version that stored replies in a
transaction of their own. A retry then gets 409 until ``IN_FLIGHT_TIMEOUT`` has passed,
and after that takes the key over if it is the same request.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, bindparam, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creditline.api import problems
from creditline.api.auth import authenticate, remember_principal
from creditline.errors import CreditlineError
from creditline.i18n import translate
from creditline.store.db import insert_if_absent
from creditline.store.tables import idempotency_keys
from creditline.store.transactions import UnitOfWork

logger = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 128
# A claim older than this without a stored reply belongs to a request that died; a retry takes it over.
IN_FLIGHT_TIMEOUT = timedelta(minutes=5)
NOT_STORED_STATUSES = frozenset({401, 403, 408, 409, 425, 429})


def should_store(status: int) -> bool:
    """Return whether a reply with ``status`` is kept for replay (see the module docstring)."""
    return status < 500 and status not in NOT_STORED_STATUSES


def body_digest(body: bytes) -> str:
    """SHA-256 of the body, after canonical re-serialisation when it is JSON."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    except (ValueError, UnicodeDecodeError):
        return hashlib.sha256(body).hexdigest()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def valid_key(key: str) -> bool:
    return 0 < len(key) <= MAX_KEY_LENGTH and all(" " <= char <= "~" for char in key)


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """The request that first used a key and, once finished, its reply."""

    method: str
    path: str
    body_sha256: str
    status_code: int | None
    response_body: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Claim:
    """The outcome of claiming a key: ``stored`` is None when this request now owns the key.

    ``unit`` is then the open unit of work in which the key is claimed.
    """

    stored: StoredRequest | None
    unit: UnitOfWork | None


_SELECT_KEY = select(idempotency_keys).where(
    idempotency_keys.c.principal == bindparam("principal"), idempotency_keys.c.key == bindparam("key")
)


def claim_key(
    engine: Engine, principal: str, key: str, method: str, path: str, digest: str, now: datetime
) -> Claim:
    """Open a unit of work and claim ``key`` in it, or return the request that already owns it.

    When the key is claimed, ``Claim.unit`` is the open unit of work, which the caller
    must commit (with :func:`store_reply`) or roll back.
    """
    unit = UnitOfWork(engine)
    try:
        conn = unit.connection
        row = {"principal": principal, "key": key, "method": method, "path": path, "body_sha256": digest,
               "created_at": now}
        claim = insert_if_absent(idempotency_keys, conn.dialect.name).returning(idempotency_keys.c.key)
        if conn.execute(claim, row).first() is not None:
            return Claim(stored=None, unit=unit)
        found = conn.execute(_SELECT_KEY, {"principal": principal, "key": key}).one()
        stored = StoredRequest(
            method=found.method,
            path=found.path,
            body_sha256=found.body_sha256,
            status_code=found.status_code,
            response_body=found.response_body,
            created_at=found.created_at,
        )
        same_request = (stored.method, stored.path, stored.body_sha256) == (method, path, digest)
        abandoned = stored.status_code is None and now - stored.created_at > IN_FLIGHT_TIMEOUT
        if same_request and abandoned:
            taken = conn.execute(
                update(idempotency_keys)
                .where(
                    idempotency_keys.c.principal == principal,
                    idempotency_keys.c.key == key,
                    idempotency_keys.c.status_code.is_(None),
                )
                .values(created_at=now)
            )
            if taken.rowcount == 1:
                logger.warning("idempotency key of %s taken over after an abandoned request", principal)
                return Claim(stored=None, unit=unit)
    except BaseException:
        unit.rollback()
        raise
    unit.rollback()
    return Claim(stored=stored, unit=None)


def store_reply(unit: UnitOfWork, principal: str, key: str, status: int, envelope: str, now: datetime) -> None:
    """Store the reply in the claimed key's row and commit the unit of work."""
    try:
        unit.connection.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
            .values(status_code=status, response_body=envelope, completed_at=now)
        )
    except BaseException:
        unit.rollback()
        raise
    unit.commit()


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay_receive(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class IdempotencyMiddleware:
    """ASGI middleware that applies idempotency keys to POST requests under /v1."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            caller = authenticate(request)
        except CreditlineError:
            # The route's own dependency returns 401, and an unauthenticated request claims no key.
            await self.app(scope, receive, send)
            return
        # The route's role dependency reads the verified caller from here instead of checking the token again.
        remember_principal(request, caller)
        principal = caller.scope

        key = request.headers.get(HEADER)
        if key is None or not valid_key(key):
            message_key = "access.idempotency.missing" if key is None else "access.idempotency.invalid"
            detail = translate(message_key, _locale(request), header=HEADER, maximum=MAX_KEY_LENGTH)
            await problems.problem(request, 400, message_key.replace(".", "-"), "api.title.invalid", detail)(
                scope, receive, send
            )
            return

        body = await _read_body(receive)
        digest = body_digest(body)
        engine: Engine = request.app.state.engine
        clock = request.app.state.clock
        claim = await run_in_threadpool(
            claim_key, engine, principal, key, scope["method"], scope["path"], digest, clock.now()
        )
        if claim.unit is not None:
            await self._run_and_store(request, claim.unit, principal, key, body, scope, receive, send)
            return

        stored = claim.stored
        locale = _locale(request)
        if (stored.method, stored.path, stored.body_sha256) != (scope["method"], scope["path"], digest):
            detail = translate("access.idempotency.reused", locale, header=HEADER, method=stored.method, path=stored.path)
            response = problems.problem(request, 422, "access-idempotency-reused", "api.title.invalid", detail)
        elif stored.status_code is None:
            detail = translate("access.idempotency.in_flight", locale, header=HEADER)
            response = problems.problem(request, 409, "access-idempotency-in_flight", "api.title.conflict", detail)
        else:
            response = _replayed(stored.status_code, stored.response_body or "{}")
        await response(scope, receive, send)

    async def _run_and_store(
        self,
        request: Request,
        unit: UnitOfWork,
        principal: str,
        key: str,
        body: bytes,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        status = 500
        headers: dict[str, str] = {}
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            # The reply waits until the unit of work has committed.
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    headers[name.decode("latin-1").lower()] = value.decode("latin-1")
            messages.append(message)

        token = unit.bind()
        try:
            await self.app(scope, _replay_receive(body, receive), hold)
        except BaseException:
            await run_in_threadpool(unit.rollback)
            raise
        finally:
            UnitOfWork.unbind(token)
        if not should_store(status):
            await run_in_threadpool(unit.rollback)
        else:
            chunks = [message.get("body", b"") for message in messages if message["type"] == "http.response.body"]
            envelope = json.dumps(
                {
                    "content_type": headers.get("content-type", "application/json"),
                    # RequestContextMiddleware, outside this one, adds the request's locale
                    # when the route set no Content-Language; the replay must carry it too.
                    "content_language": headers.get("content-language") or _locale(request),
                    "body": b"".join(chunks).decode("utf-8", errors="replace"),
                },
                ensure_ascii=False,
            )
            now = request.app.state.clock.now()
            try:
                await run_in_threadpool(store_reply, unit, principal, key, status, envelope, now)
            except Exception:
                request_id = getattr(request.state, "request_id", "-")
                logger.exception(
                    "commit of %s %s failed; nothing was changed",
                    scope["method"],
                    scope["path"],
                    extra={"request_id": request_id},
                )
                detail = translate("api.error.not_committed", _locale(request))
                await problems.problem(request, 503, "api-not_committed", "api.title.unavailable", detail)(
                    scope, receive, send
                )
                return
        for message in messages:
            await send(message)


def _locale(request: Request) -> str:
    return str(getattr(request.state, "locale", "zh"))


def _replayed(status: int, envelope_text: str) -> Response:
    envelope: dict[str, Any] = json.loads(envelope_text)
    headers = {REPLAYED_HEADER: "true"}
    if envelope.get("content_language"):
        headers["Content-Language"] = envelope["content_language"]
    return Response(
        content=envelope["body"].encode("utf-8"),
        status_code=status,
        media_type=envelope.get("content_type"),
        headers=headers,
    )
