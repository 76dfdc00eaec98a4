"""The operator creates a territory from the platform console, in a real browser."""

from __future__ import annotations

import pytest

from saas.db import db
from tenants import context
from tests.browser.checks import MOBILE
from tests.browser.steps import flash_text, login, open_nav, submit
from tests.fixtures import make_user

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def operator(app):
    with app.app_context(), context.scoped(platform=True):
        make_user("operatrice@exemple.fr", "Opératrice", operator=True)
        db.session.commit()
        db.session.remove()
    return "operatrice@exemple.fr"


def test_the_operator_creates_a_territory(app, page, audit_page, operator):
    login(page, audit_page, app, operator)
    assert page.get_by_role("heading", level=1).inner_text() == "Territoires"
    audit_page("Territoires (console de l'opérateur)")

    page.get_by_label("Nom du territoire").fill("Communauté d'agglomération du Bocage")
    page.get_by_label("Identifiant d'adresse").fill("bocage")
    page.get_by_label("Type de structure").select_option(label="Communauté d'agglomération")
    page.get_by_label("SIREN").fill("200069581")
    page.get_by_label("Adresse du premier administrateur").fill("admin@bocage.fr")
    page.get_by_label("Nom du premier administrateur").fill("Aline Martin")
    submit(page, "Créer le territoire")

    assert "Le territoire « Communauté d'agglomération du Bocage » est créé." in flash_text(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Communauté d'agglomération du Bocage"
    audit_page("Territoire créé (console de l'opérateur)")

    open_nav(page, "Territoires")
    assert page.get_by_role("link", name="Communauté d'agglomération du Bocage").is_visible()
    open_nav(page, "Départements")
    audit_page("Départements (console de l'opérateur)")

    # on a small screen the navigation opens under « Menu »
    page.set_viewport_size(MOBILE)
    open_nav(page, "Journal")
    assert page.get_by_role("heading", level=1).is_visible()
    audit_page("Journal (console de l'opérateur)")
