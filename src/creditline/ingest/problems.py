"""One problem found in an import file, located by file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from creditline.i18n import DEFAULT_LOCALE, translate

PARQUET_SUFFIX = ".parquet"


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem in one row, one header or one whole file of an import.

    ``line`` is the physical line in a CSV file (the header is line 1, so the first data
    row is line 2) or the 1-based row number in a Parquet file. It is None for a problem
    with the whole file, such as a missing table. ``column`` is None for problems of a
    whole row (a duplicate key, a reference to a missing parent, a wrong field count).
    ``value`` is the offending text as it appears in the file, or None.
    ``key`` names the message in the ``imports`` catalogue that ``params`` fill.
    """

    file: str
    line: int | None
    column: str | None
    value: str | None
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, locale: str = DEFAULT_LOCALE) -> str:
        """Return the located message in ``locale`` ("zh" or "en")."""
        location = translate(self._location_key(), locale, file=self.file, line=self.line, column=self.column)
        fields = {"file": self.file, "line": self.line, "value": self.value, "column": self.column, **self.params}
        message = translate(self.key, locale, **fields)
        return translate("import.located", locale, location=location, message=message)

    def _location_key(self) -> str:
        if self.line is None:
            return "import.at_file" if self.column is None else "import.at_file_column"
        unit = "row" if self.file.endswith(PARQUET_SUFFIX) else "line"
        if self.column is None:
            return f"import.at_{unit}"
        return f"import.at_{unit}_column"
