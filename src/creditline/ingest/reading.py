"""Find the import files of each table and read them into text columns with line numbers.

Every contract column comes out as a Utf8 column holding the text as written in the file,
so that a later step can report the offending value exactly. Parquet values are turned
into the same text forms first (see :func:`_parquet_text`).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from creditline.contracts import TABLES, Column, Kind, Table
from creditline.ingest.problems import PARQUET_SUFFIX, RowError

CSV_SUFFIX = ".csv"
# Name of the column that carries each row's CSV line or Parquet row number. It starts
# with an underscore, which no contract column does, so it never clashes with input.
LINE = "_line"
# Maximum number of characters of a rejected CSV line that a message repeats.
MAX_ECHO_CHARS = 120


@dataclass(slots=True)
class RawTable:
    """The text of one table's file, before any column is parsed.

    ``frame`` contains one Utf8 column per readable contract column of the file plus
    :data:`LINE`. It is None when the file could not be read at all, and ``problems``
    then says why. ``unreadable_columns`` are contract columns present in the file with
    a type that cannot be read; they have a problem of their own.
    """

    table: Table
    path: Path
    frame: pl.DataFrame | None
    ignored_columns: tuple[str, ...] = ()
    unreadable_columns: tuple[str, ...] = ()
    problems: list[RowError] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.path.name


def locate_table_files(folder: Path, problems: list[RowError]) -> dict[str, Path]:
    """Return the file of each table found in ``folder``, keyed by table name.

    Appends a problem for a required table with no file and for a table that has both
    a CSV and a Parquet file, because then it is unclear which one is meant.
    """
    found: dict[str, Path] = {}
    for table in TABLES:
        csv_path = folder / f"{table.name}{CSV_SUFFIX}"
        parquet_path = folder / f"{table.name}{PARQUET_SUFFIX}"
        if csv_path.is_file() and parquet_path.is_file():
            problems.append(
                RowError(csv_path.name, None, None, None, "import.table_ambiguous", {"other": parquet_path.name})
            )
        elif csv_path.is_file():
            found[table.name] = csv_path
        elif parquet_path.is_file():
            found[table.name] = parquet_path
        elif table.required:
            problems.append(
                RowError(
                    csv_path.name,
                    None,
                    None,
                    None,
                    "import.table_missing",
                    {"other": parquet_path.name, "folder": str(folder)},
                )
            )
    return found


def read_table(table: Table, path: Path) -> RawTable:
    """Read ``path`` as CSV or Parquet, by its suffix."""
    if path.suffix == PARQUET_SUFFIX:
        return read_parquet_table(table, path)
    return read_csv_table(table, path)


def read_csv_table(table: Table, path: Path) -> RawTable:
    """Read a UTF-8 CSV file with all columns as text and keep each row's physical line.

    Line numbers come from a split of the text on line breaks before Polars parses it.
    Blank lines are skipped. A line whose field count differs from the header's is
    reported and left out, so one bad line does not stop the others from being checked.
    """
    raw = RawTable(table, path, None)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raw.problems.append(RowError(raw.file, line, None, None, "import.not_utf8", {}))
        return raw
    text = text.removeprefix("\ufeff")

    lines = (
        pl.Series("text", [text])
        .str.split("\n")
        .explode()
        .str.strip_suffix("\r")
        .to_frame()
        .with_row_index(LINE, offset=1)
        .with_columns(pl.col(LINE).cast(pl.Int64))
    )
    header_text = lines["text"][0]
    if header_text.strip() == "":
        raw.problems.append(RowError(raw.file, 1, None, None, "import.empty_file", {}))
        return raw
    names = _parse_header(raw, header_text)
    if names is None:
        return raw

    body = lines.slice(1).filter(pl.col("text") != "")
    # NOTE: a quoted field with a line break inside spans several physical lines, which
    # would shift every line number after it. Such a field leaves an odd number of quote
    # characters on its first line, so the file is rejected there instead.
    body = body.with_columns(
        quotes=pl.col("text").str.count_matches('"', literal=True),
        fields=pl.col("text").str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True) + 1,
    )
    broken = body.filter(pl.col("quotes") % 2 == 1)
    if broken.height:
        line = int(broken[LINE][0])
        raw.problems.append(RowError(raw.file, line, None, _echo(broken["text"][0]), "import.line_break_in_field", {}))
        return raw

    ragged = body.filter(pl.col("fields") != len(names))
    for line, line_text, fields in ragged.select(LINE, "text", "fields").iter_rows():
        raw.problems.append(
            RowError(
                raw.file,
                line,
                None,
                _echo(line_text),
                "import.column_count",
                {"expected": len(names), "actual": fields},
            )
        )
    body = body.filter(pl.col("fields") == len(names))

    frame = _parse_csv_body(raw, body, names)
    if frame is None:
        return raw
    _keep_contract_columns(raw, frame.with_columns(body[LINE]), names)
    return raw


def _parse_header(raw: RawTable, header_text: str) -> list[str] | None:
    if header_text.count('"') % 2 == 1:
        raw.problems.append(RowError(raw.file, 1, None, _echo(header_text), "import.line_break_in_field", {}))
        return None
    names = [name.strip() for name in next(csv.reader([header_text]))]
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raw.problems.append(RowError(raw.file, 1, name, None, "import.duplicate_column", {}))
            return None
        seen.add(name)
    return names


def _parse_csv_body(raw: RawTable, body: pl.DataFrame, names: list[str]) -> pl.DataFrame | None:
    if body.height == 0:
        return pl.DataFrame({name: pl.Series(name, [], dtype=pl.Utf8) for name in names})
    content = body["text"].str.join("\n").item() + "\n"
    try:
        frame = pl.read_csv(
            io.BytesIO(content.encode("utf-8")),
            has_header=False,
            new_columns=names,
            infer_schema=False,
        )
    except pl.exceptions.PolarsError as exc:
        raw.problems.append(RowError(raw.file, None, None, None, "import.unparseable", {"detail": str(exc)}))
        return None
    if frame.height != body.height:
        # The quote check above should make this impossible; failing loudly beats
        # reporting problems on the wrong lines.
        detail = f"{frame.height} records parsed from {body.height} lines"
        raw.problems.append(RowError(raw.file, None, None, None, "import.unparseable", {"detail": detail}))
        return None
    return frame


def read_parquet_table(table: Table, path: Path) -> RawTable:
    """Read a Parquet file and turn each contract column into its text form.

    Row numbers start at 1 and take the place of CSV line numbers.
    """
    raw = RawTable(table, path, None)
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raw.problems.append(RowError(raw.file, None, None, None, "import.unparseable", {"detail": str(exc)}))
        return raw

    texts: list[pl.Expr] = []
    for name in frame.columns:
        if name not in _contract_names(table):
            continue
        column = table.column(name)
        expr = _parquet_text(column, frame.schema[name])
        if expr is None:
            raw.problems.append(
                RowError(raw.file, None, name, None, "import.unsupported_type", {"dtype": str(frame.schema[name])})
            )
            raw.unreadable_columns += (name,)
            continue
        texts.append(expr.alias(name))
    converted = frame.select(texts).with_row_index(LINE, offset=1).with_columns(pl.col(LINE).cast(pl.Int64))
    _keep_contract_columns(raw, converted, frame.columns)
    return raw


def _parquet_text(column: Column, dtype: pl.DataType) -> pl.Expr | None:
    """Return an expression giving the Parquet column's values as import text, or None.

    Integers keep their digits, so an integer amount is read in whole major units.
    Floats use their shortest round-trip form, so 8000.1 stays "8000.1" and a float
    with more than two decimals fails the amount check. Decimals drop trailing zeros
    of the fraction. Dates print as YYYY-MM-DD, or as YYYY-MM for a month column when
    the date is the first of the month. Datetimes at midnight count as dates.
    """
    source = pl.col(column.name)
    if dtype == pl.Null or isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        return source.cast(pl.Utf8)
    if dtype.is_integer():
        return source.cast(pl.Utf8)
    if dtype == pl.Boolean:
        return source.cast(pl.Int8).cast(pl.Utf8)
    if dtype.is_float():
        text = source.cast(pl.Utf8)
        if column.kind in (Kind.INT, Kind.FLAG):
            text = text.str.replace(r"\.0$", "")
        return text
    if dtype.is_decimal():
        return source.cast(pl.Utf8).str.replace(r"(\.[0-9]*?)0+$", "${1}").str.strip_suffix(".")
    if dtype == pl.Date:
        return _date_text(column, source)
    if isinstance(dtype, pl.Datetime):
        midnight = source.dt.hour().eq(0) & source.dt.minute().eq(0) & source.dt.second().eq(0)
        full = source.dt.strftime("%Y-%m-%dT%H:%M:%S")
        return pl.when(source.dt.nanosecond().eq(0) & midnight).then(_date_text(column, source.dt.date())).otherwise(full)
    return None


def _date_text(column: Column, date: pl.Expr) -> pl.Expr:
    if column.kind == Kind.MONTH:
        return pl.when(date.dt.day() == 1).then(date.dt.strftime("%Y-%m")).otherwise(date.dt.strftime("%Y-%m-%d"))
    return date.dt.strftime("%Y-%m-%d")


def _keep_contract_columns(raw: RawTable, frame: pl.DataFrame, names: list[str]) -> None:
    known = _contract_names(raw.table)
    raw.ignored_columns = tuple(name for name in names if name not in known)
    present = [name for name in frame.columns if name in known]
    raw.frame = frame.select(LINE, *present)


def _contract_names(table: Table) -> set[str]:
    return {column.name for column in table.columns}


def _echo(text: str) -> str:
    return text if len(text) <= MAX_ECHO_CHARS else text[:MAX_ECHO_CHARS] + "…"
