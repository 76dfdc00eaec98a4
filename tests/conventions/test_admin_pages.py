"""The conventions pages of the tenant admin console: creating a convention through the form and
finding it in the list with its next term and last day to object; form errors in French that write
nothing; a draft completed and signed through the page forms; the fixture's convention page; the
rule settings of the conventions; and the facilitateur kept out. The pages of a signed convention
(avenant, money, documents) are in ``test_admin_signed``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from saas import clock
from saas import settings as rule_settings
from saas.conventions import api as conventions
from saas.conventions.models import (
    Convention,
    ConventionParty,
    ConventionTerms,
    Obligation,
)
from saas.db import db
from tests.builders import audit_rows, in_scope
from tests.conventions.admin_pages import (
    SectionForm,
    csv_rows,
    post_prefixed,
)
from tests.fixtures import csrf_token, login
from tests.web import post, text_of


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
    assert created.status_code == 302, text_of(created, collapse=True)
    page = text_of(client.get(created.headers["Location"]), collapse=True)
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
    listed = text_of(client.get(listing_url), collapse=True)
    assert "COOP-2025" in listed and "31/01/2026" in listed and "31/10/2025" in listed
    assert "COOP-2025" not in text_of(client.get(listing_url + "?statut=draft"), collapse=True)
    assert "COOP-2025" in text_of(
        client.get(listing_url + f"?partenaire={a.ids['organisation_id']}"), collapse=True
    )
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
    assert "Référence : Indiquez la référence de la convention." in text_of(missing_reference, collapse=True)

    fixed_without_end = post(client, new_url, seed_004_form(a, duration_kind="fixed", end_on=""))
    assert fixed_without_end.status_code == 400
    # the domain's refusal lands on the field it names, in the error summary
    assert "Date de fin : Indiquez la date de fin de la convention." in text_of(
        fixed_without_end, collapse=True
    )

    one_party = post(
        client, new_url, seed_004_form(a, party_1_organisation_id="", party_1_role="", party_1_signatory=None)
    )
    assert one_party.status_code == 400
    assert "Une convention lie au moins deux parties." in text_of(one_party, collapse=True)

    twice = post(client, new_url, seed_004_form(a, party_1_organisation_id=str(a.ids["donneur_ordre_id"])))
    assert twice.status_code == 400
    assert "Partie 2 : organisation : Ville a est déjà partie à la convention." in text_of(
        twice, collapse=True
    )

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
    assert created.status_code == 302, text_of(created, collapse=True)
    page_url = created.headers["Location"]
    convention_id = int(page_url.rstrip("/").rsplit("/", 1)[1])
    page = text_of(client.get(page_url), collapse=True)
    assert "Non signée" in page and "Brouillon" in page and "Ajouter une obligation" in page

    _add_commitment_through_the_page(client, page_url, ville, siae)
    statements = _add_obligations_through_the_page(client, page_url, ville, siae)
    resource = post_prefixed(
        client,
        page_url + "/moyens",
        "moyen",
        {"provider_id": siae, "label": "Chargée d'insertion", "fte": "0,5"},
        page_url,
    )
    assert resource.status_code == 302, text_of(resource, collapse=True)

    signed = post_prefixed(client, page_url + "/signature", "signature", {"signed_on": start}, page_url)
    assert signed.status_code == 302, text_of(signed, collapse=True)
    page = text_of(client.get(page_url), collapse=True)
    assert "En cours" in page and "Brouillon" not in page and "Ajouter une obligation" not in page
    assert "Chaque mois, le 10 du mois suivant" in page and "Chaque semestre" in page
    assert "0,50 ETP" in page and "10 000,00 €" in page
    _signed_draft_changes_only_by_avenant(app, a, client, page_url, convention_id, statements)


def _add_commitment_through_the_page(client, page_url: str, ville: str, siae: str) -> None:
    """Instalments that do not add up to 100 %, one over 100 % (its error on its row), then right."""
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
    commitments = SectionForm(client, page_url, "/engagements", "engagement")
    assert "Les échéances doivent totaliser 100 % (elles totalisent 90 %)." in commitments.refused(commitment)
    too_much = commitments.refused({**commitment, "line_2_percent": "150"})
    # the second instalment sent is the third row of the form: the error is on that row
    assert "Échéance 3 : pourcentage : Une échéance ne dépasse pas 100 %." in too_much
    commitments.accepted({**commitment, "line_2_percent": "60"})


def _add_obligations_through_the_page(client, page_url: str, ville: str, siae: str) -> dict:
    """A monthly obligation refused without its day, then with it, and a meeting; the monthly one."""
    statements = {
        "responsible_id": siae,
        "recipient_id": ville,
        "category": "releve_heures",
        "cadence": "monthly",
        "label": "Relevés d'heures du mois",
    }
    obligations = SectionForm(client, page_url, "/obligations", "obligation")
    no_day = obligations.refused(statements)
    assert "Jour du mois de l'échéance : Indiquez le jour du mois de l'échéance." in no_day
    for data in (
        {**statements, "day_of_month": "10"},
        {"responsible_id": ville, "category": "comite_suivi", "cadence": "semiannual"},
    ):
        obligations.accepted(data)
    return statements


def _signed_draft_changes_only_by_avenant(app, a, client, page_url, convention_id, statements) -> None:
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
        late, collapse=True
    )
    assert len(in_scope(app, a, stored)[0]) == 2


def test_the_fixture_convention_page_shows_its_standing_objection_and_history(app, two_tenants, client):
    """Seed 003 notified 18 months ago, renewed once, amended at its first anniversary, and objected
    to today by the Département, in time: it ends at the end of its second year."""
    a, _ = two_tenants
    login(client, a.admin_email)
    page = text_of(client.get(f"/t/{a.slug}/admin/conventions/{a.ids['convention_id']}"), collapse=True)
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
    assert "Le délai de paiement doit être compris entre 1 et 180 jours." in text_of(refused, collapse=True)
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
