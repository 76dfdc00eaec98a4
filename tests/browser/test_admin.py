"""The tenant admin invites a facilitateur from the console, in a real browser; the admin's
navigation (the longest: workspace and console) is checked at 1280 and 390 px on each page."""

from __future__ import annotations

import pytest

from tests.browser.checks import MOBILE
from tests.browser.steps import login, open_nav, submit, text
from tests.fixtures import build_tenant

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def test_the_admin_invites_a_facilitateur(app, page, audit_page, territory):
    login(page, audit_page, app, territory.admin_email)
    audit_page("Tableau de bord (administrateur)")

    open_nav(page, "Utilisateurs")
    audit_page("Utilisateurs")
    # the invitation is typed on a phone-sized screen: the form is usable there
    page.set_viewport_size(MOBILE)
    invite = page.locator("form", has=page.get_by_role("button", name="Inviter", exact=True))
    invite.get_by_label("Adresse électronique").fill("nouvelle.facilitatrice@exemple.fr")
    invite.get_by_label("Nom et prénom").fill("Nadia Benali")
    invite.get_by_label("Rôle").select_option(label="Facilitateur")
    submit(page, "Inviter")

    success = page.locator(".messages .alerte--success")
    assert success.count() == 1, text(page.locator("main"))[:1500]
    assert page.locator(".messages .alerte--error").count() == 0
    members = text(page.locator("main table"))
    assert "nouvelle.facilitatrice@exemple.fr" in members or "Nadia Benali" in members, members
    audit_page("Utilisateurs, invitation envoyée")

    for label in ("Organisations", "Paramètres", "Journal", "Boîte d'envoi"):
        open_nav(page, label)
        audit_page(label)

    # on a small screen the console's pages are reached through « Menu », then « Administration »
    page.set_viewport_size(MOBILE)
    open_nav(page, "Jetons d'API")
    assert text(page.get_by_role("heading", level=1)) == "Jetons d'API"
    audit_page("Jetons d'API")
