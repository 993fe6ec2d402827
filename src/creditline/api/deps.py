"""Request-scoped dependencies: database connection, locale and clock."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy import Connection

from creditline.clock import Clock
from creditline.store.transactions import reading


def connection(request: Request) -> Iterator[Connection]:
    """Yield a read connection from the application's engine."""
    with reading(request.app.state.engine) as conn:
        yield conn


# The dependencies without I/O are coroutines, so FastAPI calls them on the event loop
# instead of handing each one to its thread pool.


async def locale(request: Request) -> str:
    return str(request.state.locale)


async def clock(request: Request) -> Clock:
    return request.app.state.clock  # type: ignore[no-any-return]
