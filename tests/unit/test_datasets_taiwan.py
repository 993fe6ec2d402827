"""Taiwan credit-card default converter: header forms, output tables, source lookup.

The real-data tests read CREDITLINE_DATA_HOME, the folder that contains
``taiwan_credit_default/default_of_credit_card_clients.csv.gz``, and skip when it is unset.
"""

from __future__ import annotations

import gzip
import os
import socket
import sys
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from creditline.datasets.taiwan import ConversionSummary, convert_taiwan_default, locate_taiwan_source
from creditline.errors import InvalidInput
from creditline.ingest import load_portfolio

DESCRIPTIVE_HEADER = (
    "ID,LIMIT_BAL,SEX,EDUCATION,MARRIAGE,AGE,PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6,"
    "BILL_AMT1,BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6,"
    "PAY_AMT1,PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6,default_payment_next_month"
)
# Three accounts covering the undocumented codes: EDUCATION 0/5/6 and MARRIAGE 0 become
# "unknown", a negative bill is a credit balance, and PAY -2/-1/0 mean no days past due.
ROWS = (
    "1,20000,2,2,1,24,2,2,-1,-1,-2,-2,3913,3102,689,0,0,0,0,689,0,0,0,0,1",
    "2,120000,1,0,0,26,-1,0,0,0,0,8,-2682,1725,2682,3272,3455,3261,0,1000,1000,1000,0,2000,0",
    "3,90000,2,6,3,34,0,0,0,0,0,1,29239,14027,13559,14331,14948,15549,1518,1500,1000,1000,1000,5000,0",
)
KAGGLE_HEADER = DESCRIPTIVE_HEADER.replace("default_payment_next_month", "default.payment.next.month")
UCI_HEADER = "ID," + ",".join(f"X{position}" for position in range(1, 24)) + ",Y"

EXPECTED_CUSTOMERS = """\
customer_id,birth_year,monthly_income,consents,sex,marital_status,education
C00001,1981,,,female,married,university
C00002,1979,,,male,unknown,unknown
C00003,1971,,,female,other,unknown
"""
EXPECTED_ACCOUNTS = """\
account_id,customer_id,product,currency,opened_on,approved_limit,outstanding,increase_preference
A00001,C00001,card,TWD,,20000,3913,auto
A00002,C00002,card,TWD,,120000,-2682,auto
A00003,C00003,card,TWD,,90000,29239,auto
"""
EXPECTED_OUTCOMES = """\
account_id,as_of,bad
A00001,2005-09-30,1
A00002,2005-09-30,0
A00003,2005-09-30,0
"""


def write_source(path: Path, header: str = DESCRIPTIVE_HEADER, rows: tuple[str, ...] = ROWS) -> Path:
    text = header + "\n" + "\n".join(rows) + "\n"
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode("utf-8")))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def kaggle_rows() -> tuple[str, ...]:
    # Kaggle's UCI_Credit_Card.csv writes limits and amounts as floats, such as 20000.0.
    converted = []
    for row in ROWS:
        cells = row.split(",")
        for position in [1, *range(12, 24)]:
            cells[position] += ".0"
        converted.append(",".join(cells))
    return tuple(converted)


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def real_data_home() -> Path:
    home = os.environ.get("CREDITLINE_DATA_HOME")
    if not home:
        pytest.skip("CREDITLINE_DATA_HOME is not set; set it to the folder containing taiwan_credit_default/")
    return Path(home)


# Conversion on synthetic sources


def test_convert_writes_four_tables_and_readme(tmp_path: Path) -> None:
    source = write_source(tmp_path / "default_of_credit_card_clients.csv.gz")
    out = tmp_path / "out"

    summary = convert_taiwan_default(source, out)

    assert summary == ConversionSummary(
        source=source,
        rows=3,
        defaults=1,
        files=(
            out / "customers.csv",
            out / "accounts.csv",
            out / "statements.csv",
            out / "outcomes.csv",
            out / "README.txt",
        ),
    )


