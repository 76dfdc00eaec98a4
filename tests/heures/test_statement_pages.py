"""Hour statement pages: twelve months declared and validated, corrections that supersede,
stale pages that get the conflict message, rejection with a reason, proofs, the list to validate."""

from __future__ import annotations

import html
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from saas.audit.models import AuditEntry
from saas.db import db
from saas.heures import api as heures
from saas.heures.models import Releve
from tests.builders import eligible_participant
from tests.clause_pages import (
    counted,
    declare_through_page,
    expected_version,
    in_scope,
    new_participant,
    place_through_page,
    statement,
    validate_through_page,
)
from tests.fixtures import csrf_token

CONFLICT = "Ce relevé a été modifié entre-temps : rechargez la page."


@pytest.fixture
def mission_id(app, client, site):
    return place_through_page(client, site, new_participant(app, site, "Heures"))


def test_twelve_monthly_statements_declared_and_validated_through_the_pages(app, client, site, mission_id):
    ids = []
    for month in range(1, 13):
        statement_id = declare_through_page(
            client, site, mission_id, f"2025-{month:02d}", "120,5", training_hours="7"
        )
        ids.append(statement_id)
    awaiting = client.get(site.url("/heures/")).get_data(as_text=True)
    assert "Relevés en vigueur (12)" in awaiting
    with in_scope(app, site):
        assert counted(site.world.lots[0]) == 0  # declared is not counted
    for statement_id in ids:
        assert validate_through_page(client, site, statement_id).status_code == 302
    with in_scope(app, site):
        assert {statement(i).status for i in ids} == {"validated"}
        assert counted(site.world.lots[0]) == Decimal("1530.00")  # 12 x (120.5 + 7)
    assert "Relevés en vigueur (0)" in client.get(site.url("/heures/")).get_data(as_text=True)
    assert "Relevés en vigueur (12)" in client.get(site.url("/heures/?statut=validated")).get_data(
        as_text=True
    )
    page = client.get(site.url(f"/heures/{ids[0]}")).get_data(as_text=True)
    assert "version 1 des règles du territoire" in page
    assert "127,50" in page  # counted hours of the month


def test_a_month_is_declared_once_and_a_month_outside_the_mission_is_refused(client, site, mission_id):
    declare_through_page(client, site, mission_id, "2025-03", "100")
    url = site.url(f"/missions/{mission_id}/heures/nouveau")
    twice = client.post(
        url, data={"month": "2025-03", "worked_hours": "10", "csrf_token": csrf_token(client, url)}
    )
    assert twice.status_code == 400
    assert "Un relevé existe déjà pour ce mois" in twice.get_data(as_text=True)
    outside = client.post(
        url, data={"month": "2024-11", "worked_hours": "10", "csrf_token": csrf_token(client, url)}
    )
    assert outside.status_code == 400
    assert "en dehors des dates de la mission" in outside.get_data(as_text=True)
    badly = client.post(
        url, data={"month": "03/2025", "worked_hours": "10", "csrf_token": csrf_token(client, url)}
    )
    assert badly.status_code == 400
    assert "Choisissez le mois dans la liste" in badly.get_data(as_text=True)


def test_a_correction_keeps_the_old_figure_counted_until_it_is_validated(app, client, site, mission_id):
    original = declare_through_page(client, site, mission_id, "2025-04", "100")
    validate_through_page(client, site, original)
    with in_scope(app, site):
        assert counted(site.world.lots[0]) == Decimal("100.00")

    version = expected_version(client, site, original)
    corrected = client.post(
        site.url(f"/heures/{original}/corriger"),
        data={
            "expected_version": version,
            "worked_hours": "80",
            "training_hours": "0",
            "absence_hours": "20",
            "comment": "Arrêt maladie oublié",
            "csrf_token": csrf_token(client, site.url(f"/heures/{original}")),
        },
    )
    assert corrected.status_code == 302
    correction = int(corrected.headers["Location"].rsplit("/", 1)[-1])
    with in_scope(app, site):
        old, new = statement(original), statement(correction)
        assert (old.worked_hours, old.status, old.superseded_at) == (Decimal("100.00"), "validated", None)
        assert (new.worked_hours, new.status, new.supersedes_id) == (Decimal("80.00"), "declared", original)
        # until the correction is validated, the validated figure stays in force and counted
        assert counted(site.world.lots[0]) == Decimal("100.00")
    history = client.get(site.url(f"/heures/{correction}")).get_data(as_text=True)
    assert "100,00" in history and "80,00" in history and "en attente de validation" in history
    old_page = html.unescape(client.get(site.url(f"/heures/{original}")).get_data(as_text=True))
    assert "Une correction de ce relevé attend sa validation" in old_page
    assert "Enregistrer la correction" not in old_page  # one correction at a time

    assert validate_through_page(client, site, correction).status_code == 302
    with in_scope(app, site):
        assert counted(site.world.lots[0]) == Decimal("80.00")
        assert len(heures.statements_of_mission(mission_id)) == 2
        assert statement(original).superseded_at is not None
    old_page = html.unescape(client.get(site.url(f"/heures/{original}")).get_data(as_text=True))
    assert "remplacé par une correction" in old_page and "Valider le relevé" not in old_page


def test_a_stale_page_gets_the_conflict_message_and_changes_nothing(app, client, site, mission_id):
    statement_id = declare_through_page(client, site, mission_id, "2025-05", "100")
    stale = expected_version(client, site, statement_id)  # a second tab opened on the statement
    assert validate_through_page(client, site, statement_id).status_code == 302

    response = client.post(
        site.url(f"/heures/{statement_id}/corriger"),
        data={
            "expected_version": stale,
            "worked_hours": "60",
            "csrf_token": csrf_token(client, site.url(f"/heures/{statement_id}")),
        },
    )
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True).replace("&#39;", "'")
    with in_scope(app, site):
        assert [s.id for s in heures.statements_of_mission(mission_id)] == [statement_id]
        assert statement(statement_id).superseded_at is None
        assert counted(site.world.lots[0]) == Decimal("100.00")


