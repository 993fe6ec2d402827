"""Request-scoped dependencies: database connection, locale and clock."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Connection

from creditline.clock import Clock


def connection(request: Request) -> Iterator[Connection]:
    """Yield a read connection from the application's engine."""
    with request.app.state.engine.connect() as conn:
        yield conn


def locale(request: Request) -> str:
    return str(request.state.locale)


def clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]