def test_customers_accounts_outcomes_exact(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "source.csv"), tmp_path / "out")

    assert (tmp_path / "out" / "customers.csv").read_text(encoding="utf-8") == EXPECTED_CUSTOMERS
    assert (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8") == EXPECTED_ACCOUNTS
    assert (tmp_path / "out" / "outcomes.csv").read_text(encoding="utf-8") == EXPECTED_OUTCOMES


def test_statements_six_months_per_account(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "source.csv"), tmp_path / "out")
    lines = (tmp_path / "out" / "statements.csv").read_text(encoding="utf-8").splitlines()

    assert lines[0] == "account_id,statement_month,bill_amount,paid_amount,min_due,dpd"
    assert len(lines) == 1 + 3 * 6
    assert lines[1:7] == [
        "A00001,2005-04,0,0,,0",
        "A00001,2005-05,0,0,,0",
        "A00001,2005-06,0,0,,0",
        "A00001,2005-07,689,0,,0",
        "A00001,2005-08,3102,689,,60",
        "A00001,2005-09,3913,0,,60",
    ]
    assert lines[7] == "A00002,2005-04,3261,2000,,240"
    assert lines[12] == "A00002,2005-09,-2682,0,,0"
    assert lines[13] == "A00003,2005-04,15549,5000,,30"


def test_kaggle_form_gives_same_tables(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "descriptive.csv"), tmp_path / "a")
    kaggle = write_source(tmp_path / "UCI_Credit_Card.csv", KAGGLE_HEADER, kaggle_rows())
    convert_taiwan_default(kaggle, tmp_path / "b")

    for name in ("customers.csv", "accounts.csv", "statements.csv", "outcomes.csv"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes(), name


def test_uci_form_gives_same_tables(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "descriptive.csv"), tmp_path / "a")
    convert_taiwan_default(write_source(tmp_path / "uci.csv", UCI_HEADER), tmp_path / "b")

    for name in ("customers.csv", "accounts.csv", "statements.csv", "outcomes.csv"):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes(), name


def test_uci_form_without_id_numbers_rows(tmp_path: Path) -> None:
    header = UCI_HEADER.removeprefix("ID,")
    rows = tuple(row.split(",", 1)[1] for row in ROWS)
    convert_taiwan_default(write_source(tmp_path / "uci.csv", header, rows), tmp_path / "out")

    assert (tmp_path / "out" / "accounts.csv").read_text(encoding="utf-8") == EXPECTED_ACCOUNTS


def test_converted_folder_passes_import(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "source.csv"), tmp_path / "out")
    portfolio = load_portfolio(tmp_path / "out")

    assert dict(portfolio.row_counts) == {"customers": 3, "accounts": 3, "statements": 18, "outcomes": 3}
    assert portfolio.accounts["outstanding"].to_list() == [391_300, -268_200, 2_923_900]
    assert portfolio.outcomes is not None
    assert portfolio.outcomes["as_of"].to_list() == [date(2005, 9, 30)] * 3


def test_parquet_output_matches_csv(tmp_path: Path) -> None:
    source = write_source(tmp_path / "source.csv")
    convert_taiwan_default(source, tmp_path / "csv")
    summary = convert_taiwan_default(source, tmp_path / "parquet", fmt="parquet")

    assert [path.name for path in summary.files] == [
        "customers.parquet",
        "accounts.parquet",
        "statements.parquet",
        "outcomes.parquet",
        "README.txt",
    ]
    from_csv = load_portfolio(tmp_path / "csv")
    from_parquet = load_portfolio(tmp_path / "parquet")
    for name in ("customers", "accounts", "statements", "outcomes"):
        parquet_frame = from_parquet.table(name)
        csv_frame = from_csv.table(name)
        assert parquet_frame is not None
        assert csv_frame is not None
        assert parquet_frame.equals(csv_frame), name


def test_readme_names_source_licence_mapping(tmp_path: Path) -> None:
    convert_taiwan_default(write_source(tmp_path / "source.csv.gz"), tmp_path / "out")
    readme = (tmp_path / "out" / "README.txt").read_text(encoding="utf-8")

    assert "File: source.csv.gz" in readme
    assert "UCI Machine Learning Repository dataset 350" in readme
    assert "(CC BY 4.0)" in readme
    assert "Yeh, I.-C., & Lien, C.-H. (2009)" in readme
    assert "approved_limit  LIMIT_BAL" in readme
    assert "statement_month 2005-04 .. 2005-09 from suffix 6 .. 1" in readme


