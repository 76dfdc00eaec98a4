"""Factories (factory-boy) of the test data, over the domain apis: the same calls the pages make.

``TenantFactory`` builds a tenant (with its federation, its logo and a coordinator) and, trait by
trait, what it holds; ``TenantFactory(letter="a", code="79", full=True)`` is the tenant of the
``two_tenants`` fixture (:func:`tests.fixtures.build_tenant`). A trait takes the traits it stands on
(``missions`` the ``marches`` and the ``participant``): ask for the one you need. Each step runs in
the tenant's scope and commits, as the pages do; the ids land in ``World.ids``.

========== =================================================================================
trait      what the tenant holds then
========== =================================================================================
marches    a SIAE, a buyer, an hourly cost, a marché with a formula lot (833 h) of the SIAE, an
           EA subcontractor and an invoice figure; the SIAE's contact; an API token, and one of
           the SIAE's (its payroll software's)
members    an admin, a facilitateur, a partner user of the SIAE, a buyer user of the buyer
run        a finished audit export with its file, one audit row
mail       a reminder in the facilitateur's mailbox, the facilitateur's notification preference
participant an eligible participant sent by a Mission Locale (its referent, with a user), with a
           validated CV profile
missions   the participant placed on the lot, a validated statement of this month with its proof,
           a mutualisation with a lot of a Département, an import of the SIAE in preview
comite     a comité de suivi of a convention, held, with a decision
convention seed 003 between the Département and the buyer, signed 18 months ago, with a
           document, an avenant, a receipt, a payment, an objection and a reminder sent
bilan      the execution bilans of this year of the buyer and of the Département's marché, and
           the buyer's execution bilan sent monthly to the buyer user (last month's sent)
report     a facilitator post (0.8 FTE) with its job description, this month's report to the
           tenant's Département, pushed and received; a marché of the Département with one lot in
           Niort, which the territory covers: handed to it and received
rival      another structure (an ETTI) with its own user, person, mission, statement and import:
           what the SIAE's partner user must never reach; a France Travail with its own candidate
portal     the Mission Locale's interview of the participant, the SIAE's weekly word on its
           mission and its end-of-mission evaluation
full       all of them
========== =================================================================================
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from dateutil.relativedelta import relativedelta
from sqlalchemy import select, text

from saas import clock
from saas.accounts import api as accounts
from saas.accounts import memberships, tokens
from saas.audit import api as audit
from saas.bilans import api as bilans
from saas.bilans import sending
from saas.comites import api as comites
from saas.conventions import api as conventions
from saas.conventions import seeds as convention_seeds
from saas.conventions.models import Occurrence, Reminder
from saas.db import db
from saas.federation import funding, handover
from saas.federation import outbox as federation_outbox
from saas.heures import api as heures
from saas.jobs import api as runs
from saas.jobs.models import JobArtifact, JobRun
from saas.mail import api as mail_api
from saas.marches import api as marches
from saas.marches.models import Lot
from saas.parcours import api as parcours
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context
from tests.factories_portal import _portal, _rival
from tests.factories_privacy import _privacy
from tests.users import UserFactory
from tests.world import ACTOR, PDF, PNG, World


def _marches(world: World, made: dict, letter: str) -> None:
    made["organisation"] = organisation = partenaires.create(
        ACTOR, f"SIAE {letter}", "siae_ai", "41234567000019"
    )
    made["buyer"] = buyer = partenaires.create(ACTOR, f"Ville {letter}", "donneur_ordre")
    # a dated hourly cost, a marché of the buyer, a formula lot held by the SIAE (833 h), an EA as
    # subcontractor and an invoice figure.
    marches.add_hourly_cost(ACTOR, date(2024, 1, 1), Decimal("30"))
    marche = marches.create_marche(
        ACTOR,
        {
            "donneur_ordre_id": buyer.id,
            "reference": f"M-{letter.upper()}-2025-001",
            "object": f"Réhabilitation du groupe scolaire {letter.upper()}",
            "notification_date": date(2025, 3, 3),
            "considerations": ["clause_execution"],
        },
    )
    made["lot"] = lot = marches.create_lot(
        ACTOR,
        marche,
        {
            "number": "1",
            "object": "Gros œuvre",
            "amount_ht": Decimal("1000000"),
            "attributaire_id": organisation.id,
            "obligation_mode": "formula",
            "labour_share": Decimal("0.5"),
            "insertion_rate": Decimal("0.05"),
        },
    )
    ea = partenaires.create(ACTOR, f"EA {letter}", "ea_esat")
    marches.add_subcontractor(ACTOR, lot, ea.id, "sous_traitant")
    marches.record_figure(ACTOR, lot, "invoiced_amount", date(2025, 4, 30), Decimal("120000"))
    world.ids.update(marche_id=marche.id, lot_id=lot.id, donneur_ordre_id=buyer.id)
    contact = partenaires.add_contact(
        ACTOR, organisation, f"Contact {letter}", "Chargée de recrutement", is_primary=True
    )
    token, world.api_token = tokens.create_token(ACTOR, f"Jeton {letter}", "facilitateur")
    _, world.partner_api_token = tokens.create_token(
        ACTOR, f"Logiciel de paie {letter}", "partenaire", organisation_id=organisation.id
    )
    world.ids.update(contact_id=contact.id, token_id=token.id, organisation_id=organisation.id)
    db.session.info.pop("on_commit", None)  # as for the members and the run: nothing sent


def _members(world: World, made: dict, letter: str) -> None:
    for email, role, org in (
        (world.admin_email, "tenant_admin", None),
        (world.facilitateur_email, "facilitateur", None),
        (world.partner_email, "partenaire", made["organisation"].id),
        (world.buyer_email, "donneur_ordre", made["buyer"].id),
    ):
        user = UserFactory(email=email)
        invitation = memberships.invite_member(ACTOR, email, user.display_name, role, org)
        world.ids[f"membership_{role}"] = invitation.membership_id
    db.session.info.pop("on_commit", None)  # the invitations are not sent


def _run(world: World, made: dict, letter: str) -> None:
    admin = accounts.user_by_email(world.admin_email)
    run = runs.request_run("audit_export", {"fmt": "csv", "filters": {}}, admin.id)
    db.session.flush()
    runs.attach_file(run.id, "journal.csv", "text/csv", b"a;b\n")
    run.status, run.progress, run.result = "finished", 100, {"artifact_id": 1}
    audit.record("demo.loaded", ACTOR)
    db.session.info.pop("on_commit", None)  # the fixture's run is not sent to the queue
    db.session.commit()
    world.ids["run_id"] = run.id
    world.ids["artifact_id"] = db.session.scalars(db.select(JobArtifact.id)).one()


def _mail(world: World, made: dict, letter: str) -> None:
    facilitateur = accounts.user_by_email(world.facilitateur_email)
    made["message"] = message = mail_api.send(
        world.facilitateur_email,
        f"Relance {letter.upper()}",
        "Bonjour,\nUne échéance approche.",
        "reminder",
        attachments=[("echeances.csv", "text/csv", b"echeance;date\n")],
    )
    mail_api.set_reminders(ACTOR, facilitateur.id, True)
    world.ids["mail_id"] = message.id
    world.ids["attachment_id"] = mail_api.attachments_of(message.id)[0].id


def _participant(world: World, made: dict, letter: str) -> None:
    prescripteur = partenaires.create(
        ACTOR, f"Mission Locale {letter}", "prescripteur", None, "mission_locale"
    )
    made["participant"] = participant = participants.create(
        ACTOR, f"Durand-{letter}", "Camille", date(1995, 4, 2), "F", referent_organisation_id=prescripteur.id
    )
    participants.add_prescription(ACTOR, participant, prescripteur.id, clock.today(), "Fiche de liaison")
    if world.prescriber_email:  # once: add_rows makes more participants without a user
        user = UserFactory(email=world.prescriber_email)
        memberships.invite_member(ACTOR, user.email, user.display_name, "partenaire", prescripteur.id)
        db.session.info.pop("on_commit", None)
        world.ids["prescripteur_id"] = prescripteur.id
    eligibility = participants.validate_eligibility(
        ACTOR, participant, [("beneficiaire_rsa", "attestation_caf")], clock.today()
    )
    participants.save_profile(
        ACTOR, participant, ["F1703"], cv=("cv.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
    )
    participants.validate_profile(ACTOR, participant)
    world.ids.update(participant_id=participant.id, eligibility_id=eligibility.id)


def _department(made: dict, letter: str):
    if "department" not in made:
        made["department"] = partenaires.create(ACTOR, f"Département {letter}", "donneur_ordre")
    return made["department"]


def _missions(world: World, made: dict, letter: str) -> None:
    """The participant placed on the lot, a statement of this month with a proof, validated under
    the default rules while a mutualisation shares the lot's hours with a lot of another buyer."""
    department, lot, organisation = _department(made, letter), made["lot"], made["organisation"]
    other = marches.create_marche(
        ACTOR,
        {
            "donneur_ordre_id": department.id,
            "reference": f"M-{letter.upper()}-2025-002",
            "object": "Entretien des routes",
            "considerations": ["clause_execution"],
        },
    )
    other_lot = marches.create_lot(
        ACTOR,
        other,
        {
            "number": "1",
            "object": "Voirie",
            "attributaire_id": organisation.id,
            "obligation_mode": "fixed",
            "fixed_hours": Decimal("400"),
        },
    )
    agreement = heures.create_agreement(
        ACTOR,
        f"Mutualisation {letter}",
        clock.today().replace(day=1),
        None,
        "pro_rata",
        [(lot.id, None), (other_lot.id, None)],
    )
    mission = parcours.place(
        ACTOR,
        made["participant"].id,
        organisation.id,
        lot.id,
        "mise_a_disposition",
        "cdd",
        clock.today(),
        Decimal("35"),
        end_date=clock.today() + relativedelta(months=6),
        trial_end_date=clock.today() + relativedelta(months=1),
    )
    # one day's hours: the mission starts today, maybe the last day of the month (a Sunday)
    statement = heures.declare(
        ACTOR, mission.id, clock.today().replace(day=1), Decimal("7"), confirm_over_contract=True
    )
    proof = heures.attach_proof(ACTOR, statement, "releve.png", "image/png", PNG)
    heures.validate(ACTOR, statement)
    world.ids.update(
        mission_id=mission.id,
        follow_up_id=parcours.follow_ups_of(mission.id)[0].id,
        statement_id=statement.id,
        proof_id=proof.id,
        agreement_id=agreement.id,
        other_marche_id=other.id,
    )


