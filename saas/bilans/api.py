"""Bilans: produce one for a scope and a period and keep it as it was; read the saved ones;
compare a saved one with what the ledger says now.

A saved bilan holds its figures as JSON (hours as text with two decimals, so that nothing is lost
to floats): it reads the same next year, whatever was corrected since; ``changes`` says what a
new production would change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, String, and_, cast, or_, select

from saas.audit import api as audit
from saas.bilans import engine
from saas.bilans.indicators import BREAKDOWNS, MEASURES, TOTALS, Unit
from saas.bilans.kinds import LAYOUTS, BilanKind, Layout
from saas.bilans.models import FORMAT_VERSION, Bilan
from saas.bilans.periods import Period, PeriodKind
from saas.bilans.scopes import Scope, ScopeKind, ScopeNotFound, resolve
from saas.db import by_id, db, insert
from saas.errors import ValidationError
from saas.jobs import api as runs
from saas.jobs.models import JobRun
from saas.marches.models import Lot, Marche
from tenants.context import require_tenant_id

__all__ = [
    "BREAKDOWNS",
    "LAYOUTS",
    "MEASURES",
    "TOTALS",
    "Bilan",
    "BilanKind",
    "Change",
    "Layout",
    "Period",
    "PeriodKind",
    "ScopeKind",
    "ScopeNotFound",
    "Unit",
    "ValidationError",
    "buyer_reads",
    "changes",
    "check_scope",
    "compute",
    "figure_changes",
    "for_donneur_ordre",
    "get",
    "is_long",
    "latest_first",
    "of_donneur_ordre",
    "partner_reads",
    "period_of",
    "produce",
    "produce_again",
    "produce_later",
    "production",
    "recent",
    "resolve_scope",
]

resolve_scope = resolve

audit.ACTION_LABELS["bilan.produced"] = "Production d'un bilan"
audit.TARGET_LABELS["bilan"] = "Bilan"


def _jsonable(value):
    """Figures as JSON keeps them: decimals as text (as exact as computed), dates ISO, the rest as
    it is."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def compute(kind: str, scope: Scope, period: Period) -> dict:
    """The figures of a bilan of ``kind``, as a saved bilan holds them (only its layout's tables)."""
    shown = LAYOUTS[BilanKind(kind)].tables
    figures = engine.compute(scope, period, frozenset(shown))
    figures["tables"] = {table: figures["tables"].get(table, []) for table in shown}
    return _jsonable(figures)


def period_of(
    kind: str, year: int | None, number: int | None, start: date | None, end: date | None
) -> Period:
    """The period a form or a request names, or ``ValidationError`` on the field at fault."""
    try:
        if PeriodKind(kind) == PeriodKind.dates:
            if start is None or end is None:
                raise ValidationError("start" if start is None else "end", "Indiquez les deux dates.")
            if not (date(2000, 1, 1) <= start and end <= date(2100, 12, 31)):
                raise ValidationError("start", "Indiquez des dates entre 2000 et 2100.")
            return Period.between(start, end)
        if year is None or not 2000 <= year <= 2100:
            raise ValidationError("year", "Indiquez une année entre 2000 et 2100.")
        return Period.of(kind, year, number or 1)
    except ValueError as error:
        raise ValidationError("period", f"Période invalide : {error}.") from None


def _scope(layout: Layout, scope_kind: str, scope_key) -> Scope:
    """The scope named, if this bilan takes it and the tenant holds it; else ``ValidationError``
    on ``scope``."""
    if scope_kind not in set(ScopeKind):
        raise ValidationError("scope", "Choisissez un périmètre de la liste.")
    if ScopeKind(scope_kind) not in layout.scopes:
        raise ValidationError("scope", f"Le {layout.kind.label.lower()} ne porte pas sur ce périmètre.")
    try:
        return resolve(scope_kind, scope_key)
    except ScopeNotFound as error:
        raise ValidationError("scope", str(error)) from None


