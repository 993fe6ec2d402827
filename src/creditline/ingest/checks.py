"""Checks across rows and tables: duplicate keys and references to missing parents."""

from __future__ import annotations

import polars as pl

from creditline.ingest.problems import PARQUET_SUFFIX, RowError
from creditline.ingest.reading import LINE, RawTable

_FIRST_LINE = "\x00first_line"
_KEY_TEXT = "\x00key_text"


def find_duplicate_keys(raw: RawTable, parsed: pl.DataFrame, problems: list[RowError]) -> None:
    """Append a problem for every row whose key repeats the key of an earlier row.

    Rows with an invalid or empty key cell are left out, because their cell problem is
    already reported. The message names the line of the key's first occurrence.
    """
    key = list(raw.table.key)
    if not key or raw.frame is None or any(name not in raw.frame.columns for name in key):
        return

    key_text = pl.concat_str([pl.col(name) for name in key], separator=", ").alias(_KEY_TEXT)
    keyed = (
        parsed.select(LINE, *key)
        .with_columns(raw.frame.select(key_text).to_series())
        .drop_nulls(key)
        .with_columns(pl.col(LINE).min().over(key).alias(_FIRST_LINE))
        .filter(pl.col(LINE) != pl.col(_FIRST_LINE))
    )
    message_key = "import.duplicate_key_row" if raw.file.endswith(PARQUET_SUFFIX) else "import.duplicate_key"
    columns = ", ".join(key)
    for line, text, first_line in keyed.select(LINE, _KEY_TEXT, _FIRST_LINE).iter_rows():
        problems.append(RowError(raw.file, line, None, text, message_key, {"key": columns, "first_line": first_line}))


def find_missing_parents(
    child: RawTable,
    child_parsed: pl.DataFrame,
    parents: dict[str, tuple[RawTable, pl.DataFrame]],
    problems: list[RowError],
) -> None:
    """Append a problem for every row that refers to a key absent from the parent table.

    A reference is checked only when the parent file was read in full, so a parent
    that is missing or unreadable, and therefore reported already, does not flood the
    report with one problem per child row.
    """
    if child.frame is None:
        return
    for column, parent_name, parent_column in child.table.references:
        if parent_name not in parents or column not in child.frame.columns:
            continue
        parent, parent_parsed = parents[parent_name]
        if parent.frame is None or parent_column not in parent.frame.columns:
            continue
        known = parent_parsed.get_column(parent_column).drop_nulls().unique().implode()
        missing = child_parsed.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(known))
        params = {"column": column, "parent_file": parent.file, "parent_column": parent_column}
        for line, value in missing.select(LINE, column).iter_rows():
            problems.append(RowError(child.file, line, None, value, "import.missing_parent", dict(params)))
