"""The participants pages of the facilitateur workspace: audited file reads, prescription states,
eligibility validation with proof types, the CV library, the validity settings, isolation."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta

from saas import clock
from saas.db import db
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from saas.participants.models import Participant
from tenants import context
from tests.builders import audit_rows, in_scope
from tests.fixtures import ACTOR, csrf_token, login
from tests.web import post, refused_page, text_of


def file_reads(superuser_engine) -> list:
    return audit_rows(superuser_engine, "participant.file_read")


def new_participant(app, world, last_name: str, first_name: str, **identity) -> tuple[int, str]:
    def create():
        participant = participants.create(ACTOR, last_name, first_name, **identity)
        return participant.id, participant.reference

    return in_scope(app, world, create)


def test_reading_the_file_is_audited_and_the_list_is_not(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    listing = client.get(f"/t/{a.slug}/participants/")
    assert listing.status_code == 200 and "DURAND-A Camille" in text_of(listing)
    assert file_reads(superuser_engine) == []
    page = client.get(f"/t/{a.slug}/participants/{a.ids['participant_id']}")
    assert page.status_code == 200 and "Durand-a" in text_of(page)
    if "mission_id" in a.ids:  # the file links the person's missions to their page
        assert f'href="/t/{a.slug}/missions/{a.ids["mission_id"]}"' in text_of(page)
    [read] = file_reads(superuser_engine)
    assert (read.tenant_id, read.actor_email, read.target_id) == (
        a.tenant_id,
        a.facilitateur_email,
        str(a.ids["participant_id"]),
    )


def test_downloading_the_cv_is_audited_as_a_file_read(app, two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    response = client.get(f"/t/{a.slug}/participants/{a.ids['participant_id']}/cv/fichier")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"].startswith("attachment")
    [read] = file_reads(superuser_engine)
    assert read.details["piece"] == "cv"


def test_a_prescription_of_three_months_ago_shows_expired(app, two_tenants, client):
    a, _ = two_tenants

    def prescribe():
        participant = participants.get(a.ids["participant_id"])
        prescripteur = partenaires.list_all("prescripteur")[0]
        participants.add_prescription(
            ACTOR, participant, prescripteur.id, clock.today() - relativedelta(months=3), None
        )

    in_scope(app, a, prescribe)
    login(client, a.facilitateur_email)
    page = client.get(f"/t/{a.slug}/participants/{a.ids['participant_id']}").get_data(as_text=True)
    assert '<span class="badge badge--erreur">Expirée</span>' in page  # prescribed 3 months ago
    listed = text_of(client.get(f"/t/{a.slug}/participants/?tri=-prescription"))
    assert "Valide (" in listed  # the list shows the latest prescription


def test_a_proof_type_not_accepted_for_the_criterion_is_refused(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/{a.ids['participant_id']}/eligibilite"
    assert "Indiquez un justificatif accepté pour le critère « Bénéficiaire du RSA »." in refused_page(
        client,
        url,
        {
            "criteria": "beneficiaire_rsa",
            "justificatif-beneficiaire_rsa": "piece_identite",
            "validated_on": clock.today().isoformat(),
        },
    )
    accepted = post(
        client,
        url,
        {
            "criteria": ["detld", "jeune_moins_26_ans"],
            "justificatif-detld": "attestation_france_travail",
            "justificatif-jeune_moins_26_ans": "piece_identite",
            "validated_on": clock.today().isoformat(),
        },
    )
    assert accepted.status_code == 302
    assert in_scope(app, a, lambda: len(participants.eligibilities_of(a.ids["participant_id"]))) == 2


def test_revoking_a_validation_needs_a_reason(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    page = f"/t/{a.slug}/participants/{a.ids['participant_id']}"
    url = f"/t/{a.slug}/eligibilites/{a.ids['eligibility_id']}/retrait"
    field = f"retrait-{a.ids['eligibility_id']}-reason"
    token = csrf_token(client, page)
    refused = client.post(url, data={field: " ", f"retrait-{a.ids['eligibility_id']}-csrf_token": token})
    assert refused.status_code == 400 and "Indiquez le motif du retrait." in text_of(refused)
    done = client.post(
        url, data={field: "Erreur de saisie", f"retrait-{a.ids['eligibility_id']}-csrf_token": token}
    )
    assert done.status_code == 302
    assert "Retirée" in text_of(client.get(page))


def test_the_cv_library_lists_a_profile_only_while_it_is_validated(app, two_tenants, client):
    a, _ = two_tenants
    participant_id, reference = new_participant(app, a, "Leroy", "Sami", commune_insee="79191")
    login(client, a.facilitateur_email)
    cv_url = f"/t/{a.slug}/participants/{participant_id}/cv"
    library = f"/t/{a.slug}/cvtheque/"
    saved = post(
        client, cv_url, {"rome_codes": "n1103, F1703", "mobility": ["permis_b"], "mobility_radius_km": "30"}
    )
    assert saved.status_code == 302
    assert reference not in text_of(client.get(library))
    assert post(client, f"{cv_url}/valider", {}, page=cv_url).status_code == 302
    shown = text_of(client.get(library + "?rome=N1103"))
    assert reference in shown and "Sami L." in shown and "Leroy" not in shown
    assert "Permis B" in shown and "Niort" in shown
    assert reference not in text_of(client.get(library + "?rome=A1101"))
    post(client, cv_url, {"rome_codes": "N1103", "skills": "Conduite d'engins"})
    assert reference not in text_of(client.get(library))
    export = client.get(library + "?export=csv")
    assert export.status_code == 200 and reference not in export.get_data(as_text=True)


def test_the_settings_form_changes_the_validity_of_a_new_prescription(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    settings_url = f"/t/{a.slug}/admin/parametres/participants"
    assert "entre 1 et 12 mois" in refused_page(
        client,
        settings_url,
        {
            "prescription_validity_months": "13",
            "eligibility_validity_months": "24",
            "eligibility_anchor": "validation",
        },
    )
    saved = post(
        client,
        settings_url,
        {
            "prescription_validity_months": "3",
            "eligibility_validity_months": "24",
            "eligibility_anchor": "validation",
        },
    )
    assert saved.status_code == 302
    prescripteur_id = in_scope(app, a, lambda: partenaires.list_all("prescripteur")[0].id)
    file_url = f"/t/{a.slug}/participants/{a.ids['participant_id']}"
    prescribed = post(
        client,
        f"{file_url}/prescriptions",
        {"prescripteur_id": str(prescripteur_id), "prescribed_on": "2025-03-15", "content": "Fiche"},
        page=file_url,
        follow_redirects=True,
    )
    assert "valable jusqu'au 14/06/2025" in text_of(prescribed)


def test_the_list_filters_on_eligibility_today_and_exports_what_it_shows(app, two_tenants, client):
    a, _ = two_tenants
    _, reference = new_participant(app, a, "Petit", "Inès")
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/"
    eligible = text_of(client.get(url + "?eligible=oui"))
    assert "DURAND-A" in eligible and reference not in eligible
    not_eligible = client.get(url + "?eligible=non&export=csv").get_data(as_text=True)
    assert reference in not_eligible and "Durand-a" not in not_eligible
    assert (
        not_eligible.splitlines()[0].lstrip("\ufeff").startswith("Référence;Nom;Prénom;Commune;Éligibilité")
    )


def test_a_participant_of_another_tenant_is_not_found(app, two_tenants, client):
    a, b = two_tenants
    login(client, a.admin_email)
    other = b.ids["participant_id"]
    for path in ("", "/modifier", "/eligibilite", "/cv", "/cv/fichier"):
        assert client.get(f"/t/{a.slug}/participants/{other}{path}").status_code == 404, path
    assert (
        post(client, f"/t/{a.slug}/participants/{other}/cv/valider", {}, page="/espaces").status_code == 404
    )
    with app.app_context(), context.scoped(b.tenant_id):
        assert db.session.get(Participant, (b.tenant_id, other)).reference.startswith("P-")
