"""Tables to files: the one writer of XLSX and CSV exports (``;`` separated, UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from openpyxl import Workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | float):
        return f"{value}".replace(".", ",")
    return str(value)


def _xlsx_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def write(
    fmt: str, basename: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str = "Export"
) -> tuple[str, str, bytes]:
    """``(filename, mimetype, content)`` of ``rows`` under ``header`` as ``xlsx`` or ``csv``."""
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_csv_value(v) for v in row])
        return f"{basename}.csv", CSV_MIMETYPE, ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError(f"format d'export inconnu : {fmt}")
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    worksheet.append(list(header))
    for row in rows:
        worksheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return f"{basename}.xlsx", XLSX_MIMETYPE, out.getvalue()
