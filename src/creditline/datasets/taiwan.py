"""Convert the UCI "default of credit card clients" data set into creditline import tables.

The data set holds 30,000 credit-card accounts of a Taiwanese bank with six monthly
statements, April to September 2005, and whether the holder defaulted on the payment
due in October 2005. Yeh, I.-C. and Lien, C.-H. (2009), UCI Machine Learning
Repository dataset 350, DOI 10.24432/C55S3H, licensed CC BY 4.0.

Three header forms of the same table are read, detected by their column names:

* the descriptive form, ``ID, LIMIT_BAL, ..., PAY_0, PAY_2, ..., default_payment_next_month``;
* the Kaggle form (``UCI_Credit_Card.csv``), the same names but
  ``default.payment.next.month``, with amounts written as floats such as ``20000.0``;
* the UCI form, ``X1..X23, Y``, in the order of the descriptive form.
"""

from __future__ import annotations

import gzip
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from creditline.datasets.download import download_archive, read_xls_rows
from creditline.errors import InvalidInput

logger = logging.getLogger(__name__)

SOURCE_FOLDER = "taiwan_credit_default"
# Source file names looked for in a data folder, in order of preference.
SOURCE_NAMES = (
    "default_of_credit_card_clients.csv.gz",
    "default_of_credit_card_clients.csv",
    "UCI_Credit_Card.csv",
)
OUTPUT_FORMATS = ("csv", "parquet")

UCI_ARCHIVE_URL = "https://archive.ics.uci.edu/static/public/350/default+of+credit+card+clients.zip"
ARCHIVE_NAME = "default_of_credit_card_clients.zip"
DOWNLOAD_TIMEOUT_SECONDS = 60.0
# Shape of the original table, checked after a download.
EXPECTED_ROWS = 30_000
EXPECTED_COLUMNS = 25
EXPECTED_DEFAULTS = 6_636

# Suffix k of BILL_AMTk and PAY_AMTk is the month 2005-(10-k), so suffix 1 is September.
# The repayment status of suffix 1 is named PAY_0, and there is no PAY_1.
MONTHS = {k: f"2005-{10 - k:02d}" for k in range(1, 7)}
STATUS_COLUMNS = {k: "PAY_0" if k == 1 else f"PAY_{k}" for k in range(1, 7)}
OBSERVATION_YEAR = 2005
OUTCOME_DATE = "2005-09-30"
TARGET = "DEFAULT_PAYMENT_NEXT_MONTH"

COLUMNS = (
    "LIMIT_BAL",
    "SEX",
    "EDUCATION",
    "MARRIAGE",
    "AGE",
    *STATUS_COLUMNS.values(),
    *(f"BILL_AMT{k}" for k in range(1, 7)),
    *(f"PAY_AMT{k}" for k in range(1, 7)),
    TARGET,
)
# The UCI header numbers the columns after ID: X1 is LIMIT_BAL, ..., X23 is PAY_AMT6.
UCI_NAMES = {f"X{position}": name for position, name in enumerate(COLUMNS[:-1], start=1)} | {"Y": TARGET}

SEX_NAMES = {1: "male", 2: "female"}
# Code 0 is not documented by the source.
MARITAL_STATUS_NAMES = {0: "unknown", 1: "married", 2: "single", 3: "other"}
# Codes 5 and 6 mean "unknown" in the Kaggle notes; 0 is not documented.
EDUCATION_NAMES = {0: "unknown", 1: "graduate", 2: "university", 3: "high_school", 4: "other", 5: "unknown", 6: "unknown"}
# -2 (no balance), -1 (paid in full), 0 (revolving), 1..8 months late, 9 for nine or more.
STATUS_CODES = tuple(range(-2, 10))
# A month of repayment delay counts as 30 days past due.
DAYS_PER_MONTH_LATE = 30

# Whole numbers, also written as floats with a zero fraction ("20000.0") by the Kaggle copy.
_WHOLE_NUMBER = r"^-?[0-9]{1,15}(?:\.0*)?$"


@dataclass(frozen=True, slots=True)
class ConversionSummary:
    """Counts and files of one run of :func:`convert_taiwan_default`."""

    source: Path
    rows: int  # accounts (and customers) converted
    defaults: int  # accounts with default_payment_next_month = 1
    files: tuple[Path, ...]  # table files and README.txt, in writing order


