"""Committees (comités) and meetings required by the conventions, their minutes and decisions.

Rules:
- a meeting is planned (``planned``), then held (``held``: minutes, parties present and how they
  were represented, decisions) or cancelled (``cancelled``); a meeting already held may also be
  recorded at once (:func:`record_held_meeting`);
- the parties present are a subset of the parties invited; a meeting cannot be held in the future;
- decisions are recorded on a held meeting, numbered 1, 2, 3... within it, with the organisation
  that carries them (one of the tenant's) and a due date; a decision is closed as done (on a date)
  or dropped (with the reason). Open decisions past their due date are overdue;
- the calendar of the conventions: a held meeting linked to convention C marks, for each meeting
  obligation of C of the same kind still in force, ONE occurrence as held (``meeting_id`` and
  ``received_on``): the first one not held yet due on or after the meeting day, else the latest
  one not held yet due before it. Cancelling the meeting, or taking back its holding, frees it;
- the next meeting proposed for a convention follows the cadence: the earliest occurrence not held
  yet (an overdue one first).
Every write records an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, NamedTuple

from saas import clock
from saas.audit import api as audit
from saas.comites import repository
from saas.comites.models import MEETING_KINDS, Decision, Meeting, MeetingAttendee, MeetingConvention
from saas.conventions.enums import MEETING_CATEGORIES
from saas.db import db
from saas.errors import DomainError, ValidationError
from tenants.context import require_tenant_id

#: the kinds of meeting, with their French labels (the meeting categories of the obligations).
KIND_LABELS = {kind: MEETING_CATEGORIES[kind] for kind in MEETING_KINDS}
STATUS_LABELS = {"planned": "Prévue", "held": "Tenue", "cancelled": "Annulée"}
DECISION_STATUS_LABELS = {"open": "À réaliser", "done": "Réalisée", "dropped": "Abandonnée"}
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

audit.ACTION_LABELS.update(
    {
        "comite.planned": "Réunion ou comité enregistré",
        "comite.held": "Réunion ou comité tenu (compte rendu)",
        "comite.updated": "Modification d'une réunion ou d'un comité",
        "comite.cancelled": "Annulation d'une réunion ou d'un comité",
        "comite.decision_added": "Décision de comité enregistrée",
        "comite.decision_closed": "Décision de comité close",
    }
)

get = repository.get
decision = repository.decision
conventions_of = repository.conventions_of
attendees_of = repository.attendees_of
attendee_rows = repository.attendee_rows
decisions_of = repository.decisions_of
held_occurrences = repository.occurrences_of_meeting
held_occurrence_rows = repository.held_occurrence_rows
convention_options = repository.convention_options
convention_party_ids = repository.convention_party_ids
MeetingFilters = repository.MeetingFilters
meetings_query = repository.meetings_query
meeting_rows_query = repository.meeting_rows_query
meeting_sorts = repository.meeting_sorts
DecisionFilters = repository.DecisionFilters
decision_rows_query = repository.decision_rows_query
decision_sorts = repository.decision_sorts


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


# --- checks of one field --------------------------------------------------------------------------


def _kind(value: str | None) -> str:
    if value not in MEETING_KINDS:
        raise ValidationError("kind", "Choisissez le type de réunion.")
    return value


def _text(value: str | None, field: str, limit: int | None = None, required: str | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(field, required)
        return None
    if limit is not None and len(value) > limit:
        raise ValidationError(field, f"{limit} caractères au plus.")
    return value


def _date(value, field: str, message: str) -> date:
    if not isinstance(value, date):
        raise ValidationError(field, message)
    return value


def _time(value) -> time | None:
    if value is None or value == "":
        return None
    if not isinstance(value, time):
        raise ValidationError("starts_at", "Indiquez l'heure au format HH:MM.")
    return value


def _ids(values: Iterable | None, field: str) -> list[int]:
    """Distinct ids, in the order given."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(field, "Identifiant non valide.") from None
        if number not in ids:
            ids.append(number)
    return ids


def _convention_ids(values) -> list[int]:
    ids = _ids(values, "convention_ids")
    if set(ids) - repository.existing_convention_ids(ids):
        raise ValidationError("convention_ids", "Convention inconnue.")
    return ids


def _organisation_ids(values, field: str) -> list[int]:
    ids = _ids(values, field)
    if set(ids) - repository.existing_organisation_ids(ids):
        raise ValidationError(field, "Organisation inconnue : choisissez une organisation du territoire.")
    return ids


def _held_on(value: date) -> date:
    if value > clock.today():
        raise ValidationError("meeting_on", "Une réunion ne peut pas être tenue à une date future.")
    return value


# --- the calendar of the conventions --------------------------------------------------------------


