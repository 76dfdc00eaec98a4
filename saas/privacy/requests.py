"""A person's requests about their data (RGPD art. 12 to 21): recorded with their date, answered
within one month (art. 12.3), each answer kept. An erasure uses the anonymisation of the retention
job, refused with its legal reason while the person's contract or the clause's execution still
requires the data (art. 17.3.b)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from saas import cleaning, clock, formats
from saas.audit import api as audit
from saas.db import by_id, db, insert
from saas.errors import ConflictError, ValidationError
from saas.participants.models import Participant
from saas.privacy import anonymise, retention
from saas.privacy.models import PrivacyRequest, RequestKind, RequestStatus, RunMode, RunTrigger
from tenants.context import require_tenant_id

#: the answer is due this long after the request (art. 12.3; extensible by two months, said to the person)
ANSWER_DELAY = relativedelta(months=1)

audit.ACTION_LABELS.update(
    {
        "privacy.request_recorded": "Demande d'une personne sur ses données",
        "privacy.request_answered": "Réponse à une demande sur les données",
        "privacy.erased_on_request": "Effacement des données d'une personne à sa demande",
    }
)

_AT_WORK = text(
    "SELECT o.name FROM missions m JOIN organisations o ON o.tenant_id = m.tenant_id AND o.id = m.employer_id "
    "WHERE m.tenant_id = :t AND m.participant_id = :p "
    "AND coalesce(m.exit_date, m.end_date, 'infinity') >= :today ORDER BY m.start_date"
)
_WAITING = text(
    "SELECT DISTINCT s.month FROM hour_statements s JOIN missions m ON m.tenant_id = s.tenant_id "
    "AND m.id = s.mission_id WHERE s.tenant_id = :t AND m.participant_id = :p AND s.status = 'declared' "
    "ORDER BY s.month"
)
_CLAUSES = text(
    "SELECT DISTINCT mk.reference FROM missions m JOIN lots l ON l.tenant_id = m.tenant_id AND l.id = m.lot_id "
    "JOIN marches mk ON mk.tenant_id = l.tenant_id AND mk.id = l.marche_id "
    "WHERE m.tenant_id = :t AND m.participant_id = :p AND (mk.end_date IS NULL OR mk.end_date >= :today) "
    "AND EXISTS (SELECT 1 FROM hour_statements s WHERE s.tenant_id = m.tenant_id AND s.mission_id = m.id "
    "AND s.status = 'validated') ORDER BY mk.reference"
)


@dataclass(frozen=True)
class Answer:
    status: RequestStatus
    text: str


def record(
    actor: audit.Actor, participant: Participant, kind: str, received_on: date | None
) -> PrivacyRequest:
    """A request received on ``received_on``, due one month later."""
    if kind not in {member.value for member in RequestKind}:
        raise ValidationError("kind", "Choisissez le type de demande.")
    if received_on is None:
        raise ValidationError("received_on", "Indiquez la date de réception de la demande.")
    if received_on > clock.today():
        raise ValidationError("received_on", "La date de réception ne peut pas être dans le futur.")
    if participant.anonymised_at is not None:
        raise ConflictError("Les données de cette personne ont déjà été anonymisées.")
    request = PrivacyRequest(
        tenant_id=require_tenant_id(),
        participant_id=participant.id,
        kind=kind,
        received_on=received_on,
        due_on=received_on + ANSWER_DELAY,
        status=RequestStatus.ouverte.value,
        created_by=actor.user_id,
    )
    insert(request)
    audit.record("privacy.request_recorded", actor, "participant", participant.id, {"demande": kind})
    return request


#: what a refusal says of the person's recourse (RGPD art. 12.4)
RECOURSE = (
    "La personne peut adresser une réclamation à la CNIL (www.cnil.fr) ou former un recours devant le "
    "juge administratif."
)


def erasure_obstacles(participant_id: int, today: date | None = None) -> list[str]:
    """Why the person's data must stay for now, in French with the legal reason (RGPD art. 17.3.b:
    the processing is needed for the guichet's task of public interest); [] when it can go."""
    params = {"t": require_tenant_id(), "p": participant_id, "today": today or clock.today()}
    reasons = []
    employers = list(db.session.execute(_AT_WORK, params).scalars())
    if employers:
        reasons.append(
            f"La personne a une mission en cours ou prévue chez {', '.join(dict.fromkeys(employers))} : le suivi "
            "de cette mission et de la clause sociale, mission d'intérêt public du guichet, exige ses données "
            "tant qu'elle dure (RGPD, articles 6.1.e et 17.3.b)."
        )
    marches = list(db.session.execute(_CLAUSES, params).scalars())
    if marches:
        reasons.append(
            f"Ses heures comptent dans la clause sociale du marché {', '.join(marches)}, dont l'exécution n'est pas "
            "terminée : le guichet doit pouvoir en justifier le bilan au donneur d'ordre tant qu'elle dure "
            "(RGPD, article 17.3.b)."
        )
    return reasons


