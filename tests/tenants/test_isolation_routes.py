"""Isolation, layer 1 as users see it: every URL rule of the app, walked as a user of tenant A.

For each rule under ``/t/<tenant_slug>``: with B's slug (and B's ids), and with A's slug and B's
ids, the answer is 404. Federation and operator rules answer 404 to whoever is not their
coordinator or operator. A positive control proves each rule does answer for its own scope, so
that the 404s are not an accident. A rule this test does not know fails it: a new route must say
here how it is covered.
"""

from __future__ import annotations

import pytest

from tests.fixtures import csrf_token, login

#: routes that serve no tenant, federation or platform data.
PUBLIC = {
    "static",
    "auth.login",
    "auth.logout",
    "auth.home",
    "auth.spaces",
    "auth.invitation",
    # the pages of the links mailed to a person (their single-use token is their access): tests of
    # finding 1 in tests/blueprints/test_account_links.py and tests/mail/test_account_mail.py.
    "auth.reset_password",
    "auth.forgot_password",
    "auth.unlock",
    "auth.healthz",
    "api-docs.openapi_json",
    "api_meta.Version",
    # no login: its signed token is its access (tenant checked against the URL): tests/mail.
    "notifications.unsubscribe",
    # the second step of the login and one's own second factor: tests/blueprints/test_mfa.py.
    "auth.mfa_verify",
    "auth.mfa_enrol",
    "auth.mfa_enrol_qr",
    "auth.mfa_enrol_done",
    "securite.index",
    "securite.enrol",
    "securite.qr",
    "securite.regenerate",
    "securite.disable",
    # no session: a report's signature (a key of one membership) is its access, and the receiver
    # writes only in the scope of the federation named; a territory's request for its lots is signed
    # the same way: tests/federation/test_reports.py and test_handover.py.
    "reception.receive",
    "reception.handed_lots",
}

#: which object of a world each URL variable names.
TENANT_OBJECTS = {
    "marche_id": "marche_id",
    "lot_id": "lot_id",
    "membership_id": "membership_facilitateur",
    "run_id": "run_id",
    "organisation_id": "organisation_id",
    "donneur_ordre_id": "donneur_ordre_id",
    "contact_id": "contact_id",
    "token_id": "token_id",
    "participant_id": "participant_id",
    "eligibility_id": "eligibility_id",
    "mission_id": "mission_id",
    "follow_up_id": "follow_up_id",
    "statement_id": "statement_id",
    "proof_id": "proof_id",
    "agreement_id": "agreement_id",
    "meeting_id": "meeting_id",
    "decision_id": "decision_id",
    "mail_id": "mail_id",
    "attachment_id": "attachment_id",
    "production_id": "production_id",
    "convention_id": "convention_id",
    "document_id": "document_id",
    "occurrence_id": "occurrence_id",
    "line_id": "line_id",
    "bilan_id": "bilan_id",
    "schedule_id": "schedule_id",
    "period_no": "period_no",
    "federation_id": "federation_id",
    "report_id": "report_id",
    "post_id": "post_id",
    "import_id": "import_id",
    "retention_run_id": "retention_run_id",
    "privacy_request_id": "privacy_request_id",
}


def _rules(app):
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


def _request(client, rule, url):
    if _method(rule) == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, "/espaces")})


def _tenant_url(app, rule, slug, world):
    values = {"tenant_slug": slug}
    for arg in rule.arguments - {"tenant_slug"}:
        assert arg in TENANT_OBJECTS, (
            f"{rule.endpoint}: unknown URL variable <{arg}>, say which object it names"
        )
        values[arg] = world.ids[TENANT_OBJECTS[arg]]
    with app.test_request_context(base_url="https://localhost"):
        return app.url_for(rule.endpoint, **values)


def test_every_rule_is_covered(app):
    unknown = []
    for rule in _rules(app):
        if rule.endpoint in PUBLIC:
            continue
        if rule.rule.startswith(("/t/<tenant_slug>", "/departements/<code>", "/plateforme", "/api/v1/")):
            continue
        unknown.append(f"{rule.endpoint} {rule.rule}")
    assert not unknown, "routes not covered by the cross-tenant test: " + ", ".join(unknown)


