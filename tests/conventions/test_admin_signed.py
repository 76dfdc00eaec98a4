"""The conventions pages of the tenant admin console, once signed: an avenant and the terms in
force on each side of its date; the money table of the fixture's convention and recording a
payment; the audited download of a document."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select

from saas import clock
from saas.conventions import api as conventions
from saas.conventions.models import (
    Payment,
)
from saas.db import db
from tests.builders import audit_rows, in_scope
from tests.conventions.admin_pages import (
    csv_rows,
    post_prefixed,
    signed_convention,
)
from tests.fixtures import csrf_token, login
from tests.web import text_of


def test_an_avenant_makes_version_1_and_each_date_shows_its_terms(app, two_tenants, client):
    a, _ = two_tenants
    start = clock.today() - timedelta(days=100)
    effective = clock.today() + timedelta(days=10)
    convention_id, monthly_id, _ = signed_convention(app, a, start)
    login(client, a.admin_email)
    page_url = f"/t/{a.slug}/admin/conventions/{convention_id}"
    assert "Relevés d'heures le 10 du mois suivant" in text_of(client.get(page_url), collapse=True)
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
    assert sent.status_code == 302, text_of(sent, collapse=True)
    done = text_of(client.get(sent.headers["Location"]), collapse=True)
    assert "L'avenant n° 1 est enregistré" in done
    assert "Relevés trimestriels au lieu de mensuels" in done  # the history of versions

    versions = in_scope(
        app, a, lambda: [(v.number, v.effective_from) for v in conventions.versions_of(convention_id)]
    )
    assert versions == [(0, start), (1, effective)]

    _terms_on_each_side_of_the_avenant(client, page_url, effective)

    refused = post_prefixed(
        client,
        page_url + "/avenants",
        "avenant",
        {"signed_on": clock.today().isoformat(), "effective_from": start.isoformat(), "summary": "Trop tôt"},
        page_url,
    )
    assert refused.status_code == 400
    assert "Prend effet le : Un avenant prend effet après les termes précédents" in text_of(
        refused, collapse=True
    )
    assert in_scope(app, a, lambda: len(conventions.versions_of(convention_id))) == 2


def _terms_on_each_side_of_the_avenant(client, page_url: str, effective: date) -> None:
    def terms_shown(day: date) -> str:
        """The page at ``day``, up to the history of versions (the terms in force, not the forms)."""
        return text_of(client.get(page_url + f"?date={day.isoformat()}"), collapse=True).split(
            "Historique des versions"
        )[0]

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


def test_the_money_table_shows_the_instalments_and_records_a_payment(
    app, two_tenants, client, superuser_engine
):
    """The fixture's seed-003 convention, notified 18 months ago: 15 000 € × 0,8 post a year, 40 %
    at the start of each year and 60 % at its end on the four pieces."""
    a, _ = two_tenants
    convention_id, line_40 = a.ids["convention_id"], a.ids["line_id"]
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/echeancier"
    page = text_of(client.get(url + f"?convention={convention_id}"), collapse=True)
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
    late = text_of(client.get(url + "?statut=late"), collapse=True)
    assert "Enregistrer le paiement" in late and "4 800,00 €" in late

    _pay_through_the_table(app, a, client, url, table)
    assert len(audit_rows(superuser_engine, "payment.recorded")) == 3  # a's and b's fixture, and this one


def _pay_through_the_table(app, a, client, url: str, table) -> None:
    """A payment refused on an instalment waiting for its pieces, then one recorded."""
    convention_id, line_40 = a.ids["convention_id"], a.ids["line_id"]
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
    assert "Échéance non exigible : pièces attendues — Bilan d'activité" in text_of(refused, collapse=True)

    paid = post_prefixed(
        client,
        f"{url}/{line_40}/2/paiement",
        f"paiement-{line_40}-2",
        {"paid_on": clock.today().isoformat(), "reference": "Mandat 2025-118", "amount": "4 800,00"},
        url,
    )
    assert paid.status_code == 302, text_of(paid, collapse=True)
    assert "Le paiement de 4 800,00 €" in text_of(client.get(paid.headers["Location"]), collapse=True)
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


def test_downloading_a_document_is_audited(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    page_url = f"/t/{a.slug}/admin/conventions/{a.ids['convention_id']}"
    assert "Convention signée" in text_of(client.get(page_url), collapse=True)
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
    assert "Seuls les fichiers PDF, PNG et JPEG sont acceptés." in text_of(refused, collapse=True)
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
    assert "Avenant n° 1 signé" in text_of(client.get(page_url), collapse=True)
    assert len(in_scope(app, a, lambda: conventions.documents_of(a.ids["convention_id"]))) == 2