def _comite(world: World, made: dict, letter: str) -> None:
    organisation, buyer = made["organisation"], made["buyer"]
    committee_convention = conventions.create(
        ACTOR,
        {
            **convention_seeds.seed_004(
                buyer.id, organisation.id, date(2025, 1, 1), f"COMITE-{letter.upper()}"
            ),
            "obligations": [
                {
                    "responsible_id": organisation.id,
                    "nature": "meeting",
                    "category": "comite_suivi",
                    "cadence": "semiannual",
                }
            ],
        },
    )
    meeting = comites.plan_meeting(
        ACTOR,
        "comite_suivi",
        f"Comité de suivi {letter.upper()}",
        date(2025, 6, 30),
        convention_ids=[committee_convention.id],
        invited_ids=[organisation.id, buyer.id],
    )
    comites.hold_meeting(ACTOR, meeting, "Relevé des heures présenté.", [(organisation.id, "La directrice")])
    decision = comites.add_decision(
        ACTOR, meeting, "Transmettre le tableau de suivi", organisation.id, date(2025, 9, 30)
    )
    world.ids.update(meeting_id=meeting.id, decision_id=decision.id)


def _convention(world: World, made: dict, letter: str) -> None:
    """Seed 003 between the Département and the buyer as guichet, signed a year and a half ago
    (renewed once), with a document, an avenant, a receipt, a payment, an objection, a reminder sent."""
    department = _department(made, letter)
    notified = clock.today() - relativedelta(months=18)
    convention = conventions.create(
        ACTOR, convention_seeds.seed_003(department.id, made["buyer"].id, notified, "0.8", letter.upper())
    )
    document = conventions.add_document(
        ACTOR,
        convention,
        "signed",
        "Convention signée",
        "convention.pdf",
        "application/pdf",
        b"%PDF-1.4\n%%EOF\n",
    )
    conventions.amend(
        ACTOR,
        convention,
        {
            "signed_on": notified + relativedelta(months=11),
            "effective_from": notified + relativedelta(months=12),
            "summary": "Mise à jour de l'objet",
            "object": "Coopération sur les clauses sociales (objet précisé)",
        },
    )
    conventions.renew_due(ACTOR)
    occurrence = db.session.scalars(
        db.select(Occurrence).where(Occurrence.convention_id == convention.id).order_by(Occurrence.due_on)
    ).first()
    conventions.record_receipt(ACTOR, occurrence, occurrence.due_on)
    first_instalment = conventions.instalments(convention_id=convention.id)[0]
    conventions.record_payment(ACTOR, first_instalment.line, 1, first_instalment.due_on)
    conventions.object_to_renewal(
        ACTOR, convention, {"party_id": department.id, "received_on": clock.today()}
    )
    db.session.execute(
        db.insert(Reminder).values(
            tenant_id=world.tenant_id,
            occurrence_id=occurrence.id,
            user_id=accounts.user_by_email(world.facilitateur_email).id,
            kind="late",
            mail_id=made["message"].id,
        )
    )
    world.ids.update(
        convention_id=convention.id,
        document_id=document.id,
        occurrence_id=occurrence.id,
        line_id=first_instalment.line.id,
        commitment_id=first_instalment.commitment.id,
        obligation_id=occurrence.obligation_id,
        period_no=1,
    )