#: tenant routes open to partners only and to donneurs d'ordre only, walked as A's partner and as
#: A's buyer; the others as A's admin.
AUDIENCES = {
    "prescriber_email": ("portail.prescription_new", "portail.candidate", "portail.followed"),
    "partner_email": ("portail.",),
    "buyer_email": ("acheteur.",),
}


def audience(endpoint: str) -> str:
    """Who walks a tenant route: A's admin, partner or buyer (``World`` attributes)."""
    return next((who for who, prefixes in AUDIENCES.items() if endpoint.startswith(prefixes)), "admin_email")


@pytest.mark.parametrize("who", ["admin_email", "partner_email", "prescriber_email", "buyer_email"])
def test_tenant_routes_answer_404_across_tenants(app, two_tenants, client, who):
    """As A's admin (every tenant route of A is open to them), as A's partner (the portal) and as
    A's buyer (the donneur d'ordre's space)."""
    a, b = two_tenants
    login(client, getattr(a, who))
    partner = who != "admin_email"
    checked = 0
    for rule in _rules(app):
        if not rule.rule.startswith("/t/<tenant_slug>") or rule.endpoint in PUBLIC:
            continue
        if audience(rule.endpoint) != who:
            continue
        own = _request(client, rule, _tenant_url(app, rule, a.slug, a))
        assert own.status_code not in (404, 500), (
            f"positive control failed: {rule.endpoint} on its own tenant"
        )
        other = _request(client, rule, _tenant_url(app, rule, b.slug, b))
        assert other.status_code == 404, f"{rule.endpoint} with tenant B's slug answered {other.status_code}"
        if rule.arguments - {"tenant_slug"}:
            mixed = _request(client, rule, _tenant_url(app, rule, a.slug, b))
            assert mixed.status_code == 404, (
                f"{rule.endpoint} with B's ids under A answered {mixed.status_code}"
            )
        checked += 1
    assert checked >= (1 if partner else 10)


def _api_rules(app):
    return [r for r in _rules(app) if r.rule.startswith("/api/v1/") and r.endpoint not in PUBLIC]


