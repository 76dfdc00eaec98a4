"""Meetings: planned, then held (minutes, parties present and how they were represented,
decisions) or cancelled; a meeting already held may also be recorded at once. The parties present
are a subset of the parties invited; a meeting cannot be held in the future. What each status
allows is in ``saas.comites.actions``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

from saas import cleaning
from saas.audit import api as audit
from saas.comites import checks, repository
from saas.comites.actions import MeetingAction, require
from saas.comites.decisions import add_decision
from saas.comites.enums import MeetingKind, MeetingStatus
from saas.comites.models import Meeting, MeetingAttendee, MeetingConvention
from saas.comites.occurrences import free_occurrences, link_occurrences
from saas.db import assign_changes, db
from saas.errors import DomainError, ValidationError
from tenants.context import require_tenant_id

#: fields of a meeting that ``update_meeting`` accepts.
MEETING_FIELDS = (
    "kind",
    "title",
    "meeting_on",
    "starts_at",
    "place",
    "agenda",
    "minutes",
    "convention_ids",
    "invited_ids",
)
#: what a held meeting holds in the calendar depends on these: changing one moves its occurrences.
_CALENDAR_FIELDS = {"kind", "meeting_on", "convention_ids"}


# --- the conventions and the parties of a meeting ------------------------------------------------


def _set_conventions(meeting: Meeting, convention_ids: list[int]) -> None:
    current = {link.convention_id: link for link in repository.convention_links(meeting.id)}
    for convention_id, link in current.items():
        if convention_id not in convention_ids:
            db.session.delete(link)
    for convention_id in convention_ids:
        if convention_id not in current:
            db.session.add(
                MeetingConvention(
                    tenant_id=meeting.tenant_id, meeting_id=meeting.id, convention_id=convention_id
                )
            )
    db.session.flush()


def _set_invited(meeting: Meeting, organisation_ids: list[int]) -> None:
    current = {a.organisation_id: a for a in repository.attendees_of(meeting.id)}
    for organisation_id, attendee in current.items():
        if organisation_id in organisation_ids:
            continue
        if attendee.present:
            raise ValidationError(
                "invited_ids", "Une partie présente à la réunion ne peut pas être retirée des invités."
            )
        db.session.delete(attendee)
    for organisation_id in organisation_ids:
        if organisation_id not in current:
            db.session.add(
                MeetingAttendee(
                    tenant_id=meeting.tenant_id,
                    meeting_id=meeting.id,
                    organisation_id=organisation_id,
                    invited=True,
                    present=False,
                )
            )
    db.session.flush()


def _forget_presence(meeting: Meeting) -> None:
    for attendee in repository.attendees_of(meeting.id):
        attendee.present, attendee.represented_by = False, None


def _mark_present(meeting: Meeting, entries: dict[int, str | None]) -> None:
    """Record who of the invited was present, and who represented them."""
    attendees = {a.organisation_id: a for a in repository.attendees_of(meeting.id)}
    if set(entries) - set(attendees):
        raise ValidationError("present", "Les parties présentes doivent faire partie des parties invitées.")
    for organisation_id, attendee in attendees.items():
        attendee.present = organisation_id in entries
        attendee.represented_by = entries.get(organisation_id)


# --- planning, holding ----------------------------------------------------------------------------


def plan_meeting(
    actor: audit.Actor,
    kind: str,
    title: str | None = None,
    meeting_on: date | None = None,
    starts_at: time | None = None,
    place: str | None = None,
    convention_ids: Iterable[int] = (),
    invited_ids: Iterable[int] = (),
    agenda: str | None = None,
) -> Meeting:
    """A meeting to come (or to record): without a title, it is named after its kind."""
    kind = checks.kind(kind)
    meeting = Meeting(
        tenant_id=require_tenant_id(),
        kind=kind,
        title=cleaning.text(title, "title", 300) or MeetingKind(kind).label,
        meeting_on=checks.meeting_day(meeting_on),
        starts_at=checks.start_time(starts_at),
        place=cleaning.text(place, "place", 300),
        status=MeetingStatus.planned,
        agenda=cleaning.text(agenda, "agenda"),
        created_by=actor.user_id,
    )
    conventions = checks.convention_ids(convention_ids)
    invited = checks.organisation_ids(invited_ids, "invited_ids")
    db.session.add(meeting)
    db.session.flush()
    _set_conventions(meeting, conventions)
    _set_invited(meeting, invited)
    audit.record(
        "comite.planned",
        actor,
        "meeting",
        meeting.id,
        {"type": kind, "titre": meeting.title, "date": meeting.meeting_on.isoformat()},
    )
    return meeting


def _add_decisions(actor: audit.Actor, meeting: Meeting, decisions: Iterable[Mapping]) -> None:
    """The decisions taken at the meeting; a refusal names the decision by its rank."""
    for index, values in enumerate(decisions or (), start=1):
        try:
            add_decision(actor, meeting, **values)
        except ValidationError as error:
            raise ValidationError("decisions", f"Décision {index} : {error.message}") from None


def hold_meeting(
    actor: audit.Actor,
    meeting: Meeting,
    minutes: str | None = None,
    present: Iterable = (),
    meeting_on: date | None = None,
    decisions: Iterable[Mapping] = (),
) -> Meeting:
    """The meeting took place (on ``meeting_on``, its planned day by default): its minutes, the
    invited parties present and who represented them, the decisions taken. The occurrences of the
    conventions' meeting obligations it fulfils are marked as held."""
    require(meeting, MeetingAction.hold)
    held_on = checks.held_on(meeting_on or meeting.meeting_on)
    entries = checks.present_entries(present)
    _mark_present(meeting, entries)
    meeting.meeting_on = held_on
    meeting.minutes = cleaning.text(minutes, "minutes")
    meeting.status = MeetingStatus.held
    db.session.flush()
    marked = link_occurrences(actor, meeting)
    audit.record(
        "comite.held",
        actor,
        "meeting",
        meeting.id,
        {"date": held_on.isoformat(), "presents": len(entries), "echeances": marked},
    )
    _add_decisions(actor, meeting, decisions)
    return meeting


