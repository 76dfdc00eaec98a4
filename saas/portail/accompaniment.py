"""An accompaniment partner's people: the participants the guichet made it the referent of (seed
000: the Mission Locale's adviser), and what it records of them (interviews, freins, training, CV
updates). Every entry is audited and shown to the facilitateur on the participant's page; reading
a person's file here is audited as everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select

from saas import cleaning, clock
from saas.audit import api as audit
from saas.db import insert, same_tenant
from saas.errors import Checks, ValidationError
from saas.participants import api as participants
from saas.participants.enums import AccompanimentKind
from saas.participants.models import AccompanimentEntry, Identity, Participant
from saas.portail.prescription import attach_cv, running_of_participant
from tenants.context import require_tenant_id


def followed_query(organisation_id: int, today: date | None = None):
    """Rows ``(id, reference, last_name, first_name, last_contact_on, freins, on_mission)`` of the
    people the organisation follows, for a listing."""
    today = today or clock.today()
    on_mission = exists().where(running_of_participant(today))
    return (
        select(
            Participant.id,
            Participant.reference,
            Identity.last_name,
            Identity.first_name,
            Participant.last_contact_on,
            Participant.freins,
            on_mission.label("on_mission"),
        )
        .join(Identity, same_tenant(Identity.participant_id, Participant.id))
        .where(Participant.referent_organisation_id == organisation_id)
    )


def followed_sorts() -> dict:
    return {"nom": Identity.last_name, "contact": Participant.last_contact_on}


def person(organisation_id: int, participant_id: int) -> Participant | None:
    found = participants.get(participant_id)
    return found if found is not None and found.referent_organisation_id == organisation_id else None


def entries_of(participant_id: int, organisation_id: int) -> list[AccompanimentEntry]:
    """What the organisation itself recorded of the person (a referent before it keeps its notes)."""
    return [e for e in participants.accompaniment_of(participant_id) if e.organisation_id == organisation_id]


@dataclass(frozen=True)
class Record:
    kind: str
    happened_on: date | None
    summary: str | None
    training_title: str | None = None
    training_until: date | None = None
    #: the person's freins after a point on them (codes of the list « frein »)
    freins: tuple[str, ...] | None = None
    cv: tuple[str, bytes] | None = None


def _checked(record: Record) -> tuple[AccompanimentKind, date, str]:
    checks = Checks()
    kind = checks.run(
        cleaning.member, AccompanimentKind, record.kind, "kind", "Choisissez ce que vous notez."
    )
    summary = checks.run(
        cleaning.required_text, record.summary, "summary", "Résumez ce qui a été fait ou dit."
    )
    if record.happened_on is None:
        checks.errors.setdefault("happened_on", []).append("Indiquez la date.")
    elif record.happened_on > clock.today():
        checks.errors.setdefault("happened_on", []).append("La date ne peut pas être à venir.")
    if kind is AccompanimentKind.formation and not cleaning.optional(record.training_title):
        checks.errors.setdefault("training_title", []).append("Donnez l'intitulé de la formation.")
    if kind is AccompanimentKind.cv and record.cv is None:
        checks.errors.setdefault("cv", []).append("Joignez le CV mis à jour.")
    checks.raise_errors()
    assert kind is not None and summary is not None and record.happened_on is not None
    return kind, record.happened_on, summary


def record(
    actor: audit.Actor, organisation_id: int, participant: Participant, entry: Record
) -> AccompanimentEntry:
    """What the referent did with the person, on the person's file: a point on the freins sets
    their freins, a CV update their CV; the last contact moves to the day of the entry."""
    if participant.referent_organisation_id != organisation_id:
        raise ValidationError("participant_id", "Cette personne n'est pas suivie par votre structure.")
    participants.check_not_anonymised(participant)
    kind, happened_on, summary = _checked(entry)
    if kind is AccompanimentKind.freins and entry.freins is not None:
        participants.update(actor, participant, freins=list(entry.freins))
    if kind is AccompanimentKind.cv and entry.cv is not None:
        attach_cv(actor, participant, entry.cv)
    row = insert(
        AccompanimentEntry(
            tenant_id=require_tenant_id(),
            participant_id=participant.id,
            organisation_id=organisation_id,
            kind=kind.value,
            happened_on=happened_on,
            summary=summary,
            training_title=cleaning.optional(entry.training_title)
            if kind is AccompanimentKind.formation
            else None,
            training_until=entry.training_until if kind is AccompanimentKind.formation else None,
            created_by=actor.user_id,
        )
    )
    participant.last_contact_on = max(participant.last_contact_on or happened_on, happened_on)
    audit.record(
        "accompaniment.recorded",
        actor,
        "participant",
        participant.id,
        {"nature": kind.label, "entrée": row.id},
    )
    return row


def read(
    actor: audit.Actor, organisation_id: int, participant_id: int
) -> tuple[Participant, Identity] | None:
    """The person and their identity, the read audited; None for a person the organisation does not follow."""
    found = person(organisation_id, participant_id)
    return (found, participants.read_file(actor, found)) if found else None
