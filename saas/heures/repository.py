"""Queries on the hours ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Date, Select, func, or_, select, text
from sqlalchemy.orm import aliased

from saas.db import by_id, db, one_where, rows_of, same_tenant
from saas.heures.enums import ReleveStatus
from saas.heures.models import (
    Allocation,
    Counting,
    CountingRule,
    HourTotal,
    MutualisationAgreement,
    MutualisationMember,
    Releve,
    ReleveJustificatif,
)
from saas.marches.models import Lot, Marche
from saas.marches.repository import lot_label
from saas.parcours.models import Mission
from saas.parcours.repository import with_participant_and_employer
from saas.partenaires.models import Organisation
from saas.participants.models import Participant


def statement(statement_id: int) -> Releve | None:
    return by_id(Releve, statement_id)


def _open(mission_id: int, month: date) -> tuple[ColumnElement[bool], ...]:
    """The statements of the month neither superseded nor rejected."""
    return (
        Releve.mission_id == mission_id,
        Releve.month == month,
        Releve.superseded_at.is_(None),
        Releve.status != "rejected",
    )


def latest_open(mission_ids, months) -> dict[tuple[int, date], Releve]:
    """The latest statement of each mission and month that is neither superseded nor rejected (in
    force, or the correction awaiting a decision): what a new figure for the month would correct."""
    if not mission_ids or not months:
        return {}
    query = (
        select(Releve)
        .where(
            Releve.mission_id.in_(list(mission_ids)),
            Releve.month.in_(list(months)),
            Releve.superseded_at.is_(None),
            Releve.status != "rejected",
        )
        .order_by(Releve.id)
    )
    return {(row.mission_id, row.month): row for row in db.session.scalars(query)}


def in_force(mission_id: int, month: date) -> Releve | None:
    """The statement in force for the month: not superseded, not rejected, not a pending correction."""
    pending_correction = (Releve.status == "declared") & Releve.supersedes_id.is_not(None)
    return one_where(Releve, *_open(mission_id, month), ~pending_correction)


def open_statements(mission_id: int, month: date) -> list[Releve]:
    """Statements of the month neither superseded nor rejected (in force or awaiting a decision)."""
    return rows_of(Releve, *_open(mission_id, month))


def statements_of_mission(mission_id: int) -> list[Releve]:
    return rows_of(Releve, mission_id=mission_id, order_by=(Releve.month, Releve.id))


def history(statement_id: int) -> list[Releve]:
    """The chain of statements this one supersedes, newest first."""
    chain = []
    current = statement(statement_id)
    while current is not None:
        chain.append(current)
        current = statement(current.supersedes_id) if current.supersedes_id else None
    return chain


def superseding(statement_id: int) -> Releve | None:
    return one_where(Releve, supersedes_id=statement_id)


def current_counting(statement_id: int) -> Counting | None:
    return one_where(Counting, Counting.current, statement_id=statement_id)


def current_countings(statement_ids: list[int]) -> dict[int, Counting]:
    """:func:`current_counting` of each statement, in one query: by statement id."""
    if not statement_ids:
        return {}
    query = select(Counting).where(Counting.current, Counting.statement_id.in_(statement_ids))
    return {counting.statement_id: counting for counting in db.session.scalars(query)}


def latest_rules_of_marches() -> dict[int, CountingRule]:
    """The latest rule of each marché that overrides the tenant's, in one query: by marché id."""
    query = (
        select(CountingRule)
        .where(CountingRule.marche_id.is_not(None))
        .distinct(CountingRule.marche_id)
        .order_by(CountingRule.marche_id, CountingRule.version.desc())
    )
    return {rule.marche_id: rule for rule in db.session.scalars(query) if rule.marche_id is not None}


def latest_counting(statement_id: int) -> Counting | None:
    """The counting in force, or the last one of a statement no longer counted (superseded)."""
    return db.session.scalars(
        select(Counting).where(Counting.statement_id == statement_id).order_by(Counting.id.desc()).limit(1)
    ).first()


