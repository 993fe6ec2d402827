"""Download a data-set archive and read the spreadsheet inside it."""

from __future__ import annotations

import logging
import shutil
import urllib.request
import zipfile
from pathlib import Path

from creditline.errors import InvalidInput

logger = logging.getLogger(__name__)


def download_archive(url: str, target: Path, timeout: float) -> None:
    """Download ``url`` to ``target``, through a ``.part`` file so no half file remains.

    Raises
    ------
    InvalidInput
        With key ``dataset.download_failed`` when the connection, the transfer or the
        write fails, or ``timeout`` seconds pass without data.
    """
    partial = target.with_name(target.name + ".part")
    logger.info("Downloading %s to %s", url, target)
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            # Only after the server responded, so a failed connection leaves no empty folder behind.
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as output:
                shutil.copyfileobj(response, output)
        partial.replace(target)
    except (OSError, ValueError) as exc:
        # URLError, HTTPError, refused connections and timeouts are all OSError;
        # ValueError covers a malformed URL.
        partial.unlink(missing_ok=True)
        raise InvalidInput("dataset.download_failed", url=url, reason=str(exc)) from exc


def read_xls_rows(archive: Path) -> list[list[object]]:
    """Return the cell values of the first sheet of the only .xls file in a zip archive.

    Raises
    ------
    InvalidInput
        With key ``dataset.xlrd_missing`` when the optional package xlrd, which reads
        .xls files, is not installed, and ``dataset.archive_invalid`` when the archive
        is not a zip file with exactly one readable .xls file.
    """
    try:
        import xlrd  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise InvalidInput("dataset.xlrd_missing", path=str(archive)) from None

    # NOTE: this path runs only with internet access and xlrd installed; the tests
    # cover its failures, not a real download.
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = [name for name in bundle.namelist() if name.lower().endswith(".xls")]
            if len(members) != 1:
                detail = f"{len(members)} .xls files in the archive"
                raise InvalidInput("dataset.archive_invalid", path=str(archive), detail=detail)
            content = bundle.read(members[0])
        book = xlrd.open_workbook(file_contents=content)
    except (zipfile.BadZipFile, xlrd.XLRDError) as exc:
        raise InvalidInput("dataset.archive_invalid", path=str(archive), detail=str(exc)) from exc
    sheet = book.sheet_by_index(0)
    return [list(sheet.row_values(index)) for index in range(sheet.nrows)]