def _waiting_hours(participant_id: int) -> None:
    """Hours still to validate are the guichet's to settle first: the request waits, unanswered."""
    params = {"t": require_tenant_id(), "p": participant_id}
    months = list(db.session.execute(_WAITING, params).scalars())
    if months:
        raise ConflictError(
            f"Des heures de la personne attendent la validation ({', '.join(formats.month(m) for m in months)}) : "
            "validez-les ou refusez-les, puis répondez à la demande."
        )


def _refusal(participant_id: int, obstacles: list[str]) -> str:
    """The refusal: its reasons, when the data will go in any case, and the person's recourse."""
    kept_until = retention.kept_until(participant_id)
    latest = (
        f" Ses données seront de toute façon effacées au plus tard le {formats.date(kept_until)}, sans nouveau "
        "contact, par la durée de conservation du territoire."
        if kept_until
        else ""
    )
    return f"{' '.join(obstacles)}{latest} {RECOURSE}"


#: the answer to an erasure carried out
ERASED_ANSWER = (
    "Données effacées le {on} : identité, coordonnées, CV, justificatifs et notes. Restent, sans lien possible "
    "avec la personne, les heures, les contrats et les catégories qui servent aux bilans."
)


def _erase(actor: audit.Actor, participant: Participant) -> None:
    erased = anonymise.erase([participant.id])
    counts = {"personnes": 1, "justificatifs": erased.get("justificatifs", 0)}
    run = retention.record_run(
        RunMode.application, RunTrigger.demande, retention.rule(), counts, [participant.id], actor
    )
    audit.record("privacy.erased_on_request", actor, "participant", participant.id, {"passage": run.id})


def answer(actor: audit.Actor, request: PrivacyRequest, reply: str | None, confirmed: bool = True) -> Answer:
    """Answer ``request``: an erasure (``confirmed`` by the agent: it cannot be undone) is carried
    out, or refused with its reasons; another kind is answered by ``reply`` (what was sent or
    corrected)."""
    if request.kind == RequestKind.effacement.value and not confirmed:
        raise ValidationError("confirm", "Cochez la case pour confirmer l'effacement définitif.")
    db.session.refresh(request, with_for_update=True)  # two answers at once: the second waits, then refuses
    if request.status != RequestStatus.ouverte.value:
        raise ConflictError("Cette demande a déjà reçu une réponse.")
    participant = db.session.get(
        Participant, (request.tenant_id, request.participant_id), with_for_update=True
    )
    assert participant is not None  # a request refers to its participant (foreign key)
    reply = cleaning.text(reply, "answer", 4000)
    if request.kind == RequestKind.effacement.value:
        _waiting_hours(participant.id)
        obstacles = erasure_obstacles(participant.id)
        status = RequestStatus.refusee if obstacles else RequestStatus.traitee
        said = (
            _refusal(participant.id, obstacles)
            if obstacles
            else ERASED_ANSWER.format(on=formats.date(clock.today()))
        )
        if reply:
            said = f"{said}\n{reply}"
    else:
        if not reply:
            raise ValidationError("answer", "Indiquez la réponse faite à la personne.")
        status, said = RequestStatus.traitee, reply
    request.status, request.answer = status.value, said
    request.answered_on, request.answered_by = clock.today(), actor.user_id
    if status == RequestStatus.traitee and request.kind == RequestKind.effacement.value:
        db.session.flush()  # the answer written first: her name typed in it is erased with the rest
        _erase(actor, participant)
    details = {"demande": request.kind, "statut": status.value}
    audit.record("privacy.request_answered", actor, "participant", participant.id, details)
    return Answer(status, said)


def get(request_id: int) -> PrivacyRequest | None:
    return by_id(PrivacyRequest, request_id)


def of_participant(participant_id: int) -> list[PrivacyRequest]:
    query = select(PrivacyRequest).where(PrivacyRequest.participant_id == participant_id)
    return list(
        db.session.scalars(query.order_by(PrivacyRequest.received_on.desc(), PrivacyRequest.id.desc()))
    )


def listed(limit: int = 200) -> list[tuple[PrivacyRequest, str]]:
    """The requests of the tenant with their participant's reference: open ones first, by deadline."""
    query = (
        select(PrivacyRequest, Participant.reference)
        .join(
            Participant,
            (Participant.tenant_id == PrivacyRequest.tenant_id)
            & (Participant.id == PrivacyRequest.participant_id),
        )
        .order_by(
            (PrivacyRequest.status != RequestStatus.ouverte.value), PrivacyRequest.due_on, PrivacyRequest.id
        )
        .limit(limit)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]
