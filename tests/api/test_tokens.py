"""API tokens: shown once and stored as a hash, refused when revoked or expired, read-only tokens."""

from __future__ import annotations

import hashlib
import html
import re

from sqlalchemy import text

from tests.fixtures import csrf_token, login

ORGANISATIONS = "/api/v1/organisations"


def query(superuser_engine, sql: str, **params):
    with superuser_engine.begin() as conn:
        result = conn.execute(text(sql), params)
        return result.all() if result.returns_rows else None


def test_token_is_shown_once_and_only_its_hash_is_stored(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/jetons-api"
    page = client.post(
        url, data={"name": "Outil du Département", "role": "lecture", "csrf_token": csrf_token(client, url)}
    )
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    body = html.unescape(page.get_data(as_text=True))
    clear = re.search(r'value="(gc_[\w-]{43})"', body).group(1)
    assert "ne sera plus jamais affiché" in body

    (row,) = query(
        superuser_engine,
        "SELECT row_to_json(t)::text AS data, token_hash, prefix FROM api_tokens t WHERE name = :n",
        n="Outil du Département",
    )
    assert row.token_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert clear.startswith(row.prefix) and len(row.prefix) < 16
    assert clear not in row.data  # the clear token is nowhere in the row
    assert clear[len(row.prefix) :] not in row.data
    assert clear not in html.unescape(client.get(url).get_data(as_text=True))  # never shown again
    assert query(
        superuser_engine,
        "SELECT 1 FROM audit_log WHERE action = 'api_token.created' AND details->>'nom' = :n",
        n="Outil du Département",
    )

    assert client.get(ORGANISATIONS, headers={"Authorization": f"Bearer {clear}"}).status_code == 200


def test_missing_or_unknown_token_answers_401_in_json(api):
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer gc_inconnu"}):
        response = api.client.get(ORGANISATIONS, headers=headers)
        assert response.status_code == 401
        assert response.is_json and response.json["code"] == 401
        assert "jeton" in response.json["message"].lower()
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_answers_401(two_tenants, client, api):
    a, _ = two_tenants
    assert api("GET", ORGANISATIONS).status_code == 200
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/jetons-api"
    revoke = client.post(f"{url}/{a.ids['token_id']}/revoquer", data={"csrf_token": csrf_token(client, url)})
    assert revoke.status_code == 302
    response = api("GET", ORGANISATIONS)
    assert response.status_code == 401
    assert response.json["message"] == "Jeton d'API invalide, expiré ou révoqué."


def test_expired_token_answers_401(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    assert api("GET", ORGANISATIONS).status_code == 200
    query(
        superuser_engine,
        "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = :id",
        id=a.ids["token_id"],
    )
    assert api("GET", ORGANISATIONS).status_code == 401


def test_token_of_an_inactive_tenant_answers_401(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    query(superuser_engine, "UPDATE tenants SET active = false WHERE id = :id", id=a.tenant_id)
    assert api("GET", ORGANISATIONS).status_code == 401


def test_read_only_token_reads_but_cannot_write(two_tenants, api, make_token, superuser_engine):
    a, _ = two_tenants
    reader = make_token("lecture")
    assert api("GET", ORGANISATIONS, token=reader).status_code == 200
    organisation = f"{ORGANISATIONS}/{a.ids['organisation_id']}"
    for method, url, body in (
        ("POST", ORGANISATIONS, {"name": "Ville nouvelle", "kind": "donneur_ordre"}),
        ("PATCH", organisation, {"name": "Autre nom"}),
        ("POST", f"{organisation}/contacts", {"name": "Quelqu'un"}),
    ):
        response = api(method, url, json=body, token=reader)
        assert response.status_code == 403, (method, url)
        assert response.json["code"] == 403 and "lecture seule" in response.json["message"]
    assert not query(
        superuser_engine, "SELECT 1 FROM organisations WHERE name IN ('Ville nouvelle', 'Autre nom')"
    )


def test_last_use_is_recorded_at_most_once_a_minute(two_tenants, api, superuser_engine):
    a, _ = two_tenants
    assert api("GET", ORGANISATIONS).status_code == 200
    (first,) = query(
        superuser_engine, "SELECT last_used_at FROM api_tokens WHERE id = :id", id=a.ids["token_id"]
    )
    assert first.last_used_at is not None
    assert api("GET", ORGANISATIONS).status_code == 200
    (second,) = query(
        superuser_engine, "SELECT last_used_at FROM api_tokens WHERE id = :id", id=a.ids["token_id"]
    )
    assert second.last_used_at == first.last_used_at
    query(
        superuser_engine,
        "UPDATE api_tokens SET last_used_at = now() - interval '2 minutes' WHERE id = :id",
        id=a.ids["token_id"],
    )
    assert api("GET", ORGANISATIONS).status_code == 200
    (third,) = query(
        superuser_engine, "SELECT last_used_at FROM api_tokens WHERE id = :id", id=a.ids["token_id"]
    )
    assert third.last_used_at > first.last_used_at


def test_token_list_shows_prefix_role_and_state(two_tenants, client, make_token):
    a, _ = two_tenants
    reader = make_token("lecture")
    login(client, a.admin_email)
    page = html.unescape(client.get(f"/t/{a.slug}/admin/jetons-api").get_data(as_text=True))
    assert reader[:11] + "…" in page and a.api_token[:11] + "…" in page
    assert "Lecture seule" in page and "Actif" in page
    assert reader not in page and a.api_token not in page
