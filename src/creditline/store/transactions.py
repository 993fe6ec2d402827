"""Transactions of the service layer, and the unit of work that contains one HTTP request's writes.

Service and API code opens connections only through this module:

- :func:`transaction` for writes. Outside a unit of work it is ``engine.begin()``: one
  transaction, committed when the block ends. Inside a unit of work it is a savepoint of
  the unit's transaction: an error rolls back what the block wrote, and the unit decides
  whether everything commits.
- :func:`reading` for reads. Inside a unit of work it is the unit's connection, so reads
  see the unit's own writes. Outside one it is an autocommit connection: each statement
  reads committed data, and no BEGIN or ROLLBACK is sent, which saves two round trips
  per request on PostgreSQL and takes no write lock on SQLite.
- :func:`consistent_reading` for reads whose statements must agree with each other, such
  as a ledger verification that compares events with line states, and for server-side
  cursors, which PostgreSQL allows only inside a transaction.

The HTTP API opens a :class:`UnitOfWork` for every POST (see
:mod:`creditline.api.idempotency`), so that the idempotency key, the change and the stored
reply commit in one transaction or not at all. tests/unit/test_layers.py checks that no
service or API module calls ``engine.connect()`` or ``engine.begin()`` itself, because on
SQLite a second connection inside a unit of work would wait for the unit's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar, Token

from sqlalchemy import Connection, Engine

from creditline.store.db import NO_BEGIN

AUTOCOMMIT = "AUTOCOMMIT"
REPEATABLE_READ = "REPEATABLE READ"

_current_unit: ContextVar[UnitOfWork | None] = ContextVar("creditline_unit_of_work", default=None)


class UnitOfWork:
    """One open transaction that the service functions of a request join with savepoints.

    Create it, :meth:`bind` it to the current context (asyncio task or thread; the
    binding is copied into thread-pool calls made afterwards), run the work, then
    :meth:`commit` or :meth:`rollback`, which also return the connection to the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection = engine.connect()
        try:
            self.connection.begin()
        except BaseException:
            self.connection.close()
            raise

    def bind(self) -> Token[UnitOfWork | None]:
        return _current_unit.set(self)

    @staticmethod
    def unbind(token: Token[UnitOfWork | None]) -> None:
        _current_unit.reset(token)

    def commit(self) -> None:
        try:
            self.connection.commit()
        finally:
            self.connection.close()

    def rollback(self) -> None:
        try:
            self.connection.rollback()
        finally:
            self.connection.close()


def _unit_connection(engine: Engine) -> Connection | None:
    unit = _current_unit.get()
    # The same pool means the same database: an engine copied with execution_options shares it.
    if unit is None or unit.engine.pool is not engine.pool:
        return None
    return unit.connection


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in a transaction that commits when the block ends without error.

    Inside a unit of work on the same database, the block is a savepoint of the unit's
    transaction and commits with the unit.
    """
    connection = _unit_connection(engine)
    if connection is None:
        with engine.begin() as connection:
            yield connection
        return
    with connection.begin_nested():
        yield connection


@contextmanager
def _read_connection(engine: Engine, *, one_snapshot: bool) -> Iterator[Connection]:
    """Yield the unit of work's connection, else a new one set up for reads."""
    connection = _unit_connection(engine)
    if connection is not None:
        yield connection
        return
    with engine.connect() as connection:
        if one_snapshot:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level=REPEATABLE_READ)
            with connection.begin() as snapshot:
                yield connection
                snapshot.rollback()
            return
        if connection.dialect.name == "sqlite":
            # SQLAlchemy's AUTOCOMMIT level would turn pysqlite's own BEGIN handling back on
            # when the connection returns to the pool (store.db turns it off). So SQLite
            # reads are marked for the begin hook instead, which then sends no BEGIN.
            connection.execution_options(**{NO_BEGIN: True})
        else:
            connection.execution_options(isolation_level=AUTOCOMMIT)
        yield connection


def reading(engine: Engine) -> AbstractContextManager[Connection]:
    """Return a connection for reads: the unit of work's, else an autocommit one."""
    return _read_connection(engine, one_snapshot=False)


def consistent_reading(engine: Engine) -> AbstractContextManager[Connection]:
    """Return a connection whose statements all read one snapshot of the database.

    Outside a unit of work it is a repeatable-read transaction on PostgreSQL, rolled back
    at the end. On SQLite it is the usual transaction, which keeps the write lock until the
    block ends. Inside a unit of work it is the unit's connection.
    """
    return _read_connection(engine, one_snapshot=True)
