"""What the demo's partners find in their portal: the people a Mission Locale accompanies (and an
interview already noted), an employer's weekly word and an end-of-mission evaluation, and the
partner users who may invite their colleagues. The journeys of the issue start from there: the
SIAE's user declares a month and imports a file, the prescriber sends a candidate, the adviser
notes an interview (README, « Démonstration »)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, func, or_, select

from saas import clock
from saas.accounts import memberships
from saas.audit import api as audit
from saas.db import db
from saas.demo import year as demo_year
from saas.marches.models import Lot
from saas.parcours import api as parcours
from saas.parcours import partner_reports
from saas.parcours.enums import EVALUATION_CRITERIA
from saas.parcours.models import Mission
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.portail import accompaniment

#: participants given to each Mission Locale of the demo to accompany
FOLLOWED = 12


def _mission_locales():
    return [
        o
        for o in partenaires.list_all()
        if o.kind == "prescripteur" and o.prescriber_kind == "mission_locale"
    ]


def _accompaniment(actor: audit.Actor) -> int:
    noted = 0
    for organisation in _mission_locales():
        people = db.session.scalars(
            select(Participant)
            .where(Participant.referent_organisation_id.is_(None))
            .order_by(Participant.id)
            .limit(FOLLOWED)
        ).all()
        for index, person in enumerate(people):
            person.referent_organisation_id = organisation.id
            if index < 3:
                accompaniment.record(
                    actor, organisation.id, person,
                    accompaniment.Record("entretien", clock.today() - timedelta(days=7 * (index + 1)),
                                         "Entretien de suivi : point sur la mission et le projet professionnel."),
                )  # fmt: skip
                noted += 1
    return noted


def _employers_words(actor: audit.Actor) -> int:
    """For each employer with a user: a weekly word last week, an evaluation of a finished mission."""
    bound = {m.organisation_id for m in memberships.memberships_in_scope() if m.organisation_id}
    written = 0
    today = clock.today()
    for organisation in partenaires.list_all():
        if organisation.id not in bound or organisation.kind not in COMPANY_KINDS:
            continue
        missions = db.session.scalars(
            select(Mission).where(Mission.employer_id == organisation.id).order_by(Mission.start_date.desc())
        ).all()
        last_week = partner_reports.monday_of(today) - timedelta(weeks=1)
        running = {
            m.id: m
            for m in missions
            if m.start_date <= last_week and (m.end_date is None or m.end_date >= last_week)
        }
        if running:
            partner_reports.save_weekly(
                actor, organisation.id, last_week, running,
                dict.fromkeys(list(running)[:10], ("bien", None)),
                "Deux mises à disposition prévues le mois prochain.",
            )  # fmt: skip
            written += 1
        finished = next((m for m in missions if m.end_date is not None and m.end_date < today), None)
        if finished is not None:
            partner_reports.record_evaluation(
                actor, organisation.id, finished, dict.fromkeys(EVALUATION_CRITERIA, "3"),
                "Ponctuel, s'intègre bien à l'équipe.", "Lecture de plans.", "nouvelle_mission",
            )  # fmt: skip
            written += 1
    return written


#: missions each employer with a user has running last month and this one, at least
RUNNING = 3


def _placement_of(kind: str) -> tuple[str, str]:
    """(modality, contract type) the demo's year gives an employer of that kind."""
    for modality, employer_kind, contracts in demo_year.PLACEMENTS:
        if employer_kind == kind:
            return modality, contracts[0]
    return "embauche_directe", "cdd"


def _running_missions(actor: audit.Actor, organisation) -> int:
    """Missions of the employer over last month and this one, so that its user has a month to
    declare: people eligible today and on no mission, placed on the lot that needs most hours."""
    today = clock.today()
    first = today.replace(day=1) - relativedelta(months=1)
    running: int = (
        db.session.scalar(
            select(func.count())
            .select_from(Mission)
            .where(
                Mission.employer_id == organisation.id,
                Mission.start_date <= first,
                or_(Mission.end_date.is_(None), Mission.end_date >= today),
            )
        )
        or 0
    )
    lot = db.session.scalars(select(Lot).order_by(Lot.obligation_hours.desc().nulls_last(), Lot.id)).first()
    if running >= RUNNING or lot is None:
        return 0
    free = db.session.scalars(
        select(Participant.id)
        .where(~exists().where(Mission.participant_id == Participant.id))
        .order_by(Participant.id)
    ).all()
    modality, contract = _placement_of(str(organisation.kind))
    placed = 0
    for participant_id in free:
        if placed >= RUNNING - running:
            break
        if not participants.is_eligible_on(participant_id, first):
            continue
        parcours.place(
            actor, participant_id, organisation.id, lot.id, modality, contract, first, Decimal(35),
            end_date=today.replace(day=1) + relativedelta(months=2, days=-1), job_title="Ouvrier polyvalent",
        )  # fmt: skip
        placed += 1
    return placed


def _organisation_admins(actor: audit.Actor) -> None:
    """Every demo partner user may invite colleagues of its organisation."""
    for membership in memberships.memberships_in_scope():
        if membership.role == "partenaire":
            memberships.set_organisation_admin(actor, membership, True)


def fill(actor: audit.Actor) -> dict[str, int]:
    _organisation_admins(actor)
    bound = {m.organisation_id for m in memberships.memberships_in_scope() if m.organisation_id}
    placed = sum(
        _running_missions(actor, o)
        for o in partenaires.list_all()
        if o.id in bound and o.kind in COMPANY_KINDS
    )
    return {
        "missions_portail": placed,
        "accompagnement": _accompaniment(actor),
        "employeurs": _employers_words(actor),
    }
