"""The people the minimisation tests look for (tests/privacy/test_minimisation.py): the fixture's
tenant A and, beside its participants, two of names no page would print by chance, with a birth
date, an email, a phone and sensitive criteria (one employed by the SIAE on the buyer's lot, one a
candidate of the Mission Locale). Made after them: the buyer's bilans, the bilans mailed to each
audience this month, a new version of the month's report received by the Département. For the
rival side: a user of the rival France Travail, an API token of each rival structure, and an import
of the rival ETTI that names the SIAE's people by their references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas import clock
from saas.accounts import api as accounts
from saas.accounts import memberships, tokens
from saas.bilans import api as bilans
from saas.bilans import sending
from saas.db import db
from saas.federation import outbox
from saas.heures import api as heures
from saas.heures import imports as hour_imports
from saas.jobs.models import JobRun
from saas.parcours import api as parcours
from saas.participants import api as participants
from saas.participants.models import Eligibility, EligibilityCriterion, Identity, Participant
from saas.referentiels import api as ref
from tests.builders import in_scope
from tests.privacy.minimisation import Person
from tests.users import UserFactory
from tests.world import ACTOR, PNG, World

#: the SIAE's employee, on the buyer's lot, sent by the Mission Locale
QUISTREBERT = {
    "last_name": "Quistrebert",
    "first_name": "Ysaline",
    "birth_date": date(1990, 3, 12),
    "email": "ysaline.quistrebert@exemple.fr",
    "phone": "06 71 82 93 04",
}
QUISTREBERT_CRITERIA = [
    ("travailleur_handicape", "notification_mdph"),
    ("sous_main_justice", "attestation_spip"),
]
#: a candidate the Mission Locale sent, not placed yet
VAUTRIN = {
    "last_name": "Vautrin-Ekwueme",
    "first_name": "Gwenegan",
    "birth_date": date(1987, 11, 25),
    "email": "g.vautrin-ekwueme@exemple.fr",
    "phone": "07 58 46 13 29",
}
RIVAL_PRESCRIBER_EMAIL = "rival-prescripteur-a@exemple.fr"


@dataclass
class Scene:
    """The world, everyone in it as the scanner looks for them, and what the scene added."""

    world: World
    #: every participant of the tenant, by id
    people: dict[int, Person]
    ids: dict[str, int] = field(default_factory=dict)
    #: the bilans the buyer reads
    bilans: list[int] = field(default_factory=list)
    rival_token: str = ""
    rival_prescriber_token: str = ""

    def all_but(self, *visible: int) -> list[Person]:
        return [person for pid, person in self.people.items() if pid not in visible]


def build(app, world: World) -> Scene:
    ids = in_scope(app, world, lambda: _people(world))
    found = Scene(world, {}, ids)
    found.bilans = in_scope(app, world, lambda: _buyer_bilans(world))
    in_scope(app, world, lambda: _rival_side(world, found))
    in_scope(app, world, lambda: _bilans_sent(world, found))
    _push_month_again(app, world)
    found.people = in_scope(app, world, _people_as_scanned)
    return found


def _placed(participant, world: World) -> None:
    mission = parcours.place(
        ACTOR, participant.id, world.ids["organisation_id"], world.ids["lot_id"], "mise_a_disposition", "cdd",
        clock.today(), Decimal("35"), end_date=clock.today() + relativedelta(months=6),
    )  # fmt: skip
    statement = heures.declare(
        ACTOR, mission.id, clock.today().replace(day=1), Decimal("7"), confirm_over_contract=True
    )
    heures.attach_proof(ACTOR, statement, "releve.png", "image/png", PNG)
    heures.validate(ACTOR, statement)


def _people(world: World) -> dict[str, int]:
    mission_locale = world.ids["prescripteur_id"]
    employee = participants.create(ACTOR, sex="F", referent_organisation_id=mission_locale, **QUISTREBERT)
    participants.add_prescription(ACTOR, employee, mission_locale, clock.today(), "Orientation vers le BTP")
    participants.validate_eligibility(ACTOR, employee, QUISTREBERT_CRITERIA, clock.today())
    _placed(employee, world)
    candidate = participants.create(ACTOR, sex="M", referent_organisation_id=mission_locale, **VAUTRIN)
    participants.add_prescription(ACTOR, candidate, mission_locale, clock.today(), "Fiche de liaison")
    participants.validate_eligibility(
        ACTOR, candidate, [("beneficiaire_rsa", "attestation_caf")], clock.today()
    )
    return {"quistrebert_id": employee.id, "vautrin_id": candidate.id}


def _buyer_bilans(world: World) -> list[int]:
    """The bilans a donneur d'ordre reads, made now that the scene's people worked: on itself,
    its marché and its lot (the fixture's execution bilan besides)."""
    year = bilans.Period.of("annee", clock.today().year)
    buyer, marche, lot = world.ids["donneur_ordre_id"], world.ids["marche_id"], world.ids["lot_id"]
    made = [
        bilans.produce(kind, scope, key, year, ACTOR)
        for kind, scope, key in (
            ("consolidation", "donneur_ordre", buyer),
            ("execution", "donneur_ordre", buyer),
            ("consolidation", "lot", lot),
            ("execution", "marche", marche),
        )
    ]
    return [world.ids["bilan_id"], *(bilan.id for bilan in made)]


def _rival_side(world: World, scene: Scene) -> None:
    """A user of the rival France Travail, an API token of each rival structure, and an import of
    the rival ETTI naming the references of the SIAE's people (fishing for them)."""
    prescriber_id = participants.get(world.ids["rival_candidate_id"]).referent_organisation_id
    user = UserFactory(email=RIVAL_PRESCRIBER_EMAIL)
    memberships.invite_member(ACTOR, user.email, user.display_name, "partenaire", prescriber_id)
    db.session.info.pop("on_commit", None)  # the invitation is not sent
    _, scene.rival_token = tokens.create_token(
        ACTOR, "Paie rivale", "partenaire", organisation_id=world.ids["rival_organisation_id"]
    )
    _, scene.rival_prescriber_token = tokens.create_token(
        ACTOR, "Logiciel rival", "partenaire", organisation_id=prescriber_id
    )
    references = [
        participants.get(pid).reference
        for pid in (
            scene.ids["quistrebert_id"],
            world.ids["participant_id"],
            world.ids["rival_participant_id"],
        )
    ]
    month = clock.today().replace(day=1)
    lines = "".join(f"{reference};{month:%d/%m/%Y};7\n" for reference in references)
    fishing = hour_imports.receive(
        ACTOR, "releves.csv", f"Référence;Mois;Heures\n{lines}".encode(), world.ids["rival_organisation_id"]
    )
    scene.ids.update(rival_prescriber_id=prescriber_id, fishing_import_id=fishing.id)


#: what each audience receives by mail every month: (its user, the bilan, its scope, whose id the
#: scope takes); the users are the world's buyer and rival ETTI users and the rival prescriber's
SENT = (
    ("buyer", "consolidation", "donneur_ordre", "donneur_ordre_id"),
    ("rival", "consolidation", "employeur", "rival_organisation_id"),
    ("rival", "parcours", "employeur", "rival_organisation_id"),
    ("rival_prescriber", "consolidation", "accompagnement", "rival_prescriber_id"),
    ("rival_prescriber", "evaluation", "accompagnement", "rival_prescriber_id"),
)


def _bilans_sent(world: World, scene: Scene) -> None:
    """The bilans each audience is sent, of this month (the scene's people worked in it): the
    buyer reads its own in its space, a partner structure receives its workbook attached."""
    emails = {
        "buyer": world.buyer_email,
        "rival": world.rival_email,
        "rival_prescriber": RIVAL_PRESCRIBER_EMAIL,
    }
    for who, kind, scope, key in SENT:
        user = accounts.user_by_email(emails[who])
        assert user is not None
        sending.create_schedule(ACTOR, kind, scope, {**world.ids, **scene.ids}[key], "mensuel", user.id)
    next_month = clock.today().replace(day=1) + relativedelta(months=1)
    sent = sending.run_due(next_month, world.slug, "Territoire A")
    assert sent["impossibles"] == 0, sent
    db.session.info.pop("on_commit", None)  # the mails are kept, not delivered


def _push_month_again(app, world: World) -> None:
    """A new version of this month's report (the scene's people changed its figures), received
    through the local transport as the fixture's first one was."""

    def prepared() -> int:
        member = outbox.membership(world.federation_id)
        assert member is not None
        report = outbox.prepare(member, "mois", clock.today().replace(day=1), ACTOR)
        assert report is not None, "the scene's people change the month's figures"
        db.session.info.pop("on_commit", None)
        for run in db.session.scalars(select(JobRun).where(JobRun.kind == outbox.PUSH_KIND)):
            run.status, run.progress = "finished", 100
        return report.id

    report_id = in_scope(app, world, prepared)
    assert in_scope(app, world, lambda: outbox.push(report_id))["envoye"]


def _people_as_scanned() -> dict[int, Person]:
    """Every participant of the tenant in scope, with the labels and codes of their criteria."""
    criteria: dict[int, list[str]] = {}
    query = select(Eligibility.participant_id, EligibilityCriterion.criterion_code).join(
        Eligibility,
        (Eligibility.tenant_id == EligibilityCriterion.tenant_id)
        & (Eligibility.id == EligibilityCriterion.eligibility_id),
    )
    for participant_id, code in db.session.execute(query):
        found = ref.criterion(code)
        criteria.setdefault(participant_id, []).extend([code, found.label if found else code])
    rows = db.session.execute(
        select(Participant.id, Participant.reference, Identity).join(
            Identity,
            (Identity.tenant_id == Participant.tenant_id) & (Identity.participant_id == Participant.id),
        )
    )
    return {
        pid: Person(
            reference, i.last_name, i.first_name, i.birth_date, i.email, i.phone, tuple(criteria.get(pid, ()))
        )
        for pid, reference, i in rows
    }
