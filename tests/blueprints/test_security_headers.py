"""Security headers from the app itself, and no inline code the Content-Security-Policy would block.

The CSP has no 'unsafe-inline': a template that keeps an inline <script>, <style>, ``style=""``
or ``on...=""`` handler would break in a browser. The walk renders every page of every audience
(with the tenant's colour set, which used to be an inline style) and fails on any of them.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from tests.fixtures import login
from tests.tenants.test_isolation_routes import TENANT_OBJECTS, _rules, federation_values

INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on... handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def _csp(response) -> dict[str, str]:
    policy = response.headers.get("Content-Security-Policy", "")
    return {d.split()[0]: d for d in (p.strip() for p in policy.split(";")) if d}


def assert_secure_headers(response, secure: bool = True) -> None:
    csp = _csp(response)
    assert "unsafe-inline" not in response.headers.get("Content-Security-Policy", "")
    assert csp.get("default-src") == "default-src 'self'"
    assert csp.get("frame-ancestors") == "frame-ancestors 'none'"
    assert csp.get("object-src") == "object-src 'none'"
    assert csp.get("base-uri") == "base-uri 'self'"
    assert csp.get("form-action") == "form-action 'self'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in (
        "same-origin",
        "strict-origin-when-cross-origin",
        "no-referrer",
    )
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert hsts.startswith("max-age=") if secure else not hsts


def _set_colour(superuser_engine, slug: str, colour: str) -> None:
    with superuser_engine.begin() as conn:
        conn.execute(text("UPDATE tenants SET theme_colour = :c WHERE slug = :s"), {"c": colour, "s": slug})


def test_pages_and_api_answers_carry_the_security_headers(two_tenants, client):
    a, _ = two_tenants
    assert_secure_headers(client.get("/connexion"))
    assert_secure_headers(client.get("/nulle-part"))  # a 404 page too
    login(client, a.admin_email)
    assert_secure_headers(client.get(f"/t/{a.slug}/"))
    api = client.get("/api/v1/marches", headers={"Authorization": f"Bearer {a.api_token}"})
    assert api.status_code == 200
    assert_secure_headers(api)
    assert_secure_headers(client.get("/api/v1/marches"))  # a JSON 401


def test_no_strict_transport_security_over_plain_http(app, two_tenants):
    plain = app.test_client()
    response = plain.get("/connexion", base_url="http://localhost")
    assert_secure_headers(response, secure=False)


def test_the_tenant_colour_is_a_stylesheet_not_an_inline_style(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    _set_colour(superuser_engine, a.slug, "#1f4e79")
    login(client, a.admin_email)
    html = client.get(f"/t/{a.slug}/").get_data(as_text=True)
    link = re.search(r'<link rel="stylesheet" href="([^"]*/theme\.css[^"]*)"', html)
    assert link, "the page does not link the tenant's stylesheet"
    css = client.get(link.group(1).replace("&amp;", "&"))
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert "--couleur-primaire: #1f4e79" in css.get_data(as_text=True)
    assert_secure_headers(css)


def _inline_code(html: str) -> list[str]:
    return [what for what, pattern in INLINE.items() if pattern.search(html)]


def _walk(app, client, rules, values_of) -> tuple[int, list[str]]:
    pages, found = 0, []
    for rule in rules:
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        with app.test_request_context(base_url="https://localhost"):
            url = app.url_for(rule.endpoint, **values_of(rule))
        response = client.get(url)
        if response.mimetype != "text/html":
            continue
        pages += 1
        found += [f"{url}: {what}" for what in _inline_code(response.get_data(as_text=True))]
    return pages, found


def test_no_page_holds_inline_script_style_or_handler(app, two_tenants, client_factory, superuser_engine):
    a, _ = two_tenants
    _set_colour(superuser_engine, a.slug, "#1f4e79")
    rules = _rules(app)
    admin, operator, coordinator, anonymous = (client_factory() for _ in range(4))
    login(admin, a.admin_email)
    login(operator, "operateur@exemple.fr")
    login(coordinator, a.coordinator_email)
    platform = {"tenant_id": a.tenant_id, "federation_id": a.federation_id}

    def tenant_values(rule):
        ids = {arg: a.ids.get(TENANT_OBJECTS.get(arg), "inconnu") for arg in rule.arguments - {"tenant_slug"}}
        return {**ids, "tenant_slug": a.slug}

    walks = [
        (admin, [r for r in rules if r.rule.startswith("/t/<tenant_slug>")], tenant_values),
        (
            operator,
            [r for r in rules if r.rule.startswith("/plateforme")],
            lambda r: {k: platform[k] for k in r.arguments},
        ),
        (
            coordinator,
            [r for r in rules if r.rule.startswith("/departements/")],
            lambda r: federation_values(r, a),
        ),
        (anonymous, [r for r in rules if not r.arguments and not r.rule.startswith("/api")], lambda r: {}),
    ]
    pages, found = 0, []
    for client, walked_rules, values_of in walks:
        walked, inline = _walk(app, client, walked_rules, values_of)
        pages, found = pages + walked, found + inline
    assert pages >= 50, pages
    assert not found, "inline code the CSP blocks:\n" + "\n".join(found)
