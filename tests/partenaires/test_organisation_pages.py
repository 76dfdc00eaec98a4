"""Partner organisations in the admin console: identity, SIRET and commune checks, contacts with
one primary, the users bound to the organisation, deactivation, the filtered list and its export."""

from __future__ import annotations

import re

from sqlalchemy import text

from blueprints.listing import PER_PAGE
from saas.db import db
from saas.partenaires import api as partenaires
from tenants import context
from tests.fixtures import ACTOR, login
from tests.web import post, text_of

VALID_SIRET = "78912345200011"
BAD_LUHN_SIRET = "78912345200012"


def field_error(page_text: str, field_id: str) -> str:
    """The error message rendered under one field (``<p id="<field>-erreur">``)."""
    match = re.search(rf'<p class="champ__erreur" id="{field_id}-erreur">(.*?)</p>', page_text, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def rows(superuser_engine, sql: str, **params):
    with superuser_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_creation_refuses_a_siret_failing_the_luhn_key_on_the_siret_field(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/organisations"
    page = post(client, url, {"name": "Entreprise X", "kind": "entreprise", "siret": BAD_LUHN_SIRET})
    assert page.status_code == 400
    assert "clé de Luhn" in field_error(text_of(page), "siret")


def test_edit_checks_siret_and_commune_and_saves_the_identity(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    organisation_id = a.ids["organisation_id"]
    url = f"/t/{a.slug}/admin/organisations/{organisation_id}/modifier"
    form = {"name": "SIAE A", "kind": "siae_ai", "prescriber_kind": "", "siret": BAD_LUHN_SIRET}
    page = post(client, url, form)
    assert page.status_code == 400
    assert "clé de Luhn" in field_error(text_of(page), "siret")

    page = post(client, url, {**form, "siret": VALID_SIRET, "commune_insee": "99999"})
    assert page.status_code == 400
    assert "Code INSEE" in field_error(text_of(page), "commune_insee")

    saved = post(
        client,
        url,
        {
            **form,
            "siret": "789 123 452 00011",
            "commune_insee": "79191",
            "address": "3 rue de la Gare",
            "email": "contact@siae-a.fr",
            "phone": "05 49 00 00 00",
            "notes": "Chantier d'insertion bâtiment",
        },
    )
    assert saved.status_code == 302
    assert rows(
        superuser_engine,
        "SELECT siret, commune_insee, address, email, phone FROM organisations WHERE id = :id",
        id=organisation_id,
    ) == [(VALID_SIRET, "79191", "3 rue de la Gare", "contact@siae-a.fr", "05 49 00 00 00")]
    (details,) = rows(
        superuser_engine,
        "SELECT details FROM audit_log WHERE action = 'organisation.updated' AND target_id = :id",
        id=str(organisation_id),
    )[0]
    assert {"siret", "commune_insee", "address"} <= set(details["champs"])
    page = text_of(client.get(f"/t/{a.slug}/admin/organisations/{organisation_id}"))
    assert "3 rue de la Gare" in page and "79191" in page


def test_an_organisation_keeps_one_primary_contact(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    organisation_id = a.ids["organisation_id"]
    page_url = f"/t/{a.slug}/admin/organisations/{organisation_id}"
    url = f"{page_url}/contacts"
    contact = {"name": "Nadia Martin", "function": "Encadrante", "email": "n.martin@exemple.fr"}
    assert post(client, url, {**contact, "is_primary": "y"}, page_url).status_code == 302
    assert post(client, url, {**contact, "name": "Paul Roux", "is_primary": "y"}, page_url).status_code == 302
    primaries = rows(
        superuser_engine,
        "SELECT name FROM organisation_contacts WHERE organisation_id = :id AND is_primary",
        id=organisation_id,
    )
    assert [r.name for r in primaries] == ["Paul Roux"]  # the fixture's and Nadia's were demoted
    assert (
        len(
            rows(
                superuser_engine,
                "SELECT id FROM organisation_contacts WHERE organisation_id = :id",
                id=organisation_id,
            )
        )
        == 3
    )


def test_contact_form_errors_name_the_field(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    page_url = f"/t/{a.slug}/admin/organisations/{a.ids['organisation_id']}"
    page = post(client, f"{page_url}/contacts", {"name": "", "email": "pas-une-adresse"}, page_url)
    assert page.status_code == 400
    body = text_of(page)
    assert "Indiquez le nom du contact" in field_error(body, "name")
    assert "Adresse électronique non valide" in field_error(body, "email")


def test_a_contact_is_deleted_only_through_its_own_organisation(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    login(client, a.admin_email)
    contact_id = a.ids["contact_id"]
    buyer_id = rows(
        superuser_engine,
        "SELECT id FROM organisations WHERE tenant_id = :t AND kind = 'donneur_ordre'",
        t=a.tenant_id,
    )[0].id
    page_url = f"/t/{a.slug}/admin/organisations/{a.ids['organisation_id']}"
    wrong = post(
        client, f"/t/{a.slug}/admin/organisations/{buyer_id}/contacts/{contact_id}/supprimer", {}, page_url
    )
    assert wrong.status_code == 404
    assert post(client, f"{page_url}/contacts/{contact_id}/supprimer", {}, page_url).status_code == 302
    assert rows(superuser_engine, "SELECT id FROM organisation_contacts WHERE id = :id", id=contact_id) == []
    assert rows(superuser_engine, "SELECT id FROM audit_log WHERE action = 'contact.removed'")


def test_organisation_page_shows_the_users_bound_with_their_role(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    page = text_of(client.get(f"/t/{a.slug}/admin/organisations/{a.ids['organisation_id']}"))
    section = page.split('id="utilisateurs"', 1)[1]
    assert a.partner_email in section and "Partenaire" in section
    assert a.facilitateur_email not in section  # not bound to any organisation
    assert "buyer-a@exemple.fr" not in section  # bound to the buyer, not to the SIAE
    assert "Contact a" in page  # the fixture's contact


def test_deactivated_organisation_cannot_be_bound_and_can_be_reactivated(
    two_tenants, client, superuser_engine
):
    a, _ = two_tenants
    login(client, a.admin_email)
    organisation_id = a.ids["organisation_id"]
    page_url = f"/t/{a.slug}/admin/organisations/{organisation_id}"
    assert post(client, f"{page_url}/activation", {}, page_url).status_code == 302
    assert rows(superuser_engine, "SELECT active FROM organisations WHERE id = :id", id=organisation_id) == [
        (False,)
    ]
    assert "Désactivée" in text_of(client.get(page_url))

    users = f"/t/{a.slug}/admin/utilisateurs"
    refused = post(
        client,
        users,
        {
            "email": "new@exemple.fr",
            "display_name": "New",
            "role": "partenaire",
            "organisation_id": str(organisation_id),
        },
    )
    assert refused.status_code == 400
    assert "désactivée" in field_error(text_of(refused), "organisation_id")

    listing = f"/t/{a.slug}/admin/organisations"
    assert "SIAE a" not in text_of(client.get(f"{listing}?active=1"))
    assert "SIAE a" in text_of(client.get(f"{listing}?active=0"))

    assert post(client, f"{page_url}/activation", {}, page_url).status_code == 302
    actions = [
        r.action
        for r in rows(
            superuser_engine,
            "SELECT action FROM audit_log WHERE target_id = :id AND action LIKE 'organisation.%' ORDER BY id",
            id=str(organisation_id),
        )
    ]
    assert actions == ["organisation.created", "organisation.deactivated", "organisation.reactivated"]


def test_list_filters_sorts_pages_and_exports_what_is_shown(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/organisations"
    for index, siret in enumerate(["73282932000074", "55208131766522", VALID_SIRET]):
        created = post(client, url, {"name": f"Zeta BTP {index}", "kind": "entreprise", "siret": siret})
        assert created.status_code == 302

    filtered = text_of(client.get(f"{url}?kind=entreprise&q=zeta&tri=-nom"))
    assert "Organisations du territoire (3)" in filtered
    assert filtered.index("Zeta BTP 2") < filtered.index("Zeta BTP 0")  # descending
    assert "Ville a" not in filtered

    by_siret = text_of(client.get(f"{url}?q=552081"))
    assert "Zeta BTP 1" in by_siret and "Zeta BTP 0" not in by_siret

    export = client.get(f"{url}?kind=entreprise&q=zeta&tri=nom&export=csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Nom;Type;")
    assert [line.split(";")[0] for line in lines[1:]] == ["Zeta BTP 0", "Zeta BTP 1", "Zeta BTP 2"]
    xlsx = client.get(f"{url}?export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"


def test_list_is_paginated(two_tenants, client, app):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        for index in range(PER_PAGE):
            partenaires.create(ACTOR, f"Commune {index:02d}", "donneur_ordre")
        db.session.commit()
        db.session.remove()
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/organisations"
    first = text_of(client.get(f"{url}?q=commune"))
    assert f"Organisations du territoire ({PER_PAGE})" in first
    assert 'aria-label="Pagination"' not in first
    everything = text_of(client.get(url))
    assert 'aria-label="Pagination"' in everything and "Page suivante" in everything
    second = text_of(client.get(f"{url}?page=2"))
    assert "Commune 00" not in second and "Ville a" in second  # sorted by name: V comes after C