def _bilan(world: World, made: dict, letter: str) -> None:
    """The execution bilan of the buyer's marchés this year: the guichet and the buyer read it."""
    year = bilans.Period.of("annee", clock.today().year)
    produced = bilans.produce("execution", "donneur_ordre", made["buyer"].id, year, ACTOR)
    other = bilans.produce("execution", "marche", world.ids["other_marche_id"], year, ACTOR)
    buyer_user = accounts.user_by_email(world.buyer_email)
    assert buyer_user is not None
    schedule = sending.create_schedule(
        ACTOR, "execution", "donneur_ordre", made["buyer"].id, "mensuel", buyer_user.id
    )
    sending.run_due(clock.today(), world.slug, f"Territoire {letter.upper()}")  # last month's, sent
    several_years = bilans.Period.between(date(2020, 1, 1), date(2025, 12, 31))
    production = bilans.produce_later("annuel", "territoire", None, several_years, ACTOR)
    db.session.info.pop("on_commit", None)  # not sent to the queue: done, as a worker leaves it
    production.status, production.progress, production.result = "finished", 100, {"bilan_id": produced.id}
    world.ids.update(
        bilan_id=produced.id, other_bilan_id=other.id, schedule_id=schedule.id, production_id=production.id
    )


def _report(world: World, made: dict, letter: str) -> None:
    """This month's report to the tenant's Département, pushed (received) through the local
    transport: the territory's outbox row and the Département's received report."""
    member = federation_outbox.membership(world.federation_id)
    assert member is not None, "the tenant belongs to its federation"
    post = funding.add_post(
        ACTOR, world.federation_id, "Chargé de mission clauses", "0.8", date(2025, 1, 1), None
    )
    funding.add_piece(ACTOR, post, clock.today().year, "fiche_poste", "fiche.pdf", PDF)
    world.ids["post_id"] = post.id
    report = federation_outbox.prepare(member, "mois", clock.today().replace(day=1), ACTOR)
    assert report is not None
    db.session.info.pop("on_commit", None)  # pushed here, as a worker would: its run is done
    for run in db.session.scalars(select(JobRun).where(JobRun.kind == federation_outbox.PUSH_KIND)):
        run.status, run.progress = "finished", 100
    report_id = report.id
    db.session.commit()
    assert federation_outbox.push(report_id)["envoye"], "the local receiver takes the report"
    db.session.remove()  # the federation's scope applies from the next transaction
    with context.scoped(platform=True):  # the territory covers Niort
        db.session.execute(
            text("UPDATE tenants SET communes_insee = '{79191}' WHERE id = :t"), {"t": world.tenant_id}
        )
        db.session.commit()
        db.session.remove()
    with context.scoped(None, federation_id=world.federation_id):  # the Département's own marché
        marche = handover.create_marche(world.federation_id, f"D{letter.upper()}-1", "Collège", None, None)
        lot = handover.add_lot(marche, "1", "Gros œuvre", "350", "79191")
        world.ids.update(federation_marche_id=marche.id, federation_lot_id=lot.id)
        db.session.commit()
        db.session.remove()
    tenants_api.enter_tenant(world.tenant_id, None)
    assert federation_outbox.pull_lots(member, ACTOR) == 1  # received in the territory's workspace
    world.ids.update(report_id=report_id, federation_id=world.federation_id)


