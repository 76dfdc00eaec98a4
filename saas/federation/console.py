"""The Département's console, read from the reports received only (``received_reports``) and the
platform's list of members: never a territory table.

For a period, the latest version of each member's report; the figures of each territory side by
side and consolidated (sums; rates computed again from the sums), the people counted once across
territories (their keys), the territories behind schedule, and the versions of a report with what
changed from one to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select, text

from saas.bilans import api as bilans
from saas.bilans import presentation
from saas.bilans.indicators import BREAKDOWNS, MEASURES, Unit
from saas.db import db
from saas.federation.building import period_of
from saas.federation.members import Member, members
from saas.federation.models import ReceivedReport, ReportPeriod

#: the figures of the first table, in order
KEY_FIGURES = (
    "personnes",
    "contrats",
    "heures",
    "heures_brutes",
    "obligation",
    "heures_cumulees",
    "taux",
    "sorties",
)
#: the tables of the bilan annuel shown side by side (the months feed the schedule)
TABLES = tuple(t for t in bilans.LAYOUTS[bilans.BilanKind.annuel].tables if t != "mois")
SUMMED = {Unit.people, Unit.contracts, Unit.hours, Unit.number}
#: a territory is behind schedule when its period counted less than this share of the hours
#: expected at a steady pace (the obligation of its lots spread evenly over their marchés' days)
BEHIND_SHARE = Decimal("0.8")


@dataclass(frozen=True)
class Matrix:
    """A figure per row, consolidated and per territory (None: no report, or no such row)."""

    code: str
    title: str
    unit: Unit
    rows: Sequence[tuple[str, object, Sequence[object]]]
    #: the unit of each row, when they differ (the key figures)
    row_units: tuple[Unit, ...] = ()

    def unit_of(self, index: int) -> Unit:
        return self.row_units[index] if self.row_units else self.unit


@dataclass(frozen=True)
class Behind:
    member: Member
    hours: Decimal
    expected: Decimal

    @property
    def share(self) -> Decimal:
        return self.hours / self.expected


@dataclass(frozen=True)
class Consolidation:
    kind: str
    start: date
    label: str
    members: list[Member]
    reports: dict[str, ReceivedReport]
    distinct_people: int | None
    people_without_key: int
    key_figures: Matrix
    matrices: list[Matrix]
    behind: list[Behind]

    @property
    def missing(self) -> list[Member]:
        return [m for m in self.members if m.slug not in self.reports]


def periods(federation_id: int) -> list[tuple[str, date]]:
    """The periods some member reported, the latest first (years before months of the same start)."""
    query = (
        select(ReceivedReport.period_kind, ReceivedReport.period_start)
        .where(ReceivedReport.federation_id == federation_id)
        .distinct()
    )
    found = list(db.session.execute(query))
    return sorted(((k, s) for k, s in found), key=lambda p: (p[1], p[0] == ReportPeriod.annee), reverse=True)


def latest_reports(federation_id: int, kind: str, start: date) -> dict[str, ReceivedReport]:
    """The latest version of each member's report of the period, by territory."""
    query = (
        select(ReceivedReport)
        .where(
            ReceivedReport.federation_id == federation_id,
            ReceivedReport.period_kind == kind,
            ReceivedReport.period_start == start,
        )
        .order_by(ReceivedReport.territory_slug, ReceivedReport.version.desc())
        .distinct(ReceivedReport.territory_slug)
    )
    return {report.territory_slug: report for report in db.session.scalars(query)}