def locate_taiwan_source(
    from_path: Path | None,
    data_home: Path | None,
    *,
    url: str = UCI_ARCHIVE_URL,
    timeout: float = DOWNLOAD_TIMEOUT_SECONDS,
) -> Path:
    """Return the path of the Taiwan data set, downloading it into ``data_home`` if needed.

    Parameters
    ----------
    from_path
        A source file, or a folder holding one of :data:`SOURCE_NAMES`. When given,
        it is the only place looked at.
    data_home
        Folder whose ``taiwan_credit_default/`` contains the data set, usually the value of
        CREDITLINE_DATA_HOME. When none of :data:`SOURCE_NAMES` is there, the UCI
        archive is downloaded from ``url`` into that folder, its spreadsheet is read
        (which needs xlrd) and checked to have 30,000 rows, 25 columns and 6,636
        defaults, and it is saved as ``default_of_credit_card_clients.csv.gz``.
    url, timeout
        Where to download the archive from, and the network timeout in seconds.

    Raises
    ------
    InvalidInput
        When ``from_path`` does not exist or holds no source file, when both arguments
        are None, or when the download, the spreadsheet reader or the check fails.
        Every message says to pass --from or set CREDITLINE_DATA_HOME.
    """
    if from_path is not None:
        path = Path(from_path)
        if path.is_file():
            return path
        found = _find_source(path) if path.is_dir() else None
        if found is None:
            raise InvalidInput("dataset.source_not_found", path=str(path))
        return found
    if data_home is None:
        raise InvalidInput("dataset.source_missing")

    folder = Path(data_home) / SOURCE_FOLDER
    found = _find_source(folder)
    if found is not None:
        return found
    return _fetch_uci_copy(folder, url, timeout)


def _find_source(folder: Path) -> Path | None:
    for name in SOURCE_NAMES:
        path = folder / name
        if path.is_file():
            return path
    return None


def _fetch_uci_copy(folder: Path, url: str, timeout: float) -> Path:
    """Download the UCI archive unless it is already in ``folder``, and save it as CSV.

    The archive is kept, so a failure after the download (such as a missing xlrd)
    does not cost a second download.
    """
    archive = folder / ARCHIVE_NAME
    if not archive.is_file():
        download_archive(url, archive, timeout)
    rows = read_xls_rows(archive)

    header_index = next(
        (index for index, row in enumerate(rows[:3]) if "LIMIT_BAL" in [str(cell).strip().upper() for cell in row]),
        None,
    )
    if header_index is None:
        raise InvalidInput("dataset.archive_invalid", path=str(archive), detail="no header row with LIMIT_BAL")
    header = [str(cell).strip() for cell in rows[header_index]]
    body = [[str(cell) for cell in row] for row in rows[header_index + 1 :]]
    staged = folder / (SOURCE_NAMES[0] + ".part")
    try:
        with gzip.open(staged, "wb") as stream:
            pl.DataFrame(body, schema=header, orient="row").write_csv(stream)
        frame = read_taiwan_source(staged)
    finally:
        staged.unlink(missing_ok=True)

    defaults = int(frame[TARGET].sum())
    if (frame.height, len(header), defaults) != (EXPECTED_ROWS, EXPECTED_COLUMNS, EXPECTED_DEFAULTS):
        detail = f"{frame.height} rows, {len(header)} columns, {defaults} defaults"
        raise InvalidInput("dataset.archive_invalid", path=str(archive), detail=detail)
    target = folder / SOURCE_NAMES[0]
    with gzip.open(target, "wb") as stream:
        frame.rename({TARGET: TARGET.lower()}).write_csv(stream)
    return target