#: the steps in the order they run, each with the traits it stands on.
STEPS = {
    "marches": (_marches, ()),
    "members": (_members, ("marches",)),
    "run": (_run, ("members",)),
    "mail": (_mail, ("members",)),
    "participant": (_participant, ()),
    "missions": (_missions, ("marches", "participant")),
    "comite": (_comite, ("marches",)),
    "convention": (_convention, ("marches", "mail")),
    "bilan": (_bilan, ("missions", "members")),
    "report": (_report, ("missions",)),
    "rival": (_rival, ("missions", "members")),
    "portal": (_portal, ("missions",)),
    "privacy": (_privacy, ("participant",)),
}


def _with_prerequisites(asked: set[str]) -> set[str]:
    wanted = set(asked)
    while True:
        more = {needed for step in wanted for needed in STEPS[step][1]} - wanted
        if not more:
            return wanted
        wanted |= more


class TenantFactory(factory.Factory):
    """A tenant ``territoire-<letter>`` of the federation ``code``, and what its traits ask for."""

    class Meta:
        model = World

    letter = "a"
    code = factory.Sequence(lambda n: f"{10 + n}")
    marches = members = run = mail = participant = missions = comite = convention = bilan = rival = portal = (
        False
    )
    privacy = False

    class Params:
        full = factory.Trait(**dict.fromkeys(STEPS, True))

    @classmethod
    def _create(cls, model_class, letter, code, **traits):
        world = _tenant(letter, code)
        wanted = _with_prerequisites({name for name, on in traits.items() if on})
        made: dict = {}
        with context.scoped(world.tenant_id):
            tenants_api.enter_tenant(world.tenant_id, None)
            for name, (step, _) in STEPS.items():
                if name in wanted:
                    step(world, made, letter)
                    db.session.commit()
        db.session.remove()
        return world


