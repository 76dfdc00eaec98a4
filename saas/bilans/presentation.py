"""A saved bilan laid out for people: its tables with their columns and definitions, in the order
of its layout, for the page and the workbook alike (one layout, two outputs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from saas import formats
from saas.bilans import charts, listings
from saas.bilans.indicators import BREAKDOWNS, FIELDS, MEASURES, TOTALS, Unit
from saas.bilans.kinds import LAYOUTS, BilanKind
from saas.bilans.models import Bilan
from saas.bilans.scopes import ScopeKind
from saas.tabular import Sheet, write, write_workbook


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    unit: Unit


#: the rows of a table the page and the PDF lay out (a consolidation of a large territory lists
#: thousands of people): the workbook and the CSV hold them all, and the page says so
SHOWN_ROWS = 300


@dataclass(frozen=True)
class Table:
    code: str
    label: str
    definition: str
    columns: tuple[Column, ...]
    rows: list[dict]
    chart: charts.LineChart | charts.BarChart | None = None

    @property
    def shown_rows(self) -> list[dict]:
        return self.rows[:SHOWN_ROWS]

    @property
    def not_shown(self) -> str | None:
        """What the page says of the rows it leaves to the workbook, if any."""
        if len(self.rows) <= SHOWN_ROWS:
            return None
        return (
            f"Les {formats.number(SHOWN_ROWS)} premières lignes sur {formats.number(len(self.rows))} : "
            "le tableau complet est dans le classeur XLSX et le CSV de ce tableau."
        )


def value(raw, unit: Unit):
    """A stored figure as a number (hours and rates are kept as text)."""
    if raw is None:
        return None
    if unit in (Unit.hours, Unit.rate):
        return Decimal(raw)
    if unit == Unit.text:
        return str(raw)
    if unit == Unit.date:
        return date.fromisoformat(raw)
    return int(raw)


def shown(raw, unit: Unit) -> str:
    """A stored figure the French way: ``1 234,5 h``, ``12 %``, ``1 234``."""
    number = value(raw, unit)
    if number is None or number == "":
        return "—"
    if unit == Unit.text:
        return str(number)
    if unit == Unit.date:
        return formats.date(number)
    if unit == Unit.hours:
        return formats.hours(number)
    if unit == Unit.rate:
        return formats.percent(number, 1)
    return formats.number(number)


_COLUMNS = {**MEASURES, **FIELDS}


def _columns(code: str, rows: list[dict], bilan: Bilan) -> tuple[Column, ...]:
    """The measures of the table; the expected pace only where there is one (scopes of lots); in
    the consolidation, a column per month of the period before the total."""
    found = [
        Column(m, _COLUMNS[m].label, _COLUMNS[m].unit)
        for m in BREAKDOWNS[code].measures
        if m != "attendu" or any(row.get(m) is not None for row in rows)
    ]
    if code == "consolidation":
        period = bilan.period
        months = listings.month_keys(period.first_month, period.last_month)
        found[-1:-1] = [Column(f"m{key}", listings.month_label(key), Unit.hours) for key in months]
    return tuple(found)


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
            _columns(code, saved[code], bilan),
            saved[code],
            _chart(code, saved[code]),
        )
        for code in LAYOUTS[BilanKind(bilan.kind)].tables
        if code in saved
    ]


#: the ANRU's targets of QPV residents' share of the hours: funded works, local management
ANRU_TARGETS = (
    ("5", "travaux financés par l'ANRU"),
    ("10", "marchés de gestion urbaine de proximité"),
)


def anru(bilan: Bilan) -> list[tuple[str, str, str]]:
    """Whether the QPV residents' share of the hours meets each ANRU target, and by how many
    hours it falls short (bilans of execution)."""
    found = bilan.figures["totaux"]
    if bilan.kind != BilanKind.execution or found.get("part_qpv") is None:
        return []
    share, counted = Decimal(found["part_qpv"]), Decimal(found["heures"])
    lines = []
    for target, what in ANRU_TARGETS:
        goal = Decimal(target) / 100
        missing = goal * counted - share * counted
        verdict = (
            "atteint"
            if share >= goal
            else f"non atteint : il manque {formats.hours(missing.quantize(Decimal('0.01')))}"
        )
        lines.append(
            (
                f"Objectif ANRU de {target} %",
                verdict,
                f"Au moins {target} % des heures comptées pour des résidents des QPV ({what}).",
            )
        )
    return lines


def totals(bilan: Bilan) -> list[tuple[str, str, str]]:
    """``(label, figure, definition)`` of each total the bilan has, then the ANRU targets."""
    found = bilan.figures["totaux"]
    return [
        (MEASURES[code].label, shown(found.get(code), MEASURES[code].unit), MEASURES[code].definition)
        for code in TOTALS
        if code in found
    ] + anru(bilan)


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
            ]
            + anru(bilan),
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


def table_csv(bilan: Bilan, code: str | None) -> tuple[str, str, bytes] | None:
    """One table of the bilan alone, as CSV (the first of its layout when ``code`` is None); None
    if the bilan has no such table."""
    found = next((table for table in tables(bilan) if code is None or table.code == code), None)
    if found is None:
        return None
    return write("csv", f"{basename(bilan)}-{code}", *_sheet(found))