def check_scope(kind: str, scope_kind: str, scope_key) -> Scope:
    """The scope of a bilan of ``kind`` to produce, or ``ValidationError`` on ``kind`` or ``scope``."""
    if kind not in set(BilanKind):
        raise ValidationError("kind", "Choisissez un bilan de la liste.")
    return _scope(LAYOUTS[BilanKind(kind)], scope_kind, scope_key)


#: a bilan over more than a year is produced by a worker (``workers/jobs/bilan_production.py``)
LONG_PERIOD_DAYS = 366
PRODUCTION_KIND = "bilan_production"


def is_long(period: Period) -> bool:
    return (period.end - period.start).days >= LONG_PERIOD_DAYS


def produce_later(kind: str, scope_kind: str, scope_key, period: Period, actor: audit.Actor):
    """Ask a worker to produce a long bilan (the scope checked now, so that a refusal shows on the
    form); returns the run, whose page shows the progress and then links to the bilan."""
    check_scope(kind, scope_kind, scope_key)
    params = {
        "kind": kind,
        "scope_kind": scope_kind,
        "scope_key": scope_key,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "user_id": actor.user_id,
        "email": actor.email,
    }
    return runs.request_run(PRODUCTION_KIND, params, actor.user_id)


def production(run_id) -> JobRun | None:
    """The run of a bilan's production (``produce_later``), or None for any other run."""
    run = by_id(JobRun, run_id)
    return run if run is not None and run.kind == PRODUCTION_KIND else None


def produce(kind: str, scope_kind: str, scope_key, period: Period, actor: audit.Actor) -> Bilan:
    """Compute and save a bilan; ``ValidationError`` if the scope is unknown or not for this kind."""
    layout = LAYOUTS[BilanKind(kind)]
    scope = _scope(layout, scope_kind, scope_key)
    figures = compute(kind, scope, period)
    bilan = insert(
        Bilan(
            tenant_id=require_tenant_id(),
            kind=layout.kind.value,
            scope_kind=scope.kind.value,
            scope_key=scope.key,
            scope_label=scope.label[:300],
            period_kind=period.kind.value,
            period_start=period.start,
            period_end=period.end,
            figures=figures,
            rule_versions=figures.pop("regles"),
            format_version=FORMAT_VERSION,
            created_by=actor.user_id,
        )
    )
    audit.record(
        "bilan.produced",
        actor,
        "bilan",
        bilan.id,
        {"bilan": layout.kind.label, "perimetre": scope.label, "periode": period.label},
    )
    return bilan


def get(bilan_id) -> Bilan | None:
    return by_id(Bilan, bilan_id)


def latest_first() -> Select:
    """Every bilan of the tenant, the latest first (the API pages through it)."""
    return select(Bilan).order_by(Bilan.created_at.desc(), Bilan.id.desc())


def recent(limit: int = 100) -> list[Bilan]:
    return list(db.session.scalars(latest_first().limit(limit)))


#: the bilans a donneur d'ordre reads of its own marchés: their execution, people by reference only
BUYER_KINDS = (BilanKind.execution.value, BilanKind.consolidation.value)


def _of_buyer(organisation_id: int):
    """The condition on ``Bilan`` of the bilans of a donneur d'ordre: of its kinds, on itself, one
    of its marchés or one of their lots."""
    marches = select(cast(Marche.id, String)).where(Marche.donneur_ordre_id == organisation_id)
    lots = (
        select(cast(Lot.id, String))
        .join(Marche, (Marche.tenant_id == Lot.tenant_id) & (Marche.id == Lot.marche_id))
        .where(Marche.donneur_ordre_id == organisation_id)
    )
    return and_(
        Bilan.kind.in_(BUYER_KINDS),
        or_(
            and_(Bilan.scope_kind == ScopeKind.donneur_ordre.value, Bilan.scope_key == str(organisation_id)),
            and_(Bilan.scope_kind == ScopeKind.marche.value, Bilan.scope_key.in_(marches)),
            and_(Bilan.scope_kind == ScopeKind.lot.value, Bilan.scope_key.in_(lots)),
        ),
    )