def _link_occurrences(actor: audit.Actor, meeting: Meeting) -> list[int]:
    """Mark, for each meeting obligation of this kind of the meeting's conventions, one occurrence
    as held by the meeting; the ids of the occurrences marked."""
    convention_ids = [link.convention_id for link in repository.convention_links(meeting.id)]
    marked = []
    for obligation in repository.meeting_obligations(convention_ids, meeting.kind):
        occurrence = repository.occurrence_to_hold(obligation.id, meeting.meeting_on)
        if occurrence is None:
            continue
        occurrence.meeting_id = meeting.id
        occurrence.received_on = meeting.meeting_on
        occurrence.received_by = actor.user_id
        marked.append(occurrence.id)
    db.session.flush()
    return marked


def _free_occurrences(meeting: Meeting) -> list[int]:
    freed = []
    for occurrence in repository.occurrences_of_meeting(meeting.id):
        occurrence.meeting_id = None
        occurrence.received_on = None
        occurrence.received_by = None
        freed.append(occurrence.id)
    db.session.flush()
    return freed


# --- meetings -------------------------------------------------------------------------------------


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
    kind = _kind(kind)
    meeting = Meeting(
        tenant_id=require_tenant_id(),
        kind=kind,
        title=_text(title, "title", 300) or KIND_LABELS[kind],
        meeting_on=_date(meeting_on, "meeting_on", "Indiquez la date de la réunion."),
        starts_at=_time(starts_at),
        place=_text(place, "place", 300),
        status="planned",
        agenda=_text(agenda, "agenda"),
        created_by=actor.user_id,
    )
    conventions = _convention_ids(convention_ids)
    invited = _organisation_ids(invited_ids, "invited_ids")
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


def _present_entries(present) -> dict[int, str | None]:
    """``{organisation id: represented by}`` from dicts ``{"organisation_id", "represented_by"}``,
    pairs ``(organisation_id, represented_by)`` or bare ids."""
    entries: dict[int, str | None] = {}
    for entry in present or ():
        organisation_id: Any  # as the request gave it, made an int below
        if isinstance(entry, Mapping):
            organisation_id, represented_by = entry.get("organisation_id"), entry.get("represented_by")
        elif isinstance(entry, list | tuple):
            organisation_id, represented_by = [*entry, None][:2]
        else:
            organisation_id, represented_by = entry, None
        try:
            organisation_id = int(organisation_id)
        except (TypeError, ValueError):
            raise ValidationError("present", "Identifiant d'organisation non valide.") from None
        entries[organisation_id] = _text(represented_by, "present", 200)
    return entries


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
    if meeting.status == "cancelled":
        raise DomainError("Une réunion annulée ne peut pas être tenue.")
    if meeting.status == "held":
        raise DomainError("Cette réunion est déjà tenue.")
    held_on = _held_on(meeting_on or meeting.meeting_on)
    entries = _present_entries(present)
    attendees = {a.organisation_id: a for a in repository.attendees_of(meeting.id)}
    strangers = set(entries) - set(attendees)
    if strangers:
        raise ValidationError("present", "Les parties présentes doivent faire partie des parties invitées.")
    for organisation_id, attendee in attendees.items():
        attendee.present = organisation_id in entries
        attendee.represented_by = entries.get(organisation_id)
    meeting.meeting_on = held_on
    meeting.minutes = _text(minutes, "minutes")
    meeting.status = "held"
    db.session.flush()
    marked = _link_occurrences(actor, meeting)
    audit.record(
        "comite.held",
        actor,
        "meeting",
        meeting.id,
        {"date": held_on.isoformat(), "presents": len(entries), "echeances": marked},
    )
    for index, values in enumerate(decisions or (), start=1):
        try:
            add_decision(actor, meeting, **values)
        except ValidationError as error:
            raise ValidationError("decisions", f"Décision {index} : {error.message}") from None
    return meeting


def record_held_meeting(
    actor: audit.Actor,
    kind: str,
    title: str | None = None,
    meeting_on: date | None = None,
    starts_at: time | None = None,
    place: str | None = None,
    convention_ids: Iterable[int] = (),
    invited_ids: Iterable[int] = (),
    agenda: str | None = None,
    minutes: str | None = None,
    present: Iterable = (),
    decisions: Iterable[Mapping] = (),
) -> Meeting:
    """A meeting that already took place, recorded at once (planned, then held)."""
    meeting = plan_meeting(
        actor, kind, title, meeting_on, starts_at, place, convention_ids, invited_ids, agenda
    )
    return hold_meeting(actor, meeting, minutes, present, decisions=decisions)


