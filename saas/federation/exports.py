"""The console's consolidation as a workbook (a consolidated sheet, then one sheet per territory)
and the rows of its print; values as numbers, labels in French."""

from __future__ import annotations

from saas.bilans import presentation
from saas.bilans.indicators import BREAKDOWNS, MEASURES
from saas.federation.console import TABLES, Consolidation, Matrix
from saas.tabular import Sheet, write_workbook

#: the measures of a territory's sheet, in order
_MEASURES = ("personnes", "contrats", "heures", "sorties")


def _value(raw, matrix: Matrix, index: int):
    return presentation.value(raw, matrix.unit_of(index)) if raw is not None else None


def _consolidated(found: Consolidation) -> Sheet:
    header = ("Tableau", "Ligne", "Consolidé", *(m.name for m in found.members))
    rows: list[tuple] = [("Personnes distinctes (tous territoires)", "", found.distinct_people)]
    for matrix in [found.key_figures, *found.matrices]:
        rows += [
            (matrix.title, label, _value(total, matrix, i), *(_value(v, matrix, i) for v in values))
            for i, (label, total, values) in enumerate(matrix.rows)
        ]
    return Sheet("Consolidé", header, rows)


def _sheet_name(index: int, name: str) -> str:
    """Unique and within the 31 characters of a sheet name."""
    return f"{index:02d} {name}"[:31]


def _territory(index: int, name: str, figures: dict) -> Sheet:
    header = ("Tableau", "Ligne", *(MEASURES[m].label for m in _MEASURES))
    totals = figures.get("totaux", {})
    rows: list[tuple] = [
        ("Totaux", MEASURES[code].label, presentation.value(totals.get(code), MEASURES[code].unit))
        for code in ("personnes", "contrats", "heures", "heures_brutes", "obligation", "taux", "sorties")
        if totals.get(code) is not None
    ]
    for table in TABLES:
        for row in figures.get("tables", {}).get(table, []):
            values = [
                presentation.value(row.get(m), MEASURES[m].unit) if row.get(m) is not None else None
                for m in _MEASURES
            ]
            rows.append((BREAKDOWNS[table].label, str(row.get("label") or row.get("key")), *values))
    return Sheet(_sheet_name(index, name), header, rows)


def workbook(found: Consolidation, code: str) -> tuple[str, str, bytes]:
    sheets = [_consolidated(found)]
    for index, member in enumerate(found.members, start=1):
        report = found.reports.get(member.slug)
        if report is not None:
            sheets.append(_territory(index, member.name, report.summary.get("indicateurs", {})))
    return write_workbook(f"departement-{code}-{found.kind}-{found.start:%Y%m%d}", sheets)
