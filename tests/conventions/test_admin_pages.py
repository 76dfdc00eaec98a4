"""The conventions pages of the tenant admin console: creating a convention through the form and
finding it in the list with its next term and last day to object; form errors in French that write
nothing; an avenant and the terms in force on each side of its date; the money table of the
fixture's convention and recording a payment; the audited download of a document; the rule
settings of the conventions; and the facilitateur kept out."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from saas import clock
from saas import settings as rule_settings
from saas.conventions import api as conventions
from saas.conventions.models import (
    Convention,
    ConventionParty,
    ConventionTerms,
    Obligation,
    Payment,
)
from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import ACTOR, csrf_token, login


def text_of(response) -> str:
    """The page as a reader sees it: entities decoded, any run of spaces (French narrow ones too)
    as one plain space."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", html.unescape(response.get_data(as_text=True)))


def post(client, url, data, page=None, **kwargs):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)}, **kwargs)


def post_prefixed(client, url, prefix, data, page, **kwargs):
    """Post one of the prefixed forms of a page (``avenant-summary``…)."""
    token = csrf_token(client, page)
    values = {f"{prefix}-{key}": value for key, value in data.items()}
    return client.post(url, data={**values, f"{prefix}-csrf_token": token}, **kwargs)


def in_scope(app, world, action):
    """Run ``action()`` in ``world``'s tenant and commit; ``action`` returns plain values."""
    with app.app_context(), context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, None)
        result = action()
        db.session.commit()
        db.session.remove()
    return result


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    content = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.DictReader(io.StringIO(content), delimiter=";"))


def audit_rows(superuser_engine, action: str) -> list:
    with superuser_engine.connect() as conn:
        return conn.execute(
            text("SELECT tenant_id, actor_email, target_id FROM audit_log WHERE action = :action"),
            {"action": action},
        ).all()


@pytest.fixture
def today(monkeypatch):
    """Pin the service's today: ``today.set(date)``."""

    class Pin:
        def set(self, day: date) -> None:
            monkeypatch.setattr(clock, "today", lambda: day)

    return Pin()


