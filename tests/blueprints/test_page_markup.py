"""Every page of the workspace and of the consoles, rendered with real data: no id twice, no form
control without a label (a screen reader user would not know what the field is for)."""

from __future__ import annotations

from tests.fixtures import login
from tests.markup import markup_faults
from tests.tenants.test_isolation_routes import TENANT_OBJECTS


def _get_rules(app, prefix: str):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        # (the stop link of a mail carries a signed token: tests/mail renders it)
        if rule.rule.startswith(prefix) and "GET" in rule.methods and "token" not in rule.arguments:
            yield rule


def _pages(app, client, prefix: str, values: dict):
    for rule in _get_rules(app, prefix):
        with app.test_request_context(base_url="https://localhost"):
            url = app.url_for(rule.endpoint, **{arg: values[arg] for arg in rule.arguments})
        response = client.get(url)
        if response.status_code == 200 and response.mimetype == "text/html":
            yield url, response.get_data(as_text=True)


def _faults(pages) -> tuple[int, list[str]]:
    seen, faults = 0, []
    for url, html in pages:
        seen += 1
        faults += [f"{url}: {fault}" for fault in markup_faults(html)]
    return seen, faults


def test_tenant_pages_have_unique_ids_and_labelled_controls(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)  # the admin sees the workspace and the console
    values = {"tenant_slug": a.slug} | {arg: a.ids[key] for arg, key in TENANT_OBJECTS.items()}
    seen, faults = _faults(_pages(app, client, "/t/<tenant_slug>", values))
    assert seen >= 40
    assert not faults, "\n".join(faults)


def test_operator_pages_have_unique_ids_and_labelled_controls(app, two_tenants, client):
    a, _ = two_tenants
    login(client, "operateur@exemple.fr")
    values = {"tenant_id": a.tenant_id, "federation_id": a.federation_id}
    seen, faults = _faults(_pages(app, client, "/plateforme", values))
    assert seen >= 4
    assert not faults, "\n".join(faults)


def test_the_login_and_space_pages_have_unique_ids_and_labelled_controls(app, two_tenants, client):
    a, _ = two_tenants
    pages = [("/connexion", client.get("/connexion").get_data(as_text=True))]
    login(client, a.coordinator_email)
    pages.append(("/espaces", client.get("/espaces").get_data(as_text=True)))
    seen, faults = _faults(pages)
    assert seen == 2 and not faults, "\n".join(faults)
