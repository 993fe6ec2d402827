"""Shared fixtures: real SQLite files and a real PostgreSQL database per test session.

PostgreSQL comes from CREDITLINE_TEST_PG_URL (a server URL whose database is only used to
create and drop a fresh ``creditline_test_<random>`` database). Outside CI the PostgreSQL
tests are skipped, with the reason shown, when no server answers; under CI=true an
unreachable server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from creditline.clock import FixedClock
from creditline.store.db import make_engine, normalize_url, upgrade
from creditline.store.tables import metadata

PG_URL = os.environ.get("CREDITLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def data_home() -> Path | None:
    value = os.environ.get("CREDITLINE_DATA_HOME")
    return Path(value) if value else None


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 4, 2, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'creditline.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    from sqlalchemy.engine import make_url

    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"creditline_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no server"
        admin.dispose()
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_URL} is required under CI but failed: {error}")
        pytest.skip(f"PostgreSQL at {PG_URL} is not reachable ({type(error).__name__}); PostgreSQL tests skipped")
    url = make_url(normalize_url(PG_URL)).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def pg_engine(pg_database_url: str) -> Iterator[Engine]:
    engine = make_engine(pg_database_url)
    _truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """The same test on a fresh SQLite file and on the session's PostgreSQL database."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_engine")  # type: ignore[no-any-return]
    return request.getfixturevalue("pg_engine")  # type: ignore[no-any-return]
