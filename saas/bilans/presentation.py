"""A saved bilan laid out for people: its tables with their columns and definitions, in the order
of its layout, for the page and the workbook alike (one layout, two outputs)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from saas import formats
from saas.bilans.indicators import BREAKDOWNS, MEASURES, TOTALS, Unit
from saas.bilans.kinds import LAYOUTS, BilanKind
from saas.bilans.models import Bilan
from saas.bilans.scopes import ScopeKind
from saas.tabular import Sheet, write_workbook


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


def tables(bilan: Bilan) -> list[Table]:
    """The tables of the bilan in the order of its layout (JSONB keeps no order of keys)."""
    saved = bilan.figures["tables"]
    return [
        Table(
            code,
            BREAKDOWNS[code].label,
            BREAKDOWNS[code].definition,
            _columns(code, saved[code]),
            saved[code],
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
        header = (table.label, *(column.label for column in table.columns))
        rows = [
            (row["label"], *(value(row.get(c.code), c.unit) for c in table.columns)) for row in table.rows
        ]
        sheets.append(Sheet(table.label, header, rows))
    basename = f"bilan-{bilan.kind}-{bilan.period_start:%Y%m%d}-{bilan.id}"
    return write_workbook(basename, sheets)