def record_held_meeting(
    actor: audit.Actor,
    *planned,
    minutes: str | None = None,
    present: Iterable = (),
    decisions: Iterable[Mapping] = (),
    **planned_fields,
) -> Meeting:
    """A meeting that already took place, recorded at once: planned (with the arguments of
    :func:`plan_meeting`), then held (its minutes, the parties present, the decisions)."""
    meeting = plan_meeting(actor, *planned, **planned_fields)
    return hold_meeting(actor, meeting, minutes, present, decisions=decisions)


# --- changing ------------------------------------------------------------------------------------


def _field_changes(meeting: Meeting, fields: Mapping) -> dict:
    """The checked values of the plain fields given (not the conventions and parties)."""
    changes: dict = {}
    if "kind" in fields:
        changes["kind"] = checks.kind(fields["kind"])
    if "title" in fields:
        changes["title"] = cleaning.text(fields["title"], "title", 300, "Indiquez l'intitulé de la réunion.")
    if "meeting_on" in fields:
        changes["meeting_on"] = checks.meeting_day(fields["meeting_on"])
        if meeting.status == MeetingStatus.held:
            checks.held_on(changes["meeting_on"])
    if "starts_at" in fields:
        changes["starts_at"] = checks.start_time(fields["starts_at"])
    if "place" in fields:
        changes["place"] = cleaning.text(fields["place"], "place", 300)
    for name in ("agenda", "minutes"):
        if name in fields:
            changes[name] = cleaning.text(fields[name], name)
    return changes


def _relink(meeting: Meeting, fields: Mapping) -> list[str]:
    """Set the conventions and the parties given; the names of those that changed."""
    changed = []
    if "convention_ids" in fields:
        conventions = checks.convention_ids(fields["convention_ids"])
        before = {link.convention_id for link in repository.convention_links(meeting.id)}
        if set(conventions) != before:
            changed.append("convention_ids")
            _set_conventions(meeting, conventions)
    if "invited_ids" in fields:
        invited = checks.organisation_ids(fields["invited_ids"], "invited_ids")
        before = {a.organisation_id for a in repository.attendees_of(meeting.id)}
        if set(invited) != before:
            changed.append("invited_ids")
            _set_invited(meeting, invited)
    return changed


def update_meeting(actor: audit.Actor, meeting: Meeting, **fields) -> Meeting:
    """Change the given fields (see ``MEETING_FIELDS``). On a held meeting, a new kind, day or set
    of conventions moves the occurrences it holds accordingly."""
    cleaning.only_known(fields, MEETING_FIELDS)
    require(meeting, MeetingAction.edit)
    changes = _field_changes(meeting, fields)
    relinked = _relink(meeting, fields)
    changed = assign_changes(meeting, changes) + relinked
    db.session.flush()
    details: dict = {"champs": sorted(changed)}
    if meeting.status == MeetingStatus.held and _CALENDAR_FIELDS & set(changed):
        free_occurrences(meeting)
        details["echeances"] = link_occurrences(actor, meeting)
    if changed:
        audit.record("comite.updated", actor, "meeting", meeting.id, details)
    return meeting


# --- taking back, cancelling ---------------------------------------------------------------------


def _refuse_with_decisions(meeting: Meeting, message: str) -> None:
    if repository.decisions_of(meeting.id):
        raise DomainError(message)


def unhold_meeting(actor: audit.Actor, meeting: Meeting) -> Meeting:
    """Take back the holding of a meeting recorded as held by mistake: it is planned again, the
    presence is forgotten and the occurrences it held are free again."""
    require(meeting, MeetingAction.unhold)
    _refuse_with_decisions(
        meeting, "Cette réunion a des décisions enregistrées : sa tenue ne peut pas être annulée."
    )
    _forget_presence(meeting)
    meeting.status = MeetingStatus.planned
    freed = free_occurrences(meeting)
    audit.record(
        "comite.updated", actor, "meeting", meeting.id, {"champs": ["status"], "echeances_liberees": freed}
    )
    return meeting


def cancel_meeting(actor: audit.Actor, meeting: Meeting, reason: str | None = None) -> Meeting:
    """Cancel a meeting (planned, or held by mistake): the occurrences it held are free again."""
    require(meeting, MeetingAction.cancel)
    _refuse_with_decisions(
        meeting, "Cette réunion a des décisions enregistrées : elle ne peut pas être annulée."
    )
    reason = cleaning.text(reason, "reason", 500)
    _forget_presence(meeting)
    meeting.status = MeetingStatus.cancelled
    freed = free_occurrences(meeting)
    audit.record(
        "comite.cancelled", actor, "meeting", meeting.id, {"motif": reason, "echeances_liberees": freed}
    )
    return meeting
