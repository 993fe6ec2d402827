"""Engine factory and schema migration. No engine is created at import time."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalize_url(url: str) -> str:
    """Route plain ``postgresql://`` URLs to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def masked_url(url: str) -> str:
    """Return ``url`` with any password replaced by ``***``, for messages and logs."""
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# Execution option of a SQLite connection that only reads: the begin hook sends no BEGIN,
# so each statement runs on its own and takes no write lock (see store.transactions.reading).
NO_BEGIN = "creditline_no_begin"


def _begin_immediate(conn: Any) -> None:
    if not conn.get_execution_options().get(NO_BEGIN):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` with creditline's connection settings."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
        # pysqlite's own transaction handling defers BEGIN; take the write lock at BEGIN
        # so that two writers serialise instead of failing on lock upgrade.
        event.listen(engine, "begin", _begin_immediate)

        @event.listens_for(engine, "connect")
        def _disable_pysqlite_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        return engine
    # A pre-ping costs a round trip on every checkout, so stale connections are replaced by
    # age instead. NOTE: a connection the server dropped (restart, idle kill) still fails
    # the one request that checks it out; SQLAlchemy then discards the whole pool.
    kwargs.setdefault("pool_pre_ping", False)
    kwargs.setdefault("pool_recycle", 1800)
    # Sized for one API worker process: FastAPI runs sync routes on up to 40 threads, and
    # with the default pool of 5 a loaded worker opened and closed overflow connections
    # continuously (178 new server sessions in 10 s of benchmarks/wrk/mixed.lua traffic).
    # Two or three workers stay below PostgreSQL's default max_connections of 100.
    kwargs.setdefault("pool_size", 24)
    kwargs.setdefault("max_overflow", 8)
    return create_engine(url, **kwargs)


@functools.cache
def insert_if_absent(table: Table, dialect_name: str) -> Insert:
    """Build ``INSERT ... ON CONFLICT (primary key) DO NOTHING`` for ``table`` on PostgreSQL or SQLite.

    On PostgreSQL the insert waits until a concurrent transaction that inserted the same
    key commits or rolls back, and then inserts nothing or the row. So two writers that
    both find a row missing do not fail on the primary key.
    """
    module = postgresql if dialect_name == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=list(table.primary_key.columns))


def alembic_config(engine_url: str) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", normalize_url(engine_url).replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply Alembic migrations up to ``revision`` (every branch head by default)."""
    from alembic import command

    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    logger.info("database schema at revision %s", revision)
