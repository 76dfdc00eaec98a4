"""A saved bilan laid out for people: its tables with their columns and definitions, in the order
of its layout, for the page and the workbook alike (one layout, two outputs)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from saas import formats
from saas.bilans import charts
from saas.bilans.indicators import BREAKDOWNS, MEASURES, TOTALS, Unit
from saas.bilans.kinds import LAYOUTS, BilanKind
from saas.bilans.models import Bilan
from saas.bilans.scopes import ScopeKind
from saas.tabular import Sheet, write, write_workbook


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    unit: Unit


@dataclass(frozen=True)
class Table:
    code: str
    label: str
    definition: str
    columns: tuple[Column, ...]
    rows: list[dict]
    chart: charts.LineChart | charts.BarChart | None = None


def value(raw, unit: Unit):
    """A stored figure as a number (hours and rates are kept as text)."""
    if raw is None:
        return None
    if unit in (Unit.hours, Unit.rate):
        return Decimal(raw)
    return int(raw)


def shown(raw, unit: Unit) -> str:
    """A stored figure the French way: ``1 234,5 h``, ``12 %``, ``1 234``."""
    number = value(raw, unit)
    if number is None:
        return "—"
    if unit == Unit.hours:
        return formats.hours(number)
    if unit == Unit.rate:
        return formats.percent(number, 1)
    return formats.number(number)


def _columns(code: str, rows: list[dict]) -> tuple[Column, ...]:
    """The measures of the table; the expected pace only where there is one (scopes of lots)."""
    measures = BREAKDOWNS[code].measures
    return tuple(
        Column(m, MEASURES[m].label, MEASURES[m].unit)
        for m in measures
        if m != "attendu" or any(row.get(m) is not None for row in rows)
    )


#: the tables drawn as bars of their hours beside their figures
_BARS = {"modalite", "type_contrat", "famille_contrat"}


def _chart(code: str, rows: list[dict]) -> charts.LineChart | charts.BarChart | None:
    if code == "mois":
        return charts.hours_curve(rows, "Heures comptées depuis le début de la période")
    if code in _BARS:
        label = BREAKDOWNS[code].label
        return charts.bars(
            rows, f"Heures comptées par {label.lower()}", "heures", lambda raw: shown(raw, Unit.hours)
        )
    return None


def tables(bilan: Bilan) -> list[Table]:
    """The tables of the bilan in the order of its layout (JSONB keeps no order of keys), each with
    its chart where it has one."""
    saved = bilan.figures["tables"]
    return [
        Table(
            code,
            BREAKDOWNS[code].label,
            BREAKDOWNS[code].definition,
            _columns(code, saved[code]),
            saved[code],
            _chart(code, saved[code]),
        )
        for code in LAYOUTS[BilanKind(bilan.kind)].tables
        if code in saved
    ]


def totals(bilan: Bilan) -> list[tuple[str, str, str]]:
    """``(label, figure, definition)`` of each total the bilan has."""
    found = bilan.figures["totaux"]
    return [
        (MEASURES[code].label, shown(found.get(code), MEASURES[code].unit), MEASURES[code].definition)
        for code in TOTALS
        if code in found
    ]


def period_label(bilan: Bilan) -> str:
    return bilan.period.label


def title(bilan: Bilan) -> str:
    return f"{BilanKind(bilan.kind).label} — {bilan.scope_label} — {period_label(bilan)}"


def cover(bilan: Bilan, author: str) -> list[tuple[str, str]]:
    """What the cover of an export says: the bilan, its scope, its period, when and by whom."""
    rules = ", ".join(f"{rule['marche'] or 'territoire'} v{rule['version']}" for rule in bilan.rule_versions)
    return [
        ("Bilan", BilanKind(bilan.kind).label),
        ("Périmètre", f"{ScopeKind(bilan.scope_kind).label} : {bilan.scope_label}"),
        ("Période", period_label(bilan)),
        ("Produit le", formats.datetime(bilan.created_at)),
        ("Par", author or "—"),
        ("Règles de comptage appliquées", rules or "aucune heure comptée"),
    ]


def workbook(bilan: Bilan, author: str) -> tuple[str, str, bytes]:
    """The bilan as one XLSX workbook: a cover sheet, the totals, then one sheet per table."""
    sheets = [
        Sheet("Couverture", ("Élément", "Valeur"), cover(bilan, author), filters=False),
        Sheet(
            "Totaux",
            ("Indicateur", "Valeur", "Définition"),
            [
                (
                    MEASURES[c].label,
                    value(bilan.figures["totaux"][c], MEASURES[c].unit),
                    MEASURES[c].definition,
                )
                for c in TOTALS
                if c in bilan.figures["totaux"]
            ],
        ),
    ]
    for table in tables(bilan):
        sheets.append(Sheet(table.label, *_sheet(table)))
    return write_workbook(basename(bilan), sheets)


def basename(bilan: Bilan) -> str:
    return f"bilan-{bilan.kind}-{bilan.period_start:%Y%m%d}-{bilan.id}"


def _sheet(table: Table) -> tuple[tuple[str, ...], list[tuple]]:
    """The header and the rows of a table as numbers (the workbook and the CSV alike)."""
    header = (table.label, *(column.label for column in table.columns))
    rows = [(row["label"], *(value(row.get(c.code), c.unit) for c in table.columns)) for row in table.rows]
    return header, rows


def table_csv(bilan: Bilan, code: str) -> tuple[str, str, bytes] | None:
    """One table of the bilan alone, as CSV; None if the bilan has no such table."""
    found = next((table for table in tables(bilan) if table.code == code), None)
    if found is None:
        return None
    return write("csv", f"{basename(bilan)}-{code}", *_sheet(found))
