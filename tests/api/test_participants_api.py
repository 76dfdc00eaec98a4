"""Participants through the JSON API: the identity is read one file at a time and every read is
audited as the token; lists and answers to writes carry the pseudonymous reference, never the
identity; another tenant's participants are nowhere."""

from __future__ import annotations

from saas import clock
from saas.participants.schemas import IDENTITY_COLUMNS
from tests.builders import audit_rows

PARTICIPANTS = "/api/v1/participants"
LEA = {
    "last_name": "Martin",
    "first_name": "Léa",
    "birth_date": "1998-06-12",
    "sex": "F",
    "email": "lea.martin@exemple.fr",
    "phone": "06 12 34 56 78",
    "commune_insee": "79191",
}


def file_reads(superuser_engine, participant_id: int) -> list:
    return audit_rows(superuser_engine, "participant.file_read", participant_id)


def test_reading_a_participant_file_is_audited_as_the_token(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    created = api("POST", PARTICIPANTS, json=LEA)
    assert created.status_code == 201, created.json
    participant_id = created.json["id"]
    assert file_reads(superuser_engine, participant_id) == []

    detail = api("GET", f"{PARTICIPANTS}/{participant_id}")
    assert detail.status_code == 200
    assert {key: detail.json[key] for key in LEA} == LEA
    assert detail.json["reference"] == created.json["reference"]
    reads = file_reads(superuser_engine, participant_id)
    assert [(r.actor_email, r.details["reference"]) for r in reads] == [
        (f"api:{a.api_token[:11]}", created.json["reference"])
    ]
    api("GET", f"{PARTICIPANTS}/{participant_id}")
    assert len(file_reads(superuser_engine, participant_id)) == 2  # every read, not the first only


def test_lists_and_writes_carry_no_identity(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    created = api("POST", PARTICIPANTS, json=LEA)
    assert not set(IDENTITY_COLUMNS) & set(created.json)
    participant_id = created.json["id"]
    patched = api("PATCH", f"{PARTICIPANTS}/{participant_id}", json={"phone": "05 49 00 00 00"})
    assert patched.status_code == 200 and not set(IDENTITY_COLUMNS) & set(patched.json)

    listing = api("GET", PARTICIPANTS)
    assert listing.status_code == 200
    items = listing.json["items"]
    references = [item["reference"] for item in items]
    # the fixture's participants of tenant A (its own, then the rival structure's), and the new one
    assert references[0] == f"P-{clock.today().year}-00001" and references[-1] == created.json["reference"]
    assert len(references) == 4
    for item in items:
        assert set(item) == {
            "id",
            "reference",
            "eligible",
            "eligible_until",
            "prescription_until",
            "cv_validated",
        }
    body = listing.get_data(as_text=True)
    for value in ("Martin", "Léa", "1998-06-12", "lea.martin", "79191", "Durand-a", "Durand-b", "Rivalin"):
        assert value not in body
    # the text filter finds by name without showing it; a list is not a read of each file
    found = api("GET", PARTICIPANTS, query_string={"q": "martin"}).json["items"]
    assert [item["id"] for item in found] == [participant_id]
    assert file_reads(superuser_engine, participant_id) == []
    eligible = api("GET", PARTICIPANTS, query_string={"eligible": "true"}).json["items"]
    assert [item["id"] for item in eligible] == [a.ids["participant_id"], a.ids["rival_participant_id"]]


def test_prescriptions_eligibility_and_cv_through_the_api(two_tenants, api):
    a, _ = two_tenants
    participant_id = api("POST", PARTICIPANTS, json={"last_name": "Petit", "first_name": "Noé"}).json["id"]
    url = f"{PARTICIPANTS}/{participant_id}"
    wrong_kind = api(
        "POST",
        f"{url}/prescriptions",
        json={"prescripteur_id": a.ids["organisation_id"], "prescribed_on": clock.today().isoformat()},
    )
    assert wrong_kind.status_code == 422 and list(wrong_kind.json["errors"]["json"]) == ["prescripteur_id"]

    wrong_proof = api(
        "POST",
        f"{url}/eligibilites",
        json={"criteria": [{"code": "beneficiaire_rsa", "proof_type": "facture"}]},
    )
    assert (
        wrong_proof.status_code == 422 and "justificatif" in wrong_proof.json["errors"]["json"]["criteria"][0]
    )
    validated = api(
        "POST",
        f"{url}/eligibilites",
        json={"criteria": [{"code": "beneficiaire_rsa", "proof_type": "attestation_caf"}]},
    )
    assert validated.status_code == 201
    assert validated.json["criteria"] == [{"code": "beneficiaire_rsa", "proof_type": "attestation_caf"}]
    assert [e["id"] for e in api("GET", f"{url}/eligibilites").json["items"]] == [validated.json["id"]]

    assert api("GET", f"{url}/cv").status_code == 404
    saved = api("PUT", f"{url}/cv", json={"rome_codes": ["F1703"], "mobility_radius_km": 20})
    assert saved.status_code == 200
    assert saved.json["rome_codes"] == ["F1703"] and saved.json["in_library"] is False
    unknown = api("PUT", f"{url}/cv", json={"rome_codes": ["Z9999"]})
    assert unknown.status_code == 422 and list(unknown.json["errors"]["json"]) == ["rome_codes"]
    assert api("GET", f"{url}/cv").json["rome_codes"] == ["F1703"]
