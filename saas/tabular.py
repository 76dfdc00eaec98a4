"""Tables to files: the one writer of XLSX and CSV exports (``;`` separated, UTF-8 with BOM).

Every export goes through here, so three rules hold for all of them:

- what people typed can never run in a spreadsheet: in XLSX a text is written as a text cell,
  never as a formula; in CSV a text that starts with ``= + - @``, a tab or a carriage return is
  prefixed with ``'`` (OWASP, CSV injection), except a plain number such as ``-12,50``;
- control characters that XLSX forbids are dropped, so one bad character in stored text never
  spoils the export of a whole list;
- dates and times are shown in French (``dd/mm/yyyy``), times in Paris time.

Rows are consumed one by one and written to a spooled temporary file: a caller that hands over an
iterator (a keyset-paginated query) exports any number of rows without holding them.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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


def _xlsx_cell(worksheet, value):
    """A value openpyxl writes as is, or a cell when the type or the format must be forced."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        cell = WriteOnlyCell(worksheet, value=_local(value))
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(worksheet, value=value)  # type: ignore[arg-type]  # openpyxl writes a date; its stubs name datetime only
        cell.number_format = DATE_FORMAT
        return cell
    if value is None or isinstance(value, int | float):
        return value
    text = clean_text(str(value))
    if text.startswith("="):
        cell = WriteOnlyCell(worksheet, value=text)
        cell.data_type = "s"  # openpyxl would store it as a formula
        return cell
    return text


def _write_csv(out, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, delimiter=";")
    writer.writerow([_csv_value(v) for v in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    text.flush()
    text.detach()


def _write_xlsx(out, header: Sequence[str], rows: Iterable[Sequence], sheet: str) -> None:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append([_xlsx_cell(worksheet, v) for v in header])
    for row in rows:
        worksheet.append([_xlsx_cell(worksheet, v) for v in row])
    workbook.save(out)


def write(
    fmt: str, basename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Export"
) -> tuple[str, str, bytes]:
    """``(filename, mimetype, content)`` of ``rows`` under ``header`` as ``xlsx`` or ``csv``."""
    writers: dict[str, tuple[str, Callable]] = {
        "csv": (CSV_MIMETYPE, lambda out: _write_csv(out, header, rows)),
        "xlsx": (XLSX_MIMETYPE, lambda out: _write_xlsx(out, header, rows, sheet)),
    }
    if fmt not in writers:
        raise ValueError(f"format d'export inconnu : {fmt}")
    mimetype, write_to = writers[fmt]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        write_to(out)
        out.seek(0)
        return f"{basename}.{fmt}", mimetype, out.read()