def update_meeting(actor: audit.Actor, meeting: Meeting, **fields) -> Meeting:
    """Change the given fields (see ``MEETING_FIELDS``). On a held meeting, a new kind, day or set
    of conventions moves the occurrences it holds accordingly."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError(sorted(unknown)[0], "Champ inconnu.")
    if meeting.status == "cancelled":
        raise DomainError("Une réunion annulée ne peut plus être modifiée.")
    changes: dict = {}
    if "kind" in fields:
        changes["kind"] = _kind(fields["kind"])
    if "title" in fields:
        changes["title"] = _text(fields["title"], "title", 300, "Indiquez l'intitulé de la réunion.")
    if "meeting_on" in fields:
        changes["meeting_on"] = _date(fields["meeting_on"], "meeting_on", "Indiquez la date de la réunion.")
        if meeting.status == "held":
            _held_on(changes["meeting_on"])
    if "starts_at" in fields:
        changes["starts_at"] = _time(fields["starts_at"])
    if "place" in fields:
        changes["place"] = _text(fields["place"], "place", 300)
    for name in ("agenda", "minutes"):
        if name in fields:
            changes[name] = _text(fields[name], name)
    changed = sorted(key for key, value in changes.items() if getattr(meeting, key) != value)
    if "convention_ids" in fields:
        conventions = _convention_ids(fields["convention_ids"])
        before = {link.convention_id for link in repository.convention_links(meeting.id)}
        if set(conventions) != before:
            changed.append("convention_ids")
            _set_conventions(meeting, conventions)
    if "invited_ids" in fields:
        invited = _organisation_ids(fields["invited_ids"], "invited_ids")
        before = {a.organisation_id for a in repository.attendees_of(meeting.id)}
        if set(invited) != before:
            changed.append("invited_ids")
            _set_invited(meeting, invited)
    for key in changed:
        if key in changes:
            setattr(meeting, key, changes[key])
    db.session.flush()
    details: dict = {"champs": sorted(changed)}
    if meeting.status == "held" and {"kind", "meeting_on", "convention_ids"} & set(changed):
        _free_occurrences(meeting)
        details["echeances"] = _link_occurrences(actor, meeting)
    if changed:
        audit.record("comite.updated", actor, "meeting", meeting.id, details)
    return meeting


def _refuse_with_decisions(meeting: Meeting, message: str) -> None:
    if repository.decisions_of(meeting.id):
        raise DomainError(message)


def unhold_meeting(actor: audit.Actor, meeting: Meeting) -> Meeting:
    """Take back the holding of a meeting recorded as held by mistake: it is planned again, the
    presence is forgotten and the occurrences it held are free again."""
    if meeting.status != "held":
        raise DomainError("Cette réunion n'est pas tenue.")
    _refuse_with_decisions(
        meeting, "Cette réunion a des décisions enregistrées : sa tenue ne peut pas être annulée."
    )
    for attendee in repository.attendees_of(meeting.id):
        attendee.present, attendee.represented_by = False, None
    meeting.status = "planned"
    freed = _free_occurrences(meeting)
    audit.record(
        "comite.updated", actor, "meeting", meeting.id, {"champs": ["status"], "echeances_liberees": freed}
    )
    return meeting


def cancel_meeting(actor: audit.Actor, meeting: Meeting, reason: str | None = None) -> Meeting:
    """Cancel a meeting (planned, or held by mistake): the occurrences it held are free again."""
    if meeting.status == "cancelled":
        raise DomainError("Cette réunion est déjà annulée.")
    _refuse_with_decisions(
        meeting, "Cette réunion a des décisions enregistrées : elle ne peut pas être annulée."
    )
    reason = _text(reason, "reason", 500)
    for attendee in repository.attendees_of(meeting.id):
        attendee.present, attendee.represented_by = False, None
    meeting.status = "cancelled"
    freed = _free_occurrences(meeting)
    audit.record(
        "comite.cancelled", actor, "meeting", meeting.id, {"motif": reason, "echeances_liberees": freed}
    )
    return meeting


# --- decisions ------------------------------------------------------------------------------------


def add_decision(
    actor: audit.Actor,
    meeting: Meeting,
    text: str | None,
    owner_id: int | None = None,
    due_on: date | None = None,
) -> Decision:
    """A decision taken at a held meeting, numbered after the meeting's last one."""
    if meeting.status != "held":
        raise DomainError("Les décisions s'enregistrent sur une réunion tenue.")
    text = _text(text, "text", required="Indiquez la décision prise.")
    owner_id = _organisation_ids([owner_id], "owner_id")[0] if owner_id not in (None, "") else None
    if due_on is not None and due_on < meeting.meeting_on:
        raise ValidationError("due_on", "L'échéance ne peut pas précéder la réunion.")
    repository.lock_meeting(meeting)
    number = repository.last_decision_number(meeting.id) + 1
    item = Decision(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        number=number,
        text=text,
        owner_id=owner_id,
        due_on=due_on,
        status="open",
    )
    db.session.add(item)
    db.session.flush()
    audit.record(
        "comite.decision_added",
        actor,
        "meeting_decision",
        item.id,
        {"reunion": meeting.id, "numero": number, "porteur": owner_id},
    )
    return item


