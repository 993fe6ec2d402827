"""Parse the text columns of one table into their contract types, all rows at once.

Each column yields a parsed value and an error column that holds, per cell, the
message key of the first problem found or null. The parsing rules match
:func:`creditline.domain.money.parse_amount` and the comments on
:class:`creditline.contracts.Kind`.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from creditline.contracts import Column, Kind
from creditline.domain.money import MAX_MINOR, format_amount
from creditline.ingest.problems import RowError
from creditline.ingest.reading import CSV_SUFFIX, LINE, RawTable

# Every currency a contract column allows has two minor digits in ISO 4217, so one
# scale fits all amounts. A unit test checks this against the contract.
AMOUNT_DIGITS = 2
MAX_ID_CHARS = 64

INTEGER_PATTERN = r"^-?[0-9]{1,18}$"
FLAG_PATTERN = r"^[01]$"
# Same form as parse_amount: ASCII digits, an optional point and at most two decimals.
AMOUNT_PATTERN = r"^[0-9]{1,16}(?:\.[0-9]{1,2})?$"
SIGNED_AMOUNT_PATTERN = r"^-?[0-9]{1,16}(?:\.[0-9]{1,2})?$"
# Years before 1000 are rejected along with malformed text, because no loan record
# has them and Python dates cannot hold year 0.
DATE_PATTERN = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}$"
MONTH_PATTERN = r"^[1-9][0-9]{3}-[0-9]{2}$"

DTYPES: dict[Kind, type[pl.DataType]] = {
    Kind.ID: pl.Utf8,
    Kind.TEXT: pl.Utf8,
    Kind.INT: pl.Int64,
    Kind.AMOUNT: pl.Int64,
    Kind.DATE: pl.Date,
    Kind.MONTH: pl.Date,
    Kind.FLAG: pl.Int64,
    Kind.CHOICE: pl.Utf8,
    Kind.CHOICE_SET: pl.Utf8,
}

_ERROR_SUFFIX = "\x00error"
_VALUE_SUFFIX = "\x00value"


def parse_table(raw: RawTable, problems: list[RowError]) -> pl.DataFrame | None:
    """Parse every contract column of ``raw`` and append one problem per bad cell.

    Returns the parsed frame with :data:`LINE` and the contract columns in contract
    order, or None when the file could not be read. Bad cells become null. A missing
    optional column is filled with its default, or null when it has none.
    """
    frame = raw.frame
    if frame is None:
        return None

    computed: list[pl.Expr] = []
    checked_columns: list[Column] = []
    for column in raw.table.columns:
        if column.name in frame.columns:
            value, error = parse_column(column, pl.col(column.name))
            computed += [value.alias(column.name + _VALUE_SUFFIX), error.alias(column.name + _ERROR_SUFFIX)]
            checked_columns.append(column)
        elif column.required or column.name in raw.unreadable_columns:
            # An unreadable column already has its problem; a missing one gets it here.
            if column.name not in raw.unreadable_columns:
                line = 1 if raw.path.suffix == CSV_SUFFIX else None
                problems.append(RowError(raw.file, line, column.name, None, "import.missing_column", {}))
            computed.append(pl.lit(None, dtype=DTYPES[column.kind]).alias(column.name + _VALUE_SUFFIX))
        else:
            value, _ = parse_column(column, pl.lit(column.default, dtype=pl.Utf8))
            computed.append(value.alias(column.name + _VALUE_SUFFIX))

    checked = frame.with_columns(computed)
    _collect_cell_problems(raw, checked, checked_columns, problems)
    return checked.select(
        LINE, *[pl.col(column.name + _VALUE_SUFFIX).alias(column.name) for column in raw.table.columns]
    )


def _collect_cell_problems(
    raw: RawTable, checked: pl.DataFrame, columns: list[Column], problems: list[RowError]
) -> None:
    if not columns:
        return
    counts = checked.select(pl.col(column.name + _ERROR_SUFFIX).is_not_null().sum() for column in columns).row(0)
    for column, count in zip(columns, counts, strict=True):
        if count == 0:
            continue
        error_name = column.name + _ERROR_SUFFIX
        bad = checked.filter(pl.col(error_name).is_not_null()).select(LINE, column.name, error_name)
        for line, value, key in bad.iter_rows():
            problems.append(RowError(raw.file, line, column.name, value, key, error_params(column, key)))


def parse_column(column: Column, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Return the parsed value and the error key of each cell of ``raw`` (Utf8 text).

    An empty cell is null, or the empty set for a choice set. It is an error only when
    the column is not nullable. The error key is null for a valid cell.
    """
    empty = raw.is_null() | (raw == "")
    value, invalid_key, invalid = _PARSERS[column.kind](column, raw)

    chain = pl.when(empty).then(pl.lit(None if column.nullable else "import.empty_value", dtype=pl.Utf8))
    chain = chain.when(invalid).then(pl.lit(invalid_key))
    lowest, highest = _bounds(column)
    if lowest is not None:
        chain = chain.when(value < lowest).then(pl.lit("import.below_minimum"))
    if highest is not None:
        chain = chain.when(value > highest).then(pl.lit("import.above_maximum"))
    error = chain.otherwise(pl.lit(None, dtype=pl.Utf8))

    empty_value = pl.lit("" if column.kind == Kind.CHOICE_SET else None, dtype=DTYPES[column.kind])
    parsed = pl.when(empty).then(empty_value).when(error.is_null()).then(value)
    return parsed.otherwise(pl.lit(None, dtype=DTYPES[column.kind])), error