# Conversion problems


def test_unknown_header(tmp_path: Path) -> None:
    header = DESCRIPTIVE_HEADER.replace("PAY_0,", "PAY_1,")
    source = write_source(tmp_path / "source.csv", header)

    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(source, tmp_path / "out")

    assert caught.value.key == "dataset.unknown_header"
    assert caught.value.render("en") == (
        f"{source} has no known header of the Taiwan credit-card default data set; expected the UCI form "
        "(X1..X23, Y), the Kaggle form (LIMIT_BAL, ..., default.payment.next.month) or the form ending in "
        "default_payment_next_month. Missing columns: PAY_0."
    )


def test_cell_not_whole_number(tmp_path: Path) -> None:
    rows = (ROWS[0], ROWS[1].replace(",-2682,", ",-2682.5,"), ROWS[2])
    source = write_source(tmp_path / "source.csv", rows=rows)

    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(source, tmp_path / "out")

    assert caught.value.render("en") == (
        f"{source}, line 3, column BILL_AMT1: '-2682.5' is not a whole number (cells of this column "
        "with this problem: 1); use the original, unmodified data file."
    )
    assert not (tmp_path / "out").exists()


def test_unknown_code(tmp_path: Path) -> None:
    rows = (ROWS[0], ROWS[1], "3,90000,3" + ROWS[2].removeprefix("3,90000,2"))
    source = write_source(tmp_path / "source.csv", rows=rows)

    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(source, tmp_path / "out")

    assert caught.value.render("en") == (
        f"{source}, line 4, column SEX: '3' is not one of the known codes 1, 2 (cells of this column "
        "with this problem: 1); use the original, unmodified data file."
    )


def test_repeated_id(tmp_path: Path) -> None:
    rows = (ROWS[0], ROWS[1], "2" + ROWS[2].removeprefix("3"))
    source = write_source(tmp_path / "source.csv", rows=rows)

    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(source, tmp_path / "out")

    assert caught.value.render("en") == (
        f"ID 2 appears more than once in {source}; use the original, unmodified data file."
    )


