"""Partners and donneurs d'ordre land on their portal after login (not on a 404): it says what
they will be able to do and whom to ask; the workspace stays closed to them."""

from __future__ import annotations

import html

import pytest

from tests.fixtures import login


@pytest.mark.parametrize(
    ("who", "promise"),
    [
        ("partner_email", "déclarer chaque mois les heures"),
        ("buyer", "suivre l'avancement des clauses de vos marchés"),
    ],
)
def test_partner_and_buyer_land_on_their_portal(two_tenants, client, who, promise):
    a, b = two_tenants
    email = a.partner_email if who == "partner_email" else "buyer-a@exemple.fr"
    landing = login(client, email, follow=True)
    assert landing.status_code == 200
    assert landing.request.path == f"/t/{a.slug}/portail/"
    page = html.unescape(landing.get_data(as_text=True))
    assert promise in page
    # whom to ask: the tenant's admin and facilitateur, with their addresses; not another tenant's
    assert a.admin_email in page and a.facilitateur_email in page
    assert b.admin_email not in page
    assert client.get(f"/t/{a.slug}/").status_code == 404  # the workspace stays closed
    assert client.get(f"/t/{a.slug}/participants/").status_code == 404
    assert client.get(f"/t/{b.slug}/portail/").status_code == 404  # another tenant's portal too


def test_the_workspace_roles_still_land_on_the_dashboard(two_tenants, client):
    a, _ = two_tenants
    landing = login(client, a.facilitateur_email, follow=True)
    assert landing.status_code == 200 and landing.request.path == f"/t/{a.slug}/"
    assert client.get(f"/t/{a.slug}/portail/").status_code == 404
