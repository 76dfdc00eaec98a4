"""Personal data in a real browser: the admin examines the retention's simulation waiting for
confirmation; on a participant's file, an erasure request is recorded, then answered by the
reasons the data must stay (her mission runs); the admin fills in the register's controller and
contact, reads the register and opens the participants' notice. Each page passes axe at 1280 and
390 px."""

from __future__ import annotations

import re

import pytest

from tests.browser.checks import MOBILE
from tests.browser.steps import choose, follow, login, open_nav, submit, text
from tests.fixtures import build_tenant

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def test_the_admin_examines_the_simulation_and_a_request_is_answered(app, page, audit_page, territory):
    login(page, audit_page, app, territory.admin_email)
    open_nav(page, "Données personnelles")
    assert text(page.get_by_role("heading", level=1)) == "Données personnelles"
    assert "Accès à ses données" in text(page.locator("main"))  # the request, with its deadline
    audit_page("Données personnelles")
    follow(page, page.get_by_role("link", name="Examiner la liste et confirmer"))
    assert page.get_by_role("button", name="Confirmer l'anonymisation").is_visible()
    audit_page("Passage de la conservation, à confirmer")

    page.goto(f"/t/{territory.slug}/participants/{territory.ids['participant_id']}")
    page.set_viewport_size(MOBILE)  # recorded at the desk on a small screen
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Données personnelles et droits de la personne")
    )
    assert section.get_by_role("link", name="Télécharger ses données (PDF)").is_visible()
    choose(page, "Demande", "Effacement")
    submit(page, "Enregistrer la demande")
    assert page.locator(".messages .alerte--success").count() == 1, text(page.locator("main"))[:1500]
    audit_page("Dossier, demande d'effacement enregistrée")
    submit(page, "Effacer les données de la personne")  # not confirmed: refused, nothing done
    assert "Cochez la case pour confirmer l'effacement définitif." in text(page.locator("main"))
    page.get_by_label(re.compile("je confirme l'effacement définitif")).check()
    submit(page, "Effacer les données de la personne")
    answered = text(page.locator("main"))
    assert "Refusée" in answered and "mission en cours" in answered, answered[-1500:]
    audit_page("Dossier, effacement refusé avec ses raisons")


def test_the_admin_completes_the_register_and_opens_the_notice(app, page, audit_page, territory):
    login(page, audit_page, app, territory.admin_email)
    open_nav(page, "Registre et notice")
    assert text(page.get_by_role("heading", level=1)) == "Registre des traitements"
    assert "Responsable du traitement : à compléter" in text(page.locator("main"))
    audit_page("Registre des traitements, à compléter")

    # the form is typed on a phone-sized screen: it is usable there
    page.set_viewport_size(MOBILE)
    page.get_by_role("textbox", name="Responsable du traitement").fill(
        "Ville de Test, représentée par son maire"
    )
    page.get_by_role("textbox", name="Contact pour l'exercice des droits").fill("dpo@ville-test.fr")
    submit(page, "Enregistrer")
    assert page.locator(".messages .alerte--success").count() == 1, text(page.locator("main"))[:1500]
    main = text(page.locator("main"))
    assert "à compléter" not in main and "Ville de Test, représentée par son maire" in main
    page.get_by_text("Le détail, enregistrement par enregistrement").click()
    assert page.get_by_text("Identité et coordonnées", exact=True).is_visible()
    audit_page("Registre des traitements, complété")

    follow(page, page.get_by_role("link", name="Notice pour les participants"))
    assert (
        text(page.get_by_role("heading", level=1))
        == "Vos données personnelles au guichet des clauses sociales"
    )
    notice = text(page.get_by_role("article"))
    assert "Le responsable de vos données est Ville de Test, représentée par son maire." in notice
    assert "Écrivez à : dpo@ville-test.fr." in notice and "CNIL" in notice
    audit_page("Notice pour les participants")
    # printed, the notice keeps its text and drops the console around it
    page.emulate_media(media="print")
    assert not page.get_by_role("navigation", name="Navigation principale").is_visible()
    assert page.get_by_role("heading", name="Quels sont vos droits ?").is_visible()
    page.emulate_media(media="screen")