def test_unknown_output_format(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(write_source(tmp_path / "source.csv"), tmp_path / "out", fmt="xlsx")

    assert caught.value.render("en") == "Output format 'xlsx' is not supported; use csv or parquet."
    assert caught.value.render("zh") == "不支持输出格式“xlsx”：请使用 csv 或 parquet。"


def test_other_format_in_output_folder(tmp_path: Path) -> None:
    source = write_source(tmp_path / "source.csv")
    convert_taiwan_default(source, tmp_path / "out")

    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(source, tmp_path / "out", fmt="parquet")

    assert caught.value.render("en") == (
        f"{tmp_path / 'out' / 'customers.csv'} already exists in the other format, so an import could not "
        "tell which file to use; delete it or choose another output folder."
    )
    assert not (tmp_path / "out" / "customers.parquet").exists()


def test_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        convert_taiwan_default(tmp_path / "missing.csv", tmp_path / "out")

    assert caught.value.key == "dataset.source_not_found"


# Source lookup


def test_locate_from_file(tmp_path: Path) -> None:
    source = write_source(tmp_path / "UCI_Credit_Card.csv", KAGGLE_HEADER, kaggle_rows())

    assert locate_taiwan_source(source, None) == source


def test_locate_from_folder(tmp_path: Path) -> None:
    source = write_source(tmp_path / "default_of_credit_card_clients.csv")

    assert locate_taiwan_source(tmp_path, tmp_path / "elsewhere") == source


def test_locate_from_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        locate_taiwan_source(tmp_path / "nothing.csv.gz", None)

    assert caught.value.render("en") == (
        f"Data file '{tmp_path / 'nothing.csv.gz'}' does not exist; pass --from with the correct path of "
        "default_of_credit_card_clients.csv.gz (or UCI_Credit_Card.csv)."
    )


def test_locate_in_data_home(tmp_path: Path) -> None:
    folder = tmp_path / "taiwan_credit_default"
    folder.mkdir()
    source = write_source(folder / "default_of_credit_card_clients.csv.gz")

    assert locate_taiwan_source(None, tmp_path) == source


def test_locate_without_any_place(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        locate_taiwan_source(None, None)

    assert caught.value.render("en") == (
        "The Taiwan credit-card default data set was not found; pass --from with the path of "
        "default_of_credit_card_clients.csv.gz (or UCI_Credit_Card.csv), or set CREDITLINE_DATA_HOME "
        "to the folder that contains taiwan_credit_default/."
    )
    assert caught.value.render("zh").startswith("找不到台湾信用卡违约数据集：请用 --from 指定")


def test_download_failure_says_what_to_do(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/default+of+credit+card+clients.zip"

    with pytest.raises(InvalidInput) as caught:
        locate_taiwan_source(None, tmp_path, url=url, timeout=5)

    assert caught.value.key == "dataset.download_failed"
    assert caught.value.params["url"] == url
    message = caught.value.render("en")
    assert message.startswith(f"Download of {url} failed (")
    assert message.endswith(
        "); pass --from with the path of a local copy, or set CREDITLINE_DATA_HOME to a folder whose "
        "taiwan_credit_default/ contains default_of_credit_card_clients.csv.gz."
    )
    # A refused connection leaves nothing in the data home, not even the folder.
    assert not (tmp_path / "taiwan_credit_default").exists()


def test_downloaded_archive_needs_xlrd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "taiwan_credit_default"
    folder.mkdir()
    archive = folder / "default_of_credit_card_clients.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))
    # A None entry in sys.modules makes "import xlrd" raise ImportError.
    monkeypatch.setitem(sys.modules, "xlrd", None)

    with pytest.raises(InvalidInput) as caught:
        locate_taiwan_source(None, tmp_path, url="http://127.0.0.1:9/never-fetched.zip")

    assert caught.value.render("en") == (
        f"Reading {archive} needs the Python package xlrd, which is not installed; install xlrd, "
        "or save the sheet as CSV and pass it with --from."
    )


# Real data


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_real_file_converts_and_imports(tmp_path: Path, fmt: str) -> None:
    source = locate_taiwan_source(None, real_data_home())

    summary = convert_taiwan_default(source, tmp_path, fmt=fmt)
    portfolio = load_portfolio(tmp_path)

    assert (summary.rows, summary.defaults) == (30_000, 6_636)
    assert dict(portfolio.row_counts) == {
        "customers": 30_000,
        "accounts": 30_000,
        "statements": 180_000,
        "outcomes": 30_000,
    }


@pytest.mark.slow
def test_real_file_values(tmp_path: Path) -> None:
    convert_taiwan_default(locate_taiwan_source(None, real_data_home()), tmp_path)
    portfolio = load_portfolio(tmp_path)

    first = portfolio.accounts.row(0, named=True)
    assert (first["account_id"], first["approved_limit"], first["outstanding"]) == ("A00001", 2_000_000, 391_300)
    assert portfolio.statements.filter(pl.col("account_id") == "A00001")["dpd"].to_list() == [0, 0, 0, 0, 60, 60]
    assert portfolio.accounts["account_id"][-1] == "A30000"
    assert portfolio.outcomes is not None
    assert portfolio.outcomes["bad"].sum() == 6_636
    # EDUCATION 0, 5 and 6 (14 + 280 + 51 rows) and MARRIAGE 0 (54 rows) are unknown.
    assert (portfolio.customers["education"] == "unknown").sum() == 345
    assert (portfolio.customers["marital_status"] == "unknown").sum() == 54
    # BILL_AMT1 is negative (a credit balance) in 590 rows, down to NT$ -165,580.
    assert (portfolio.accounts["outstanding"] < 0).sum() == 590
    assert portfolio.accounts["outstanding"].min() == -16_558_000
    september = portfolio.statements.filter(pl.col("statement_month") == date(2005, 9, 1))
    assert (september["dpd"] > 0).sum() == 6_818
