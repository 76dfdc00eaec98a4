"""The prescriber's and the accompaniment partner's portal: a candidate sent with their consent and
a CV, followed without ever seeing an eligibility criterion or an hour; a person already known is
not created twice; what the referent records is audited and shown to the facilitateur."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from saas import clock
from saas.audit.models import AuditEntry
from saas.db import db
from saas.participants import api as participants
from saas.participants.models import AccompanimentEntry, Participant, Prescription
from tests.builders import in_scope
from tests.fixtures import login
from tests.web import post, text_of
from tests.world import ACTOR, PDF


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _freins(participant_id: int) -> list[str]:
    return participants.get(participant_id).freins


def _form(**changes) -> dict:
    return {
        "last_name": "Nouvel",
        "first_name": "Inès",
        "birth_date": "2001-03-04",
        "sex": "F",
        "content": "Cherche un emploi dans le second œuvre ; permis B.",
        "consent": "y",
        "consent_on": clock.today().isoformat(),
        **changes,
    }


def test_a_candidate_is_sent_with_consent_and_cv_then_followed(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    url = f"/t/{a.slug}/portail/candidats/nouveau"
    answer = post(
        client, url, {**_form(), "cv": (io.BytesIO(PDF), "cv.pdf")}, content_type="multipart/form-data"
    )
    assert answer.status_code == 302, text_of(answer)
    page = text_of(client.get(answer.headers["Location"]), collapse=True)
    assert "Nouvel" in page and "Reçu par le guichet" in page
    consent = in_scope(
        app,
        a,
        lambda: db.session.scalar(select(Prescription.consent_on).order_by(Prescription.id.desc()).limit(1)),
    )
    assert consent == clock.today()
    listed = text_of(client.get(f"/t/{a.slug}/portail/candidats/"), collapse=True)
    assert "Inès Nouvel" in listed and "Rivalin" not in listed


def test_without_the_candidates_consent_nothing_is_sent(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    before = in_scope(app, a, lambda: _count(Participant))
    answer = post(client, f"/t/{a.slug}/portail/candidats/nouveau", _form(consent=""))
    assert answer.status_code == 400 and "Sans l'accord de la personne" in text_of(answer)
    assert in_scope(app, a, lambda: _count(Participant)) == before


def test_a_person_already_known_gets_the_prescription_not_a_second_file(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    before = in_scope(app, a, lambda: (_count(Participant), _count(Prescription)))
    answer = post(
        client,
        f"/t/{a.slug}/portail/candidats/nouveau",
        _form(last_name="DURAND-a", first_name="camille", birth_date="1995-04-02"),
    )
    assert answer.status_code == 302
    assert in_scope(app, a, lambda: (_count(Participant), _count(Prescription))) == (before[0], before[1] + 1)


def _audited(app, world, action: str, participant_id: int) -> int:
    return in_scope(
        app, world,
        lambda: db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.target_id == str(participant_id))),
    )  # fmt: skip


def test_the_prescriber_sees_where_the_candidate_stands_never_the_criteria_or_hours(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    before = _audited(app, a, "participant.file_read", a.ids["participant_id"])
    html = text_of(client.get(f"/t/{a.slug}/portail/candidats/{a.ids['participant_id']}"))
    main = " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>")[0]).split())
    assert "Aujourd'hui En mission" in main and "Éligible aux clauses Oui" in main
    for secret in ("RSA", "attestation", "Heures", " h "):
        assert secret not in main, secret
    assert _audited(app, a, "participant.file_read", a.ids["participant_id"]) == before + 1


def test_the_referent_records_an_interview_the_facilitateur_reads_it(app, two_tenants, client):
    a, _ = two_tenants
    participant_id = a.ids["participant_id"]
    login(client, a.prescriber_email)
    url = f"/t/{a.slug}/portail/accompagnement/{participant_id}"
    assert "Durand-a" in text_of(client.get(url))
    before = in_scope(app, a, lambda: _count(AccompanimentEntry))
    recorded = _audited(app, a, "accompaniment.recorded", participant_id)
    answer = post(
        client, url,
        {"kind": "entretien", "happened_on": clock.today().isoformat(), "summary": "Point sur la mission : tout va bien."},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert answer.status_code == 302, text_of(answer)
    freins = post(
        client, url,
        {"kind": "freins", "happened_on": clock.today().isoformat(), "summary": "Permis en cours.", "freins": ["mobilite"]},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert freins.status_code == 302, text_of(freins)
    assert in_scope(app, a, lambda: (_count(AccompanimentEntry), _freins(participant_id))) == (
        before + 2,
        ["mobilite"],
    )
    assert _audited(app, a, "accompaniment.recorded", participant_id) == recorded + 2
    guichet = app.test_client()
    login(guichet, a.facilitateur_email)
    file = text_of(guichet.get(f"/t/{a.slug}/participants/{participant_id}"), collapse=True)
    assert "Point sur la mission : tout va bien." in file and "Mission Locale a" in file


def test_an_interview_without_summary_is_refused_in_french(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    url = f"/t/{a.slug}/portail/accompagnement/{a.ids['participant_id']}"
    before = in_scope(app, a, lambda: _count(AccompanimentEntry))
    answer = post(
        client,
        url,
        {"kind": "entretien", "happened_on": clock.today().isoformat(), "summary": ""},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400 and "Résumez ce qui a été fait ou dit" in text_of(answer)
    assert in_scope(app, a, lambda: _count(AccompanimentEntry)) == before


def test_sending_someone_the_guichet_knew_reveals_nothing_of_their_earlier_parcours(app, two_tenants, client):
    """Before: a prescriber who knew a name and a birth date saw the person's earlier eligibility
    and exit, and its CV replaced theirs."""
    a, _ = two_tenants

    def known_person():
        person = participants.create(ACTOR, "Ancien", "Parcours", date(1980, 1, 1), "M")
        participants.validate_eligibility(
            ACTOR, person, [("beneficiaire_rsa", "attestation_caf")], clock.today() - timedelta(days=200)
        )
        participants.save_profile(ACTOR, person, ["F1703"], cv=("cv-guichet.pdf", "application/pdf", PDF))
        return person.id

    person_id = in_scope(app, a, known_person)
    login(client, a.prescriber_email)
    form = _form(last_name="Ancien", first_name="Parcours", birth_date="1980-01-01")
    answer = post(
        client,
        f"/t/{a.slug}/portail/candidats/nouveau",
        {**form, "cv": (io.BytesIO(PDF), "autre.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/candidats/{person_id}")
    page = text_of(client.get(answer.headers["Location"]), collapse=True)
    assert "Reçu par le guichet" in page and "Éligible aux clauses</dt> <dd>Pas encore" in page
    cv = in_scope(app, a, lambda: participants.profile_of(person_id).cv_filename)
    assert cv == "cv-guichet.pdf"


def test_a_referent_reads_its_own_entries_not_those_of_another_structure(app, two_tenants, client):
    """Before: the page listed every organisation's entries, a previous referent's notes included."""
    a, _ = two_tenants

    def noted_by_another():
        db.session.add(
            AccompanimentEntry(
                tenant_id=a.tenant_id, participant_id=a.ids["participant_id"], organisation_id=a.ids["organisation_id"],
                kind="entretien", happened_on=clock.today(), summary="Note d'une autre structure.",
            )
        )  # fmt: skip

    in_scope(app, a, noted_by_another)
    login(client, a.prescriber_email)
    page = text_of(client.get(f"/t/{a.slug}/portail/accompagnement/{a.ids['participant_id']}"))
    assert "Premier entretien" in page and "Note d'une autre structure." not in page
