"""Read stored portfolio tables into Polars frames in the import contracts' dtypes."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Select, select

from creditline.store.tables import credit_lines, customers, outcomes, statements

_LINE_SCHEMA = {
    "account_id": pl.Utf8,
    "customer_id": pl.Utf8,
    "product": pl.Utf8,
    "currency": pl.Utf8,
    "approved_limit": pl.Int64,
    "outstanding": pl.Int64,
    "increase_preference": pl.Utf8,
    "version": pl.Int64,
    "opened_on": pl.Date,
}
_STATEMENT_SCHEMA = {
    "account_id": pl.Utf8,
    "statement_month": pl.Date,
    "bill_amount": pl.Int64,
    "paid_amount": pl.Int64,
    "min_due": pl.Int64,
    "dpd": pl.Int64,
}
_CUSTOMER_SCHEMA = {
    "customer_id": pl.Utf8,
    "birth_year": pl.Int64,
    "monthly_income": pl.Int64,
    "consents": pl.Utf8,
    "sex": pl.Utf8,
    "marital_status": pl.Utf8,
    "education": pl.Utf8,
}
_OUTCOME_SCHEMA = {"account_id": pl.Utf8, "as_of": pl.Date, "bad": pl.Int64}


def _read(conn: Connection, query: Select[tuple[object, ...]], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    result = conn.execute(query)
    rows = result.all()
    columns = list(result.keys())
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    return pl.DataFrame(data, schema={name: schema[name] for name in columns})


def load_lines(conn: Connection) -> pl.DataFrame:
    """Return one row per credit line with its stored limit fields and version."""
    columns = [credit_lines.c[name] for name in _LINE_SCHEMA]
    return _read(conn, select(*columns).order_by(credit_lines.c.account_id), _LINE_SCHEMA)


def load_statements(conn: Connection) -> pl.DataFrame:
    columns = [statements.c[name] for name in _STATEMENT_SCHEMA]
    return _read(conn, select(*columns), _STATEMENT_SCHEMA)


def load_customers(conn: Connection) -> pl.DataFrame:
    columns = [customers.c[name] for name in _CUSTOMER_SCHEMA]
    return _read(conn, select(*columns), _CUSTOMER_SCHEMA)


def load_outcomes(conn: Connection) -> pl.DataFrame:
    query = select(outcomes.c.account_id, outcomes.c.as_of, outcomes.c.bad)
    frame = _read(conn, query, {"account_id": pl.Utf8, "as_of": pl.Date, "bad": pl.Boolean})
    return frame.with_columns(pl.col("bad").cast(pl.Int64))