def _tenant(letter: str, code: str) -> World:
    """The tenant, its federation, its logo and a coordinator of the federation."""
    slug = f"territoire-{letter}"
    with context.scoped(platform=True):
        federation = memberships.create_federation(ACTOR, code, f"Département {code}")
        tenant = memberships.create_tenant(ACTOR, slug, f"Territoire {letter.upper()}", "agglomeration")
        memberships.update_tenant(ACTOR, tenant, federation_ids=[federation.id])
        tenant.logo, tenant.logo_mimetype = PNG, "image/png"
        coordinator = UserFactory(email=f"coord-{letter}@exemple.fr", name=f"Coordinatrice {letter}")
        memberships.invite_coordinator(ACTOR, federation, coordinator.email, coordinator.display_name)
        db.session.commit()
        return World(
            tenant.id,
            slug,
            federation.code,
            federation.id,
            f"admin-{letter}@exemple.fr",
            f"facil-{letter}@exemple.fr",
            f"partner-{letter}@exemple.fr",
            coordinator.email,
            f"buyer-{letter}@exemple.fr",
            f"rival-{letter}@exemple.fr",
            f"prescriber-{letter}@exemple.fr",
        )


def _placement(world: World, made: dict, letter: str) -> None:
    """The participant placed on the tenant's lot, with a validated statement of this month."""
    mission = parcours.place(
        ACTOR,
        made["participant"].id,
        made["organisation"].id,
        made["lot"].id,
        "mise_a_disposition",
        "cdd",
        clock.today(),
        Decimal("35"),
        end_date=clock.today() + relativedelta(months=6),
    )
    statement = heures.declare(
        ACTOR, mission.id, clock.today().replace(day=1), Decimal("7"), confirm_over_contract=True
    )
    heures.attach_proof(ACTOR, statement, "releve.png", "image/png", PNG)
    heures.validate(ACTOR, statement)


def add_rows(app, world: World, count: int, prefix: str = "n") -> None:
    """``count`` more of what a full tenant's lists show, beside its own objects: each time a
    participant placed on the tenant's lot with a validated statement and its proof, a convention
    with a new Département, and a comité with its convention. The query-counting test compares
    the pages at two rows and at fifty (tests/tenants/test_query_counts.py)."""
    with app.app_context(), context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, None)
        made = {
            "organisation": partenaires.get(world.ids["organisation_id"]),
            "buyer": partenaires.get(world.ids["donneur_ordre_id"]),
            "lot": db.session.scalars(db.select(Lot).where(Lot.id == world.ids["lot_id"])).one(),
            "message": mail_api.get(world.ids["mail_id"]),
        }
        # the world's ids stay its own; its users are not invited again
        scratch = World(**{**world.__dict__, "ids": dict(world.ids), "prescriber_email": ""})
        for index in range(count):
            letter = f"{prefix}{index}"
            made.pop("department", None)
            for step in (_participant, _placement, _comite, _convention):
                step(scratch, made, letter)
            db.session.commit()
        db.session.remove()