def _api_requests(app, rule, world):
    """(method, url) for each method of an API rule, with ``world``'s ids."""
    values = {}
    for arg in rule.arguments:
        assert arg in TENANT_OBJECTS, (
            f"{rule.endpoint}: unknown URL variable <{arg}>, say which object it names"
        )
        values[arg] = world.ids[TENANT_OBJECTS[arg]]
    with app.test_request_context(base_url="https://localhost"):
        url = app.url_for(rule.endpoint, **values)
    return [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def _api_call(client, method, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = None if method == "GET" else {}
    return client.open(url, method=method, headers=headers, json=body)


def get_pages(app, world) -> list[tuple[str, str, str | None]]:
    """(endpoint, url, API token or None) of every GET page and API list of ``world``'s tenant,
    with its own objects: what the query-count and the co-located-join tests walk."""
    found = [
        (rule.endpoint, _tenant_url(app, rule, world.slug, world), None)
        for rule in _rules(app)
        if rule.rule.startswith("/t/<tenant_slug>") and "GET" in rule.methods and rule.endpoint not in PUBLIC
    ]
    for rule in _api_rules(app):
        token = world.partner_api_token if rule.endpoint.startswith("api_partenaire.") else world.api_token
        found += [
            (rule.endpoint, url, token) for method, url in _api_requests(app, rule, world) if method == "GET"
        ]
    return found


def test_api_routes_answer_404_across_tenants(app, two_tenants, client):
    """Every /api/v1/ rule, every method, with A's token: A's ids answer (positive control), B's ids
    answer 404; without a token, 401."""
    a, b = two_tenants
    rules = _api_rules(app)
    assert rules
    checked = 0
    for rule in rules:
        token = a.partner_api_token if rule.endpoint.startswith("api_partenaire.") else a.api_token
        for method, own_url in _api_requests(app, rule, a):
            own = _api_call(client, method, own_url, token)
            assert own.status_code not in (401, 403, 404, 500), (
                f"positive control failed: {method} {rule.endpoint} on its own tenant: {own.status_code}"
            )
            assert _api_call(client, method, own_url).status_code == 401, f"{method} {rule.endpoint}"
            if rule.arguments:
                _, other_url = next(r for r in _api_requests(app, rule, b) if r[0] == method)
                other = _api_call(client, method, other_url, token)
                assert other.status_code == 404, (
                    f"{method} {rule.endpoint} with B's ids and A's token answered {other.status_code}"
                )
            checked += 1
    assert checked >= 6


#: which object of a world each URL variable of a federation rule names
FEDERATION_OBJECTS = {
    "marche_id": "federation_marche_id",
    "lot_id": "federation_lot_id",
    "post_id": "post_id",
}


def federation_values(rule, world) -> dict:
    """The URL variables of a federation rule for ``world``: its Département, its territory, the
    Département's marché and lot."""
    values = {"code": world.federation_code, "slug": world.slug, "kind": "fiche_poste"}
    values.update({arg: world.ids[key] for arg, key in FEDERATION_OBJECTS.items()})
    return {arg: value for arg, value in values.items() if arg in rule.arguments}


def test_federation_routes_answer_404_to_other_coordinators(app, two_tenants, client):
    a, b = two_tenants
    login(client, a.coordinator_email)
    rules = [r for r in _rules(app) if r.rule.startswith("/departements/<code>")]
    assert rules
    for rule in rules:
        with app.test_request_context(base_url="https://localhost"):
            own, other = (
                app.url_for(rule.endpoint, **federation_values(rule, a)),
                app.url_for(rule.endpoint, **federation_values(rule, b)),
            )
        answer = _request(client, rule, own).status_code
        assert answer == 200 if _method(rule) == "GET" else answer not in (404, 500), (rule.endpoint, answer)
        assert _request(client, rule, other).status_code == 404, rule.endpoint
        if rule.arguments - {"code"}:  # A's Département with B's objects
            with app.test_request_context(base_url="https://localhost"):
                mixed = app.url_for(
                    rule.endpoint, **{**federation_values(rule, b), "code": a.federation_code}
                )
            assert _request(client, rule, mixed).status_code == 404, rule.endpoint


@pytest.mark.parametrize("who", ["admin_email", "coordinator_email"])
def test_platform_routes_answer_404_to_non_operators(app, two_tenants, client_factory, who):
    a, _ = two_tenants
    operator, user = client_factory(), client_factory()
    login(operator, "operateur@exemple.fr")
    login(user, getattr(a, who))
    values = {"tenant_id": a.tenant_id, "federation_id": a.federation_id}
    rules = [r for r in _rules(app) if r.rule.startswith("/plateforme")]
    assert rules
    for rule in rules:
        with app.test_request_context(base_url="https://localhost"):
            url = app.url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        assert _request(operator, rule, url).status_code not in (404, 500), (
            f"positive control: {rule.endpoint}"
        )
        assert _request(user, rule, url).status_code == 404, rule.endpoint


def test_anonymous_is_sent_to_login_everywhere_scoped(app, two_tenants, client):
    a, _ = two_tenants
    for rule in _rules(app):
        if (
            rule.rule.startswith("/t/<tenant_slug>")
            and _method(rule) == "GET"
            and rule.endpoint not in PUBLIC
        ):
            response = client.get(_tenant_url(app, rule, a.slug, a))
            assert response.status_code == 302 and "/connexion" in response.headers["Location"], rule.endpoint


def test_refused_access_is_audited(app, two_tenants, client, superuser_engine):
    from sqlalchemy import text

    a, b = two_tenants
    login(client, a.admin_email)
    assert client.get(f"/t/{b.slug}/").status_code == 404
    with superuser_engine.connect() as conn:
        rows = conn.execute(
            text("SELECT actor_email, details FROM platform_audit_log WHERE action = 'access.refused'")
        ).all()
        in_tenants = conn.execute(text("SELECT count(*) FROM audit_log WHERE action = 'access.refused'"))
        assert in_tenants.scalar_one() == 0
    assert [(r.actor_email, r.details["territoire"]) for r in rows] == [(a.admin_email, b.slug)]
