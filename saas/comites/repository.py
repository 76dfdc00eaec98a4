"""Queries on meetings, their conventions, attendees and decisions, and on the meeting obligations
of the conventions' calendar (occurrences a held meeting marks as held)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from saas.comites.enums import DecisionStatus
from saas.comites.models import Decision, Meeting, MeetingAttendee, MeetingConvention
from saas.conventions.enums import Nature
from saas.conventions.models import Convention, ConventionParty, Obligation, Occurrence
from saas.db import DayRange, by_id, db, rows_of, same_tenant
from saas.partenaires.models import Organisation

# --- one meeting ---------------------------------------------------------------------------------


def get(meeting_id: int) -> Meeting | None:
    return by_id(Meeting, meeting_id)


def decision(decision_id: int) -> Decision | None:
    return by_id(Decision, decision_id)


def convention_links(meeting_id: int) -> list[MeetingConvention]:
    return rows_of(MeetingConvention, meeting_id=meeting_id, order_by=MeetingConvention.id)


def conventions_of(meeting_id: int) -> list[Convention]:
    """The conventions the meeting is about, by reference."""
    query = (
        select(Convention)
        .join(MeetingConvention, same_tenant(Convention.id, MeetingConvention.convention_id))
        .where(MeetingConvention.meeting_id == meeting_id)
        .order_by(Convention.reference)
    )
    return list(db.session.scalars(query))


def attendees_of(meeting_id: int) -> list[MeetingAttendee]:
    return rows_of(MeetingAttendee, meeting_id=meeting_id, order_by=MeetingAttendee.id)


def convention_ids_by_meeting(meeting_ids: list[int]) -> dict[int, list[int]]:
    """The ids of the conventions of each meeting (by reference), in one query: by meeting id."""
    found: dict[int, list[int]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        query = (
            select(MeetingConvention.meeting_id, Convention.id)
            .join(Convention, same_tenant(Convention.id, MeetingConvention.convention_id))
            .where(MeetingConvention.meeting_id.in_(meeting_ids))
            .order_by(Convention.reference)
        )
        for meeting_id, convention_id in db.session.execute(query).tuples():
            found[meeting_id].append(convention_id)
    return found


def attendee_rows_by_meeting(meeting_ids: list[int]) -> dict[int, list[tuple[MeetingAttendee, str]]]:
    """:func:`attendee_rows` of each meeting, in one query: by meeting id."""
    found: dict[int, list[tuple[MeetingAttendee, str]]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        query = (
            select(MeetingAttendee, Organisation.name)
            .join(Organisation, same_tenant(Organisation.id, MeetingAttendee.organisation_id))
            .where(MeetingAttendee.meeting_id.in_(meeting_ids))
            .order_by(Organisation.name, MeetingAttendee.id)
        )
        for attendee, name in db.session.execute(query).tuples():
            found[attendee.meeting_id].append((attendee, name))
    return found


def held_occurrences_by_meeting(meeting_ids: list[int]) -> dict[int, list[Occurrence]]:
    """:func:`occurrences_of_meeting` of each meeting, in one query: by meeting id."""
    found: dict[int, list[Occurrence]] = {meeting_id: [] for meeting_id in meeting_ids}
    if meeting_ids:
        held = rows_of(Occurrence, Occurrence.meeting_id.in_(meeting_ids), order_by=Occurrence.due_on)
        for occurrence in held:
            assert occurrence.meeting_id is not None, "the query reads those of the meetings"
            found[occurrence.meeting_id].append(occurrence)
    return found


def attendee_rows(meeting_id: int) -> list[tuple[MeetingAttendee, str]]:
    """``(attendee, organisation name)`` of the parties of a meeting, by name."""
    query = (
        select(MeetingAttendee, Organisation.name)
        .join(Organisation, same_tenant(Organisation.id, MeetingAttendee.organisation_id))
        .where(MeetingAttendee.meeting_id == meeting_id)
        .order_by(Organisation.name, MeetingAttendee.id)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def decisions_of(meeting_id: int) -> list[Decision]:
    return rows_of(Decision, meeting_id=meeting_id, order_by=Decision.number)


def last_decision_number(meeting_id: int) -> int:
    return db.session.execute(
        select(func.coalesce(func.max(Decision.number), 0)).where(Decision.meeting_id == meeting_id)
    ).scalar_one()


def lock_meeting(meeting: Meeting) -> None:
    """Serialise the numbering of a meeting's decisions (two facilitateurs adding at once)."""
    db.session.execute(
        select(Meeting.id).where(Meeting.id == meeting.id).with_for_update()
    ).scalar_one_or_none()


# --- the conventions' calendar -------------------------------------------------------------------