def error_params(column: Column, key: str) -> dict[str, Any]:
    """Return the message parameters of ``key`` that depend only on the column."""
    lowest, highest = _bounds(column)
    if key == "import.below_minimum":
        return {"minimum": _show_bound(column, lowest)}
    if key == "import.above_maximum":
        return {"maximum": _show_bound(column, highest)}
    if key in ("import.not_choice", "import.not_choice_set"):
        return {"choices": ", ".join(column.choices)}
    if key == "import.invalid_id":
        return {"max_chars": MAX_ID_CHARS}
    return {}


def accepts_negative(column: Column) -> bool:
    """Return whether an amount column accepts a leading minus sign.

    Only columns without a minimum, or with a negative one, do. Elsewhere a sign is a
    malformed amount, as it is for :func:`creditline.domain.money.parse_amount`.
    """
    return column.minimum is None or column.minimum < 0


def _bounds(column: Column) -> tuple[int | None, int | None]:
    lowest, highest = column.minimum, column.maximum
    if column.kind == Kind.AMOUNT:
        # parse_amount caps amounts at MAX_MINOR; the same cap applies to credit balances.
        lowest = -MAX_MINOR if lowest is None else max(lowest, -MAX_MINOR)
        highest = MAX_MINOR if highest is None else min(highest, MAX_MINOR)
    return lowest, highest


def _show_bound(column: Column, bound: int | None) -> str:
    if column.kind == Kind.AMOUNT and bound is not None:
        # format_amount's default currency has the same two minor digits as every
        # contract currency.
        return format_amount(bound)
    return str(bound)


def _parse_id(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    invalid = (raw != raw.str.strip_chars()) | (raw.str.len_chars() > MAX_ID_CHARS)
    return raw, "import.invalid_id", invalid


def _parse_text(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    return raw, "import.empty_value", pl.lit(False)


def _parse_int(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    return raw.cast(pl.Int64, strict=False), "import.not_integer", ~raw.str.contains(INTEGER_PATTERN)


def _parse_flag(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    return raw.cast(pl.Int64, strict=False), "import.not_flag", ~raw.str.contains(FLAG_PATTERN)


def _parse_amount(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    signed = accepts_negative(column)
    pattern = SIGNED_AMOUNT_PATTERN if signed else AMOUNT_PATTERN
    key = "import.not_signed_amount" if signed else "import.not_amount"
    valid = raw.str.contains(pattern)

    digits = pl.when(valid).then(raw.str.strip_prefix("-"))
    whole = digits.str.extract(r"^([0-9]+)", 1).cast(pl.Int64)
    fraction = digits.str.extract(r"\.([0-9]+)$", 1).fill_null("").str.pad_end(AMOUNT_DIGITS, "0").cast(pl.Int64)
    minor = whole * 10**AMOUNT_DIGITS + fraction
    value = pl.when(raw.str.starts_with("-")).then(-minor).otherwise(minor)
    return value, key, ~valid


def _parse_date(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    value = raw.str.to_date("%Y-%m-%d", strict=False)
    return value, "import.not_date", ~raw.str.contains(DATE_PATTERN) | value.is_null()


def _parse_month(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    value = (raw + "-01").str.to_date("%Y-%m-%d", strict=False)
    return value, "import.not_month", ~raw.str.contains(MONTH_PATTERN) | value.is_null()


def _parse_choice(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    return raw, "import.not_choice", ~raw.is_in(list(column.choices))


def _parse_choice_set(column: Column, raw: pl.Expr) -> tuple[pl.Expr, str, pl.Expr]:
    item = pl.element().str.strip_chars()
    items = raw.str.split(";").list.eval(item.filter(item != ""))
    invalid = ~items.list.eval(pl.element().is_in(list(column.choices))).list.all()
    value = items.list.unique().list.sort().list.join(";")
    return value, "import.not_choice_set", invalid


_PARSERS = {
    Kind.ID: _parse_id,
    Kind.TEXT: _parse_text,
    Kind.INT: _parse_int,
    Kind.FLAG: _parse_flag,
    Kind.AMOUNT: _parse_amount,
    Kind.DATE: _parse_date,
    Kind.MONTH: _parse_month,
    Kind.CHOICE: _parse_choice,
    Kind.CHOICE_SET: _parse_choice_set,
}

