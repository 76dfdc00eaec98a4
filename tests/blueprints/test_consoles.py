"""The tenant admin console, the operator console and the federation landing page."""

from __future__ import annotations

import html
import re

from sqlalchemy import text

from tests.fixtures import PASSWORD, issued_links, login
from tests.web import NEW_TENANT, post, refused_page, text_of


def test_invitation_link_lets_the_person_choose_a_password_once(two_tenants, client, client_factory):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/utilisateurs"
    with issued_links() as sent:
        page = post(
            client,
            url,
            {"email": "nouvelle@exemple.fr", "display_name": "Nouvelle Personne", "role": "facilitateur"},
        )
    assert page.status_code == 200
    assert "Un courriel a été envoyé à nouvelle@exemple.fr" in text_of(page)
    (link,) = sent
    assert link not in text_of(page)  # the link went to the person, not to the admin
    newcomer = client_factory()
    weak = post(newcomer, link, {"password": "court", "confirmation": "court"})
    assert "au moins 12 caractères" in text_of(weak)
    assert (
        post(
            newcomer, link, {"password": "Un-Mot-de-passe-1", "confirmation": "Un-Mot-de-passe-1"}
        ).status_code
        == 302
    )
    assert newcomer.get(link).status_code == 404  # used once
    assert login(newcomer, "nouvelle@exemple.fr", "Un-Mot-de-passe-1").status_code == 302
    assert newcomer.get(f"/t/{a.slug}/").status_code == 200
    assert newcomer.get(f"/t/{a.slug}/admin/utilisateurs").status_code == 404  # facilitateur, not admin


def test_partner_role_needs_an_organisation(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/utilisateurs"
    assert "Choisissez l'organisation" in refused_page(
        client,
        url,
        {"email": "p@exemple.fr", "display_name": "P", "role": "partenaire", "organisation_id": ""},
    )


def test_the_last_admin_cannot_be_demoted(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/utilisateurs/{a.ids['membership_tenant_admin']}"
    page = post(client, url, {"role": "facilitateur", "organisation_id": ""})
    assert "au moins un administrateur actif" in text_of(page)


def test_role_change_is_audited(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/utilisateurs/{a.ids['membership_facilitateur']}"
    assert post(client, url, {"role": "tenant_admin", "organisation_id": ""}).status_code == 302
    with superuser_engine.connect() as conn:
        row = conn.execute(
            text("SELECT tenant_id, details FROM audit_log WHERE action = 'membership.role_changed'")
        ).one()
    assert row.tenant_id == a.tenant_id and row.details["après"] == "tenant_admin"


def test_settings_refuse_a_colour_without_contrast_in_french(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/parametres"
    page = post(client, url, {"name": "Territoire A", "colour": "#ffff00", "communes": "79191"})
    assert page.status_code == 400
    assert "il faut au moins 4,5:1" in text_of(page)
    page = post(client, url, {"name": "Territoire A", "colour": "#1d4e89", "communes": "79191 7919"})
    assert "Codes INSEE non valides : 7919" in text_of(page)
    assert (
        post(
            client,
            url,
            {
                "name": "Territoire A",
                "display_name": "Guichet A",
                "colour": "#1d4e89",
                "communes": "79191, 2A004",
            },
        ).status_code
        == 302
    )
    home = client.get(f"/t/{a.slug}/").get_data(as_text=True)
    assert "Guichet A" in home and f"/t/{a.slug}/theme.css" in home  # the CSP allows no inline style
    theme = client.get(f"/t/{a.slug}/theme.css").get_data(as_text=True)
    assert "--couleur-primaire: #1d4e89" in theme


def test_organisation_siret_is_checked(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/organisations"
    page = post(client, url, {"name": "Entreprise X", "kind": "entreprise", "siret": "12345678901234"})
    assert "Le SIRET n'est pas valide" in text_of(page)
    assert (
        post(
            client, url, {"name": "Entreprise X", "kind": "entreprise", "siret": "78912345200011"}
        ).status_code
        == 302
    )


def test_audit_viewer_filters_by_action(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    with superuser_engine.connect() as conn:
        created = conn.execute(
            text("SELECT count(*) FROM organisations WHERE tenant_id = :t"), {"t": a.tenant_id}
        ).scalar_one()
    login(client, a.admin_email)
    filtered = text_of(client.get(f"/t/{a.slug}/admin/journal?action=organisation.created"))
    assert f"Événements ({created})" in filtered  # the organisations of the fixture, nothing else
    everything = text_of(client.get(f"/t/{a.slug}/admin/journal"))
    assert int(re.search(r"Événements \((\d+)\)", everything).group(1)) > created


def test_operator_creates_a_tenant_with_its_first_admin(two_tenants, client, client_factory):
    login(client, "operateur@exemple.fr")
    with issued_links() as sent:
        response = post(
            client,
            "/plateforme/territoires",
            NEW_TENANT,
        )
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"]).get_data(as_text=True)
    (link,) = sent
    assert "Un courriel a été envoyé à chef@plie.fr" in html.unescape(flashed) and link not in flashed
    admin = client_factory()
    post(admin, link, {"password": PASSWORD, "confirmation": PASSWORD})
    login(admin, "chef@plie.fr")
    assert admin.get("/t/plie-du-val/admin/utilisateurs").status_code == 200
    assert client.get("/t/plie-du-val/").status_code == 404  # the operator gets no tenant data


def test_operator_attaches_a_tenant_to_a_federation_and_the_coordinator_sees_it(
    two_tenants, client, client_factory
):
    a, b = two_tenants
    login(client, "operateur@exemple.fr")
    url = f"/plateforme/departements/{b.federation_id}"
    assert (
        post(client, url, {"name": "Département 93", "tenant_ids": [a.tenant_id, b.tenant_id]}).status_code
        == 302
    )
    coordinator = client_factory()
    login(coordinator, b.coordinator_email)
    page = coordinator.get(f"/departements/{b.federation_code}/").get_data(as_text=True)
    assert "Territoire A" in page and "Territoire B" in page and "Aucun rapport" in page


def test_duplicate_slug_is_refused_in_french(two_tenants, client):
    a, _ = two_tenants
    login(client, "operateur@exemple.fr")
    assert "déjà utilisé" in refused_page(
        client,
        "/plateforme/territoires",
        {"name": "X", "slug": a.slug, "kind": "commune", "admin_email": "x@x.fr", "admin_name": "X"},
    )


def test_a_domain_refusal_no_view_caught_shows_its_message_and_writes_nothing(app):
    from saas.errors import DomainError

    with app.test_request_context("/t/territoire-a/heures/1/valider", method="POST"):
        response = app.make_response(app.handle_user_exception(DomainError("Ce relevé est déjà validé.")))
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Opération refusée" in page and "Ce relevé est déjà validé." in page
    assert "Traceback" not in page
    with app.test_request_context("/api/v1/releves/1", headers={"Accept": "application/json"}):
        response = app.make_response(app.handle_user_exception(DomainError("Refus.")))
    assert (response.status_code, response.json["message"]) == (422, "Refus.")