def convention_options() -> list[tuple[int, str, str]]:
    """``(id, reference, title)`` of every convention of the tenant, by reference."""
    query = select(Convention.id, Convention.reference, Convention.title).order_by(
        Convention.reference, Convention.id
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def convention_party_ids(convention_id: int) -> list[int]:
    """The organisations party to a convention (to invite to its meetings)."""
    query = (
        select(ConventionParty.organisation_id)
        .where(ConventionParty.convention_id == convention_id)
        .order_by(ConventionParty.id)
    )
    return list(db.session.scalars(query))


def existing_convention_ids(ids) -> set[int]:
    ids = set(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Convention.id).where(Convention.id.in_(ids))))


def existing_organisation_ids(ids) -> set[int]:
    ids = set(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Organisation.id).where(Organisation.id.in_(ids))))


def meeting_obligations(convention_ids, kind: str) -> list[Obligation]:
    """The meeting obligations of ``kind`` in force (not replaced by an avenant) of the conventions."""
    ids = set(convention_ids)
    if not ids:
        return []
    query = (
        select(Obligation)
        .where(
            Obligation.convention_id.in_(ids),
            Obligation.nature == Nature.meeting,
            Obligation.category == kind,
            Obligation.until_terms.is_(None),
        )
        .order_by(Obligation.convention_id, Obligation.id)
    )
    return list(db.session.scalars(query))


def _not_held():
    return and_(Occurrence.meeting_id.is_(None), Occurrence.received_on.is_(None))


def occurrence_to_hold(obligation_id: int, held_on: date) -> Occurrence | None:
    """The occurrence a meeting held on ``held_on`` fulfils: the first not held yet due on or after
    that day, or else the latest not held yet due before it."""
    base = (
        select(Occurrence)
        .where(Occurrence.obligation_id == obligation_id, _not_held())
        .limit(1)
        .with_for_update()
    )
    upcoming = db.session.scalars(
        base.where(Occurrence.due_on >= held_on).order_by(Occurrence.due_on, Occurrence.id)
    ).first()
    if upcoming is not None:
        return upcoming
    return db.session.scalars(
        base.where(Occurrence.due_on < held_on).order_by(Occurrence.due_on.desc(), Occurrence.id.desc())
    ).first()


def occurrences_of_meeting(meeting_id: int) -> list[Occurrence]:
    return rows_of(Occurrence, meeting_id=meeting_id, order_by=Occurrence.due_on)


def held_occurrence_rows(meeting_id: int) -> list[tuple[Occurrence, str, str]]:
    """``(occurrence, obligation label, convention reference)`` of what the meeting fulfilled."""
    query = (
        select(Occurrence, Obligation.label, Convention.reference)
        .join(Obligation, same_tenant(Obligation.id, Occurrence.obligation_id))
        .join(Convention, same_tenant(Convention.id, Occurrence.convention_id))
        .where(Occurrence.meeting_id == meeting_id)
        .order_by(Convention.reference, Occurrence.due_on)
    )
    return [tuple(row) for row in db.session.execute(query).all()]


def proposal_rows(convention_id: int | None = None, kind: str | None = None, today: date | None = None):
    """One row per meeting obligation in force: ``(convention_id, reference, convention title,
    obligation_id, category, label, cadence, proposed due date)``; the proposed date is the earliest
    occurrence not held yet (an overdue one comes first, as it is the oldest), None when there is none.

    Conventions terminated on or before ``today`` are left out.
    """
    pending = and_(same_tenant(Obligation.id, Occurrence.obligation_id), _not_held())
    query = (
        select(
            Convention.id.label("convention_id"),
            Convention.reference,
            Convention.title.label("convention_title"),
            Obligation.id.label("obligation_id"),
            Obligation.category,
            Obligation.label,
            Obligation.cadence,
            func.min(Occurrence.due_on).label("due_on"),
        )
        .join(Convention, same_tenant(Convention.id, Obligation.convention_id))
        .outerjoin(Occurrence, pending)
        .where(Obligation.nature == Nature.meeting, Obligation.until_terms.is_(None))
        .group_by(
            Convention.id,
            Convention.reference,
            Convention.title,
            Obligation.id,
            Obligation.category,
            Obligation.label,
            Obligation.cadence,
        )
        .order_by(func.min(Occurrence.due_on).asc().nulls_last(), Convention.reference, Obligation.id)
    )
    if convention_id is not None:
        query = query.where(Obligation.convention_id == convention_id)
    if kind is not None:
        query = query.where(Obligation.category == kind)
    if today is not None:
        query = query.where(or_(Convention.terminated_on.is_(None), Convention.terminated_on > today))
    return db.session.execute(query).all()


