"""Bad JSON never gives a 500: each answers 400 or 422 with a JSON body naming the field."""

from __future__ import annotations

import json

import pytest

API = "/api/v1"


def send(api, method: str, url: str, raw: str):
    return api(method, url, data=raw, content_type="application/json")


def field_errors(response) -> dict:
    assert response.is_json, response.data[:200]
    return response.json["errors"]["json"]


def test_a_lone_surrogate_is_a_422_naming_the_field(api):
    raw = '{"name": "Entreprise \\ud800", "kind": "entreprise"}'
    response = send(api, "POST", f"{API}/organisations", raw)
    assert response.status_code == 422
    assert "substitution" in field_errors(response)["name"][0]


def test_a_lone_surrogate_in_a_nested_field_is_named_by_its_path(api, two_tenants):
    a, _ = two_tenants
    raw = (
        '{"criteria": [{"code": "beneficiaire_rsa", "proof_type": "\\udfff"}], "validated_on": "2025-01-02"}'
    )
    response = send(api, "POST", f"{API}/participants/{a.ids['participant_id']}/eligibilites", raw)
    assert response.status_code == 422
    assert "criteria.0.proof_type" in field_errors(response)


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_deeply_nested_body_is_a_422(api, depth):
    raw = '{"name": "X", "kind": "entreprise", "notes": ' + "[" * depth + "]" * depth + "}"
    response = send(api, "POST", f"{API}/organisations", raw)
    assert response.status_code == 422
    errors = field_errors(response)
    assert "imbriquées" in next(iter(errors.values()))[0]


def test_a_body_id_beyond_bigint_is_a_422_naming_the_field(api):
    body = {"donneur_ordre_id": 2**70, "reference": "M-1", "object": "Travaux"}
    response = api("POST", f"{API}/marches", json=body)
    assert response.status_code == 422
    assert "donneur_ordre_id" in field_errors(response)


def test_an_id_of_a_nested_body_beyond_bigint_is_a_422(api, two_tenants):
    body = {"name": "M", "valid_from": "2025-01-01", "allocation_key": "pro_rata"}
    body["member_lots"] = [{"lot_id": 2**64}]
    response = api("POST", f"{API}/mutualisations", json=body)
    assert response.status_code == 422, response.json
    assert "member_lots" in field_errors(response)


@pytest.mark.parametrize("value", ["10000-01-01", "9999-12-31", "0001-01-01"])
def test_a_date_out_of_range_is_a_422_naming_the_field(api, two_tenants, value):
    a, _ = two_tenants
    body = {
        "participant_id": a.ids["participant_id"],
        "employer_id": a.ids["organisation_id"],
        "lot_id": a.ids["lot_id"],
        "modality": "embauche_directe",
        "contract_type": "cdi",
        "start_date": value,
        "weekly_hours": "35",
    }
    response = api("POST", f"{API}/missions", json=body)
    assert response.status_code == 422, response.json
    assert "start_date" in field_errors(response)


@pytest.mark.parametrize(
    "raw",
    [
        "null",
        "[]",
        '"texte"',
        "12",
        '{"name": {"a": 1}, "kind": "entreprise"}',
        '{"name": ["x"], "kind": 3}',
        '{"name": true, "kind": null}',
    ],
)
def test_wrong_types_are_a_422_naming_the_field(api, raw):
    response = send(api, "POST", f"{API}/organisations", raw)
    assert response.status_code == 422, response.data[:300]
    assert field_errors(response)
    assert all(isinstance(messages, list | dict) for messages in field_errors(response).values())


@pytest.mark.parametrize("raw", ["{", '{"name": "x",}', "\x00", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_a_400_in_french(api, raw):
    response = send(api, "POST", f"{API}/organisations", raw)
    assert response.status_code == 400
    assert "JSON" in json.dumps(field_errors(response), ensure_ascii=False)


def test_a_nul_in_a_query_or_a_json_string_is_a_422_naming_the_field(api):
    searched = api("GET", f"{API}/organisations?q=a%00b")
    assert searched.status_code == 422
    assert "q" in searched.json["errors"]["query"]
    raw = '{"name": "A\\u0000B", "kind": "entreprise"}'
    assert "name" in field_errors(send(api, "POST", f"{API}/organisations", raw))


def test_a_page_or_a_path_id_beyond_bigint_is_not_a_500(api):
    page = api("GET", f"{API}/organisations?page={2**62}")
    assert page.status_code == 422 and "page" in page.json["errors"]["query"]
    assert api("GET", f"{API}/marches/{2**70}").status_code == 404
    assert api("PATCH", f"{API}/marches/{2**70}", json={"object": "X"}).status_code == 404
