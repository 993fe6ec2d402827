"""Load and validate a whole import folder into one :class:`Portfolio`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import polars as pl

from creditline.contracts import TABLES, TABLES_BY_NAME
from creditline.errors import ImportRejected, InvalidInput
from creditline.ingest.checks import find_duplicate_keys, find_missing_parents
from creditline.ingest.parsing import parse_table
from creditline.ingest.problems import RowError
from creditline.ingest.reading import LINE, RawTable, locate_table_files, read_table

logger = logging.getLogger(__name__)

_TABLE_ORDER = {table.name: position for position, table in enumerate(TABLES)}


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The validated tables of one import, normalised to their contract types.

    Each frame has the contract's columns in contract order. ID, TEXT, CHOICE and
    CHOICE_SET columns are Utf8, and a choice set is its sorted members joined by ";".
    INT and FLAG columns are Int64, and AMOUNT columns Int64 minor units. DATE columns
    are ``pl.Date``, and so are MONTH columns, on the first day of the month. An absent
    optional table is None.
    """

    customers: pl.DataFrame
    accounts: pl.DataFrame
    statements: pl.DataFrame
    transactions: pl.DataFrame | None
    bureau: pl.DataFrame | None
    outcomes: pl.DataFrame | None
    row_counts: Mapping[str, int]  # rows per table present in the import
    source_files: Mapping[str, Path]  # file each present table was read from
    ignored_columns: Mapping[str, tuple[str, ...]]  # unknown columns dropped, per table

    def table(self, name: str) -> pl.DataFrame | None:
        """Return the frame of table ``name``, or None when the table is absent."""
        if name not in TABLES_BY_NAME:
            raise KeyError(name)
        frame: pl.DataFrame | None = getattr(self, name)
        return frame


def load_portfolio(folder: Path) -> Portfolio:
    """Read, parse and check every table file in ``folder``.

    Each table is ``<table>.csv`` (UTF-8 with a header row, a byte order mark is
    allowed) or ``<table>.parquet``. Amounts are read in major units and returned in
    integer minor units. All problems of all tables are collected before anything is
    raised, so one call reports every bad cell, row and file.

    Raises
    ------
    InvalidInput
        When ``folder`` is not a directory.
    ImportRejected
        When any problem was found; ``row_errors`` lists them as :class:`RowError`,
        ordered by table, line and column.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput("import.folder_not_found", folder=str(folder))

    problems: list[RowError] = []
    files = locate_table_files(folder, problems)
    raws: dict[str, RawTable] = {}
    parsed: dict[str, pl.DataFrame] = {}
    for name, path in files.items():
        raw = read_table(TABLES_BY_NAME[name], path)
        problems += raw.problems
        raws[name] = raw
        frame = parse_table(raw, problems)
        if frame is not None:
            parsed[name] = frame

    for name, frame in parsed.items():
        find_duplicate_keys(raws[name], frame, problems)
    readable = {name: (raws[name], frame) for name, frame in parsed.items()}
    for name, frame in parsed.items():
        find_missing_parents(raws[name], frame, readable, problems)

    row_counts = {name: frame.height for name, frame in parsed.items()}
    if problems:
        logger.info("Import of %s rejected with %d problems; rows per table: %s", folder, len(problems), row_counts)
        raise ImportRejected(row_errors=sorted(problems, key=_problem_order))
    logger.info("Imported %s; rows per table: %s", folder, row_counts)

    frames = {name: frame.drop(LINE) for name, frame in parsed.items()}
    return Portfolio(
        customers=frames["customers"],
        accounts=frames["accounts"],
        statements=frames["statements"],
        transactions=frames.get("transactions"),
        bureau=frames.get("bureau"),
        outcomes=frames.get("outcomes"),
        row_counts=MappingProxyType(row_counts),
        source_files=MappingProxyType(dict(files)),
        ignored_columns=MappingProxyType(
            {name: raw.ignored_columns for name, raw in raws.items() if raw.ignored_columns}
        ),
    )


def _problem_order(problem: RowError) -> tuple[int, int, int]:
    table_name = problem.file.rsplit(".", 1)[0]
    table = TABLES_BY_NAME[table_name]
    column_names = [column.name for column in table.columns]
    column_position = column_names.index(problem.column) if problem.column in column_names else -1
    line = -1 if problem.line is None else problem.line
    return _TABLE_ORDER[table_name], line, column_position