# --- the list of meetings ------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilters(DayRange):
    """The meetings of a kind, a status, a convention, held within the days of the range."""

    kind: str | None = None
    status: str | None = None
    convention_id: int | None = None


def _meeting_filtered(query: Select, filters: MeetingFilters) -> Select:
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.status:
        query = query.where(Meeting.status == filters.status)
    if filters.convention_id is not None:
        query = query.where(
            exists().where(
                same_tenant(Meeting.id, MeetingConvention.meeting_id),
                MeetingConvention.convention_id == filters.convention_id,
            )
        )
    return query.where(*filters.days(Meeting.meeting_on))


def meetings_query(filters: MeetingFilters) -> Select:
    """Meetings matching ``filters``, the latest first (for the API)."""
    return _meeting_filtered(select(Meeting), filters).order_by(Meeting.meeting_on.desc(), Meeting.id.desc())


def _conventions_label():
    return (
        select(func.string_agg(Convention.reference, aggregate_order_by(literal(", "), Convention.reference)))
        .join(MeetingConvention, same_tenant(Convention.id, MeetingConvention.convention_id))
        .where(same_tenant(Meeting.id, MeetingConvention.meeting_id))
        .correlate(Meeting)
        .scalar_subquery()
    )


def _decision_count(open_only: bool = False):
    query = select(func.count(Decision.id)).where(_meeting_join())
    if open_only:
        query = query.where(Decision.status == DecisionStatus.open)
    return query.correlate(Meeting).scalar_subquery()


def meeting_rows_query(filters: MeetingFilters) -> Select:
    """Rows ``(id, kind, title, meeting_on, starts_at, place, status, conventions, decisions,
    open_decisions)`` of the meetings matching ``filters``."""
    query = select(
        Meeting.id,
        Meeting.kind,
        Meeting.title,
        Meeting.meeting_on,
        Meeting.starts_at,
        Meeting.place,
        Meeting.status,
        _conventions_label().label("conventions"),
        _decision_count().label("decisions"),
        _decision_count(open_only=True).label("open_decisions"),
    )
    return _meeting_filtered(query, filters)


def meeting_sorts() -> dict:
    return {
        "date": Meeting.meeting_on,
        "titre": Meeting.title,
        "type": Meeting.kind,
        "statut": Meeting.status,
        "lieu": Meeting.place,
    }


# --- the registry of decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionFilters:
    status: str | None = None
    owner_id: int | None = None
    #: open decisions due before today only.
    overdue: bool = False
    meeting_id: int | None = None
    kind: str | None = None


def overdue_condition(today: date):
    return and_(Decision.status == DecisionStatus.open, Decision.due_on.is_not(None), Decision.due_on < today)


def _meeting_join():
    return same_tenant(Meeting.id, Decision.meeting_id)


def _decision_filtered(query: Select, filters: DecisionFilters, today: date) -> Select:
    if filters.status:
        query = query.where(Decision.status == filters.status)
    if filters.owner_id is not None:
        query = query.where(Decision.owner_id == filters.owner_id)
    if filters.overdue:
        query = query.where(overdue_condition(today))
    if filters.meeting_id is not None:
        query = query.where(Decision.meeting_id == filters.meeting_id)
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    return query


def decisions_query(filters: DecisionFilters, today: date) -> Select:
    """Decisions matching ``filters``, by meeting date (latest first) then number."""
    query = select(Decision).join(Meeting, _meeting_join())
    return _decision_filtered(query, filters, today).order_by(
        Meeting.meeting_on.desc(), Decision.meeting_id.desc(), Decision.number
    )


def decision_rows_query(filters: DecisionFilters, today: date) -> Select:
    """Rows ``(id, number, text, owner_id, owner, due_on, status, done_on, note, meeting_id,
    meeting_title, meeting_on, kind, overdue)`` of the registry."""
    query = (
        select(
            Decision.id,
            Decision.number,
            Decision.text,
            Decision.owner_id,
            Organisation.name.label("owner"),
            Decision.due_on,
            Decision.status,
            Decision.done_on,
            Decision.note,
            Decision.meeting_id,
            Meeting.title.label("meeting_title"),
            Meeting.meeting_on,
            Meeting.kind,
            case((overdue_condition(today), True), else_=False).label("overdue"),
        )
        .join(Meeting, _meeting_join())
        .outerjoin(Organisation, same_tenant(Organisation.id, Decision.owner_id))
    )
    return _decision_filtered(query, filters, today)


def decision_sorts() -> dict:
    return {
        "reunion": Meeting.meeting_on,
        "numero": Decision.number,
        "porteur": Organisation.name,
        "echeance": Decision.due_on,
        "statut": Decision.status,
    }