def convert_taiwan_default(source: Path, out_dir: Path, fmt: str = "csv") -> ConversionSummary:
    """Write customers, accounts, statements and outcomes tables built from ``source``.

    Parameters
    ----------
    source
        The data set as CSV, optionally gzip-compressed, in one of the three header
        forms of the module docstring.
    out_dir
        Folder to write to; it is created when missing, and files of the same name are
        replaced.
    fmt
        "csv" or "parquet". Amounts are whole NT dollars, written as integers in both
        formats, which the import reads as major units.

    Returns
    -------
    ConversionSummary
        Row and default counts and the files written, README.txt last.

    Raises
    ------
    InvalidInput
        When ``fmt`` is unknown, the header is not a known form, a cell is not a whole
        number or a code is unknown, an ID repeats, or ``out_dir`` already contains a
        table in the other format.
    """
    if fmt not in OUTPUT_FORMATS:
        raise InvalidInput("dataset.unknown_format", value=fmt)
    source = Path(source)
    out_dir = Path(out_dir)
    frame = read_taiwan_source(source)

    tables = {
        "customers": _customers(frame),
        "accounts": _accounts(frame),
        "statements": _statements(frame),
        "outcomes": _outcomes(frame),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    other_suffix = ".parquet" if fmt == "csv" else ".csv"
    for name in tables:
        clash = out_dir / f"{name}{other_suffix}"
        if clash.exists():
            raise InvalidInput("dataset.output_conflict", path=str(clash))

    files: list[Path] = []
    for name, table in tables.items():
        path = out_dir / f"{name}.{fmt}"
        if fmt == "csv":
            table.write_csv(path)
        else:
            table.write_parquet(path)
        files.append(path)
    readme = out_dir / "README.txt"
    readme.write_text(_readme_text(source, fmt), encoding="utf-8")
    files.append(readme)

    defaults = int(frame[TARGET].sum())
    logger.info("Converted %s to %s: %d accounts, %d defaults", source.name, out_dir, frame.height, defaults)
    return ConversionSummary(source=source, rows=frame.height, defaults=defaults, files=tuple(files))


def read_taiwan_source(source: Path) -> pl.DataFrame:
    """Read the data set into Int64 columns named ID and :data:`COLUMNS`, checking codes.

    ID is taken from the file when it has an ID column and is the row number otherwise.

    Raises
    ------
    InvalidInput
        When the file is missing, its header is not a known form, a cell is not a whole
        number, a code is unknown or an ID repeats.
    """
    if not source.is_file():
        raise InvalidInput("dataset.source_not_found", path=str(source))
    text = pl.read_csv(source, infer_schema=False)
    names = _standard_names(source, text.columns)
    text = text.rename(names)
    if "ID" not in names.values():
        # The rows of the original table are in ID order, 1 to 30,000.
        text = text.with_columns(pl.int_range(1, text.height + 1).cast(pl.Utf8).alias("ID"))
    text = text.select("ID", *COLUMNS)

    for name in text.columns:
        bad = text.with_row_index("row").filter(~pl.col(name).str.contains(_WHOLE_NUMBER) | pl.col(name).is_null())
        if bad.height:
            row, value = bad.select("row", name).row(0)
            raise InvalidInput(
                "dataset.not_integer", path=str(source), line=row + 2, column=name, value=value, count=bad.height
            )
    frame = text.select(pl.all().str.replace(r"\.0*$", "").cast(pl.Int64))

    _check_codes(source, frame, "SEX", tuple(SEX_NAMES))
    _check_codes(source, frame, "EDUCATION", tuple(EDUCATION_NAMES))
    _check_codes(source, frame, "MARRIAGE", tuple(MARITAL_STATUS_NAMES))
    for name in STATUS_COLUMNS.values():
        _check_codes(source, frame, name, STATUS_CODES)
    _check_codes(source, frame, TARGET, (0, 1))

    repeated = frame.filter(pl.col("ID").is_duplicated())
    if repeated.height:
        raise InvalidInput("dataset.duplicate_id", path=str(source), value=repeated["ID"][0])
    return frame


def _standard_names(source: Path, names: list[str]) -> dict[str, str]:
    """Map each source column name to its name in :data:`COLUMNS` (or ID).

    Names compare case-insensitively with "." and spaces read as "_", which covers
    the descriptive, Kaggle and spreadsheet spellings of the target.
    """
    mapping: dict[str, str] = {}
    for name in names:
        normal = re.sub(r"[.\s]+", "_", name.strip()).upper()
        standard = UCI_NAMES.get(normal, normal)
        if standard in COLUMNS or standard == "ID":
            mapping[name] = standard
    missing = [name for name in COLUMNS if name not in mapping.values()]
    if missing:
        raise InvalidInput("dataset.unknown_header", path=str(source), missing=", ".join(missing))
    return mapping


def _check_codes(source: Path, frame: pl.DataFrame, name: str, allowed: tuple[int, ...]) -> None:
    bad = frame.with_row_index("row").filter(~pl.col(name).is_in(list(allowed)))
    if bad.height:
        row, value = bad.select("row", name).row(0)
        raise InvalidInput(
            "dataset.unknown_code",
            path=str(source),
            line=row + 2,
            column=name,
            value=value,
            allowed=", ".join(str(code) for code in allowed),
            count=bad.height,
        )


def _customer_ids(prefix: str) -> pl.Expr:
    return pl.lit(prefix) + pl.col("ID").cast(pl.Utf8).str.zfill(5)


def _customers(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        _customer_ids("C").alias("customer_id"),
        (OBSERVATION_YEAR - pl.col("AGE")).alias("birth_year"),
        pl.lit(None, dtype=pl.Int64).alias("monthly_income"),
        pl.lit(None, dtype=pl.Utf8).alias("consents"),
        pl.col("SEX").replace_strict(SEX_NAMES, return_dtype=pl.Utf8).alias("sex"),
        pl.col("MARRIAGE").replace_strict(MARITAL_STATUS_NAMES, return_dtype=pl.Utf8).alias("marital_status"),
        pl.col("EDUCATION").replace_strict(EDUCATION_NAMES, return_dtype=pl.Utf8).alias("education"),
    )


def _accounts(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        _customer_ids("A").alias("account_id"),
        _customer_ids("C").alias("customer_id"),
        pl.lit("card").alias("product"),
        pl.lit("TWD").alias("currency"),
        pl.lit(None, dtype=pl.Date).alias("opened_on"),
        pl.col("LIMIT_BAL").alias("approved_limit"),
        # The September 2005 statement balance, the latest figure in the data set, is
        # used as the outstanding balance. It is negative for a credit balance.
        pl.col("BILL_AMT1").alias("outstanding"),
        pl.lit("auto").alias("increase_preference"),
    )


def _statements(frame: pl.DataFrame) -> pl.DataFrame:
    months = [
        frame.select(
            _customer_ids("A").alias("account_id"),
            pl.lit(MONTHS[k]).alias("statement_month"),
            pl.col(f"BILL_AMT{k}").alias("bill_amount"),
            pl.col(f"PAY_AMT{k}").alias("paid_amount"),
            pl.lit(None, dtype=pl.Int64).alias("min_due"),
            pl.when(pl.col(STATUS_COLUMNS[k]) >= 1)
            .then(pl.col(STATUS_COLUMNS[k]) * DAYS_PER_MONTH_LATE)
            .otherwise(0)
            .alias("dpd"),
        )
        for k in range(6, 0, -1)
    ]
    return pl.concat(months).sort("account_id", "statement_month", maintain_order=True)


def _outcomes(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select(
        _customer_ids("A").alias("account_id"),
        pl.lit(OUTCOME_DATE).str.to_date("%Y-%m-%d").alias("as_of"),
        pl.col(TARGET).alias("bad"),
    )


def _readme_text(source: Path, fmt: str) -> str:
    return f"""\
Taiwan credit-card default data, converted into creditline import tables ({fmt}).

Source
  File: {source.name}
  "default of credit card clients", UCI Machine Learning Repository dataset 350,
  DOI 10.24432/C55S3H, https://archive.ics.uci.edu/dataset/350
  30,000 credit-card accounts of a Taiwanese bank, statements April to September 2005.

Licence
  Creative Commons Attribution 4.0 International (CC BY 4.0). Cite:
  Yeh, I.-C., & Lien, C.-H. (2009). The comparisons of data mining techniques for the
  predictive accuracy of probability of default of credit card clients. Expert Systems
  with Applications, 36(2), 2473-2480.

Mapping (amounts in whole New Taiwan dollars)
  customers.{fmt}
    customer_id     "C" + ID zero-padded to 5 digits (C00001 .. C30000)
    birth_year      {OBSERVATION_YEAR} - AGE
    monthly_income  empty (not in the source)
    consents        empty (not in the source)
    sex             SEX: 1 male, 2 female
    marital_status  MARRIAGE: 1 married, 2 single, 3 other, 0 unknown
    education       EDUCATION: 1 graduate, 2 university, 3 high_school, 4 other,
                    0, 5 and 6 unknown
  accounts.{fmt}
    account_id      "A" + ID zero-padded to 5 digits
    customer_id     as in customers
    product         card
    currency        TWD
    opened_on       empty (not in the source)
    approved_limit  LIMIT_BAL
    outstanding     BILL_AMT1, the September 2005 statement balance (negative for a
                    credit balance)
    increase_preference  auto
  statements.{fmt}, six rows per account
    statement_month 2005-04 .. 2005-09 from suffix 6 .. 1 (PAY_6 .. PAY_2, PAY_0)
    bill_amount     BILL_AMTk
    paid_amount     PAY_AMTk
    min_due         empty (not in the source)
    dpd             {DAYS_PER_MONTH_LATE} x status when the repayment status is 1 or more, else 0
  outcomes.{fmt}
    account_id      as in accounts
    as_of           {OUTCOME_DATE}
    bad             default_payment_next_month (default on the payment due in October 2005)
"""
