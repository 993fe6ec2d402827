"""Input data contracts: the tables a lender hands to creditline and their columns.

Amounts in files are decimal numbers in major units (yuan, NT dollars) and become integer
minor units on import. Every table may come as CSV (UTF-8, header row) or Parquet, named
``<table>.csv`` or ``<table>.parquet`` inside the import folder.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Kind(enum.StrEnum):
    """How a column's text or Parquet value is read and checked."""

    ID = "id"  # non-empty text without surrounding whitespace, at most 64 characters
    TEXT = "text"
    INT = "int"
    AMOUNT = "amount"  # decimal in major units, at most two decimals -> integer minor units
    DATE = "date"  # ISO 8601 calendar date, YYYY-MM-DD
    MONTH = "month"  # calendar month, YYYY-MM
    FLAG = "flag"  # 0 or 1
    CHOICE = "choice"  # one of ``choices``
    CHOICE_SET = "choice_set"  # semicolon-separated subset of ``choices``, may be empty


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # an empty cell is allowed
    minimum: int | None = None  # inclusive, in the column's unit (minor units for amounts)
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    default: str | None = None  # value used when an optional column is absent


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = True  # the table must be present in the import folder
    # (column, referenced table, referenced column) pairs checked across the import
    references: tuple[tuple[str, str, str], ...] = ()

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


CONSENT_CATEGORIES = ("bureau", "transactions", "income", "third_party")
INCREASE_PREFERENCES = ("auto", "ask", "never")

CUSTOMERS = Table(
    "customers",
    (
        Column("customer_id", Kind.ID),
        Column("birth_year", Kind.INT, nullable=True, minimum=1900, maximum=2100),
        Column("monthly_income", Kind.AMOUNT, required=False, nullable=True, minimum=0),
        Column("consents", Kind.CHOICE_SET, required=False, nullable=True, choices=CONSENT_CATEGORIES, default=""),
        # Protected attributes: stored for fairness reporting, never used by a model.
        Column("sex", Kind.TEXT, required=False, nullable=True),
        Column("marital_status", Kind.TEXT, required=False, nullable=True),
        Column("education", Kind.TEXT, required=False, nullable=True),
    ),
    key=("customer_id",),
)

ACCOUNTS = Table(
    "accounts",
    (
        Column("account_id", Kind.ID),
        Column("customer_id", Kind.ID),
        Column("product", Kind.ID),
        Column("currency", Kind.CHOICE, required=False, choices=("CNY", "TWD", "HKD", "MOP", "USD"), default="CNY"),
        Column("opened_on", Kind.DATE, nullable=True),
        Column("approved_limit", Kind.AMOUNT, minimum=0),
        # A negative outstanding balance is a credit balance (the customer overpaid).
        Column("outstanding", Kind.AMOUNT),
        Column("increase_preference", Kind.CHOICE, required=False, choices=INCREASE_PREFERENCES, default="auto"),
    ),
    key=("account_id",),
    references=(("customer_id", "customers", "customer_id"),),
)

STATEMENTS = Table(
    "statements",
    (
        Column("account_id", Kind.ID),
        Column("statement_month", Kind.MONTH),
        # Negative bills are credit balances carried on the statement.
        Column("bill_amount", Kind.AMOUNT),
        Column("paid_amount", Kind.AMOUNT, minimum=0),
        Column("min_due", Kind.AMOUNT, required=False, nullable=True, minimum=0),
        Column("dpd", Kind.INT, minimum=0, maximum=3650),
    ),
    key=("account_id", "statement_month"),
    references=(("account_id", "accounts", "account_id"),),
)

TRANSACTIONS = Table(
    "transactions",
    (
        Column("account_id", Kind.ID),
        Column("posted_at", Kind.DATE),
        Column("amount", Kind.AMOUNT),
        Column("category", Kind.TEXT, required=False, nullable=True),
    ),
    key=(),
    required=False,
    references=(("account_id", "accounts", "account_id"),),
)

BUREAU = Table(
    "bureau",
    (
        Column("customer_id", Kind.ID),
        Column("report_date", Kind.DATE),
        Column("external_debt", Kind.AMOUNT, minimum=0),
        Column("lenders_count", Kind.INT, minimum=0, maximum=1000),
        Column("inquiries_3m", Kind.INT, minimum=0, maximum=1000),
        Column("enforcement", Kind.FLAG),
    ),
    key=("customer_id", "report_date"),
    required=False,
    references=(("customer_id", "customers", "customer_id"),),
)

OUTCOMES = Table(
    "outcomes",
    (
        Column("account_id", Kind.ID),
        Column("as_of", Kind.DATE),
        Column("bad", Kind.FLAG),
    ),
    key=("account_id", "as_of"),
    required=False,
    references=(("account_id", "accounts", "account_id"),),
)

# In dependency order: a table's references point only at tables before it.
TABLES: tuple[Table, ...] = (CUSTOMERS, ACCOUNTS, STATEMENTS, TRANSACTIONS, BUREAU, OUTCOMES)
TABLES_BY_NAME = {table.name: table for table in TABLES}
