"""Queries of the conventions domain. The calendar and the compliance view are computed in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import aliased

from saas import clock, paging
from saas import settings as tenant_settings
from saas.conventions.models import (
    Convention,
    ConventionDocument,
    ConventionObjection,
    ConventionParty,
    ConventionRenewal,
    ConventionTerms,
    FinancialCommitment,
    Obligation,
    Occurrence,
    Payment,
    ScheduleLine,
)
from saas.db import DayRange, db, rows_of
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id


def convention(convention_id: int) -> Convention | None:
    return db.session.get(Convention, (require_tenant_id(), int(convention_id)))


def conventions() -> list[Convention]:
    return list(db.session.scalars(select(Convention).order_by(Convention.reference)))


def parties_of(convention_id: int) -> list[ConventionParty]:
    return rows_of(ConventionParty, convention_id=convention_id, order_by=ConventionParty.id)


def documents_of(convention_id: int) -> list[ConventionDocument]:
    return rows_of(ConventionDocument, convention_id=convention_id, order_by=ConventionDocument.uploaded_at)


def renewals_of(convention_id: int) -> list[ConventionRenewal]:
    return rows_of(ConventionRenewal, convention_id=convention_id, order_by=ConventionRenewal.period_no)


def objection_of(convention_id: int) -> ConventionObjection | None:
    return db.session.scalar(
        select(ConventionObjection).where(ConventionObjection.convention_id == convention_id)
    )


def _grouped(model, key, ids: list[int], order_by) -> dict[int, list]:
    """The rows of ``model`` whose column ``key`` is one of ``ids``, in one query: by that id
    (each id a key)."""
    found: dict[int, list] = {identifier: [] for identifier in ids}
    if ids:
        for row in rows_of(model, key.in_(ids), order_by=order_by):
            found[getattr(row, key.key)].append(row)
    return found


def _by_convention(model, convention_ids: list[int], order_by) -> dict[int, list]:
    return _grouped(model, model.convention_id, convention_ids, order_by)


def commitments_by_convention(convention_ids: list[int]) -> dict[int, list[FinancialCommitment]]:
    """:func:`all_commitments` of each convention, in one query."""
    return _by_convention(FinancialCommitment, convention_ids, FinancialCommitment.id)


def schedule_lines_by_commitment(commitment_ids: list[int]) -> dict[int, list[ScheduleLine]]:
    """:func:`schedule_lines_of` of each commitment, in one query."""
    return _grouped(ScheduleLine, ScheduleLine.commitment_id, commitment_ids, ScheduleLine.seq)


def versions_by_convention(convention_ids: list[int]) -> dict[int, list[ConventionTerms]]:
    """:func:`versions_of` of each convention, in one query."""
    return _by_convention(ConventionTerms, convention_ids, ConventionTerms.number)


def parties_by_convention(convention_ids: list[int]) -> dict[int, list[ConventionParty]]:
    """:func:`parties_of` of each convention, in one query."""
    return _by_convention(ConventionParty, convention_ids, ConventionParty.id)


def objections_by_convention(convention_ids: list[int]) -> dict[int, ConventionObjection]:
    """:func:`objection_of` of each convention that has one, in one query."""
    rows = _by_convention(ConventionObjection, convention_ids, ConventionObjection.id)
    return {convention_id: found[0] for convention_id, found in rows.items() if found}


def versions_of(convention_id: int) -> list[ConventionTerms]:
    return rows_of(ConventionTerms, convention_id=convention_id, order_by=ConventionTerms.number)


def children(model, convention_id: int, number: int) -> list:
    """Rows of ``model`` in force under terms ``number``."""
    return rows_of(
        model,
        model.from_terms <= number,
        or_(model.until_terms.is_(None), model.until_terms > number),
        convention_id=convention_id,
        order_by=model.id,
    )


def all_obligations(convention_id: int) -> list[Obligation]:
    return rows_of(Obligation, convention_id=convention_id, order_by=Obligation.id)


def all_commitments(convention_id: int) -> list[FinancialCommitment]:
    return rows_of(FinancialCommitment, convention_id=convention_id, order_by=FinancialCommitment.id)


def schedule_lines_of(commitment_id: int) -> list[ScheduleLine]:
    return rows_of(ScheduleLine, commitment_id=commitment_id, order_by=ScheduleLine.seq)


def occurrences_of(convention_id: int) -> list[Occurrence]:
    return rows_of(Occurrence, convention_id=convention_id)


def occurrence(occurrence_id: int) -> Occurrence | None:
    return db.session.get(Occurrence, (require_tenant_id(), int(occurrence_id)))


def payments_by_instalment() -> dict[tuple[int, int], Payment]:
    return {(p.line_id, p.period_no): p for p in db.session.scalars(select(Payment))}


def received_categories(convention_id: int) -> dict[tuple[str, int], date]:
    """(deliverable category, period) -> last reception, when every occurrence of it is received."""
    return received_categories_by_convention([convention_id])[convention_id]


def received_categories_by_convention(convention_ids: list[int]) -> dict[int, dict[tuple[str, int], date]]:
    """:func:`received_categories` of each convention, in one query: by convention id."""
    found: dict[int, dict[tuple[str, int], date]] = {convention_id: {} for convention_id in convention_ids}
    if not convention_ids:
        return found
    rows = db.session.execute(
        select(
            Occurrence.convention_id,
            Obligation.category,
            Occurrence.period_no,
            func.max(Occurrence.received_on),
        )
        .join(
            Obligation,
            and_(Obligation.tenant_id == Occurrence.tenant_id, Obligation.id == Occurrence.obligation_id),
        )
        .where(Occurrence.convention_id.in_(convention_ids), Obligation.nature == "deliverable")
        .group_by(Occurrence.convention_id, Obligation.category, Occurrence.period_no)
        .having(func.count() == func.count(Occurrence.received_on))
    ).all()
    for convention_id, category, period, last in rows:
        found[convention_id][(category, period)] = last
    return found


# --------------------------------------------------------------------------- calendar in SQL


def status_expression(day: date, grace: int):
    """The status of an occurrence, as the calendar shows it (see ``api.occurrence_status``)."""
    return case(
        (
            and_(
                Occurrence.received_on.is_not(None),
                Obligation.nature == "meeting",
                Occurrence.received_on <= Occurrence.due_on,
            ),
            literal("held"),
        ),
        (and_(Occurrence.received_on.is_not(None), Obligation.nature == "meeting"), literal("held_late")),
        (
            and_(Occurrence.received_on.is_not(None), Occurrence.received_on <= Occurrence.due_on),
            literal("received"),
        ),
        (Occurrence.received_on.is_not(None), literal("received_late")),
        (Occurrence.due_on >= day, literal("upcoming")),
        (Occurrence.due_on >= day - timedelta(days=grace), literal("late")),
        else_=literal("missing"),
    )


@dataclass(frozen=True)
class CalendarFilters(DayRange):
    """The occurrences due within the days of the range, with these status, nature and parties."""

    convention_id: int | None = None
    responsible_id: int | None = None
    status: str | None = None
    nature: str | None = None
    #: restrict to one organisation's obligations (a partner user sees only theirs).
    organisation_id: int | None = None


def calendar_rows(filters: CalendarFilters, day: date | None = None):
    """A select of the calendar: one row per occurrence with its status, convention and parties."""
    day = day or clock.today()
    grace = int(tenant_settings.get("obligation_missing_after_days"))
    return _filtered(_calendar_select(status_expression(day, grace).label("status")), filters, day, grace)


def occurrences_with_terms(*columns):
    """A select of ``columns`` over the occurrences joined to their obligation and convention."""
    return (
        select(*columns)
        .join(
            Obligation,
            and_(Obligation.tenant_id == Occurrence.tenant_id, Obligation.id == Occurrence.obligation_id),
        )
        .join(
            Convention,
            and_(Convention.tenant_id == Occurrence.tenant_id, Convention.id == Occurrence.convention_id),
        )
    )


def _calendar_select(status):
    """Every occurrence with its obligation, convention, responsible and recipient (if any)."""
    responsible = aliased(Organisation)
    recipient = aliased(Organisation)
    return (
        occurrences_with_terms(
            Occurrence.id.label("id"),
            Occurrence.due_on.label("due_on"),
            Occurrence.received_on.label("received_on"),
            Occurrence.provisional.label("provisional"),
            Occurrence.event_on.label("event_on"),
            Occurrence.period_no.label("period_no"),
            Occurrence.meeting_id.label("meeting_id"),
            Occurrence.note.label("note"),
            Obligation.id.label("obligation_id"),
            Obligation.label.label("label"),
            Obligation.nature.label("nature"),
            Obligation.category.label("category"),
            Obligation.cadence.label("cadence"),
            Obligation.event_label.label("event_label"),
            Obligation.article.label("article"),
            Convention.id.label("convention_id"),
            Convention.reference.label("convention_reference"),
            Convention.title.label("convention_title"),
            responsible.id.label("responsible_id"),
            responsible.name.label("responsible_name"),
            recipient.name.label("recipient_name"),
            status,
        )
        .join(
            responsible,
            and_(responsible.tenant_id == Obligation.tenant_id, responsible.id == Obligation.responsible_id),
        )
        .outerjoin(
            recipient,
            and_(recipient.tenant_id == Obligation.tenant_id, recipient.id == Obligation.recipient_id),
        )
    )


def _filtered(query, filters: CalendarFilters, day: date, grace: int):
    if filters.convention_id:
        query = query.where(Occurrence.convention_id == filters.convention_id)
    if filters.responsible_id:
        query = query.where(Obligation.responsible_id == filters.responsible_id)
    if filters.organisation_id:
        query = query.where(
            or_(
                Obligation.responsible_id == filters.organisation_id,
                Obligation.recipient_id == filters.organisation_id,
            )
        )
    if filters.nature:
        query = query.where(Obligation.nature == filters.nature)
    query = query.where(*filters.days(Occurrence.due_on))
    if filters.status:
        query = query.where(status_expression(day, grace) == filters.status)
    return query


def calendar_count(filters: CalendarFilters, day: date | None = None) -> int:
    query = calendar_rows(filters, day)
    return paging.count_of(query)


def calendar_row(occurrence: Occurrence, day: date | None = None):
    """The calendar row of one occurrence (its status, convention and parties)."""
    query = calendar_rows(CalendarFilters(convention_id=occurrence.convention_id), day)
    return db.session.execute(query.where(Occurrence.id == occurrence.id)).one()


calendar_sorts = {
    "echeance": Occurrence.due_on,
    "convention": Convention.reference,
    "obligation": Obligation.label,
}


def _compliance_groups(by: str):
    """The select of the groups (partner: who owes the obligation; or convention), its grouping
    columns and its order."""
    if by == "partner":
        base = select(Organisation.id.label("key_id"), Organisation.name.label("key_label")).join(
            Obligation,
            and_(
                Obligation.tenant_id == Organisation.tenant_id, Obligation.responsible_id == Organisation.id
            ),
        )
        return base, (Organisation.id, Organisation.name), Organisation.name
    base = select(
        Convention.id.label("key_id"),
        (Convention.reference + " — " + Convention.title).label("key_label"),
    ).join(
        Obligation,
        and_(Obligation.tenant_id == Convention.tenant_id, Obligation.convention_id == Convention.id),
    )
    return base, (Convention.id, Convention.reference, Convention.title), Convention.reference


def compliance(by: str, day: date | None = None, convention_id: int | None = None) -> list[dict]:
    """Per partner (``by="partner"``) or per convention: occurrences due so far by status, and the
    share received on time. Only occurrences already due count (not those to come)."""
    day = day or clock.today()
    grace = int(tenant_settings.get("obligation_missing_after_days"))
    status = status_expression(day, grace)
    base, groups, order = _compliance_groups(by)

    def count(*statuses):
        return func.sum(cast(status.in_(statuses), Integer)).label("_".join(statuses))

    query = (
        base.join(
            Occurrence,
            and_(Occurrence.tenant_id == Obligation.tenant_id, Occurrence.obligation_id == Obligation.id),
        )
        .where(or_(Occurrence.due_on < day, Occurrence.received_on.is_not(None)))
        .add_columns(
            func.count().label("due"),
            count("received", "held"),
            count("received_late", "held_late"),
            count("late"),
            count("missing"),
        )
        .group_by(*groups)
        .order_by(order)
    )
    if convention_id:
        query = query.where(Obligation.convention_id == convention_id)
    rows = []
    for row in db.session.execute(query).mappings():
        due = row["due"] or 0
        on_time = row["received_held"] or 0
        rows.append(
            {
                "id": row["key_id"],
                "label": row["key_label"],
                "due": due,
                "on_time": on_time,
                "received_late": row["received_late_held_late"] or 0,
                "late": row["late"] or 0,
                "missing": row["missing"] or 0,
                "rate": (on_time / due) if due else None,
            }
        )
    return rows


def organisation_name(tenant_id: int, organisation_id: int | None) -> str | None:
    """The name of a party of a convention (None when there is none, or it is not in the tenant)."""
    if organisation_id is None:
        return None
    organisation = db.session.get(Organisation, (tenant_id, organisation_id))
    return organisation.name if organisation is not None else None


def organisation_names(tenant_id: int, organisation_ids: set[int | None]) -> dict[int, str]:
    """:func:`organisation_name` of each organisation, in one query: by id (those of the tenant)."""
    wanted = {organisation_id for organisation_id in organisation_ids if organisation_id is not None}
    if not wanted:
        return {}
    query = select(Organisation.id, Organisation.name).where(
        Organisation.tenant_id == tenant_id, Organisation.id.in_(wanted)
    )
    return dict(db.session.execute(query).tuples().all())