def test_validating_with_a_stale_version_is_refused(app, client, site, mission_id):
    statement_id = declare_through_page(client, site, mission_id, "2025-05", "100")
    current = int(expected_version(client, site, statement_id))
    response = client.post(
        site.url(f"/heures/{statement_id}/valider"),
        data={
            "expected_version": str(current - 1),
            "csrf_token": csrf_token(client, site.url(f"/heures/{statement_id}")),
        },
    )
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True).replace("&#39;", "'")
    with in_scope(app, site):
        assert statement(statement_id).status == "declared"
        assert heures.current_counting(statement_id) is None


def test_rejecting_needs_a_reason(app, client, site, mission_id):
    statement_id = declare_through_page(client, site, mission_id, "2025-06", "100")
    token = csrf_token(client, site.url(f"/heures/{statement_id}"))
    version = expected_version(client, site, statement_id)
    without = client.post(
        site.url(f"/heures/{statement_id}/rejeter"),
        data={"expected_version": version, "rejection_reason": "  ", "csrf_token": token},
    )
    assert without.status_code == 400
    assert "Indiquez le motif du rejet." in without.get_data(as_text=True)
    with in_scope(app, site):
        assert statement(statement_id).status == "declared"

    rejected = client.post(
        site.url(f"/heures/{statement_id}/rejeter"),
        data={"expected_version": version, "rejection_reason": "Heures hors chantier", "csrf_token": token},
    )
    assert rejected.status_code == 302
    with in_scope(app, site):
        assert (statement(statement_id).status, statement(statement_id).rejection_reason) == (
            "rejected",
            "Heures hors chantier",
        )
    assert "Heures hors chantier" in client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True)


def test_a_proof_is_kept_with_the_statement_and_its_download_is_audited(app, client, site, mission_id):
    pdf = b"%PDF-1.4\n1 0 obj\n%%EOF\n"
    statement_id = declare_through_page(
        client, site, mission_id, "2025-07", "100", proof=(io.BytesIO(pdf), "releve-juillet.pdf")
    )
    with in_scope(app, site):
        proof_id = heures.proofs_of(statement_id)[0].id
    page = client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True)
    assert "releve-juillet.pdf" in page
    download = client.get(site.url(f"/justificatifs/{proof_id}"))
    assert download.status_code == 200 and download.data == pdf
    assert "attachment" in download.headers["Content-Disposition"]
    with in_scope(app, site):
        reads = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hours.proof_read")).all()
        assert [(r.target_id, r.details["fichier"]) for r in reads] == [
            (str(statement_id), "releve-juillet.pdf")
        ]

    url = site.url(f"/missions/{mission_id}/heures/nouveau")
    text_file = client.post(
        url,
        data={
            "month": "2025-08",
            "worked_hours": "10",
            "proof": (io.BytesIO(b"bonjour"), "notes.txt"),
            "csrf_token": csrf_token(client, url),
        },
    )
    assert text_file.status_code == 400
    assert "PDF, un PNG ou un JPEG" in text_file.get_data(as_text=True)
    with in_scope(app, site):
        assert db.session.scalars(select(Releve).where(Releve.month >= date(2025, 8, 1))).all() == []


def test_hours_above_the_contract_are_confirmed_on_the_form_and_audited(app, client, site, mission_id):
    """Finding 9.1: 700 h in a month were accepted on a 35 h a week contract."""
    url = site.url(f"/missions/{mission_id}/heures/nouveau")
    data = {
        "month": "2025-07",
        "worked_hours": "700",
        "training_hours": "",
        "absence_hours": "",
        "comment": "",
    }
    refused = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert refused.status_code == 400
    assert "48 h par semaine (Code du travail, art. L3121-20)" in html.unescape(
        refused.get_data(as_text=True)
    )
    data["worked_hours"] = "170"
    unconfirmed = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert unconfirmed.status_code == 400
    page = html.unescape(unconfirmed.get_data(as_text=True))
    assert "plus que les 161 h prévues au contrat pour ce mois" in page and "Je confirme ces heures" in page
    statement_id = declare_through_page(client, site, mission_id, "2025-07", "170", confirm_over_contract="y")
    with in_scope(app, site):
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "hours.over_contract_confirmed")
        ).all()
        assert [entry.target_id for entry in entries] == [str(statement_id)]
    shown = html.unescape(client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True))
    assert "Ce relevé dépasse les 161,00 h prévues au contrat pour ce mois" in shown


def test_the_statement_page_says_what_a_partial_eligibility_counted(app, client, site):
    """Finding 9.3: eligibility validated on the 14th made the whole month count 0, with no word."""
    with in_scope(app, site):
        participant_id = eligible_participant("Tardive", validated_on=date(2025, 3, 14))
        db.session.commit()
    mission_id = place_through_page(
        client, site, participant_id, start_date="2025-03-03", override_reason="Chantier urgent"
    )
    statement_id = declare_through_page(client, site, mission_id, "2025-03", "100")
    assert validate_through_page(client, site, statement_id).status_code == 302
    page = html.unescape(client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True))
    assert "Éligibilité sur le mois" in page
    assert "Éligibilité validée le 14/03/2025 : 18 jours sur 29 comptés, 62,07 h sur 100 h" in page
