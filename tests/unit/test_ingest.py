"""Import validation of CSV folders: normal form, every kind of problem, messages."""

from __future__ import annotations

import logging
import string
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from creditline.contracts import ACCOUNTS, TABLES
from creditline.domain.money import minor_digits
from creditline.errors import ImportRejected, InvalidInput
from creditline.i18n.catalog import imports
from creditline.ingest import Portfolio, RowError, load_portfolio

CUSTOMERS_CSV = """\
customer_id,birth_year,monthly_income,consents
C1,1980,12000.50,income;bureau
C2,,,
"""
ACCOUNTS_CSV = """\
account_id,customer_id,product,currency,opened_on,approved_limit,outstanding,increase_preference
A1,C1,card,CNY,2020-01-31,20000,5000.25,auto
A2,C2,card,TWD,,8000.5,-12.30,never
"""
STATEMENTS_CSV = """\
account_id,statement_month,bill_amount,paid_amount,min_due,dpd
A1,2005-08,5000.25,100,250,0
A1,2005-09,-3,0,,30
A2,2005-09,0,0,,0
"""
VALID = {"customers": CUSTOMERS_CSV, "accounts": ACCOUNTS_CSV, "statements": STATEMENTS_CSV}


def write_folder(folder: Path, **tables: str | bytes | None) -> Path:
    """Write the valid tables, with any table replaced (text or bytes) or left out (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    contents: dict[str, str | bytes | None] = {**VALID, **tables}
    for name, content in contents.items():
        if content is None:
            continue
        path = folder / f"{name}.csv"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return folder


def rejected(folder: Path) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        load_portfolio(folder)
    return caught.value.row_errors


def only_error(folder: Path) -> RowError:
    errors = rejected(folder)
    assert len(errors) == 1, [error.render("en") for error in errors]
    return errors[0]


# Normal form


def test_valid_folder_loads(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert isinstance(portfolio, Portfolio)
    assert dict(portfolio.row_counts) == {"customers": 2, "accounts": 2, "statements": 3}
    assert dict(portfolio.source_files) == {
        "customers": tmp_path / "customers.csv",
        "accounts": tmp_path / "accounts.csv",
        "statements": tmp_path / "statements.csv",
    }
    assert dict(portfolio.ignored_columns) == {}
    assert portfolio.transactions is None
    assert portfolio.bureau is None
    assert portfolio.outcomes is None


def test_amounts_become_minor_units(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert portfolio.accounts["approved_limit"].to_list() == [2_000_000, 800_050]
    assert portfolio.accounts["outstanding"].to_list() == [500_025, -1_230]
    assert portfolio.statements["bill_amount"].to_list() == [500_025, -300, 0]
    assert portfolio.statements["min_due"].to_list() == [25_000, None, None]
    assert portfolio.customers["monthly_income"].to_list() == [1_200_050, None]
    assert portfolio.accounts.schema["approved_limit"] == pl.Int64


def test_dates_and_months_become_dates(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert portfolio.accounts["opened_on"].to_list() == [date(2020, 1, 31), None]
    assert portfolio.statements["statement_month"].to_list() == [
        date(2005, 8, 1),
        date(2005, 9, 1),
        date(2005, 9, 1),
    ]
    assert portfolio.statements.schema["statement_month"] == pl.Date


def test_frames_follow_contract_columns_and_types(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert portfolio.customers.schema == pl.Schema(
        {
            "customer_id": pl.Utf8,
            "birth_year": pl.Int64,
            "monthly_income": pl.Int64,
            "consents": pl.Utf8,
            "sex": pl.Utf8,
            "marital_status": pl.Utf8,
            "education": pl.Utf8,
        }
    )
    assert portfolio.accounts.columns == [column.name for column in ACCOUNTS.columns]
    assert portfolio.statements["dpd"].to_list() == [0, 30, 0]


def test_choice_set_sorted_and_empty(tmp_path: Path) -> None:
    portfolio = load_portfolio(write_folder(tmp_path))

    assert portfolio.customers["consents"].to_list() == ["bureau;income", ""]


def test_choice_set_drops_repeats_and_spaces(tmp_path: Path) -> None:
    customers = "customer_id,birth_year,consents\nC1,1980, transactions ;bureau;bureau\nC2,1990,\n"
    portfolio = load_portfolio(write_folder(tmp_path, customers=customers))

    assert portfolio.customers["consents"].to_list() == ["bureau;transactions", ""]


def test_absent_optional_columns_get_defaults(tmp_path: Path) -> None:
    customers = "customer_id,birth_year\nC1,1980\nC2,1990\n"
    accounts = "account_id,customer_id,product,opened_on,approved_limit,outstanding\nA1,C1,card,,100,0\nA2,C2,card,,100,0\n"
    statements = "account_id,statement_month,bill_amount,paid_amount,dpd\nA1,2005-09,0,0,0\n"
    portfolio = load_portfolio(write_folder(tmp_path, customers=customers, accounts=accounts, statements=statements))

    assert portfolio.accounts["currency"].to_list() == ["CNY", "CNY"]
    assert portfolio.accounts["increase_preference"].to_list() == ["auto", "auto"]
    assert portfolio.customers["consents"].to_list() == ["", ""]
    assert portfolio.customers["monthly_income"].to_list() == [None, None]
    assert portfolio.customers["sex"].to_list() == [None, None]
    assert portfolio.statements["min_due"].to_list() == [None]
    assert portfolio.statements.schema["min_due"] == pl.Int64


def test_unknown_columns_dropped_and_listed(tmp_path: Path) -> None:
    customers = "customer_id,nickname,birth_year,score\nC1,Ann,1980,700\nC2,Bo,1990,650\n"
    portfolio = load_portfolio(write_folder(tmp_path, customers=customers))

    assert dict(portfolio.ignored_columns) == {"customers": ("nickname", "score")}
    assert "nickname" not in portfolio.customers.columns


def test_optional_table_loads(tmp_path: Path) -> None:
    outcomes = "account_id,as_of,bad\nA1,2005-09-30,1\nA2,2005-09-30,0\n"
    portfolio = load_portfolio(write_folder(tmp_path, outcomes=outcomes))

    assert portfolio.outcomes is not None
    assert portfolio.outcomes["bad"].to_list() == [1, 0]
    assert portfolio.table("outcomes") is portfolio.outcomes
    assert portfolio.row_counts["outcomes"] == 2


def test_byte_order_mark_and_crlf_accepted(tmp_path: Path) -> None:
    customers = "\ufeff" + CUSTOMERS_CSV.replace("\n", "\r\n")
    portfolio = load_portfolio(write_folder(tmp_path, customers=customers))

    assert portfolio.customers["customer_id"].to_list() == ["C1", "C2"]
    assert portfolio.customers["consents"].to_list() == ["bureau;income", ""]


def test_blank_lines_skipped_and_lines_kept(tmp_path: Path) -> None:
    customers = "customer_id,birth_year\n\nC1,1980\n\nC2,19x0\n"

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 5, "birth_year", "19x0")


def test_quoted_field_with_comma_parsed(tmp_path: Path) -> None:
    customers = 'customer_id,birth_year,sex\n"C1",1980,"female, self-declared"\nC2,1990,\n'
    portfolio = load_portfolio(write_folder(tmp_path, customers=customers))

    assert portfolio.customers["sex"].to_list() == ["female, self-declared", None]


def test_input_files_unchanged(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    load_portfolio(folder)

    assert (folder / "customers.csv").read_text(encoding="utf-8") == CUSTOMERS_CSV


# Folder and file problems


def test_missing_folder_raises_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_portfolio(tmp_path / "nowhere")

    assert caught.value.key == "import.folder_not_found"
    assert caught.value.render("en") == (
        f"Import folder '{tmp_path / 'nowhere'}' does not exist or is not a directory; "
        "give the folder that contains customers.csv and the other table files."
    )


def test_missing_required_table(tmp_path: Path) -> None:
    error = only_error(write_folder(tmp_path, statements=None))

    assert (error.file, error.line, error.column, error.value) == ("statements.csv", None, None, None)
    assert error.key == "import.table_missing"
    assert error.render("en") == (
        f"statements.csv: required table is missing; put statements.csv or statements.parquet into {tmp_path}."
    )
    assert error.render("zh") == (
        f"statements.csv：缺少必需的数据表：请在目录 {tmp_path} 中放入 statements.csv 或 statements.parquet。"
    )


def test_csv_and_parquet_for_one_table(tmp_path: Path) -> None:
    folder = write_folder(tmp_path)
    pl.DataFrame({"customer_id": ["C1", "C2"]}).write_parquet(folder / "customers.parquet")

    error = only_error(folder)

    assert (error.file, error.line, error.column) == ("customers.csv", None, None)
    assert error.render("en") == (
        "customers.csv: both customers.csv and customers.parquet exist for the same table; keep only one of them."
    )


def test_file_not_utf8_names_line(tmp_path: Path) -> None:
    customers = "customer_id,birth_year,sex\nC1,1980,\nC2,1990,男\n".encode("gb18030")

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 3, None, None)
    assert error.render("en") == (
        "customers.csv, line 3: the file is not valid UTF-8 and this line contains invalid bytes; "
        "save the file as UTF-8 (in Excel: 'CSV UTF-8') and import it again."
    )


def test_empty_file(tmp_path: Path) -> None:
    error = only_error(write_folder(tmp_path, customers=""))

    assert (error.file, error.line, error.column) == ("customers.csv", 1, None)
    assert error.render("en") == (
        "customers.csv, line 1: the file is empty; the first line must be the header row with the column names."
    )


def test_header_only_file_is_empty_table(tmp_path: Path) -> None:
    statements = "account_id,statement_month,bill_amount,paid_amount,dpd\n"
    portfolio = load_portfolio(write_folder(tmp_path, statements=statements))

    assert portfolio.statements.height == 0
    assert portfolio.statements.schema["statement_month"] == pl.Date


def test_duplicate_header_column(tmp_path: Path) -> None:
    customers = "customer_id,birth_year,birth_year\nC1,1980,1981\nC2,1990,1991\n"

    errors = rejected(write_folder(tmp_path, customers=customers))

    assert [(e.file, e.line, e.column, e.key) for e in errors] == [
        ("customers.csv", 1, "birth_year", "import.duplicate_column"),
    ]
    assert errors[0].render("en") == (
        "customers.csv, line 1, column birth_year: column name 'birth_year' appears more than once "
        "in the header; keep only one such column."
    )


def test_line_break_inside_quoted_field(tmp_path: Path) -> None:
    customers = 'customer_id,birth_year,sex\nC1,1980,"fe\nmale"\nC2,1990,male\n'

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 2, None, 'C1,1980,"fe')
    assert error.render("en") == (
        "customers.csv, line 2: a quoted field contains a line break or its closing quote is missing: "
        "'C1,1980,\"fe'; remove line breaks from fields and close every quote, so that lines can be "
        "located by number."
    )


def test_wrong_column_count_each_line(tmp_path: Path) -> None:
    customers = "customer_id,birth_year,monthly_income,consents\nC1,1980,12000.50,bureau,extra\nC2,1990\n"

    errors = rejected(write_folder(tmp_path, customers=customers))

    # Both lines are left out, so the accounts of C1 and C2 lose their customer.
    assert [(e.file, e.line, e.column, e.value) for e in errors] == [
        ("customers.csv", 2, None, "C1,1980,12000.50,bureau,extra"),
        ("customers.csv", 3, None, "C2,1990"),
        ("accounts.csv", 2, None, "C1"),
        ("accounts.csv", 3, None, "C2"),
    ]
    assert errors[0].render("en") == (
        "customers.csv, line 2: the line has 5 fields but the header has 4 columns: "
        "'C1,1980,12000.50,bureau,extra'; check the separators and quotes."
    )
    assert errors[1].params == {"expected": 4, "actual": 2}


def test_wrong_column_count_skips_only_that_line(tmp_path: Path) -> None:
    # Line 2 is left out, so C1 is unknown to accounts.csv; line 3 is still checked.
    customers = "customer_id,birth_year\nC1,1980,x\nC2,19x0\n"

    errors = rejected(write_folder(tmp_path, customers=customers))

    assert [(e.file, e.line, e.column, e.key) for e in errors] == [
        ("customers.csv", 2, None, "import.column_count"),
        ("customers.csv", 3, "birth_year", "import.not_integer"),
        ("accounts.csv", 2, None, "import.missing_parent"),
    ]


def test_missing_required_column(tmp_path: Path) -> None:
    accounts = "account_id,customer_id,opened_on,approved_limit,outstanding\nA1,C1,,100,0\nA2,C2,,100,0\n"

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.file, error.line, error.column, error.value) == ("accounts.csv", 1, "product", None)
    assert error.render("en") == (
        "accounts.csv, line 1, column product: required column is missing; "
        "add a column named product to the header and fill it in every row."
    )
    assert error.render("zh") == (
        "accounts.csv 第 1 行，列 product：缺少必需的列：请在表头中加入名为 product 的列，并为每一行填写该列。"
    )


# Cell problems


def test_empty_required_value(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace("A2,C2,card,", "A2,C2,,")

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.file, error.line, error.column, error.value) == ("accounts.csv", 3, "product", None)
    assert error.render("en") == "accounts.csv, line 3, column product: the value is empty; fill in product."


def test_quoted_empty_value_is_empty(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace("A2,C2,card,", 'A2,C2,"",')

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.line, error.column, error.key, error.value) == (3, "product", "import.empty_value", "")


@pytest.mark.parametrize("value", [" C3", "C3 ", "C" * 65])
def test_invalid_identifier(tmp_path: Path, value: str) -> None:
    customers = CUSTOMERS_CSV + f"{value},1970,,\n"

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 4, "customer_id", value)
    assert error.render("en") == (
        f"customers.csv, line 4, column customer_id: identifier '{value}' is invalid; "
        "remove leading and trailing spaces and keep it to at most 64 characters."
    )


@pytest.mark.parametrize("value", ["19x0", "1980.0", "+1980", "1 980", "１９８０"])
def test_not_an_integer(tmp_path: Path, value: str) -> None:
    customers = CUSTOMERS_CSV.replace("C1,1980", f"C1,{value}")

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 2, "birth_year", value)
    assert error.render("en") == (
        f"customers.csv, line 2, column birth_year: '{value}' is not an integer; "
        "write whole digits without a decimal point or separators, for example 12."
    )


@pytest.mark.parametrize("value", ["-5", "8000.123", "8,000", "8000.", ".5", "8e3", " 100", "¥100"])
def test_not_an_amount(tmp_path: Path, value: str) -> None:
    accounts = ACCOUNTS_CSV.replace("2020-01-31,20000,", f'2020-01-31,"{value}",')

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.file, error.line, error.column, error.value) == ("accounts.csv", 2, "approved_limit", value)
    assert error.render("en") == (
        f"accounts.csv, line 2, column approved_limit: '{value}' is not a valid amount; write plain digits "
        "with at most two decimals and no sign or separators, for example 8000 or 8000.50."
    )
    assert error.render("zh") == (
        f"accounts.csv 第 2 行，列 approved_limit：“{value}”不是有效金额：请使用不带符号和千位分隔符、"
        "最多两位小数的阿拉伯数字，例如 8000 或 8000.50。"
    )


def test_signed_amount_message_shows_minus(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace("-12.30", "--12.30")

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.line, error.column, error.value, error.key) == (3, "outstanding", "--12.30", "import.not_signed_amount")
    assert error.render("en") == (
        "accounts.csv, line 3, column outstanding: '--12.30' is not a valid amount; write plain digits with "
        "at most two decimals, no separators and an optional leading minus sign, for example 8000, 8000.50 "
        "or -8000.50."
    )


def test_amount_above_maximum_in_major_units(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace("2020-01-31,20000,", "2020-01-31,10000000000000.01,")

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.line, error.column, error.key) == (2, "approved_limit", "import.above_maximum")
    assert error.render("en") == (
        "accounts.csv, line 2, column approved_limit: '10000000000000.01' is above the maximum "
        "10000000000000.00; write a value of at most 10000000000000.00."
    )


def test_negative_amount_below_maximum_credit(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace("-12.30", "-10000000000000.01")

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert error.render("en") == (
        "accounts.csv, line 3, column outstanding: '-10000000000000.01' is below the minimum "
        "-10000000000000.00; write a value of at least -10000000000000.00."
    )


@pytest.mark.parametrize("value", ["2020-02-30", "2020-1-31", "31/01/2020", "2020-01-31T00:00", "0999-01-01"])
def test_not_a_date(tmp_path: Path, value: str) -> None:
    accounts = ACCOUNTS_CSV.replace("2020-01-31", value)

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.file, error.line, error.column, error.value) == ("accounts.csv", 2, "opened_on", value)
    assert error.render("en") == (
        f"accounts.csv, line 2, column opened_on: '{value}' is not a valid date; "
        "write YYYY-MM-DD, for example 2005-09-30."
    )


@pytest.mark.parametrize("value", ["2005-9", "2005-13", "2005-09-01", "200509"])
def test_not_a_month(tmp_path: Path, value: str) -> None:
    statements = STATEMENTS_CSV.replace("A1,2005-08", f"A1,{value}")

    error = only_error(write_folder(tmp_path, statements=statements))

    assert (error.file, error.line, error.column, error.value) == ("statements.csv", 2, "statement_month", value)
    assert error.render("en") == (
        f"statements.csv, line 2, column statement_month: '{value}' is not a valid month; "
        "write YYYY-MM, for example 2005-09."
    )


def test_integer_below_minimum(tmp_path: Path) -> None:
    statements = STATEMENTS_CSV.replace(",30\n", ",-1\n")

    error = only_error(write_folder(tmp_path, statements=statements))

    assert (error.file, error.line, error.column, error.value) == ("statements.csv", 3, "dpd", "-1")
    assert error.render("en") == (
        "statements.csv, line 3, column dpd: '-1' is below the minimum 0; write a value of at least 0."
    )
    assert error.render("zh") == "statements.csv 第 3 行，列 dpd：“-1”小于最小值 0：请改为不小于 0 的值。"


def test_integer_above_maximum(tmp_path: Path) -> None:
    customers = CUSTOMERS_CSV.replace("C1,1980", "C1,2101")

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.line, error.column, error.value) == (2, "birth_year", "2101")
    assert error.render("en") == (
        "customers.csv, line 2, column birth_year: '2101' is above the maximum 2100; write a value of at most 2100."
    )


def test_not_one_of_the_choices(tmp_path: Path) -> None:
    accounts = ACCOUNTS_CSV.replace(",TWD,", ",twd,")

    error = only_error(write_folder(tmp_path, accounts=accounts))

    assert (error.file, error.line, error.column, error.value) == ("accounts.csv", 3, "currency", "twd")
    assert error.render("en") == (
        "accounts.csv, line 3, column currency: 'twd' is not an allowed value; write one of: CNY, TWD, HKD, MOP, USD."
    )


def test_choice_set_with_unknown_member(tmp_path: Path) -> None:
    customers = CUSTOMERS_CSV.replace("income;bureau", "income;gossip")

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 2, "consents", "income;gossip")
    assert error.render("en") == (
        "customers.csv, line 2, column consents: 'income;gossip' contains a value that is not allowed; "
        "write values from the following list, separated by ';': bureau, transactions, income, third_party."
    )


def test_flag_other_than_zero_or_one(tmp_path: Path) -> None:
    outcomes = "account_id,as_of,bad\nA1,2005-09-30,1\nA2,2005-09-30,yes\n"

    error = only_error(write_folder(tmp_path, outcomes=outcomes))

    assert (error.file, error.line, error.column, error.value) == ("outcomes.csv", 3, "bad", "yes")
    assert error.render("en") == "outcomes.csv, line 3, column bad: 'yes' is not a valid flag; write 0 or 1."


# Row problems


def test_duplicate_key_names_first_line(tmp_path: Path) -> None:
    customers = CUSTOMERS_CSV + "C3,1970,,\nC1,1981,,\n"

    error = only_error(write_folder(tmp_path, customers=customers))

    assert (error.file, error.line, error.column, error.value) == ("customers.csv", 5, None, "C1")
    assert error.params == {"key": "customer_id", "first_line": 2}
    assert error.render("en") == "customers.csv, line 5: key (customer_id) 'C1' repeats line 2; keep one row per key."
    assert error.render("zh") == "customers.csv 第 5 行：主键（customer_id）“C1”与第 2 行重复：每个主键只能保留一行。"


def test_duplicate_composite_key_each_repeat(tmp_path: Path) -> None:
    statements = STATEMENTS_CSV + "A1,2005-08,1,1,,0\nA1,2005-08,2,2,,0\n"

    errors = rejected(write_folder(tmp_path, statements=statements))

    assert [(e.file, e.line, e.column, e.value, e.params["first_line"]) for e in errors] == [
        ("statements.csv", 5, None, "A1, 2005-08", 2),
        ("statements.csv", 6, None, "A1, 2005-08", 2),
    ]
    assert errors[0].render("en") == (
        "statements.csv, line 5: key (account_id, statement_month) 'A1, 2005-08' repeats line 2; keep one row per key."
    )


def test_missing_parent_reference(tmp_path: Path) -> None:
    statements = STATEMENTS_CSV + "A9,2005-09,0,0,,0\n"

    error = only_error(write_folder(tmp_path, statements=statements))

    assert (error.file, error.line, error.column, error.value) == ("statements.csv", 5, None, "A9")
    assert error.render("en") == (
        "statements.csv, line 5: account_id 'A9' is not in column account_id of accounts.csv; "
        "add the missing row to accounts.csv or correct the reference."
    )
    assert error.render("zh") == (
        "statements.csv 第 5 行：account_id“A9”在 accounts.csv 的 account_id 列中不存在："
        "请在 accounts.csv 中补上该记录，或更正此处的引用。"
    )


def test_parent_with_bad_cell_still_counts(tmp_path: Path) -> None:
    # A1's bad limit is one problem; its statements still find their account.
    accounts = ACCOUNTS_CSV.replace("2020-01-31,20000,", "2020-01-31,lots,")

    errors = rejected(write_folder(tmp_path, accounts=accounts))

    assert [(e.file, e.line, e.column) for e in errors] == [("accounts.csv", 2, "approved_limit")]


def test_missing_parent_table_reported_once(tmp_path: Path) -> None:
    errors = rejected(write_folder(tmp_path, accounts=None))

    assert [(e.file, e.key) for e in errors] == [("accounts.csv", "import.table_missing")]


# All problems at once


def test_all_problems_of_all_tables_in_one_raise(tmp_path: Path) -> None:
    customers = CUSTOMERS_CSV + "C1,19x0,,\n"
    accounts = ACCOUNTS_CSV + "A3,C7,card,XXX,2020-02-30,-1,0,auto\n"
    statements = STATEMENTS_CSV + "A1,2005-9,0,0,,0\n"

    with pytest.raises(ImportRejected) as caught:
        load_portfolio(write_folder(tmp_path, customers=customers, accounts=accounts, statements=statements))

    assert [(e.file, e.line, e.column, e.key) for e in caught.value.row_errors] == [
        ("customers.csv", 4, None, "import.duplicate_key"),
        ("customers.csv", 4, "birth_year", "import.not_integer"),
        ("accounts.csv", 4, None, "import.missing_parent"),
        ("accounts.csv", 4, "currency", "import.not_choice"),
        ("accounts.csv", 4, "opened_on", "import.not_date"),
        ("accounts.csv", 4, "approved_limit", "import.not_amount"),
        ("statements.csv", 5, "statement_month", "import.not_month"),
    ]
    assert caught.value.render("en") == "Import rejected; problems found: 7. The database was not changed."


def test_many_bad_rows_all_reported(tmp_path: Path) -> None:
    rows = "".join(f"X{index},year{index},,\n" for index in range(1000))
    customers = "customer_id,birth_year,monthly_income,consents\n" + rows + "C1,1980,,\nC2,,,\n"

    errors = rejected(write_folder(tmp_path, customers=customers))

    assert len(errors) == 1000
    assert [error.line for error in errors] == list(range(2, 1002))
    assert {error.key for error in errors} == {"import.not_integer"}


# Logging


def test_logs_one_info_line_without_contents(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="creditline.ingest"):
        load_portfolio(write_folder(tmp_path))

    records = [record for record in caplog.records if record.name.startswith("creditline.ingest")]
    assert len(records) == 1
    assert records[0].levelno == logging.INFO
    message = records[0].getMessage()
    assert "'customers': 2, 'accounts': 2, 'statements': 3" in message
    assert "C1" not in message
    assert "A1" not in message


def test_logs_rejection_count(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    customers = CUSTOMERS_CSV.replace("C1,1980", "C1,19x0")
    with caplog.at_level(logging.INFO, logger="creditline.ingest"), pytest.raises(ImportRejected):
        load_portfolio(write_folder(tmp_path, customers=customers))

    records = [record for record in caplog.records if record.name.startswith("creditline.ingest")]
    assert len(records) == 1
    assert "rejected with 1 problems" in records[0].getMessage()
    assert "19x0" not in records[0].getMessage()


# Catalogue and contract


def test_import_messages_have_both_locales_and_same_fields() -> None:
    formatter = string.Formatter()
    for key, entry in imports.MESSAGES.items():
        assert set(entry) == {"zh", "en"}, key
        zh_fields = {name for _, name, _, _ in formatter.parse(entry["zh"]) if name}
        en_fields = {name for _, name, _, _ in formatter.parse(entry["en"]) if name}
        assert zh_fields == en_fields, key


def test_every_problem_key_in_catalogue() -> None:
    used = {
        "import.table_missing", "import.table_ambiguous", "import.not_utf8", "import.empty_file",
        "import.unparseable", "import.line_break_in_field", "import.duplicate_column",
        "import.unsupported_type", "import.column_count", "import.missing_column",
        "import.empty_value", "import.invalid_id", "import.not_integer", "import.not_flag",
        "import.not_amount", "import.not_signed_amount", "import.not_date", "import.not_month",
        "import.below_minimum", "import.above_maximum", "import.not_choice", "import.not_choice_set",
        "import.duplicate_key", "import.duplicate_key_row", "import.missing_parent",
    }  # fmt: skip

    assert used <= set(imports.MESSAGES)


def test_contract_currencies_have_two_minor_digits() -> None:
    # Amount parsing uses one scale of two digits for every column.
    currencies = ACCOUNTS.column("currency").choices

    assert {currency: minor_digits(currency) for currency in currencies} == dict.fromkeys(currencies, 2)


def test_every_table_name_is_distinct_file() -> None:
    assert len({table.name for table in TABLES}) == len(TABLES)


# Speed


def test_thirty_thousand_accounts_validate(tmp_path: Path) -> None:
    # 30,000 customers and accounts with six statements each, the size of the
    # Taiwan demo portfolio.
    count = 30_000
    ids = pl.int_range(1, count + 1, eager=True).cast(pl.Utf8).str.zfill(5)
    pl.DataFrame({"customer_id": "C" + ids, "birth_year": pl.Series([1980] * count)}).write_csv(
        tmp_path / "customers.csv"
    )
    pl.DataFrame(
        {
            "account_id": "A" + ids,
            "customer_id": "C" + ids,
            "product": "card",
            "opened_on": "2020-01-31",
            "approved_limit": "20000.00",
            "outstanding": "-512.30",
        }
    ).write_csv(tmp_path / "accounts.csv")
    months = pl.DataFrame({"statement_month": [f"2005-{month:02d}" for month in range(4, 10)]})
    (
        pl.DataFrame({"account_id": "A" + ids})
        .join(months, how="cross")
        .with_columns(bill_amount=pl.lit("1234.56"), paid_amount=pl.lit("100"), min_due=pl.lit(""), dpd=pl.lit("0"))
        .write_csv(tmp_path / "statements.csv")
    )

    portfolio = load_portfolio(tmp_path)

    assert dict(portfolio.row_counts) == {"customers": 30_000, "accounts": 30_000, "statements": 180_000}
    assert portfolio.statements["bill_amount"].sum() == 123_456 * 180_000
