"""Missions (mises à l'emploi): placement with the eligibility check, follow-ups, exit.

A participant without a valid eligibility on the start date cannot be placed, unless the
facilitateur gives an explicit reason: the override is stored on the mission and audited
(seed 002 art. 3: eligibility must be validated by the guichet before any mission).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas import cleaning, clock
from saas.audit import api as audit
from saas.db import by_id, db, insert
from saas.errors import DomainError, ValidationError
from saas.marches.models import Lot, LotSubcontractor
from saas.parcours import repository
from saas.parcours.enums import FollowUpKind, FollowUpState, MissionState, Modality
from saas.parcours.models import LEGAL_WEEKLY_MAX_HOURS, FollowUp, Mission
from saas.parcours.plan import follow_up_plan
from saas.partenaires import api as partenaires
from saas.partenaires.enums import COMPANY_KINDS, PLACING_KINDS
from saas.participants import api as participants
from saas.referentiels import api as referentiels
from saas.referentiels.enums import ExitCategory
from tenants.context import require_tenant_id

get = repository.get
of_participant = repository.of_participant
follow_ups_of = repository.follow_ups_of
follow_up = repository.follow_up
list_query = repository.list_query
rows_query = repository.rows_query
row_sorts = repository.row_sorts
lot_options = repository.lot_options
lot_choices = repository.lot_choices
lot_labels = repository.lot_labels
participant_options = repository.participant_options
mission_options = repository.mission_options
overdue_count = repository.overdue_count
overdue_first = repository.overdue_first
MissionFilters = repository.MissionFilters
#: the SQL condition of a mission under way on a day (started, not ended, not exited)
running_on = repository.active_condition
missions_query = repository.missions_query

#: contract types valorised as CDI (for the CDI cap of the counting rules).
CDI_TYPES = frozenset({"cdi", "cdi_inclusion", "cdi_interimaire"})


def employer_options() -> list:
    """Organisations that may employ or place a participant: companies and placing structures."""
    return [o for o in partenaires.list_all() if o.kind in COMPANY_KINDS and o.active]


def mission_state(mission: Mission, today: date | None = None) -> MissionState:
    """en cours, terminée (past its end date) or sortie (exit recorded)."""
    if mission.exit_date is not None:
        return MissionState.sortie
    if mission.end_date is not None and mission.end_date < (today or clock.today()):
        return MissionState.terminee
    return MissionState.en_cours


def _employer_allowed(lot: Lot, employer_id: int) -> bool:
    if employer_id == lot.attributaire_id:
        return True
    subcontracted = db.session.scalar(
        select(LotSubcontractor.id).where(
            LotSubcontractor.lot_id == lot.id, LotSubcontractor.organisation_id == employer_id
        )
    )
    if subcontracted:
        return True
    employer = partenaires.get(employer_id)
    return employer is not None and employer.kind in PLACING_KINDS


def _not_anonymised(mission_id: int) -> None:
    """Nothing is written again on the missions of an anonymised person (saas.privacy)."""
    mission = by_id(Mission, mission_id)
    if mission is not None:
        participants.check_not_anonymised(participants.get(mission.participant_id))


def _parties(participant_id: int, lot_id: int, employer_id: int):
    """The participant and the lot of a placement, the employer being one the lot allows."""
    participant = participants.get(participant_id) if participant_id else None
    if participant is None:
        raise ValidationError("participant_id", "Participant inconnu.")
    # locked as the retention locks the people it may erase: one waits for the other's commit
    db.session.refresh(participant, with_for_update={"key_share": True})
    participants.check_not_anonymised(participant)
    lot = by_id(Lot, lot_id) if lot_id else None
    if lot is None:
        raise ValidationError("lot_id", "Choisissez un lot.")
    if not employer_id or partenaires.get(employer_id) is None:
        raise ValidationError("employer_id", "Choisissez l'employeur.")
    if not _employer_allowed(lot, employer_id):
        raise ValidationError(
            "employer_id",
            "L'employeur doit être l'attributaire du lot, un de ses sous-traitants, "
            "ou une structure qui met à disposition (SIAE, ETT, GEIQ, EA / ESAT).",
        )
    return participant, lot


def _contract(modality: str, contract_type: str):
    """The contract type of the reference table (the modality checked on the way)."""
    cleaning.member(Modality, modality, "modality", "Choisissez une modalité.")
    contract = referentiels.contract_type(contract_type) if contract_type else None
    if contract is None:
        raise ValidationError("contract_type", "Choisissez un type de contrat.")
    return contract


def _check_dates(
    fixed_term: bool, start_date: date, end_date: date | None, trial_end_date: date | None
) -> None:
    if start_date is None:
        raise ValidationError("start_date", "Indiquez la date de début.")
    if fixed_term and end_date is None:
        raise ValidationError("end_date", "Un contrat à durée déterminée a une date de fin.")
    if end_date is not None and end_date < start_date:
        raise ValidationError("end_date", "La date de fin précède la date de début.")
    if trial_end_date is not None and (
        trial_end_date < start_date or (end_date and trial_end_date > end_date)
    ):
        raise ValidationError("trial_end_date", "La fin de période d'essai doit tomber pendant le contrat.")


def _weekly_hours(value) -> Decimal:
    """More than 0 and at most the legal weekly maximum (the ``weekly_hours`` constraint)."""
    message = "Indiquez la durée hebdomadaire en heures."
    hours = cleaning.decimal(value, "weekly_hours", message, required=message)
    if not Decimal(0) < hours <= LEGAL_WEEKLY_MAX_HOURS:
        raise cleaning.OutOfRange(
            "weekly_hours",
            f"La durée hebdomadaire doit être comprise entre 0 et {LEGAL_WEEKLY_MAX_HOURS} heures.",
        )
    return hours


def _eligible_at_start(participant_id: int, start_date: date, override_reason: str | None) -> bool:
    """Whether the participant is eligible on the start date (the window may open with the first
    mission, a tenant setting); refused when not and no reason is given for the override."""
    eligible = participants.is_eligible_on(participant_id, start_date)
    if not eligible:
        participants.open_window_at_first_mission(participant_id, start_date)
        db.session.flush()
        eligible = participants.is_eligible_on(participant_id, start_date)
    if not eligible and override_reason is None:
        raise ValidationError(
            "override_reason",
            "Ce participant n'a pas d'éligibilité validée à la date de début : validez-la, "
            "ou indiquez le motif de la dérogation.",
        )
    return eligible


def _plan_follow_ups(mission: Mission) -> None:
    for step, due in follow_up_plan(mission.start_date, mission.end_date, mission.trial_end_date):
        db.session.add(FollowUp(tenant_id=mission.tenant_id, mission_id=mission.id, step=step, due_on=due))


def _audit_placement(actor: audit.Actor, mission: Mission, participant, override_reason: str | None) -> None:
    audit.record(
        "mission.created",
        actor,
        "mission",
        mission.id,
        {"participant": participant.reference, "lot": mission.lot_id, "contrat": mission.contract_type},
    )
    if mission.eligibility_override:
        audit.record(
            "mission.eligibility_override",
            actor,
            "mission",
            mission.id,
            {"participant": participant.reference, "motif": override_reason},
        )


def place(
    actor: audit.Actor,
    participant_id: int,
    employer_id: int,
    lot_id: int,
    modality: str,
    contract_type: str,
    start_date: date,
    weekly_hours,
    end_date: date | None = None,
    trial_end_date: date | None = None,
    job_title: str | None = None,
    rome_code: str | None = None,
    override_reason: str | None = None,
) -> Mission:
    """A mission of the participant with the employer on the lot, its follow-ups planned."""
    participant, lot = _parties(participant_id, lot_id, employer_id)
    contract = _contract(modality, contract_type)
    _check_dates(contract.fixed_term, start_date, end_date, trial_end_date)
    hours = _weekly_hours(weekly_hours)
    if rome_code and referentiels.rome(rome_code) is None:
        raise ValidationError("rome_code", "Code ROME inconnu.")
    override_reason = cleaning.optional(override_reason)
    eligible = _eligible_at_start(participant.id, start_date, override_reason)
    mission = Mission(
        tenant_id=require_tenant_id(),
        participant_id=participant.id,
        employer_id=employer_id,
        lot_id=lot.id,
        modality=modality,
        contract_type=contract.code,
        start_date=start_date,
        end_date=end_date,
        trial_end_date=trial_end_date,
        weekly_hours=hours,
        job_title=cleaning.optional(job_title),
        rome_code=rome_code or None,
        eligibility_override=not eligible,
        override_reason=override_reason if not eligible else None,
        override_by=actor.user_id if not eligible else None,
        created_by=actor.user_id,
    )
    insert(mission)
    _plan_follow_ups(mission)
    participants.open_window_at_first_mission(participant.id, start_date)
    db.session.flush()
    _audit_placement(actor, mission, participant, override_reason)
    return mission


def record_follow_up(
    actor: audit.Actor, follow_up: FollowUp, done_on: date, kind: str, notes: str | None = None
) -> FollowUp:
    _not_anonymised(follow_up.mission_id)
    if done_on is None or done_on > clock.today():
        raise ValidationError("done_on", "Indiquez la date du suivi (pas dans le futur).")
    cleaning.member(FollowUpKind, kind, "kind", "Choisissez le type de suivi.")
    follow_up.done_on, follow_up.kind = done_on, kind
    follow_up.notes = cleaning.optional(notes)
    follow_up.done_by, follow_up.recorded_at = actor.user_id, clock.now()
    audit.record("follow_up.recorded", actor, "mission", follow_up.mission_id, {"etape": follow_up.step})
    return follow_up


def follow_up_state(follow_up: FollowUp, today: date | None = None) -> str:
    """done, overdue or planned."""
    if follow_up.done_on is not None:
        return "done"
    return "overdue" if follow_up.due_on < (today or clock.today()) else "planned"


overdue_follow_ups = repository.overdue_follow_ups


def plan_state(follow_up: FollowUp, mission: Mission, today: date | None = None) -> FollowUpState:
    """The state shown in the plan: a follow-up due after the exit is no longer expected (the
    overdue list leaves it out too)."""
    if follow_up.done_on is None and mission.exit_date is not None and follow_up.due_on > mission.exit_date:
        return FollowUpState.moot
    return FollowUpState(follow_up_state(follow_up, today))


def record_exit(actor: audit.Actor, mission: Mission, exit_date: date, motif: str) -> Mission:
    """The exit: detailed motif, category derived from it (docs/domain.md, exit categories)."""
    _not_anonymised(mission.id)
    if mission.exit_date is not None:
        raise DomainError("La sortie de cette mission est déjà enregistrée.")
    if exit_date is None or exit_date < mission.start_date:
        raise ValidationError("exit_date", "La date de sortie ne peut pas précéder le début de la mission.")
    exit_motif = referentiels.exit_motif(motif) if motif else None
    if exit_motif is None:
        raise ValidationError("exit_motif", "Choisissez le motif de sortie.")
    mission.exit_date, mission.exit_motif = exit_date, exit_motif.code
    mission.exit_category = exit_motif.category
    audit.record("mission.exit_recorded", actor, "mission", mission.id, {"motif": exit_motif.code})
    return mission


def record_situation_6m(actor: audit.Actor, mission: Mission, motif: str, observed_on: date) -> Mission:
    """The situation 6 months after the exit: only it confirms an "emploi durable"."""
    _not_anonymised(mission.id)
    if mission.exit_date is None:
        raise DomainError("Enregistrez d'abord la sortie.")
    if observed_on is None or observed_on < mission.exit_date + relativedelta(months=6):
        raise ValidationError(
            "situation_6m_on", "La situation à 6 mois s'observe au moins 6 mois après la date de sortie."
        )
    if observed_on > clock.today():
        raise ValidationError("situation_6m_on", "La date d'observation ne peut pas être dans le futur.")
    situation = referentiels.exit_motif(motif) if motif else None
    if situation is None:
        raise ValidationError("situation_6m_motif", "Choisissez la situation observée.")
    mission.situation_6m_motif, mission.situation_6m_on = situation.code, observed_on
    mission.durable_confirmed = situation.category == ExitCategory.emploi_durable
    audit.record("mission.situation_6m_recorded", actor, "mission", mission.id, {"situation": situation.code})
    return mission
