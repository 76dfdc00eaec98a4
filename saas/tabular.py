"""Tables to files: the one writer of XLSX and CSV exports (``;`` separated, UTF-8 with BOM).

Every export goes through here, so three rules hold for all of them:

- what people typed can never run in a spreadsheet: in XLSX a text is written as a text cell,
  never as a formula; in CSV a text that starts with ``= + - @``, a tab or a carriage return is
  prefixed with ``'`` (OWASP, CSV injection), except a plain number such as ``-12,50``;
- control characters that XLSX forbids are dropped, so one bad character in stored text never
  spoils the export of a whole list;
- dates and times are shown in French (``dd/mm/yyyy``), times in Paris time.

Rows are consumed one by one and written in constant memory (XlsxWriter's ``constant_memory``
mode flushes each row as it is written; CSV goes straight to the file): a caller that hands over an
iterator (a query read in batches) exports any number of rows without holding them. XlsxWriter
writes a 200 000-row sheet about five times faster than openpyxl's write-only mode (``bench/export.py``).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from saas import formats
from saas.clock import PARIS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
#: what a spreadsheet may read as the start of a formula (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: a plain number (``-12,50``, ``+3``, ``-1 234.5``): safe, and must stay a number.
_PLAIN_NUMBER = re.compile(r"[-+]?\d[\d \u00a0\u202f]*(?:[.,]\d+)?")
#: in memory up to this size, then on disk.
SPOOL_BYTES = 8 * 1024 * 1024


def clean_text(value: str) -> str:
    """``value`` without the control characters XLSX cannot hold (tab and line breaks are kept)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def csv_text(value: str) -> str:
    """A text as a CSV cell that no spreadsheet runs as a formula."""
    value = clean_text(value)
    if value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _local(value: datetime) -> datetime:
    """Naive Paris time: spreadsheets know no time zones."""
    if value.tzinfo is not None:
        value = value.astimezone(PARIS).replace(tzinfo=None)
    return value


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return formats.datetime(_local(value).replace(tzinfo=PARIS))  # naive values are Paris time here
    if isinstance(value, date):
        return formats.date(value)
    if isinstance(value, Decimal | float):
        return f"{value}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return csv_text(str(value))


class _XlsxRow:
    """Writes one row of values to an XlsxWriter sheet, each with the call its type needs: a text
    is always ``write_string`` (never a formula, never a number or a link guessed from it)."""

    def __init__(self, workbook, worksheet) -> None:
        self.worksheet = worksheet
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.datetime = workbook.add_format({"num_format": DATETIME_FORMAT})

    def write(self, index: int, values: Sequence) -> None:
        sheet = self.worksheet
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_string(index, column, "oui" if value else "non")
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(index, column, float(value))
            elif isinstance(value, datetime):
                sheet.write_datetime(index, column, _local(value), self.datetime)
            elif isinstance(value, date):
                sheet.write_datetime(index, column, value, self.date)
            else:
                sheet.write_string(index, column, clean_text(str(value)))


def _write_csv(out, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    text.flush()
    text.detach()


def _workbook(out):
    """An XlsxWriter workbook in constant memory that never guesses a number, a formula or a link
    from a text."""
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    return xlsxwriter.Workbook(out, {**options, "strings_to_urls": False})


def _write_sheet(workbook, name: str, header: Sequence[str], rows: Iterable[Sequence]) -> tuple:
    """One sheet of ``rows`` under ``header``; returns the sheet and its number of rows."""
    worksheet = workbook.add_worksheet(re.sub(r"[\[\]:*?/\\]", "", clean_text(name))[:31])
    writer = _XlsxRow(workbook, worksheet)
    writer.write(0, header)
    count = 0
    for count, row in enumerate(rows, 1):
        writer.write(count, row)
    return worksheet, count


def _write_xlsx(out, header: Sequence[str], rows: Iterable[Sequence], sheet: str) -> None:
    workbook = _workbook(out)
    _write_sheet(workbook, sheet, header, rows)
    workbook.close()


MIMETYPES = {"csv": CSV_MIMETYPE, "xlsx": XLSX_MIMETYPE}


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, its header row (frozen, with filters), its rows."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    #: a sheet of labels and values (a cover sheet): no filters
    filters: bool = True


def write_workbook(basename: str, sheets: Sequence[Sheet]) -> tuple[str, str, bytes]:
    """``(filename, mimetype, content)`` of an XLSX workbook of several sheets, each written as
    :func:`write` writes one (same cell rules, constant memory), its header row frozen."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        workbook = _workbook(out)
        for sheet in sheets:
            worksheet, count = _write_sheet(workbook, sheet.name, sheet.header, sheet.rows)
            worksheet.freeze_panes(1, 0)
            if sheet.filters and sheet.header:
                worksheet.autofilter(0, 0, max(count, 1), len(sheet.header) - 1)
        workbook.close()
        out.seek(0)
        return f"{basename}.xlsx", XLSX_MIMETYPE, out.read()


def write_to(
    out, fmt: str, basename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Export"
) -> tuple[str, str]:
    """Write ``rows`` under ``header`` as ``xlsx`` or ``csv`` to the binary file ``out`` (seekable);
    return ``(filename, mimetype)``."""
    if fmt == "csv":
        _write_csv(out, header, rows)
    elif fmt == "xlsx":
        _write_xlsx(out, header, rows, sheet)
    else:
        raise ValueError(f"format d'export inconnu : {fmt}")
    return f"{basename}.{fmt}", MIMETYPES[fmt]


def write(
    fmt: str, basename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Export"
) -> tuple[str, str, bytes]:
    """``(filename, mimetype, content)`` of ``rows`` under ``header`` as ``xlsx`` or ``csv``."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        filename, mimetype = write_to(out, fmt, basename, header, rows, sheet)
        out.seek(0)
        return filename, mimetype, out.read()
