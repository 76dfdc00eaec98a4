"""A prescriber's candidates: the prescriptions it sends from the portal, and what became of the
people it sent, and of them only.

A prescription sent here carries the candidate's consent (the day they agreed), a minimal identity
(no NIR anywhere in the service) and, if given, a CV. A candidate the guichet already knows (same
name and birth date) is not created twice: the prescription joins their file, and the prescriber
learns nothing of what others sent.

What a prescriber sees of its candidates: received, eligible (yes or no, never the criteria), in
the CV library, on a mission (since when), the exit category. Never hours, never an employer's
figures, never what another prescriber wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, select

from saas import clock
from saas.audit import api as audit
from saas.db import db, same_tenant
from saas.errors import ValidationError
from saas.parcours import api as parcours
from saas.parcours.models import Mission
from saas.participants import api as participants
from saas.participants.models import CvProfile, Eligibility, Identity, Participant, Prescription
from saas.participants.repository import valid_eligibility_condition
from saas.referentiels.enums import ExitCategory

CONSENT_MESSAGE = "Indiquez le jour où la personne a donné son accord : sans son accord, rien n'est transmis."


@dataclass(frozen=True)
class Candidate:
    """What one prescription form sends."""

    last_name: str
    first_name: str
    birth_date: date | None
    sex: str | None
    email: str | None
    phone: str | None
    commune_insee: str | None
    qualification_level: str | None
    content: str | None
    consent_on: date | None
    #: (filename, content)
    cv: tuple[str, bytes] | None = None


def _check_consent(consent_on: date | None) -> date:
    if consent_on is None:
        raise ValidationError("consent_on", CONSENT_MESSAGE)
    if consent_on > clock.today():
        raise ValidationError("consent_on", "L'accord ne peut pas être daté d'un jour à venir.")
    return consent_on


def _known(candidate: Candidate) -> Participant | None:
    """The participant of the same name and birth date, if the guichet knows them already."""
    if candidate.birth_date is None:
        return None
    _, by_name = participants.matching([], [(candidate.last_name.strip(), candidate.first_name.strip())])
    ids = by_name.get((candidate.last_name.strip(), candidate.first_name.strip()), [])
    if not ids:
        return None
    found = db.session.scalar(
        select(Identity.participant_id)
        .where(Identity.participant_id.in_(ids), Identity.birth_date == candidate.birth_date)
        .limit(1)
    )
    return participants.get(found) if found else None


def attach_cv(actor: audit.Actor, participant: Participant, cv: tuple[str, bytes]) -> None:
    """A new CV file on the person's profile, its other fields kept (the profile leaves the CV
    library until the facilitateur validates it again, as any change does)."""
    profile = participants.profile_of(participant.id)
    if profile is None:
        participants.save_profile(actor, participant, cv=(cv[0], "", cv[1]))
        return
    participants.save_profile(
        actor, participant, profile.rome_codes, profile.skills, profile.available_from, profile.availability,
        profile.mobility, profile.mobility_radius_km, cv=(cv[0], "", cv[1]),
    )  # fmt: skip


def send(actor: audit.Actor, organisation_id: int, candidate: Candidate) -> Participant:
    """The prescription of ``candidate`` by the organisation, with the candidate's consent."""
    consent_on = _check_consent(candidate.consent_on)
    participant = _known(candidate)
    if participant is None:
        participant = participants.create(
            actor, candidate.last_name, candidate.first_name, candidate.birth_date, candidate.sex,
            candidate.email, candidate.phone, candidate.commune_insee,
            qualification_level=candidate.qualification_level,
        )  # fmt: skip
    prescription = participants.add_prescription(
        actor, participant, organisation_id, clock.today(), candidate.content
    )
    prescription.consent_on = consent_on
    profile = participants.profile_of(participant.id)
    if candidate.cv and (profile is None or not profile.cv_filename):
        attach_cv(actor, participant, candidate.cv)  # a CV the guichet holds already stays as it is
    return participant