def for_donneur_ordre(organisation_id: int, limit: int = 100) -> list[Bilan]:
    """The bilans of a donneur d'ordre's own marchés, the latest first."""
    query = select(Bilan).where(_of_buyer(organisation_id))
    return list(db.session.scalars(query.order_by(Bilan.created_at.desc(), Bilan.id.desc()).limit(limit)))


def buyer_reads(organisation_id: int | None, kind: str, scope: Scope) -> bool:
    """Whether the donneur d'ordre reads a bilan of ``kind`` on ``scope`` in its space."""
    if organisation_id is None or kind not in BUYER_KINDS:
        return False
    if scope.kind == ScopeKind.donneur_ordre:
        return scope.key == str(organisation_id)
    if scope.kind not in (ScopeKind.marche, ScopeKind.lot):
        return False
    own = select(Lot.id).join(Marche, (Marche.tenant_id == Lot.tenant_id) & (Marche.id == Lot.marche_id))
    own_lots = set(db.session.scalars(own.where(Marche.donneur_ordre_id == organisation_id)))
    return bool(scope.lots) and set(scope.lots or ()) <= own_lots


#: the bilans a partner structure receives of its own people: those it employs or places, those it
#: follows (seed 002 art. 2, seed 000 art. 2 and 5.2)
PARTNER_KINDS = (BilanKind.parcours.value, BilanKind.consolidation.value, BilanKind.evaluation.value)


def partner_reads(organisation_id: int | None, kind: str, scope: Scope) -> bool:
    """Whether a partner structure receives a bilan of ``kind`` on ``scope``: its own people only."""
    return (
        organisation_id is not None
        and kind in PARTNER_KINDS
        and scope.kind in (ScopeKind.employeur, ScopeKind.accompagnement)
        and scope.key == str(organisation_id)
    )


def of_donneur_ordre(organisation_id: int, bilan_id: int) -> Bilan | None:
    """The bilan if it is one of the donneur d'ordre's, else None (as if it did not exist)."""
    return db.session.scalars(select(Bilan).where(Bilan.id == bilan_id, _of_buyer(organisation_id))).first()


@dataclass(frozen=True)
class Change:
    """A figure of a saved bilan that a new production would change."""

    table: str
    row: str
    measure: str
    saved: object
    now: object


def _rows(figures: dict) -> dict[tuple[str, str], dict]:
    """Each row of the figures by its table and its key (two rows may share a label: a person's
    reference under two employers)."""
    found = {("totaux", ""): {"label": "", **figures["totaux"]}}
    for table, rows in figures["tables"].items():
        found.update({(table, str(row["key"])): row for row in rows})
    return found


def changes(bilan: Bilan) -> list[Change]:
    """What differs between the saved figures and those the ledger gives now, figure by figure."""
    scope = resolve(bilan.scope_kind, bilan.scope_key)
    return figure_changes(bilan.figures, compute(bilan.kind, scope, bilan.period))


def figure_changes(saved: dict, now: dict) -> list[Change]:
    """What differs between two sets of figures (of one bilan, or two versions of a report)."""
    saved_rows, now_rows = _rows(saved), _rows(now)
    found = []
    for key in sorted(saved_rows.keys() | now_rows.keys()):
        before, after = saved_rows.get(key, {}), now_rows.get(key, {})
        label = before.get("label") or after.get("label") or ""
        for measure in sorted((before.keys() | after.keys()) - {"key", "label"}):
            if before.get(measure) != after.get(measure):
                found.append(Change(key[0], label, measure, before.get(measure), after.get(measure)))
    return found


def produce_again(bilan: Bilan, actor: audit.Actor) -> Bilan:
    """The same bilan (kind, scope, period) produced from the ledger of today, as a new bilan."""
    return produce(bilan.kind, bilan.scope_kind, bilan.scope_key, bilan.period, actor)