def latest_countings(statement_ids: list[int]) -> dict[int, Counting]:
    """:func:`latest_counting` of each statement, in one query: by statement id (none before validation)."""
    if not statement_ids:
        return {}
    query = (
        select(Counting)
        .where(Counting.statement_id.in_(statement_ids))
        .distinct(Counting.statement_id)
        .order_by(Counting.statement_id, Counting.id.desc())
    )
    return {counting.statement_id: counting for counting in db.session.scalars(query)}


def allocations_by_counting(counting_ids: list[int]) -> dict[int, list[Allocation]]:
    """The allocations of each counting, in one query: by counting id (every id given is a key)."""
    found: dict[int, list[Allocation]] = {counting_id: [] for counting_id in counting_ids}
    if counting_ids:
        query = select(Allocation).where(Allocation.counting_id.in_(counting_ids)).order_by(Allocation.id)
        for allocation in db.session.scalars(query):
            found[allocation.counting_id].append(allocation)
    return found


def countings_of(statement_id: int) -> list[Counting]:
    return rows_of(Counting, statement_id=statement_id, order_by=Counting.id)


def allocations_of(counting_id: int) -> list[Allocation]:
    return rows_of(Allocation, counting_id=counting_id)


def proofs_of(statement_id: int) -> list[ReleveJustificatif]:
    return rows_of(ReleveJustificatif, statement_id=statement_id)


def counted_for_mission(mission_id: int, except_statement_id: int | None = None) -> Decimal:
    """Counted hours of the mission's validated statements in force (but one), for the CDI cap."""
    value = db.session.execute(
        select(func.coalesce(func.sum(Counting.counted_hours), 0))
        .join(Releve, same_tenant(Releve.id, Counting.statement_id))
        .where(
            Releve.mission_id == mission_id,
            Releve.id != (except_statement_id or 0),
            Releve.status == "validated",
            Releve.superseded_at.is_(None),
            Counting.current,
        )
    ).scalar_one()
    return Decimal(value)


def latest_rule(marche_id: int | None) -> CountingRule | None:
    query = select(CountingRule).order_by(CountingRule.version.desc()).limit(1)
    query = query.where(
        CountingRule.marche_id.is_(None) if marche_id is None else CountingRule.marche_id == marche_id
    )
    return db.session.scalars(query).first()


