"""Import validation of Parquet tables: type conversion, row numbers, problems."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from creditline.errors import ImportRejected
from creditline.ingest import RowError, load_portfolio


def customers() -> pl.DataFrame:
    return pl.DataFrame({"customer_id": ["C1", "C2"], "birth_year": [1980, None]})


def accounts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": ["A1", "A2"],
            "customer_id": ["C1", "C2"],
            "product": ["card", "card"],
            "opened_on": [date(2020, 1, 31), None],
            "approved_limit": [20_000, 8_000],
            "outstanding": [5_000, -12],
        }
    )


def statements() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "account_id": ["A1", "A1", "A2"],
            "statement_month": ["2005-08", "2005-09", "2005-09"],
            "bill_amount": [5_000, -3, 0],
            "paid_amount": [100, 0, 0],
            "dpd": [0, 30, 0],
        }
    )


def write_folder(folder: Path, **replaced: pl.DataFrame) -> Path:
    tables = {"customers": customers(), "accounts": accounts(), "statements": statements(), **replaced}
    for name, frame in tables.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return folder


def rejected(folder: Path) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        load_portfolio(folder)
    return caught.value.row_errors


def only_error(folder: Path) -> RowError:
    errors = rejected(folder)
    assert len(errors) == 1, [error.render("en") for error in errors]
    return errors[0]


def test_parquet_folder_loads(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert dict(portfolio.row_counts) == {"customers": 2, "accounts": 2, "statements": 3}
    assert portfolio.source_files["accounts"] == tmp_path / "accounts.parquet"
    assert portfolio.customers["birth_year"].to_list() == [1980, None]


def test_integer_amounts_are_whole_units(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert portfolio.accounts["approved_limit"].to_list() == [2_000_000, 800_000]
    assert portfolio.accounts["outstanding"].to_list() == [500_000, -1_200]


def test_float_amounts_with_two_decimals(tmp_path: Path) -> None:
    frame = accounts().with_columns(approved_limit=pl.Series([20_000.5, 8_000.25]), outstanding=pl.Series([0.1, -7.0]))
    portfolio = load_portfolio(write_folder(tmp_path, accounts=frame))

    assert portfolio.accounts["approved_limit"].to_list() == [2_000_050, 800_025]
    assert portfolio.accounts["outstanding"].to_list() == [10, -700]


def test_float_amount_with_three_decimals(tmp_path: Path) -> None:
    frame = accounts().with_columns(approved_limit=pl.Series([20_000.125, 8_000.0]))

    error = only_error(write_folder(tmp_path, accounts=frame))

    assert (error.file, error.line, error.column, error.value) == ("accounts.parquet", 1, "approved_limit", "20000.125")
    assert error.render("en") == (
        "accounts.parquet, row 1, column approved_limit: '20000.125' is not a valid amount; write plain digits "
        "with at most two decimals and no sign or separators, for example 8000 or 8000.50."
    )
    assert error.render("zh").startswith("accounts.parquet 第 1 条记录，列 approved_limit：“20000.125”不是有效金额")


def test_decimal_amounts_drop_trailing_zeros(tmp_path: Path) -> None:
    limits = pl.Series([Decimal("20000.5000"), Decimal("8000.0000")], dtype=pl.Decimal(12, 4))
    frame = accounts().with_columns(approved_limit=limits)
    portfolio = load_portfolio(write_folder(tmp_path, accounts=frame))

    assert portfolio.accounts["approved_limit"].to_list() == [2_000_050, 800_000]


def test_decimal_amount_with_three_places(tmp_path: Path) -> None:
    limits = pl.Series([Decimal("20000.5000"), Decimal("8000.0010")], dtype=pl.Decimal(12, 4))
    frame = accounts().with_columns(approved_limit=limits)

    error = only_error(write_folder(tmp_path, accounts=frame))

    assert (error.line, error.column, error.value, error.key) == (2, "approved_limit", "8000.001", "import.not_amount")


def test_negative_integer_where_minimum_zero(tmp_path: Path) -> None:
    frame = statements().with_columns(paid_amount=pl.Series([100, -5, 0]))

    error = only_error(write_folder(tmp_path, statements=frame))

    assert (error.file, error.line, error.column, error.value) == ("statements.parquet", 2, "paid_amount", "-5")
    assert error.key == "import.not_amount"


def test_month_as_first_day_date(tmp_path: Path) -> None:
    months = pl.Series([date(2005, 8, 1), date(2005, 9, 1), date(2005, 9, 1)])
    portfolio = load_portfolio(write_folder(tmp_path, statements=statements().with_columns(statement_month=months)))

    assert portfolio.statements["statement_month"].to_list() == [date(2005, 8, 1), date(2005, 9, 1), date(2005, 9, 1)]


def test_month_date_not_first_day(tmp_path: Path) -> None:
    months = pl.Series([date(2005, 8, 1), date(2005, 9, 30), date(2005, 9, 1)])

    errors = rejected(write_folder(tmp_path, statements=statements().with_columns(statement_month=months)))

    assert [(e.file, e.line, e.column, e.value, e.key) for e in errors] == [
        ("statements.parquet", 2, "statement_month", "2005-09-30", "import.not_month"),
    ]


def test_midnight_datetime_is_date(tmp_path: Path) -> None:
    opened = pl.Series([datetime(2020, 1, 31), None], dtype=pl.Datetime("us"))
    portfolio = load_portfolio(write_folder(tmp_path, accounts=accounts().with_columns(opened_on=opened)))

    assert portfolio.accounts["opened_on"].to_list() == [date(2020, 1, 31), None]


def test_datetime_with_time_not_date(tmp_path: Path) -> None:
    opened = pl.Series([datetime(2020, 1, 31, 9, 30), None], dtype=pl.Datetime("us"))

    error = only_error(write_folder(tmp_path, accounts=accounts().with_columns(opened_on=opened)))

    assert (error.line, error.column, error.value, error.key) == (1, "opened_on", "2020-01-31T09:30:00", "import.not_date")


def test_boolean_flag_and_integral_float_int(tmp_path: Path) -> None:
    outcomes = pl.DataFrame({"account_id": ["A1", "A2"], "as_of": [date(2005, 9, 30)] * 2, "bad": [True, False]})
    frame = customers().with_columns(birth_year=pl.Series([1980.0, None]))
    portfolio = load_portfolio(write_folder(tmp_path, customers=frame, outcomes=outcomes))

    assert portfolio.outcomes is not None
    assert portfolio.outcomes["bad"].to_list() == [1, 0]
    assert portfolio.customers["birth_year"].to_list() == [1980, None]


def test_fractional_float_not_integer(tmp_path: Path) -> None:
    frame = customers().with_columns(birth_year=pl.Series([1980.5, None]))

    error = only_error(write_folder(tmp_path, customers=frame))

    assert (error.file, error.line, error.column, error.value) == ("customers.parquet", 1, "birth_year", "1980.5")
    assert error.render("en") == (
        "customers.parquet, row 1, column birth_year: '1980.5' is not an integer; "
        "write whole digits without a decimal point or separators, for example 12."
    )


def test_unsupported_column_type(tmp_path: Path) -> None:
    frame = customers().with_columns(birth_year=pl.Series([[1980], [1990]]))

    error = only_error(write_folder(tmp_path, customers=frame))

    assert (error.file, error.line, error.column, error.value) == ("customers.parquet", None, "birth_year", None)
    assert error.render("en") == (
        "customers.parquet, column birth_year: the Parquet type List(Int64) cannot be read; "
        "store this column as text, integer, decimal or date."
    )


def test_missing_column_has_no_line(tmp_path: Path) -> None:
    error = only_error(write_folder(tmp_path, accounts=accounts().drop("product")))

    assert (error.file, error.line, error.column) == ("accounts.parquet", None, "product")
    assert error.render("en") == (
        "accounts.parquet, column product: required column is missing; "
        "add a column named product to the header and fill it in every row."
    )


def test_duplicate_key_names_first_row(tmp_path: Path) -> None:
    frame = pl.concat([customers(), pl.DataFrame({"customer_id": ["C1"], "birth_year": [1990]})])

    error = only_error(write_folder(tmp_path, customers=frame))

    assert (error.file, error.line, error.column, error.value) == ("customers.parquet", 3, None, "C1")
    assert error.render("en") == "customers.parquet, row 3: key (customer_id) 'C1' repeats row 1; keep one row per key."


def test_missing_parent_in_parquet(tmp_path: Path) -> None:
    frame = accounts().with_columns(customer_id=pl.Series(["C1", "C9"]))

    error = only_error(write_folder(tmp_path, accounts=frame))

    assert (error.file, error.line, error.column, error.value) == ("accounts.parquet", 2, None, "C9")
    assert error.params == {"column": "customer_id", "parent_file": "customers.parquet", "parent_column": "customer_id"}


def test_file_not_parquet(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    (folder / "statements.parquet").write_bytes(b"account_id,statement_month\n")

    error = only_error(folder)

    assert (error.file, error.line, error.column, error.key) == ("statements.parquet", None, None, "import.unparseable")
    assert error.render("en").startswith("statements.parquet: the file cannot be read (")
    assert error.render("en").endswith("); check that it is a valid CSV or Parquet file.")


def test_csv_and_parquet_tables_mix(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    (folder / "customers.parquet").unlink()
    (folder / "customers.csv").write_text("customer_id,birth_year\nC1,1980\nC2,\n", encoding="utf-8")
    portfolio = load_portfolio(folder)

    assert portfolio.source_files["customers"] == folder / "customers.csv"
    assert portfolio.source_files["accounts"] == folder / "accounts.parquet"