def close_decision(
    actor: audit.Actor,
    decision: Decision,
    status: str,
    done_on: date | None = None,
    note: str | None = None,
) -> Decision:
    """Close an open decision: ``done`` on ``done_on`` (not in the future), or ``dropped`` with the
    reason in ``note``."""
    if decision.status != "open":
        raise DomainError("Cette décision est déjà close.")
    if status not in ("done", "dropped"):
        raise ValidationError("status", "Choisissez : réalisée ou abandonnée.")
    note = _text(note, "note", 500)
    if status == "done":
        if done_on is None:
            raise ValidationError("done_on", "Indiquez la date de réalisation.")
        if done_on > clock.today():
            raise ValidationError("done_on", "La date de réalisation ne peut pas être dans le futur.")
    else:
        if note is None:
            raise ValidationError("note", "Indiquez pourquoi la décision est abandonnée.")
        done_on = None
    decision.status, decision.done_on, decision.note = status, done_on, note
    db.session.flush()
    audit.record(
        "comite.decision_closed",
        actor,
        "meeting_decision",
        decision.id,
        {"reunion": decision.meeting_id, "numero": decision.number, "statut": status},
    )
    return decision


def is_overdue(decision: Decision, today: date | None = None) -> bool:
    """Open and past its due date."""
    return (
        decision.status == "open"
        and decision.due_on is not None
        and decision.due_on < (today or clock.today())
    )


def decisions_query(filters: DecisionFilters, today: date | None = None):
    """The ``select(Decision)`` of the registry: filters status, owner, overdue, meeting, kind."""
    return repository.decisions_query(filters, today or clock.today())


def registry(
    status: str | None = None,
    owner_id: int | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[Decision]:
    """Every decision of the tenant matching the filters, latest meeting first."""
    query = repository.decisions_query(
        DecisionFilters(status=status, owner_id=owner_id, overdue=overdue), today or clock.today()
    )
    return list(db.session.scalars(query))


# --- meetings proposed from the cadence -----------------------------------------------------------


class _NextMeeting(NamedTuple):
    due_on: date
    label: str


class NextMeeting(_NextMeeting):
    """``(due_on, obligation label)``; ``overdue`` when that occurrence is already past due,
    ``obligation_id`` the obligation it belongs to."""

    overdue: bool  # attributes of the subclass, not fields of the tuple
    obligation_id: int | None

    def __new__(cls, due_on: date, label: str, overdue: bool = False, obligation_id: int | None = None):
        self = super().__new__(cls, due_on, label)
        self.overdue = overdue
        self.obligation_id = obligation_id
        return self


@dataclass(frozen=True)
class Proposal:
    """One meeting obligation of a convention and the date proposed for its next meeting."""

    convention_id: int
    convention_reference: str
    convention_title: str
    obligation_id: int
    kind: str
    label: str
    cadence: str
    #: None: no occurrence left to hold in the calendar.
    due_on: date | None
    overdue: bool

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def next_proposed(convention_id: int, kind: str, today: date | None = None) -> NextMeeting | None:
    """The next meeting of ``kind`` the convention calls for: the earliest occurrence of its meeting
    obligation of that kind not held yet, due on or after today, or the oldest overdue one if there
    is one (flagged ``overdue``). None when there is nothing left to hold."""
    today = today or clock.today()
    rows = [
        row
        for row in repository.proposal_rows(convention_id=convention_id, kind=kind)
        if row.due_on is not None
    ]
    if not rows:
        return None
    first = min(rows, key=lambda row: (row.due_on, row.obligation_id))
    return NextMeeting(first.due_on, first.label, first.due_on < today, first.obligation_id)


def proposals(today: date | None = None) -> list[Proposal]:
    """For every convention still running, one line per meeting obligation in force, with the date
    proposed for its next meeting (the soonest first; overdue ones first of all)."""
    today = today or clock.today()
    return [
        Proposal(
            convention_id=row.convention_id,
            convention_reference=row.reference,
            convention_title=row.convention_title,
            obligation_id=row.obligation_id,
            kind=row.category,
            label=row.label,
            cadence=row.cadence,
            due_on=row.due_on,
            overdue=row.due_on is not None and row.due_on < today,
        )
        for row in repository.proposal_rows(today=today)
    ]
