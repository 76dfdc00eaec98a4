"""Shared fixtures: two tenants with one object of every kind each, users, and a logged-in client."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest
from dateutil.relativedelta import relativedelta
from flask.testing import FlaskClient
from structlog.testing import capture_logs

from saas import clock
from saas.accounts import api as accounts
from saas.accounts import memberships, tokens
from saas.accounts.mfa_models import TotpDevice
from saas.audit import api as audit
from saas.comites import api as comites
from saas.conventions import api as conventions
from saas.conventions import seeds as convention_seeds
from saas.conventions.models import Occurrence, Reminder
from saas.db import db
from saas.heures import api as heures
from saas.jobs import api as runs
from saas.jobs.models import JobArtifact
from saas.mail import api as mail_api
from saas.marches import api as marches
from saas.parcours import api as parcours
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context

PASSWORD = "Mot-de-passe-Test-1"
ACTOR = audit.Actor(email="tests")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class World:
    """Ids of what each tenant holds; the cross-tenant tests use them."""

    tenant_id: int
    slug: str
    federation_code: str
    federation_id: int
    admin_email: str
    facilitateur_email: str
    partner_email: str
    coordinator_email: str
    ids: dict[str, int] = field(default_factory=dict)
    #: the clear API token (facilitateur) of the tenant, for the API tests.
    api_token: str = ""


def make_user(email: str, name: str, operator: bool = False):
    user, _ = accounts.find_or_create_user(email, name)
    accounts.set_password(user, PASSWORD)
    user.is_operator = operator
    db.session.flush()
    return user


def build_tenant(letter: str, code: str) -> World:
    """Tenant ``letter`` with an organisation, four members, a finished run with a file, an audit row."""
    slug = f"territoire-{letter}"
    with context.scoped(platform=True):
        federation = memberships.create_federation(ACTOR, code, f"Département {code}")
        tenant = memberships.create_tenant(ACTOR, slug, f"Territoire {letter.upper()}", "agglomeration")
        memberships.update_tenant(ACTOR, tenant, federation_ids=[federation.id])
        tenant.logo, tenant.logo_mimetype = PNG, "image/png"
        coordinator = make_user(f"coord-{letter}@exemple.fr", f"Coordinatrice {letter}")
        memberships.invite_coordinator(ACTOR, federation, coordinator.email, coordinator.display_name)
        db.session.commit()
        world = World(
            tenant.id,
            slug,
            federation.code,
            federation.id,
            f"admin-{letter}@exemple.fr",
            f"facil-{letter}@exemple.fr",
            f"partner-{letter}@exemple.fr",
            coordinator.email,
        )
    with context.scoped(tenant.id):
        tenants_api.enter_tenant(tenant.id, None)
        organisation = partenaires.create(ACTOR, f"SIAE {letter}", "siae_ai", "41234567000019")
        buyer = partenaires.create(ACTOR, f"Ville {letter}", "donneur_ordre")
        # marchés: a dated hourly cost, a marché of the buyer, a formula lot held by the SIAE (833 h),
        # an EA as subcontractor and an invoice figure.
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
        lot = marches.create_lot(
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
        world.ids.update(contact_id=contact.id, token_id=token.id)
        for email, role, org in (
            (world.admin_email, "tenant_admin", None),
            (world.facilitateur_email, "facilitateur", None),
            (world.partner_email, "partenaire", organisation.id),
            (f"buyer-{letter}@exemple.fr", "donneur_ordre", buyer.id),
        ):
            user = make_user(email, email.split("@")[0])
            invitation = memberships.invite_member(ACTOR, email, user.display_name, role, org)
            world.ids[f"membership_{role}"] = invitation.membership_id
        admin = accounts.user_by_email(world.admin_email)
        run = runs.request_run("audit_export", {"fmt": "csv", "filters": {}}, admin.id)
        db.session.flush()
        runs.attach_file(run.id, "journal.csv", "text/csv", b"a;b\n")
        run.status, run.progress, run.result = "finished", 100, {"artifact_id": 1}
        audit.record("demo.loaded", ACTOR)
        db.session.info.pop("on_commit", None)  # the fixture's run is not sent to the queue
        db.session.commit()
        world.ids.update(organisation_id=organisation.id, run_id=run.id)
        world.ids["artifact_id"] = db.session.scalars(db.select(JobArtifact.id)).one()
        # mail: a reminder kept in the mailbox, and the facilitateur's notification preference.
        facilitateur = accounts.user_by_email(world.facilitateur_email)
        message = mail_api.send(
            world.facilitateur_email,
            f"Relance {letter.upper()}",
            "Bonjour,\nUne échéance approche.",
            "reminder",
        )
        mail_api.set_reminders(ACTOR, facilitateur.id, True)
        db.session.commit()
        world.ids["mail_id"] = message.id
        # participants: a participant sent by a prescripteur, eligible, with a validated CV profile.
        prescripteur = partenaires.create(
            ACTOR, f"Mission Locale {letter}", "prescripteur", None, "mission_locale"
        )
        participant = participants.create(ACTOR, f"Durand-{letter}", "Camille", date(1995, 4, 2), "F")
        participants.add_prescription(ACTOR, participant, prescripteur.id, clock.today(), "Fiche de liaison")
        eligibility = participants.validate_eligibility(
            ACTOR, participant, [("beneficiaire_rsa", "attestation_caf")], clock.today()
        )
        participants.save_profile(
            ACTOR, participant, ["F1703"], cv=("cv.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
        )
        participants.validate_profile(ACTOR, participant)
        db.session.commit()
        world.ids.update(participant_id=participant.id, eligibility_id=eligibility.id)
        # missions et heures: the participant placed on the lot, a statement of this month with a
        # proof, validated under the default rules while a mutualisation shares the lot's hours
        # with a lot of another donneur d'ordre.
        department = partenaires.create(ACTOR, f"Département {letter}", "donneur_ordre")
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
            participant.id,
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
        db.session.commit()
        world.ids.update(
            mission_id=mission.id,
            follow_up_id=parcours.follow_ups_of(mission.id)[0].id,
            statement_id=statement.id,
            proof_id=proof.id,
            agreement_id=agreement.id,
        )
        # comités: a comité de suivi of a convention, held, with the SIAE present and a decision.
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
        comites.hold_meeting(
            ACTOR, meeting, "Relevé des heures présenté.", [(organisation.id, "La directrice")]
        )
        decision = comites.add_decision(
            ACTOR, meeting, "Transmettre le tableau de suivi", organisation.id, date(2025, 9, 30)
        )
        db.session.commit()
        world.ids.update(meeting_id=meeting.id, decision_id=decision.id)
        # conventions: seed 003 between the Département and the buyer as guichet, signed a year and
        # a half ago (renewed once), with a document, an avenant, a receipt, a payment, an
        # objection and a reminder sent.
        notified = clock.today() - relativedelta(months=18)
        convention = conventions.create(
            ACTOR, convention_seeds.seed_003(department.id, buyer.id, notified, "0.8", letter.upper())
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
                tenant_id=tenant.id,
                occurrence_id=occurrence.id,
                user_id=facilitateur.id,
                kind="late",
                mail_id=message.id,
            )
        )
        db.session.commit()
        world.ids.update(
            convention_id=convention.id,
            document_id=document.id,
            occurrence_id=occurrence.id,
            line_id=first_instalment.line.id,
            commitment_id=first_instalment.commitment.id,
            obligation_id=occurrence.obligation_id,
            period_no=1,
        )
    db.session.remove()
    return world


@pytest.fixture
def two_tenants(app):
    with app.app_context():
        a = build_tenant("a", "79")
        b = build_tenant("b", "93")
        with context.scoped(platform=True):
            make_user("operateur@exemple.fr", "Opérateur", operator=True)
            db.session.commit()
        db.session.remove()
    return a, b


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(client, url: str = "/connexion") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {url}"
    return VALUE.search(match.group(0)).group(1)


def login(client, email: str, password: str = PASSWORD, follow: bool = False, next_url: str | None = None):
    """Log in as a person would: the password, then the second factor when it applies (enrolling
    at the first login of a role that requires it). Returns the last response of the login."""
    token = csrf_token(client)
    response = client.post(
        "/connexion" + (f"?{urlencode({'next': next_url})}" if next_url else ""),
        data={"email": email, "password": password, "csrf_token": token},
    )
    step = urlsplit(response.headers.get("Location", "")).path if response.status_code == 302 else None
    if step == "/connexion/verification":
        response = pass_second_step(client, totp_code(client.application, email))
    elif step == "/connexion/activation":
        response = enrol_at_login(client)[0]
    if follow and response.status_code == 302:
        response = client.get(response.headers["Location"], follow_redirects=True)
    return response


SECRET = re.compile(r'id="cle-secrete">([A-Z2-7 ]+)<')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def enrol_at_login(client):
    """Scan the QR code (read the key shown for manual entry), confirm with a first code, note the
    recovery codes and continue. Returns the last response, the secret and the recovery codes."""
    page = client.get("/connexion/activation").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    token = VALUE.search(CSRF.search(page).group(0)).group(1)
    codes_page = client.post(
        "/connexion/activation", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    ).get_data(as_text=True)
    recovery = RECOVERY.findall(codes_page)
    assert len(recovery) == 10, codes_page
    token = VALUE.search(CSRF.search(codes_page).group(0)).group(1)
    return client.post("/connexion/activation/terminer", data={"csrf_token": token}), secret, recovery


def pass_second_step(client, code: str):
    token = csrf_token(client, "/connexion/verification")
    return client.post("/connexion/verification", data={"code": code, "csrf_token": token})


def totp_code(app, email: str) -> str:
    """The current code of the person's authenticator.

    Tests log the same person in several times a minute, which the replay rule refuses (one code
    per 30-second step): the helper first moves the memory of the last step used back, as if the
    previous login were 30 seconds older. The rule itself is proven in tests/blueprints/test_mfa.py.
    """
    with app.app_context():
        device = db.session.get(TotpDevice, accounts.user_by_email(email).id)
        totp = pyotp.TOTP(device.secret)
        current = totp.timecode(clock.now())
        if device.last_step is not None and device.last_step >= current:
            device.last_step = current - 1
            db.session.commit()
        code = totp.generate_otp(current)
        db.session.remove()
    return code


class HttpsClient(FlaskClient):
    """Session cookies are Secure: talk to the app over HTTPS, as a browser would (with the
    Referer that Flask-WTF checks on HTTPS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_REFERER"] = "https://localhost/"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = HttpsClient
    return app.test_client()


@pytest.fixture
def client_factory(app):
    app.test_client_class = HttpsClient
    return app.test_client


#: the links the service mails to a person (a token of at least 20 characters in a known path).
ACCOUNT_LINK = re.compile(
    r"https?://[^/\s]+(/(?:invitation|mot-de-passe/nouveau|connexion/deblocage)/([\w-]{20,}))"
)


@contextmanager
def issued_links():
    """The paths of every account link written to the server log while the block runs (the
    embedded default delivers account messages there), in order."""
    paths: list[str] = []
    with capture_logs() as logs:
        yield paths
    for entry in logs:
        if entry.get("event") == "mail.account_message":
            paths.extend(path for path, _ in ACCOUNT_LINK.findall(str(entry.get("body", ""))))