# --- what became of them --------------------------------------------------------------------------


def _sent_by(organisation_id: int):
    return exists().where(
        Prescription.tenant_id == Participant.tenant_id,
        Prescription.participant_id == Participant.id,
        Prescription.prescripteur_id == organisation_id,
    )


def running_of_participant(today: date):
    """A mission of the participant of the outer query, under way on ``today``."""
    return and_(
        Mission.tenant_id == Participant.tenant_id,
        Mission.participant_id == Participant.id,
        parcours.running_on(today),
    )


def _sent_dates(organisation_id: int, how):
    return (
        select(how(Prescription.prescribed_on))
        .where(
            Prescription.tenant_id == Participant.tenant_id,
            Prescription.participant_id == Participant.id,
            Prescription.prescripteur_id == organisation_id,
        )
        .scalar_subquery()
    )


def candidates_query(organisation_id: int, today: date | None = None):
    """Rows ``(id, reference, last_name, first_name, sent_on, eligible, in_library, on_mission_since,
    exit_category)`` of the people the organisation sent, for a listing. What became of them since
    the organisation first sent them, never before: a prescriber who sends someone the guichet knew
    already learns nothing of that person's earlier parcours."""
    today = today or clock.today()
    sent_on, first_sent = _sent_dates(organisation_id, func.max), _sent_dates(organisation_id, func.min)
    eligible = exists().where(
        Eligibility.tenant_id == Participant.tenant_id,
        Eligibility.participant_id == Participant.id,
        Eligibility.validated_on >= first_sent,
        valid_eligibility_condition(today),
    )
    in_library = exists().where(
        CvProfile.tenant_id == Participant.tenant_id,
        CvProfile.participant_id == Participant.id,
        func.date(CvProfile.validated_at) >= first_sent,
        CvProfile.published,
    )
    since = (
        select(func.min(Mission.start_date))
        .where(running_of_participant(today), Mission.start_date >= first_sent)
        .scalar_subquery()
    )
    last_exit = (
        select(Mission.exit_category)
        .where(
            Mission.tenant_id == Participant.tenant_id,
            Mission.participant_id == Participant.id,
            Mission.exit_date >= first_sent,
        )
        .order_by(Mission.exit_date.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            Participant.id,
            Participant.reference,
            Identity.last_name,
            Identity.first_name,
            sent_on.label("sent_on"),
            eligible.label("eligible"),
            in_library.label("in_library"),
            since.label("on_mission_since"),
            last_exit.label("exit_category"),
        )
        .join(Identity, same_tenant(Identity.participant_id, Participant.id))
        .where(_sent_by(organisation_id))
    )


def candidate_sorts() -> dict:
    return {"nom": Identity.last_name, "reference": Participant.reference, "adresse": Participant.created_at}


def stage(row) -> str:
    """Where a candidate stands, in the prescriber's words."""
    if row.exit_category:
        return f"Sorti : {ExitCategory(row.exit_category).label.lower()}"
    if row.on_mission_since:
        return "En mission"
    if row.in_library:
        return "Dans la CVthèque"
    if row.eligible:
        return "Éligible"
    return "Reçu par le guichet"


def candidate(organisation_id: int, participant_id: int):
    """The row of one candidate the organisation sent (None for anyone else)."""
    query = candidates_query(organisation_id).where(Participant.id == participant_id)
    return db.session.execute(query).first()


def prescriptions_sent(organisation_id: int, participant_id: int) -> list[Prescription]:
    """The organisation's own prescriptions of the person (not the other prescribers')."""
    return [p for p in participants.prescriptions_of(participant_id) if p.prescripteur_id == organisation_id]


def read(actor: audit.Actor, organisation_id: int, participant_id: int) -> Identity | None:
    """The identity the prescriber sent, its read audited as every read of a participant's file."""
    found = participants.get(participant_id) if candidate(organisation_id, participant_id) else None
    return participants.read_file(actor, found) if found else None
