"""Column types that keep creditline's invariants through every database round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.dialects.postgresql import base as postgresql_base
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntegerPK = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores ``timestamptz``. SQLite has no time zone type, so values are stored
    as naive UTC and get their UTC zone back when read. Naive datetimes are rejected on
    the way in, because their zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _XID8(UserDefinedType[int]):
    """PostgreSQL's ``xid8``: a 64-bit transaction id that does not wrap around."""

    cache_ok = True
    # psycopg sends a Python str as an untyped literal; the cast turns it into xid8, which
    # has no cast from any integer type.
    render_bind_cast = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "xid8"


# Registered so that reflection (Alembic's autogenerate, the schema test) maps xid8 to this
# type instead of warning about an unknown type.
postgresql_base.ischema_names.setdefault("xid8", _XID8)


class TransactionId(TypeDecorator[int]):
    """A database transaction id, read and written as a Python int.

    PostgreSQL stores ``xid8`` and transfers it as text. Other backends have no transaction
    ids, so the column is a BIGINT there and its server default is 0.
    """

    impl = BigInteger
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_XID8())
        return dialect.type_descriptor(BigInteger())

    def process_bind_param(self, value: int | None, dialect: Dialect) -> int | str | None:
        if value is None:
            return None
        return str(value) if dialect.name == "postgresql" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> int | None:
        return None if value is None else int(value)


class current_xact_id(FunctionElement[int]):  # noqa: N801 - named like the SQL function it renders
    """Server default of a :class:`TransactionId` column: the writing transaction's id.

    Renders ``pg_current_xact_id()`` on PostgreSQL (13 or later), which returns the top-level
    transaction's id even inside a savepoint, and ``0`` on other backends.
    """

    type = TransactionId()
    inherit_cache = True


@compiles(current_xact_id)
def _compile_current_xact_id(_element: current_xact_id, _compiler: Any, **_kw: Any) -> str:
    return "0"


@compiles(current_xact_id, "postgresql")
def _compile_current_xact_id_postgresql(_element: current_xact_id, _compiler: Any, **_kw: Any) -> str:
    return "pg_current_xact_id()"
