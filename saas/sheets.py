"""Spreadsheets to rows: the one reader of the files people import (the writer is ``tabular``).

A file is read by what its content is, never by its name: XLSX (a zip, read with openpyxl in
read-only mode), XLS (an OLE2 compound file, read with xlrd) or CSV (any other text). A CSV is
UTF-8 (with or without BOM) or, failing that, Windows-1252 (which covers Latin-1's letters);
its separator is ``;`` or ``,``, whichever the header line holds more of.

The first non-empty row is the header; every row after it keeps the line number a person sees in
their spreadsheet program (the header of a file that starts with two blank lines is line 3).
Values come as they are stored: text stripped, numbers, dates (a date cell of XLSX or XLS is a
``date``); an empty cell is None. The caller reads each value (``saas.heures.imports``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import xlrd
from openpyxl import load_workbook

from saas import formats
from saas.errors import ValidationError

MB = 1024 * 1024
#: what an import accepts at most: a year of a big ETTI's statements fits many times.
MAX_BYTES = 10 * MB
MAX_ROWS = 20_000
MAX_COLUMNS = 60
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
KIND_LABELS = {"xlsx": "Excel (.xlsx)", "xls": "Excel 97-2003 (.xls)", "csv": "CSV"}

Value = str | int | float | date | None


@dataclass(frozen=True)
class Sheet:
    kind: str
    headers: list[str]
    #: (line number in the file, values in the order of ``headers``)
    rows: list[tuple[int, list[Value]]]


def _clean(value) -> Value:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a text
        return value or None
    return value


def kind_of(content: bytes) -> str:
    if content.startswith(ZIP_MAGIC):
        return "xlsx"
    if content.startswith(OLE2_MAGIC):
        return "xls"
    if b"\x00" in content[:4096]:
        raise ValidationError(
            "file", "Ce fichier n'est pas un tableur : envoyez un fichier XLSX, XLS ou CSV."
        )
    return "csv"


def _xlsx_rows(content: bytes) -> Iterator[list]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any broken zip or XML is one answer to the person
        raise ValidationError("file", "Ce fichier Excel est illisible ou endommagé.") from None
    try:
        for row in book.worksheets[0].iter_rows(values_only=True) if book.worksheets else ():
            yield list(row)
    except Exception:  # a sheet is parsed as it is read: a broken one fails here
        raise ValidationError("file", "Ce fichier Excel est illisible ou endommagé.") from None
    finally:
        book.close()


def _xls_rows(content: bytes) -> Iterator[list]:
    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception:  # xlrd raises many kinds of errors on a broken file
        raise ValidationError("file", "Ce fichier Excel 97-2003 est illisible ou endommagé.") from None
    for index in range(sheet.nrows):
        row = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                try:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    row.append(cell.value)
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                row.append(None)
            else:
                row.append(cell.value)
        yield row


def decode(content: bytes) -> str:
    """The text of a CSV: UTF-8 (a BOM is dropped), else Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _csv_rows(content: bytes) -> Iterator[list]:
    text = decode(content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise ValidationError("file", "Ce fichier CSV est mal formé (guillemets non refermés ?).") from None


READERS = {"xlsx": _xlsx_rows, "xls": _xls_rows, "csv": _csv_rows}


def _blank(row: list) -> bool:
    return all(value is None for value in row)


def read(content: bytes) -> Sheet:
    """The header and rows of the first sheet of ``content``, or a ``ValidationError`` on ``file``
    in French (empty, too big, not a spreadsheet, no header, too many rows or columns)."""
    if not content:
        raise ValidationError("file", "Le fichier est vide.")
    if len(content) > MAX_BYTES:
        raise ValidationError("file", f"Le fichier dépasse {MAX_BYTES // MB} Mo.")
    kind = kind_of(content)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Value]]] = []
    for line, raw in enumerate(READERS[kind](content), start=1):
        values = [_clean(value) for value in raw[:MAX_COLUMNS]]
        if _blank(values):
            continue
        if headers is None:
            headers = [str(value) if value is not None else "" for value in values]
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                "file", f"Le fichier dépasse {formats.number(MAX_ROWS)} lignes : découpez-le."
            )
        rows.append((line, (values + [None] * len(headers))[: len(headers)]))
    if headers is None:
        raise ValidationError("file", "Le fichier ne contient aucune ligne.")
    return Sheet(kind, headers, rows)
