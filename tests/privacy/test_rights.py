"""A person's rights: the export holds every table that mentions them, row for row, as JSON and as
PDF, and is audited; requests are recorded with their deadline; an erasure is carried out through
the anonymisation, or refused with its legal reason while the person is at work."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pypdf
import pytest
from sqlalchemy import func, select, text, update

from saas import clock, formats
from saas.audit import api as audit
from saas.audit.models import AuditEntry
from saas.db import db
from saas.errors import ConflictError, ValidationError
from saas.heures import api as heures
from saas.marches.models import Marche
from saas.participants import api as participants
from saas.participants.models import Participant
from saas.portail import accompaniment
from saas.privacy import requests, retention, rights
from saas.privacy.models import PrivacyRequest
from tenants import context
from tests.builders import built_world, in_world
from tests.fixtures import login
from tests.privacy.people import BIRTH_DATE, FIRST_NAME, LAST_NAME, followed_person, hits_of
from tests.web import post, text_of
from tests.world import ACTOR

#: every table that refers to a participant, directly or through the rows that do
REFERRING = text(
    """
    WITH RECURSIVE referring(name) AS (
        SELECT 'participants'::text
        UNION
        SELECT c.conrelid::regclass::text FROM pg_constraint c JOIN referring r ON c.confrelid::regclass::text = r.name
         WHERE c.contype = 'f' AND c.conrelid::regclass::text <> r.name
    )
    SELECT name FROM referring ORDER BY name
    """
)
#: tables that refer to a participant's rows without holding anything of the person
NOT_ABOUT_THE_PERSON = {"retention_runs"}


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app, "droits")) as world:
        world.ids = followed_person(world)  # type: ignore[attr-defined]
        requests.record(ACTOR, participants.get(world.ids["due"]), "acces", clock.today())
        db.session.flush()
        yield world


def test_the_export_holds_every_table_that_mentions_the_person_row_for_row(scope):
    tables = set(db.session.execute(REFERRING).scalars()) | {"audit_log"}
    covered = {section.table for section in rights.SECTIONS}
    assert tables - NOT_ABOUT_THE_PERSON - covered == set(), "add a section to saas/privacy/rights.py"
    made = rights.export(ACTOR, participants.get(scope.ids["due"]))
    rows = {section.table: rows for section, rows in made.sections}
    for table in covered - {"audit_log"}:
        assert rows[table], f"the person has rows in {table}: the fixture must give her some"
    assert len(rows["hour_statements"]) == 3 and len(rows["statement_proofs"]) == 2
    assert rows["participant_identities"][0]["Nom"] == LAST_NAME
    assert rows["eligibility_criteria"][0]["Critère"] == "Bénéficiaire du RSA"
    assert rows["hour_statements"][0]["Statut"] == "Validé"  # codes in words
    readers = {row["Action"] for row in rows["audit_log"]}
    assert {
        audit.action_label("participant.file_read"),
        audit.action_label("privacy.data_exported"),
    } <= readers


def test_the_export_is_json_and_pdf_from_the_file_and_is_audited(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    participant_id = a.ids["participant_id"]
    before = _exports(client.application, a)
    answer = client.get(f"/t/{a.slug}/participants/{participant_id}/donnees.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    document = json.loads(answer.get_data())
    assert document["format"] == rights.JSON_FORMAT
    assert set(document["sections"]) == {section.key for section in rights.SECTIONS}
    identity = document["sections"]["identite"]["lignes"][0]
    pdf = client.get(f"/t/{a.slug}/participants/{participant_id}/donnees.pdf")
    assert pdf.status_code == 200 and pdf.get_data().startswith(b"%PDF")
    printed = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert identity["Nom"] in printed and "Qui a consulté ou modifié le dossier" in printed
    assert _exports(client.application, a) == before + 2


def _exports(app, world) -> int:
    with app.app_context(), context.scoped(world.tenant_id):
        count = db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "privacy.data_exported")
        )
        db.session.remove()
    return count


def test_an_erasure_is_refused_while_at_work_and_carried_out_otherwise(scope):
    at_work = participants.get(scope.ids["at_work"])
    refused = requests.answer(ACTOR, requests.record(ACTOR, at_work, "effacement", clock.today()), None)
    assert (
        refused.status.value == "refusee" and "mission en cours" in refused.text and "17.3.b" in refused.text
    )
    assert participants.identity_of(at_work.id).last_name == "Témoin"

    person = participants.get(scope.ids["due"])
    waiting = requests.answer(ACTOR, requests.record(ACTOR, person, "effacement", clock.today()), None)
    assert waiting.status.value == "refusee" and "clause sociale du marché M-0" in waiting.text
    assert "CNIL" in waiting.text and "au plus tard le" in waiting.text  # her recourse, and the latest date
    assert participants.identity_of(person.id).last_name == LAST_NAME
    db.session.execute(update(Marche).values(end_date=date(2025, 12, 31)))  # the marchés are over
    request = requests.record(ACTOR, person, "effacement", clock.today())
    may = heures.declare(ACTOR, scope.ids["mission"], date(2025, 5, 1), Decimal(5))
    with pytest.raises(ConflictError, match="attendent la validation"):
        requests.answer(ACTOR, request, None)  # hours to settle first: the request waits
    assert request.status == "ouverte"
    heures.reject(ACTOR, may, "Mission terminée en avril")
    done = requests.answer(ACTOR, request, f"Réponse envoyée par courrier à {FIRST_NAME} {LAST_NAME}.")
    db.session.flush()
    assert done.status.value == "traitee" and "Réponse envoyée par courrier" in done.text
    assert hits_of(LAST_NAME, BIRTH_DATE) == set()
    assert db.session.get(Participant, (scope.tenant_id, person.id)).anonymised_at is not None
    with pytest.raises(ConflictError):
        requests.answer(ACTOR, request, None)  # answered once
    with pytest.raises(ConflictError):
        participants.update(ACTOR, person, last_name="Nouveau")  # an anonymised file never changes
    interview = accompaniment.Record("entretien", clock.today(), "Elle est revenue")
    with pytest.raises(ConflictError):
        accompaniment.record(audit.Actor(email="ml@exemple.fr"), scope.ids["referent"], person, interview)


def test_a_request_is_due_one_month_later_and_other_kinds_need_the_answer_given(scope):
    person = participants.get(scope.ids["due"])
    request = requests.record(ACTOR, person, "rectification", date(2026, 1, 31))
    assert request.due_on == date(2026, 2, 28)
    with pytest.raises(ValidationError) as missing:
        requests.answer(ACTOR, request, "  ")
    assert missing.value.field == "answer"
    with pytest.raises(ValidationError) as future:
        requests.record(ACTOR, person, "acces", clock.today().replace(year=clock.today().year + 1))
    assert future.value.field == "received_on"


def test_the_file_records_and_answers_a_request_and_bad_input_is_named(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    page = f"/t/{a.slug}/participants/{a.ids['participant_id']}"
    refused = post(client, f"{page}/demandes", {"kind": "", "received_on": clock.today().isoformat()}, page)
    assert refused.status_code == 400 and "Choisissez le type de demande." in text_of(refused)
    refused = post(client, f"{page}/demandes", {"kind": "acces", "received_on": "2026-02-31"}, page)
    assert refused.status_code == 400 and "N'est pas une date valide." in text_of(refused)
    saved = post(
        client, f"{page}/demandes", {"kind": "acces", "received_on": clock.today().isoformat()}, page
    )
    assert saved.status_code == 302
    shown = text_of(client.get(page), collapse=True)
    assert "Accès à ses données, reçue le" in shown and "Réponse due au plus tard le" in shown
    with client.application.app_context(), context.scoped(a.tenant_id):
        kept_until = retention.kept_until(a.ids["participant_id"])
        db.session.remove()
    assert kept_until is not None and f"seront effacées après le {formats.date(kept_until)}" in shown
    with client.application.app_context(), context.scoped(a.tenant_id):
        request_id = db.session.scalars(
            select(PrivacyRequest.id).where(PrivacyRequest.kind == "acces").order_by(PrivacyRequest.id.desc())
        ).first()
        db.session.remove()
    empty = post(client, f"/t/{a.slug}/demandes/{request_id}/reponse", {"answer": ""}, page)
    assert empty.status_code == 400 and "Indiquez la réponse faite à la personne." in text_of(empty)
    answered = post(client, f"/t/{a.slug}/demandes/{request_id}/reponse", {"answer": "Export remis."}, page)
    assert answered.status_code == 302
    assert "Export remis." in text_of(client.get(page))
