"""The obligations calendar: the occurrences the terms call for, kept in line with them, and what
is done to one occurrence (reception, its cancellation, the date of the event it waits for)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from saas import clock
from saas import settings as tenant_settings
from saas.audit import api as audit
from saas.conventions import calendar as cal
from saas.conventions import repository, timeline
from saas.conventions.models import Convention, Obligation, Occurrence
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.parcours.models import Mission


def _mission_ends(obligation: Obligation, period: cal.Period) -> list[cal.Due]:
    rows = db.session.execute(
        select(Mission.id, Mission.end_date, Mission.exit_date).where(
            Mission.tenant_id == obligation.tenant_id, Mission.employer_id == obligation.responsible_id
        )
    ).all()
    dues = []
    for mission_id, end_date, exit_date in rows:
        ended = exit_date or end_date
        if ended is not None and period.start <= ended <= period.end:
            due = cal.due_after_event(ended, obligation.offset_days, obligation.offset_months)
            dues.append(cal.Due(mission_id, due, ended))
    return dues


def expected_occurrences(
    convention: Convention, day: date | None = None
) -> dict[tuple[int, int, int], cal.Due]:
    """(obligation, period, seq) -> due, for every period started by ``day`` (and the first)."""
    day = day or clock.today()
    if convention.signed_on is None:
        return {}
    versions = repository.versions_of(convention.id)
    windows = timeline.windows(convention.id)
    numbers = [v.number for v in versions]
    expected: dict[tuple[int, int, int], cal.Due] = {}
    all_periods = [p for p in timeline.periods_of(convention, until=day) if p.number == 1 or p.start <= day]
    for obligation in repository.all_obligations(convention.id):
        start = windows[obligation.from_terms][0]
        until = windows[obligation.until_terms][0] if obligation.until_terms in numbers else None
        for period in all_periods:
            if obligation.cadence == "mission_end":
                dues = _mission_ends(obligation, period)
            else:
                dues = cal.due_dates(
                    obligation.cadence,
                    period,
                    day_of_month=obligation.day_of_month,
                    weekday=obligation.weekday,
                    offset_days=obligation.offset_days,
                    offset_months=obligation.offset_months,
                    event_default_month=obligation.event_default_month,
                )
            for due in dues:
                if due.anchor < start or (until is not None and due.anchor >= until):
                    continue
                if convention.terminated_on is not None and due.anchor > convention.terminated_on:
                    continue
                expected[(obligation.id, period.number, due.seq)] = due
    return expected


def sync_occurrences(convention: Convention, day: date | None = None) -> dict[str, int]:
    """Bring the calendar of one convention in line with its terms: add the occurrences now due
    to exist, move the due date of those still open, drop open ones the terms no longer call for.
    Received or held occurrences are never touched, nor those dated by hand (an event date), nor
    those of periods after ``day`` that the convention still has (replaying a past day keeps them
    and the reminders already sent for them)."""
    day = day or clock.today()
    expected = expected_occurrences(convention, day)
    considered = {
        p.number for p in timeline.periods_of(convention, until=day) if p.number == 1 or p.start <= day
    }
    whole = timeline.periods_of(convention, until=date.max) if convention.signed_on else []
    still_there = {p.number for p in whole}
    existing = {(o.obligation_id, o.period_no, o.seq): o for o in repository.occurrences_of(convention.id)}
    counts = {"ajoutées": 0, "déplacées": 0, "retirées": 0}
    for key, due in expected.items():
        row = existing.get(key)
        if row is None:
            db.session.add(
                Occurrence(
                    tenant_id=convention.tenant_id,
                    obligation_id=key[0],
                    convention_id=convention.id,
                    period_no=key[1],
                    seq=key[2],
                    due_on=due.due_on,
                    provisional=due.provisional,
                )
            )
            counts["ajoutées"] += 1
        elif row.received_on is None and row.event_on is None and row.due_on != due.due_on:
            row.due_on = due.due_on
            counts["déplacées"] += 1
    for key, row in existing.items():
        if key in expected or row.received_on is not None or row.meeting_id is not None or row.event_on:
            continue
        if row.period_no in considered or row.period_no not in still_there:
            db.session.delete(row)
            counts["retirées"] += 1
    db.session.flush()
    return counts


def occurrence_status(row: Occurrence, nature: str, day: date | None = None, grace: int | None = None) -> str:
    day = day or clock.today()
    grace = tenant_settings.get("obligation_missing_after_days") if grace is None else grace
    if row.received_on is not None:
        if nature == "meeting":
            return "held" if row.received_on <= row.due_on else "held_late"
        return "received" if row.received_on <= row.due_on else "received_late"
    if row.due_on >= day:
        return "upcoming"
    return "late" if (day - row.due_on).days <= grace else "missing"


def record_receipt(actor, row: Occurrence, received_on: date | None, note: str | None = None) -> Occurrence:
    if row.received_on is not None:
        raise DomainError("Cette échéance est déjà marquée reçue.")
    received_on = received_on or clock.today()
    if received_on > clock.today():
        raise ValidationError("received_on", "La date de réception ne peut pas être dans le futur.")
    row.received_on = received_on
    row.received_by = actor.user_id
    row.note = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(
        "obligation.received",
        actor,
        "obligation_occurrence",
        row.id,
        {"échéance": str(row.due_on), "reçu le": str(received_on)},
    )
    return row


def cancel_receipt(actor, row: Occurrence) -> Occurrence:
    if row.received_on is None:
        raise DomainError("Cette échéance n'est pas marquée reçue.")
    if row.meeting_id is not None:
        raise DomainError("Cette réunion est liée à un compte rendu de comité : annulez-la depuis le comité.")
    audit.record(
        "obligation.receipt_cancelled",
        actor,
        "obligation_occurrence",
        row.id,
        {"reçu le": str(row.received_on)},
    )
    row.received_on = None
    row.received_by = None
    row.note = None
    db.session.flush()
    return row


def record_event(actor, row: Occurrence, event_on: date) -> Occurrence:
    """Date the event an ``after_event`` obligation waits for (the partner's general assembly)."""
    obligation = db.session.get_one(Obligation, (row.tenant_id, row.obligation_id))
    if obligation.cadence != "after_event":
        raise DomainError("Cette échéance ne dépend pas d'un événement.")
    if row.received_on is not None:
        raise DomainError("Cette échéance est déjà reçue : sa date ne change plus.")
    if event_on is None:
        raise ValidationError("event_on", "Indiquez la date de l'événement.")
    row.event_on = event_on
    row.due_on = cal.due_after_event(event_on, obligation.offset_days, obligation.offset_months)
    row.provisional = False
    db.session.flush()
    audit.record(
        "obligation.event_dated", actor, "obligation_occurrence", row.id, {"événement": str(event_on)}
    )
    return row
