"""Partners land on their portal after login (not on a 404): what they have to do there and whom
to ask; the workspace stays closed to them."""

from __future__ import annotations

import html

from tests.fixtures import login


def test_a_partner_lands_on_its_portal(two_tenants, client):
    """(A donneur d'ordre lands on its own space: tests/blueprints/test_acheteur.py.)"""
    a, b = two_tenants
    promise = "Déclarer les heures du mois"
    landing = login(client, a.partner_email, follow=True)
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
