"""Decisions of the meetings: recorded on a held meeting, numbered 1, 2, 3... within it, with the
organisation that carries them (one of the tenant's) and a due date; closed as done (on a date) or
dropped (with the reason). Open decisions past their due date are overdue."""

from __future__ import annotations

from datetime import date

from saas import cleaning, clock
from saas.audit import api as audit
from saas.comites import checks, repository
from saas.comites.actions import DecisionAction, MeetingAction, require, require_decision
from saas.comites.enums import CLOSING_STATUSES, DecisionStatus
from saas.comites.models import Decision, Meeting
from saas.comites.repository import DecisionFilters
from saas.db import db, insert
from saas.errors import ValidationError


def _owner_id(owner_id) -> int | None:
    if owner_id in (None, ""):
        return None
    return checks.organisation_ids([owner_id], "owner_id")[0]


def add_decision(
    actor: audit.Actor,
    meeting: Meeting,
    text: str | None,
    owner_id: int | None = None,
    due_on: date | None = None,
) -> Decision:
    """A decision taken at a held meeting, numbered after the meeting's last one."""
    require(meeting, MeetingAction.add_decision)
    text = cleaning.text(text, "text", required="Indiquez la décision prise.")
    owner_id = _owner_id(owner_id)
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
        status=DecisionStatus.open,
    )
    insert(item)
    audit.record(
        "comite.decision_added",
        actor,
        "meeting_decision",
        item.id,
        {"reunion": meeting.id, "numero": number, "porteur": owner_id},
    )
    return item


def _closure(status: str, done_on: date | None, note: str | None) -> tuple[date | None, str | None]:
    """``(done_on, note)`` of a closure ``done`` (on a day not in the future) or ``dropped`` (with
    the reason in the note)."""
    if status not in CLOSING_STATUSES:
        raise ValidationError("status", "Choisissez : réalisée ou abandonnée.")
    note = cleaning.text(note, "note", 500)
    if status == DecisionStatus.done:
        if done_on is None:
            raise ValidationError("done_on", "Indiquez la date de réalisation.")
        if done_on > clock.today():
            raise ValidationError("done_on", "La date de réalisation ne peut pas être dans le futur.")
        return done_on, note
    if note is None:
        raise ValidationError("note", "Indiquez pourquoi la décision est abandonnée.")
    return None, note


def close_decision(
    actor: audit.Actor,
    decision: Decision,
    status: str,
    done_on: date | None = None,
    note: str | None = None,
) -> Decision:
    """Close an open decision: ``done`` on ``done_on`` (not in the future), or ``dropped`` with the
    reason in ``note``."""
    require_decision(decision, DecisionAction.close)
    done_on, note = _closure(status, done_on, note)
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
        decision.status == DecisionStatus.open
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
