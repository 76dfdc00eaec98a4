"""The steps of ``tests/factories.py`` for the partner portal: another structure of the same tenant
(what a partner must never reach) and what partners sent from their portal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from saas import clock
from saas.accounts import memberships
from saas.audit import api as audit
from saas.db import db
from saas.heures import api as heures
from saas.heures import imports as hour_imports
from saas.parcours import api as parcours
from saas.parcours import partner_reports
from saas.parcours.enums import EVALUATION_CRITERIA
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.portail import accompaniment
from tests.users import UserFactory
from tests.world import ACTOR, PNG, World


def _rival(world: World, made: dict, letter: str) -> None:
    """Another structure of the same tenant with its own user, person, mission, statement and
    import: what the partner of ``partner_email`` must never reach (tests/portail)."""
    rival = partenaires.create(ACTOR, f"ETTI rivale {letter}", "siae_etti", "81234567600017")
    person = participants.create(ACTOR, f"Rivalin-{letter}", "Sacha", date(1990, 2, 3), "M")
    participants.validate_eligibility(ACTOR, person, [("beneficiaire_rsa", "attestation_caf")], clock.today())
    mission = parcours.place(
        ACTOR, person.id, rival.id, world.ids["lot_id"], "mise_a_disposition", "cdd", clock.today(), Decimal("35"),
        end_date=clock.today() + relativedelta(months=6),
    )  # fmt: skip
    statement = heures.declare(
        ACTOR, mission.id, clock.today().replace(day=1), Decimal("7"), confirm_over_contract=True
    )
    proof = heures.attach_proof(ACTOR, statement, "releve.png", "image/png", PNG)
    spreadsheet = f"Référence;Mois;Heures\n{person.reference};01/01/2020;7\n".encode()
    received = hour_imports.receive(ACTOR, "releves.csv", spreadsheet, rival.id)
    user = UserFactory(email=world.rival_email)
    memberships.invite_member(ACTOR, user.email, user.display_name, "partenaire", rival.id)
    db.session.info.pop("on_commit", None)
    other = partenaires.create(
        ACTOR, f"France Travail rival {letter}", "prescripteur", None, "france_travail"
    )
    candidate = participants.create(
        ACTOR, f"Rivalin-{letter}", "Noa", date(1999, 6, 7), "X", referent_organisation_id=other.id
    )
    participants.add_prescription(ACTOR, candidate, other.id, clock.today(), "Orientation")
    world.ids.update(
        rival_organisation_id=rival.id,
        rival_participant_id=person.id,
        rival_mission_id=mission.id,
        rival_statement_id=statement.id,
        rival_proof_id=proof.id,
        rival_import_id=received.id,
        rival_candidate_id=candidate.id,
    )


def _portal(world: World, made: dict, letter: str) -> None:
    """What partners sent from their portal: the SIAE's import in preview, its weekly word and its
    end-of-mission evaluation, the Mission Locale's interview of the participant it follows."""
    actor, organisation_id = audit.Actor(email=world.partner_email), world.ids["organisation_id"]
    participant, mission = (
        participants.get(world.ids["participant_id"]),
        parcours.get(world.ids["mission_id"]),
    )
    spreadsheet = f"Référence;Mois;Heures\n{participant.reference};01/01/2020;7\n".encode()
    received = hour_imports.receive(ACTOR, "releves.csv", spreadsheet, organisation_id)
    interview = accompaniment.Record(
        "entretien", clock.today(), "Premier entretien : projet dans le second œuvre."
    )
    entry = accompaniment.record(actor, world.ids["prescripteur_id"], participant, interview)
    situations = {mission.id: ("bien", None)}
    report = partner_reports.save_weekly(
        actor, organisation_id, clock.today(), {mission.id: mission}, situations, None
    )
    marks = dict.fromkeys(EVALUATION_CRITERIA, "3")
    evaluation = partner_reports.record_evaluation(
        actor, organisation_id, mission, marks, "Ponctuel.", None, "emploi"
    )
    world.ids.update(
        import_id=received.id,
        accompaniment_id=entry.id,
        weekly_report_id=report.id,
        evaluation_id=evaluation.id,
    )