def _number(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _sum(values: list) -> Decimal | None:
    numbers = [n for n in (_number(v) for v in values) if n is not None]
    return sum(numbers, Decimal(0)) if numbers else None


def _rate(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.0001")) if part is not None and whole else None


def _key_figures(columns: list[dict | None]) -> Matrix:
    totals = [(c or {}).get("totaux", {}) if c else None for c in columns]
    rows = []
    for code in KEY_FIGURES:
        values = [t.get(code) if t is not None else None for t in totals]
        if code == "taux":
            summed = _rate(
                _sum([t.get("heures_cumulees") for t in totals if t]),
                _sum([t.get("obligation") for t in totals if t]),
            )
        else:
            summed = _sum(values)
        rows.append((MEASURES[code].label, summed, values))
    units = tuple(MEASURES[code].unit for code in KEY_FIGURES)
    return Matrix("chiffres", "Chiffres clés", Unit.number, rows, units)


def _matrices(table: str, columns: list[dict | None]) -> list[Matrix]:
    breakdown = BREAKDOWNS[table]
    by_territory = [{str(r["key"]): r for r in (c or {}).get("tables", {}).get(table, [])} for c in columns]
    labels: dict[str, str] = {}
    for keyed in by_territory:
        labels.update({key: str(row.get("label") or key) for key, row in keyed.items()})
    found = []
    for measure in breakdown.measures:
        unit = MEASURES[measure].unit
        if unit not in SUMMED:
            continue
        rows: list[tuple[str, object, Sequence[object]]] = []
        for key, label in sorted(labels.items(), key=lambda item: item[1]):
            values = [rows_of.get(key, {}).get(measure) for rows_of in by_territory]
            rows.append((label, _sum(values), values))
        found.append(
            Matrix(f"{table}-{measure}", f"{breakdown.label} — {MEASURES[measure].label.lower()}", unit, rows)
        )
    return found


def _behind(members_: list[Member], reports: dict[str, ReceivedReport]) -> list[Behind]:
    found = []
    for member in members_:
        report = reports.get(member.slug)
        if report is None:
            continue
        months = report.summary.get("indicateurs", {}).get("tables", {}).get("mois", [])
        hours = _sum([m.get("heures") for m in months]) or Decimal(0)
        expected = _sum([m.get("attendu") for m in months]) or Decimal(0)
        if expected > 0 and hours < expected * BEHIND_SHARE:
            found.append(Behind(member, hours, expected))
    return sorted(found, key=lambda b: b.share)


_DISTINCT = text(
    "SELECT count(DISTINCT key) FROM received_reports r, unnest(r.person_keys) AS key "
    "WHERE r.federation_id = :f AND r.id = ANY(:ids)"
)


def _distinct(federation_id: int, reports: list[ReceivedReport]) -> tuple[int | None, int]:
    """People counted once across territories; None when the keys were made with two secrets (a
    rotation within the period, or an instance that made its own): they cannot be compared."""
    people = [r.summary.get("personnes", {}) for r in reports]
    generations = {(p.get("generation"), p.get("empreinte")) for p in people}
    without = sum(int(p.get("sans_cle") or 0) for p in people)
    if len(generations) > 1:
        return None, without
    ids = [r.id for r in reports]
    return int(db.session.execute(_DISTINCT, {"f": federation_id, "ids": ids}).scalar_one()), without


def consolidate(federation_id: int, kind: str, start: date) -> Consolidation:
    members_ = members(federation_id)
    reports = latest_reports(federation_id, kind, start)
    known = {m.slug for m in members_}
    members_ += [Member(slug, r.territory_name) for slug, r in reports.items() if slug not in known]
    columns = [reports[m.slug].summary.get("indicateurs") if m.slug in reports else None for m in members_]
    matrices = [matrix for table in TABLES for matrix in _matrices(table, columns)]
    distinct, without = _distinct(federation_id, list(reports.values()))
    return Consolidation(
        kind,
        start,
        period_of(kind, start).label,
        members_,
        reports,
        distinct,
        without,
        _key_figures(columns),
        matrices,
        _behind(members_, reports),
    )


@dataclass(frozen=True)
class Version:
    version: int
    received_at: datetime
    transport: str
    #: what changed from the version before, in words (« Type de contrat, CDI : heures comptées 120 → 135 »)
    changes: list[str]


def _described(change) -> str:
    where = (
        "Totaux"
        if change.table == "totaux"
        else BREAKDOWNS[change.table].label
        if change.table in BREAKDOWNS
        else change.table
    )
    measure = MEASURES.get(change.measure)
    unit = measure.unit if measure else Unit.text
    before = presentation.shown(change.saved, unit) if change.saved is not None else "—"
    after = presentation.shown(change.now, unit) if change.now is not None else "—"
    row = f", {change.row}" if change.row else ""
    return f"{where}{row} : {(measure.label if measure else change.measure).lower()} {before} → {after}"


def history(federation_id: int, slug: str, kind: str, start: date) -> list[Version]:
    """Every version received of a member's report of the period, each with what changed from the
    one before (the latest first)."""
    query = select(ReceivedReport).where(
        ReceivedReport.federation_id == federation_id,
        ReceivedReport.territory_slug == slug,
        ReceivedReport.period_kind == kind,
        ReceivedReport.period_start == start,
    )
    found: list[Version] = []
    before: dict | None = None
    for report in db.session.scalars(query.order_by(ReceivedReport.version)):
        figures = report.summary.get("indicateurs", {})
        changed: list[str] = (
            [_described(c) for c in bilans.figure_changes(before, figures)] if before is not None else []
        )
        found.append(Version(report.version, report.received_at, report.transport, changed))
        before = figures
    return list(reversed(found))


def lot_progress(federation_id: int) -> dict[int, dict]:
    """What the latest report of each territory says of the Département's lots it executes: by the
    lot's id, its obligation, hours since the start, completion, and the period it stands at."""
    query = (
        select(ReceivedReport)
        .where(ReceivedReport.federation_id == federation_id, ReceivedReport.period_kind == ReportPeriod.mois)
        .order_by(
            ReceivedReport.territory_slug, ReceivedReport.period_start.desc(), ReceivedReport.version.desc()
        )
        .distinct(ReceivedReport.territory_slug)
    )
    found: dict[int, dict] = {}
    for report in db.session.scalars(query):
        label = period_of(report.period_kind, report.period_start).label
        for row in report.summary.get("marches_departement", []):
            if isinstance(row, dict) and isinstance(row.get("lot"), int):
                found[row["lot"]] = {**row, "periode": label, "territoire": report.territory_name}
    return found
