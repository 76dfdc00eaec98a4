"""The organisations resources of the JSON API: validation errors naming the field, pagination,
filters, writes audited as the token, tenant isolation, and the OpenAPI document."""

from __future__ import annotations

from sqlalchemy import text

ORGANISATIONS = "/api/v1/organisations"
SIRETS = ["73282932000074", "55208131766522", "78912345200011", "38012986643097"]


def query(superuser_engine, sql: str, **params):
    with superuser_engine.begin() as conn:
        return conn.execute(text(sql), params).all()


def test_siret_failing_the_luhn_key_is_a_422_naming_the_field(api):
    response = api(
        "POST", ORGANISATIONS, json={"name": "Entreprise X", "kind": "entreprise", "siret": "78912345200012"}
    )
    assert response.status_code == 422
    assert response.json["code"] == 422
    assert "clé de Luhn" in response.json["errors"]["json"]["siret"][0]


def test_schema_errors_name_each_field_in_french(api):
    response = api("POST", ORGANISATIONS, json={"kind": "inconnu", "couleur": "rouge"})
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    assert errors["name"] == ["Ce champ est obligatoire."]
    assert errors["kind"][0].startswith("Valeur inconnue")
    assert errors["couleur"] == ["Champ inconnu."]


def test_create_read_and_patch_are_audited_as_the_token(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    created = api(
        "POST",
        ORGANISATIONS,
        json={
            "name": "Cap emploi 79",
            "kind": "prescripteur",
            "prescriber_kind": "cap_emploi",
            "commune_insee": "79191",
        },
    )
    assert created.status_code == 201, created.json
    organisation = created.json
    assert organisation["active"] is True and organisation["commune_insee"] == "79191"
    url = f"{ORGANISATIONS}/{organisation['id']}"
    assert api("GET", url).json["name"] == "Cap emploi 79"

    bad = api("PATCH", url, json={"commune_insee": "00000"})
    assert bad.status_code == 422 and "commune_insee" in bad.json["errors"]["json"]
    patched = api("PATCH", url, json={"email": "contact@capemploi79.fr", "phone": "05 49 00 00 00"})
    assert patched.status_code == 200
    assert patched.json["email"] == "contact@capemploi79.fr" and patched.json["name"] == "Cap emploi 79"

    actors = query(
        superuser_engine,
        # the target's type too: ids of other kinds (a user invited) may be the same number
        "SELECT action, actor_email FROM audit_log WHERE target_type = 'organisation' AND target_id = :id "
        "ORDER BY id",
        id=str(organisation["id"]),
    )
    assert [(r.action, r.actor_email) for r in actors] == [
        ("organisation.created", f"api:{a.api_token[:11]}"),
        ("organisation.updated", f"api:{a.api_token[:11]}"),
    ]


def test_dump_only_fields_cannot_be_written(two_tenants, api):
    a, _ = two_tenants
    response = api("PATCH", f"{ORGANISATIONS}/{a.ids['organisation_id']}", json={"active": False, "id": 5})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"active", "id"}


def test_list_is_paginated_with_an_envelope(api):
    for index, siret in enumerate(SIRETS):
        assert (
            api(
                "POST",
                ORGANISATIONS,
                json={"name": f"Entreprise {index}", "kind": "entreprise", "siret": siret},
            ).status_code
            == 201
        )
    # the fixture holds 4 organisations more (SIAE, Ville, and the others' builders may add more)
    total = api("GET", ORGANISATIONS).json["total"]
    first = api("GET", ORGANISATIONS, query_string={"page_size": 3}).json
    assert first["page"] == 1 and first["page_size"] == 3 and len(first["items"]) == 3
    assert first["total"] == total and first["pages"] == -(-total // 3)
    last = api("GET", ORGANISATIONS, query_string={"page_size": 3, "page": first["pages"]}).json
    assert len(last["items"]) == total - 3 * (first["pages"] - 1)
    seen = [
        item["id"]
        for page in range(1, first["pages"] + 1)
        for item in api("GET", ORGANISATIONS, query_string={"page_size": 3, "page": page}).json["items"]
    ]
    assert len(seen) == len(set(seen)) == total

    too_big = api("GET", ORGANISATIONS, query_string={"page_size": 1000})
    assert too_big.status_code == 422 and "page_size" in too_big.json["errors"]["query"]


def test_list_filters_by_kind_state_and_text(api):
    api("POST", ORGANISATIONS, json={"name": "Entreprise Bâtir", "kind": "entreprise", "siret": SIRETS[0]})
    entreprises = api("GET", ORGANISATIONS, query_string={"kind": "entreprise"}).json["items"]
    assert "Entreprise Bâtir" in [o["name"] for o in entreprises]
    assert {o["kind"] for o in entreprises} == {"entreprise"}
    by_siret = api("GET", ORGANISATIONS, query_string={"q": SIRETS[0][:6]}).json["items"]
    assert [o["name"] for o in by_siret] == ["Entreprise Bâtir"]
    by_name = api("GET", ORGANISATIONS, query_string={"q": "bâtir"}).json["items"]
    assert [o["name"] for o in by_name] == ["Entreprise Bâtir"]
    inactive = api("GET", ORGANISATIONS, query_string={"active": "false"}).json["items"]
    assert all(not o["active"] for o in inactive) and "Entreprise Bâtir" not in [o["name"] for o in inactive]


def test_contacts_keep_one_primary(two_tenants, api):
    a, _ = two_tenants
    url = f"{ORGANISATIONS}/{a.ids['organisation_id']}/contacts"
    created = api("POST", url, json={"name": "Paul Roux", "email": "p.roux@exemple.fr", "is_primary": True})
    assert created.status_code == 201 and created.json["is_primary"] is True
    contacts = api("GET", url).json["items"]
    assert [(c["name"], c["is_primary"]) for c in contacts] == [("Paul Roux", True), ("Contact a", False)]
    invalid = api("POST", url, json={"name": "X", "email": "pas-une-adresse"})
    assert invalid.status_code == 422 and "email" in invalid.json["errors"]["json"]


def test_other_tenants_ids_answer_404_whatever_the_body(two_tenants, api):
    _, b = two_tenants
    url = f"{ORGANISATIONS}/{b.ids['organisation_id']}"
    for method, path, body in (
        ("GET", url, None),
        ("PATCH", url, {"name": "Pris"}),
        ("GET", f"{url}/contacts", None),
        ("POST", f"{url}/contacts", {}),
    ):
        response = api(method, path, json=body)
        assert response.status_code == 404, (method, path)
        assert response.is_json and response.json["code"] == 404
    assert all(
        o["name"] != "SIAE b"
        for o in api("GET", ORGANISATIONS, query_string={"page_size": 100}).json["items"]
    )


def test_openapi_document_describes_the_bearer_scheme(client):
    document = client.get("/api/openapi.json").json
    assert document["components"]["securitySchemes"]["jeton"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["jeton"]["description"],
    }
    assert document["security"] == [{"jeton": []}]
    assert document["paths"]["/api/v1/version"]["get"]["security"] == []
    assert client.get("/api/v1/version").status_code == 200  # public


def test_errors_are_json_under_api_and_html_pages_elsewhere(client):
    api_404 = client.get("/api/v1/inconnu")
    assert api_404.status_code == 404 and api_404.is_json and api_404.json["code"] == 404
    page_404 = client.get("/page-inconnue")
    assert page_404.status_code == 404 and page_404.mimetype == "text/html"