def rule_for(marche_id: int | None) -> CountingRule | None:
    """The latest rule of the marché if it has one, else the tenant's latest: one query."""
    if marche_id is None:
        return latest_rule(None)
    own = CountingRule.marche_id.is_not(None)
    query = (
        select(CountingRule)
        .where(or_(CountingRule.marche_id == marche_id, CountingRule.marche_id.is_(None)))
        .order_by(own.desc(), CountingRule.version.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def rules(marche_id: int | None = None) -> list[CountingRule]:
    query = select(CountingRule).order_by(CountingRule.version.desc())
    query = query.where(
        CountingRule.marche_id.is_(None) if marche_id is None else CountingRule.marche_id == marche_id
    )
    return list(db.session.scalars(query))


def _membership():
    """The join of a member lot and its agreement (same tenant)."""
    return same_tenant(MutualisationMember.agreement_id, MutualisationAgreement.id)


def agreement_for(lot_id: int, month: date) -> MutualisationAgreement | None:
    return db.session.scalars(
        select(MutualisationAgreement)
        .join(MutualisationMember, _membership())
        .where(
            MutualisationMember.lot_id == lot_id,
            MutualisationAgreement.valid_from <= month,
            or_(MutualisationAgreement.valid_to.is_(None), MutualisationAgreement.valid_to >= month),
        )
    ).first()


def members(agreement_id: int) -> list[MutualisationMember]:
    return rows_of(MutualisationMember, agreement_id=agreement_id, order_by=MutualisationMember.id)


def agreement(agreement_id: int) -> MutualisationAgreement | None:
    return by_id(MutualisationAgreement, agreement_id)


def agreements() -> list[MutualisationAgreement]:
    return list(
        db.session.scalars(select(MutualisationAgreement).order_by(MutualisationAgreement.valid_from.desc()))
    )


def overlapping_membership(lot_ids: list[int], valid_from: date, valid_to: date | None) -> list[int]:
    """Lots among ``lot_ids`` already in an agreement whose validity overlaps the given one."""
    far = date(9999, 12, 31)
    query = (
        select(MutualisationMember.lot_id)
        .join(MutualisationAgreement, _membership())
        .where(
            MutualisationMember.lot_id.in_(lot_ids),
            MutualisationAgreement.valid_from <= (valid_to or far),
            func.coalesce(MutualisationAgreement.valid_to, far) >= valid_from,
        )
    )
    return list(db.session.scalars(query))


def validated_in_force(marche_id: int | None = None) -> list[tuple[Releve, Mission]]:
    """Validated statements in force (optionally of one marché's lots), with their mission."""
    query = (
        select(Releve, Mission)
        .join(Mission, same_tenant(Mission.id, Releve.mission_id))
        .where(Releve.status == "validated", Releve.superseded_at.is_(None))
        .order_by(Mission.id, Releve.month)
    )
    if marche_id is not None:
        query = query.join(Lot, same_tenant(Lot.id, Mission.lot_id)).where(Lot.marche_id == marche_id)
    return list(db.session.execute(query).tuples())


def list_query(status: str | None = None, month: date | None = None, mission_id: int | None = None):
    query = (
        select(Releve, Mission)
        .join(Mission, same_tenant(Mission.id, Releve.mission_id))
        .where(Releve.superseded_at.is_(None))
    )
    if status:
        query = query.where(Releve.status == status)
    if month:
        query = query.where(Releve.month == month)
    if mission_id:
        query = query.where(Releve.mission_id == mission_id)
    return query


def counted_between(start: date, end: date) -> Decimal:
    """Counted hours of the months from ``start`` to ``end`` (the ledger's totals by lot and month)."""
    value = db.session.execute(
        select(func.coalesce(func.sum(HourTotal.hours), 0)).where(
            HourTotal.month >= start, HourTotal.month <= end
        )
    ).scalar_one()
    return Decimal(value)


def counted_by_lot() -> Select:
    """``(tenant_id, lot_id, counted)`` of every lot with counted hours: a subquery to join."""
    return select(HourTotal.tenant_id, HourTotal.lot_id, func.sum(HourTotal.hours).label("counted")).group_by(
        HourTotal.tenant_id, HourTotal.lot_id
    )


def awaiting_validation_count() -> int:
    return db.session.execute(
        select(func.count())
        .select_from(Releve)
        .where(Releve.status == "declared", Releve.superseded_at.is_(None))
    ).scalar_one()


# --- pages ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleveFilters:
    status: str | None = None
    month: date | None = None
    mission_id: int | None = None
    employer_id: int | None = None


def _counted_now():
    """Counted hours of the current counting of a statement (NULL before validation)."""
    return (
        select(Counting.counted_hours)
        .where(
            Counting.tenant_id == Releve.tenant_id,
            Counting.statement_id == Releve.id,
            Counting.current,
        )
        .scalar_subquery()
    )


def _hours_of(other):
    return other.worked_hours + other.training_hours


def _previous_month():
    """Worked and training hours of the mission's statement in force for the month before (NULL
    when there is none): what the validation queue compares a statement with."""
    other = aliased(Releve)
    return (
        select(_hours_of(other))
        .where(
            other.tenant_id == Releve.tenant_id,
            other.mission_id == Releve.mission_id,
            other.month == func.cast(Releve.month - text("interval '1 month'"), Date),
            other.superseded_at.is_(None),
            other.status == ReleveStatus.validated.value,
        )
        .order_by(other.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _replaced():
    """The hours of the statement a correction replaces (NULL for a first statement)."""
    other = aliased(Releve)
    return (
        select(_hours_of(other))
        .where(other.tenant_id == Releve.tenant_id, other.id == Releve.supersedes_id)
        .scalar_subquery()
    )


def statement_rows(filters: ReleveFilters) -> Select:
    """Rows ``(id, month, reference, mission_id, employer, worked_hours, training_hours, raw, counted,
    status, declared_at, source, declared_by, previous, replaced)`` of the statements in force (not
    superseded) matching ``filters``: ``previous`` is the month before's hours in force, ``replaced``
    the hours a correction replaces."""
    query = select(
        Releve.id,
        Releve.month,
        Participant.reference.label("reference"),
        Releve.mission_id,
        Organisation.name.label("employer"),
        Releve.worked_hours,
        Releve.training_hours,
        (Releve.worked_hours + Releve.training_hours).label("raw"),
        _counted_now().label("counted"),
        Releve.status,
        Releve.declared_at,
        Releve.source,
        Releve.declared_by,
        _previous_month().label("previous"),
        _replaced().label("replaced"),
    ).join(Mission, same_tenant(Mission.id, Releve.mission_id))
    query = with_participant_and_employer(query).where(Releve.superseded_at.is_(None))
    if filters.status:
        query = query.where(Releve.status == filters.status)
    if filters.month:
        query = query.where(Releve.month == filters.month)
    if filters.mission_id:
        query = query.where(Releve.mission_id == filters.mission_id)
    if filters.employer_id:
        query = query.where(Mission.employer_id == filters.employer_id)
    return query


def statement_sorts() -> dict:
    return {
        "mois": Releve.month,
        "participant": Participant.reference,
        "employeur": Organisation.name,
        "realisees": Releve.worked_hours + Releve.training_hours,
        "comptees": _counted_now(),
        "statut": Releve.status,
        "declare": Releve.declared_at,
    }


def allocated_through(agreement_id: int) -> dict[int, Decimal]:
    """Hours allocated to each member lot through ``agreement_id`` (current countings only carry any)."""
    rows = db.session.execute(
        select(Allocation.lot_id, func.sum(Allocation.hours))
        .where(Allocation.agreement_id == agreement_id)
        .group_by(Allocation.lot_id)
    ).all()
    return {lot_id: Decimal(hours) for lot_id, hours in rows}


def override_marche_ids() -> list[int]:
    """Marchés that have their own counting rules."""
    query = select(CountingRule.marche_id).where(CountingRule.marche_id.is_not(None)).distinct()
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class MemberRow:
    lot_id: int
    lot: str
    donneur_ordre: str
    obligation: Decimal | None
    share: Decimal | None
    #: counted hours allocated to this lot through the agreement.
    allocated: Decimal


def member_rows(agreement_id: int) -> list[MemberRow]:
    """The member lots of an agreement with their donneur d'ordre, obligation and hours received."""
    allocated = (
        select(Allocation.tenant_id, Allocation.lot_id, func.sum(Allocation.hours).label("hours"))
        .where(Allocation.agreement_id == agreement_id)
        .group_by(Allocation.tenant_id, Allocation.lot_id)
        .subquery()
    )
    query = (
        select(
            MutualisationMember.lot_id,
            lot_label(),
            Organisation.name,
            Lot.obligation_hours,
            MutualisationMember.share,
            func.coalesce(allocated.c.hours, 0),
        )
        .join(Lot, same_tenant(Lot.id, MutualisationMember.lot_id))
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .join(Organisation, same_tenant(Organisation.id, Marche.donneur_ordre_id))
        .outerjoin(allocated, same_tenant(allocated.c.lot_id, MutualisationMember.lot_id))
        .where(MutualisationMember.agreement_id == agreement_id)
        .order_by(MutualisationMember.id)
    )
    return [
        MemberRow(row[0], row[1], row[2], row[3], row[4], Decimal(row[5]))
        for row in db.session.execute(query).all()
    ]


def agreement_rows() -> list[tuple[MutualisationAgreement, int]]:
    """Every agreement with its number of member lots, newest first."""
    members = (
        select(MutualisationMember.tenant_id, MutualisationMember.agreement_id, func.count().label("lots"))
        .group_by(MutualisationMember.tenant_id, MutualisationMember.agreement_id)
        .subquery()
    )
    query = (
        select(MutualisationAgreement, func.coalesce(members.c.lots, 0))
        .outerjoin(members, same_tenant(members.c.agreement_id, MutualisationAgreement.id))
        .order_by(MutualisationAgreement.valid_from.desc(), MutualisationAgreement.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def marche_options() -> list[tuple[int, str]]:
    """``(id, "reference — object")`` of every marché, for choosing a marché's own counting rules."""
    query = select(Marche.id, Marche.reference, Marche.object).order_by(Marche.reference)
    return [(row[0], f"{row[1]} — {row[2]}") for row in db.session.execute(query).all()]