def seed_004_form(world, reference: str = "COOP-2025", **changes) -> dict:
    """The form of a seed-004-like convention: annual, tacit renewal, 3 months' notice, avenants
    only at renewal, the Ville as guichet and the SIAE as partner."""
    data = {
        "reference": reference,
        "title": "Convention de coopération « Clauses d'insertion dans les marchés »",
        "kind": "cooperation_donneur_ordre",
        "object": "Définir la mise en œuvre opérationnelle du partenariat.",
        "effective_on": "2025-02-01",
        "signed_on": "2025-02-01",
        "signed_at_place": "Arles",
        "duration_kind": "tacit",
        "period_months": "12",
        "max_renewals": "",
        "notice_months": "3",
        "objecting_party_id": "",
        "amendments_at_renewal_only": "y",
        "party_0_organisation_id": str(world.ids["donneur_ordre_id"]),
        "party_0_role": "porteur",
        "party_0_signatory": "y",
        "party_0_represented_by": "Le Président",
        "party_0_is_guichet": "y",
        "party_1_organisation_id": str(world.ids["organisation_id"]),
        "party_1_role": "partenaire",
        "party_1_signatory": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def counts(app, world) -> tuple[int, int, int]:
    def read():
        return (
            db.session.scalar(select(func.count()).select_from(Convention)),
            db.session.scalar(select(func.count()).select_from(ConventionParty)),
            db.session.scalar(select(func.count()).select_from(ConventionTerms)),
        )

    return in_scope(app, world, read)


def test_a_convention_created_through_the_form_is_listed_with_its_next_term(app, two_tenants, client, today):
    a, _ = two_tenants
    today.set(date(2025, 5, 15))
    login(client, a.admin_email)
    new_url = f"/t/{a.slug}/admin/conventions/nouvelle"
    assert client.get(new_url).status_code == 200
    created = post(client, new_url, seed_004_form(a))
    assert created.status_code == 302, text_of(created)
    page = text_of(client.get(created.headers["Location"]))
    # one year from 1 February 2025: the term is 31 January 2026, the last day to object three
    # months before it, 31 October 2025.
    assert "En cours" in page
    assert "Période 1 du 01/02/2025 au 31/01/2026" in page
    assert "Dernier jour pour dénoncer" in page and "31/10/2025" in page
    assert (
        "Annuelle, reconduite tacitement sans limite ; préavis de 3 mois avant l'échéance ; "
        "chaque partie peut dénoncer ; avenants au seul renouvellement"
    ) in page

    listing_url = f"/t/{a.slug}/admin/conventions/"
    listed = text_of(client.get(listing_url))
    assert "COOP-2025" in listed and "31/01/2026" in listed and "31/10/2025" in listed
    assert "COOP-2025" not in text_of(client.get(listing_url + "?statut=draft"))
    assert "COOP-2025" in text_of(client.get(listing_url + f"?partenaire={a.ids['organisation_id']}"))
    (row,) = [r for r in csv_rows(client.get(listing_url + "?export=csv")) if r["Référence"] == "COOP-2025"]
    assert row["Statut"] == "En cours"
    assert row["Prochaine échéance"] == "31/01/2026" and row["Dernier jour pour dénoncer"] == "31/10/2025"
    assert row["Parties"] == "Ville a, SIAE a"

    def stored():
        convention = db.session.scalar(select(Convention).where(Convention.reference == "COOP-2025"))
        parties = conventions.parties_of(convention.id)
        (terms,) = conventions.versions_of(convention.id)
        return (
            [(p.organisation_id, p.role, p.is_guichet) for p in parties],
            (terms.duration_kind, terms.max_renewals, terms.notice_months, terms.amendments_at_renewal_only),
        )

    parties, terms = in_scope(app, a, stored)
    assert parties == [
        (a.ids["donneur_ordre_id"], "porteur", True),
        (a.ids["organisation_id"], "partenaire", False),
    ]
    assert terms == ("tacit", None, 3, True)


def test_form_errors_are_shown_in_french_and_nothing_is_written(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    new_url = f"/t/{a.slug}/admin/conventions/nouvelle"
    before = counts(app, a)

    missing_reference = post(client, new_url, seed_004_form(a, reference=""))
    assert missing_reference.status_code == 400
    assert "Référence : Indiquez la référence de la convention." in text_of(missing_reference)

    fixed_without_end = post(client, new_url, seed_004_form(a, duration_kind="fixed", end_on=""))
    assert fixed_without_end.status_code == 400
    # the domain's refusal lands on the field it names, in the error summary
    assert "Date de fin : Indiquez la date de fin de la convention." in text_of(fixed_without_end)

    one_party = post(
        client, new_url, seed_004_form(a, party_1_organisation_id="", party_1_role="", party_1_signatory=None)
    )
    assert one_party.status_code == 400
    assert "Une convention lie au moins deux parties." in text_of(one_party)

    twice = post(client, new_url, seed_004_form(a, party_1_organisation_id=str(a.ids["donneur_ordre_id"])))
    assert twice.status_code == 400
    assert "Partie 2 : organisation : Ville a est déjà partie à la convention." in text_of(twice)

    assert counts(app, a) == before


def test_a_draft_is_completed_and_signed_through_the_page_forms(app, two_tenants, client):
    a, _ = two_tenants
    ville, siae = str(a.ids["donneur_ordre_id"]), str(a.ids["organisation_id"])
    start = clock.today().isoformat()
    login(client, a.admin_email)
    created = post(
        client,
        f"/t/{a.slug}/admin/conventions/nouvelle",
        seed_004_form(
            a, reference="DRAFT-1", signed_on="", effective_on=start, amendments_at_renewal_only=None
        ),
    )
    assert created.status_code == 302, text_of(created)
    page_url = created.headers["Location"]
    convention_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    page = text_of(client.get(page_url))
    assert "Non signée" in page and "Brouillon" in page and "Ajouter une obligation" in page

    commitment = {
        "payer_id": ville,
        "payee_id": siae,
        "label": "Participation de la Ville",
        "basis": "fixed",
        "amount": "10 000",
        "recurrence": "each_period",
        "line_0_label": "Acompte au démarrage",
        "line_0_percent": "40",
        "line_0_trigger": "start",
        "line_2_label": "Solde sur bilan",
        "line_2_percent": "50",
        "line_2_trigger": "end",
        "line_2_required_deliverables": "bilan_activite",
    }
    short = post_prefixed(client, page_url + "/engagements", "engagement", commitment, page_url)
    assert short.status_code == 400
    assert "Les échéances doivent totaliser 100 % (elles totalisent 90 %)." in text_of(short)
    too_much = post_prefixed(
        client, page_url + "/engagements", "engagement", {**commitment, "line_2_percent": "150"}, page_url
    )
    assert too_much.status_code == 400
    # the second instalment sent is the third row of the form: the error is on that row
    assert "Échéance 3 : pourcentage : Une échéance ne dépasse pas 100 %." in text_of(too_much)
    added = post_prefixed(
        client, page_url + "/engagements", "engagement", {**commitment, "line_2_percent": "60"}, page_url
    )
    assert added.status_code == 302, text_of(added)

    statements = {
        "responsible_id": siae,
        "recipient_id": ville,
        "category": "releve_heures",
        "cadence": "monthly",
        "label": "Relevés d'heures du mois",
    }
    no_day = post_prefixed(client, page_url + "/obligations", "obligation", statements, page_url)
    assert no_day.status_code == 400
    assert "Jour du mois de l'échéance : Indiquez le jour du mois de l'échéance." in text_of(no_day)
    for data in (
        {**statements, "day_of_month": "10"},
        {"responsible_id": ville, "category": "comite_suivi", "cadence": "semiannual"},
    ):
        done = post_prefixed(client, page_url + "/obligations", "obligation", data, page_url)
        assert done.status_code == 302, text_of(done)
    resource = post_prefixed(
        client,
        page_url + "/moyens",
        "moyen",
        {"provider_id": siae, "label": "Chargée d'insertion", "fte": "0,5"},
        page_url,
    )
    assert resource.status_code == 302, text_of(resource)

    signed = post_prefixed(client, page_url + "/signature", "signature", {"signed_on": start}, page_url)
    assert signed.status_code == 302, text_of(signed)
    page = text_of(client.get(page_url))
    assert "En cours" in page and "Brouillon" not in page and "Ajouter une obligation" not in page
    assert "Chaque mois, le 10 du mois suivant" in page and "Chaque semestre" in page
    assert "0,50 ETP" in page and "10 000,00 €" in page

    def stored():
        obligations = db.session.scalars(
            select(Obligation).where(Obligation.convention_id == convention_id).order_by(Obligation.id)
        )
        return [(o.nature, o.category, o.day_of_month) for o in obligations], [
            (str(i.amount), i.status) for i in conventions.instalments(convention_id=convention_id)
        ]

    obligations, money = in_scope(app, a, stored)
    assert obligations == [("deliverable", "releve_heures", 10), ("meeting", "comite_suivi", None)]
    assert money == [("4000.00", "payable"), ("6000.00", "waiting")]

    # signed: its terms change only by avenant, said at the top of the page
    late = post_prefixed(
        client, page_url + "/obligations", "obligation", {**statements, "day_of_month": "5"}, page_url
    )
    assert late.status_code == 400
    assert "La convention est signée : toute modification de ses termes passe par un avenant." in text_of(
        late
    )
    assert len(in_scope(app, a, stored)[0]) == 2


def _signed_convention(app, world, signed_on: date) -> tuple[int, int, int]:
    """A signed tacit convention between the Ville (guichet) and the SIAE with two obligations;
    the ids of the convention and of its obligations."""

    def create():
        convention = conventions.create(
            ACTOR,
            {
                "reference": "MAD-TEST",
                "title": "Convention de mise à disposition",
                "kind": "mise_a_disposition",
                "effective_on": signed_on,
                "signed_on": signed_on,
                "object": "Objet d'origine de la convention",
                "duration_kind": "tacit",
                "period_months": 12,
                "notice_months": 0,
                "parties": [
                    {"organisation_id": world.ids["donneur_ordre_id"], "role": "porteur", "is_guichet": True},
                    {"organisation_id": world.ids["organisation_id"], "role": "partenaire"},
                ],
                "obligations": [
                    {
                        "responsible_id": world.ids["organisation_id"],
                        "recipient_id": world.ids["donneur_ordre_id"],
                        "nature": "deliverable",
                        "category": "releve_heures",
                        "cadence": "monthly",
                        "day_of_month": 10,
                        "label": "Relevés d'heures le 10 du mois suivant",
                    },
                    {
                        "responsible_id": world.ids["organisation_id"],
                        "nature": "meeting",
                        "category": "comite_suivi",
                        "cadence": "semiannual",
                        "label": "Comité de suivi semestriel",
                    },
                ],
            },
        )
        monthly, meeting = conventions.terms_in_force(convention).obligations
        return convention.id, monthly.id, meeting.id

    return in_scope(app, world, create)


def test_an_avenant_makes_version_1_and_each_date_shows_its_terms(app, two_tenants, client):
    a, _ = two_tenants
    start = clock.today() - timedelta(days=100)
    effective = clock.today() + timedelta(days=10)
    convention_id, monthly_id, _ = _signed_convention(app, a, start)
    login(client, a.admin_email)
    page_url = f"/t/{a.slug}/admin/conventions/{convention_id}"
    assert "Relevés d'heures le 10 du mois suivant" in text_of(client.get(page_url))
    sent = post_prefixed(
        client,
        page_url + "/avenants",
        "avenant",
        {
            "signed_on": clock.today().isoformat(),
            "effective_from": effective.isoformat(),
            "summary": "Relevés trimestriels au lieu de mensuels",
            "object": "Objet modifié par l'avenant",
            "notice_months": "2",
            "close_obligations": str(monthly_id),
            "obligation_responsible_id": str(a.ids["organisation_id"]),
            "obligation_recipient_id": str(a.ids["donneur_ordre_id"]),
            "obligation_category": "releve_heures",
            "obligation_cadence": "quarterly",
            "obligation_label": "Relevés d'heures chaque trimestre",
            "obligation_offset_days": "10",
        },
        page_url,
    )
    assert sent.status_code == 302, text_of(sent)
    done = text_of(client.get(sent.headers["Location"]))
    assert "L'avenant n° 1 est enregistré" in done
    assert "Relevés trimestriels au lieu de mensuels" in done  # the history of versions

    versions = in_scope(
        app, a, lambda: [(v.number, v.effective_from) for v in conventions.versions_of(convention_id)]
    )
    assert versions == [(0, start), (1, effective)]

    def terms_shown(day: date) -> str:
        """The page at ``day``, up to the history of versions (the terms in force, not the forms)."""
        return text_of(client.get(page_url + f"?date={day.isoformat()}")).split("Historique des versions")[0]

    before = terms_shown(clock.today())
    assert "Termes signés, en vigueur depuis le" in before
    assert "Objet d'origine de la convention" in before and "Objet modifié" not in before
    assert "Relevés d'heures le 10 du mois suivant" in before
    assert "Chaque mois, le 10 du mois suivant" in before
    assert "Relevés d'heures chaque trimestre" not in before
    assert "dénonciation possible jusqu'au jour de l'échéance" in before

    after = terms_shown(effective)
    assert "Termes de l'avenant n° 1" in after
    assert "Objet modifié par l'avenant" in after and "Objet d'origine" not in after
    assert "Relevés d'heures chaque trimestre" in after
    assert "Chaque trimestre, 10 jours après" in after
    assert "Relevés d'heures le 10 du mois suivant" not in after
    assert "Comité de suivi semestriel" in after  # not closed: still in force
    assert "préavis de 2 mois avant l'échéance" in after

    refused = post_prefixed(
        client,
        page_url + "/avenants",
        "avenant",
        {"signed_on": clock.today().isoformat(), "effective_from": start.isoformat(), "summary": "Trop tôt"},
        page_url,
    )
    assert refused.status_code == 400
    assert "Prend effet le : Un avenant prend effet après les termes précédents" in text_of(refused)
    assert in_scope(app, a, lambda: len(conventions.versions_of(convention_id))) == 2


def test_the_money_table_shows_the_instalments_and_records_a_payment(
    app, two_tenants, client, superuser_engine
):
    """The fixture's seed-003 convention, notified 18 months ago: 15 000 € × 0,8 post a year, 40 %
    at the start of each year and 60 % at its end on the four pieces."""
    a, _ = two_tenants
    convention_id, line_40 = a.ids["convention_id"], a.ids["line_id"]
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/echeancier"
    page = text_of(client.get(url + f"?convention={convention_id}"))
    assert "4 800,00 €" in page and "7 200,00 €" in page
    assert "Bilan d'activité, Bilan financier, Bulletins de salaire, Fiche de poste" in page

    def table() -> list[tuple]:
        rows = csv_rows(client.get(url + f"?convention={convention_id}&export=csv"))
        return sorted((r["Période"], r["Pourcentage"], r["Montant"], r["Statut"], r["Payé le"]) for r in rows)

    first_paid = in_scope(
        app, a, lambda: db.session.scalar(select(Payment.paid_on).where(Payment.line_id == line_40))
    )
    assert table() == [
        ("1", "40,00", "4800,00", "Payé", first_paid.strftime("%d/%m/%Y")),
        ("1", "60,00", "7200,00", "En attente des pièces", ""),
        ("2", "40,00", "4800,00", "En retard de paiement", ""),
        ("2", "60,00", "7200,00", "En attente des pièces", ""),
    ]
    late = text_of(client.get(url + "?statut=late"))
    assert "Enregistrer le paiement" in late and "4 800,00 €" in late

    # an instalment waiting for its pieces cannot be paid: refused, nothing written
    line_60 = in_scope(
        app,
        a,
        lambda: next(
            i.line.id for i in conventions.instalments(convention_id=convention_id) if i.line.percent == 60
        ),
    )
    refused = post_prefixed(
        client,
        f"{url}/{line_60}/1/paiement",
        f"paiement-{line_60}-1",
        {"paid_on": clock.today().isoformat()},
        url,
    )
    assert refused.status_code == 400
    assert "Échéance non exigible : pièces attendues — Bilan d'activité" in text_of(refused)

    paid = post_prefixed(
        client,
        f"{url}/{line_40}/2/paiement",
        f"paiement-{line_40}-2",
        {"paid_on": clock.today().isoformat(), "reference": "Mandat 2025-118", "amount": "4 800,00"},
        url,
    )
    assert paid.status_code == 302, text_of(paid)
    assert "Le paiement de 4 800,00 €" in text_of(client.get(paid.headers["Location"]))
    assert ("2", "40,00", "4800,00", "Payé", clock.today().strftime("%d/%m/%Y")) in table()
    payments = in_scope(
        app,
        a,
        lambda: [
            (p.line_id, p.period_no, str(p.amount), p.reference)
            for p in db.session.scalars(select(Payment).order_by(Payment.period_no))
        ],
    )
    assert payments == [(line_40, 1, "4800.00", None), (line_40, 2, "4800.00", "Mandat 2025-118")]
    assert len(audit_rows(superuser_engine, "payment.recorded")) == 3  # a's and b's fixture, and this one


def test_downloading_a_document_is_audited(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    page_url = f"/t/{a.slug}/admin/conventions/{a.ids['convention_id']}"
    assert "Convention signée" in text_of(client.get(page_url))
    download = client.get(f"{page_url}/documents/{a.ids['document_id']}")
    assert download.status_code == 200
    assert download.data == b"%PDF-1.4\n%%EOF\n"
    assert download.headers["Content-Disposition"].startswith('attachment; filename="convention.pdf"')
    assert [
        (r.tenant_id, r.actor_email, r.target_id)
        for r in audit_rows(superuser_engine, "convention.document_read")
    ] == [(a.tenant_id, a.admin_email, str(a.ids["document_id"]))]

    token = csrf_token(client, page_url)
    refused = client.post(
        page_url + "/documents",
        data={
            "document-csrf_token": token,
            "document-kind": "annex",
            "document-file": (io.BytesIO(b"texte"), "notes.txt", "text/plain"),
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "Seuls les fichiers PDF, PNG et JPEG sont acceptés." in text_of(refused)
    added = client.post(
        page_url + "/documents",
        data={
            "document-csrf_token": token,
            "document-kind": "avenant",
            "document-title": "Avenant n° 1 signé",
            "document-file": (io.BytesIO(b"%PDF-1.4\n1\n%%EOF\n"), "avenant-1.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    assert "Avenant n° 1 signé" in text_of(client.get(page_url))
    assert len(in_scope(app, a, lambda: conventions.documents_of(a.ids["convention_id"]))) == 2


def test_the_fixture_convention_page_shows_its_standing_objection_and_history(app, two_tenants, client):
    """Seed 003 notified 18 months ago, renewed once, amended at its first anniversary, and objected
    to today by the Département, in time: it ends at the end of its second year."""
    a, _ = two_tenants
    login(client, a.admin_email)
    page = text_of(client.get(f"/t/{a.slug}/admin/conventions/{a.ids['convention_id']}"))
    assert "En cours, dénoncée" in page
    assert "Reçue dans le délai de préavis." in page
    assert "Avenant n° 1" in page and "Mise à jour de l'objet" in page
    assert "Période 2" in page  # the renewal recorded
    assert (
        "Annuelle, reconduite tacitement deux fois au plus ; préavis d'un mois avant l'échéance ; "
        "seul le Département (Département a) peut dénoncer"
    ) in page
    assert "Subvention au poste de facilitateur" in page and "12 000,00 €" in page
    assert "Enregistrer une dénonciation" not in page  # already objected to


def test_the_rule_settings_page_sets_the_conventions_delays(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/parametres/participants"
    base = {
        "prescription_validity_months": "2",
        "eligibility_validity_months": "24",
        "eligibility_anchor": "validation",
    }
    refused = post(client, url, {**base, "payment_delay_days": "0"})
    assert refused.status_code == 400
    assert "Le délai de paiement doit être compris entre 1 et 180 jours." in text_of(refused)
    saved = post(
        client,
        url,
        {
            **base,
            "reminder_days_before": "10",
            "obligation_missing_after_days": "45",
            "payment_delay_days": "60",
        },
    )
    assert saved.status_code == 302
    stored = in_scope(
        app,
        a,
        lambda: [
            rule_settings.get(key)
            for key in ("reminder_days_before", "obligation_missing_after_days", "payment_delay_days")
        ],
    )
    assert stored == [10, 45, 60]
    # with 60 days to pay, the fixture's second 40 % instalment (due six months ago) is still late
    table = csv_rows(client.get(f"/t/{a.slug}/admin/echeancier?statut=late&export=csv"))
    assert [(r["Période"], r["Pourcentage"]) for r in table] == [("2", "40,00")]


def test_a_facilitateur_gets_404_on_the_admin_pages(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    base = f"/t/{a.slug}/admin"
    convention = f"{base}/conventions/{a.ids['convention_id']}"
    for url in (
        f"{base}/conventions/",
        f"{base}/conventions/nouvelle",
        convention,
        f"{convention}/documents/{a.ids['document_id']}",
        f"{base}/echeancier",
    ):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/espaces")
    for url in (
        f"{convention}/avenants",
        f"{convention}/resiliation",
        f"{base}/echeancier/{a.ids['line_id']}/2/paiement",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert audit_rows(superuser_engine, "convention.document_read") == []
    assert audit_rows(superuser_engine, "convention.terminated") == []
