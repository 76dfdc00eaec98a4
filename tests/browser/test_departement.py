"""The Département's coordinator and a territory's admin in a real browser: the console with its
consolidation, a territory's report and its versions, the Département's marchés (a marché and a lot
recorded), the funding of posts; the territory's reports, a preview and « envoyer maintenant »;
each page checked (axe, both widths)."""

from __future__ import annotations

import pytest

from saas import clock
from tests.browser.steps import flash_text, follow, login, open_nav, submit, text
from tests.fixtures import build_tenant

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def test_the_coordinator_reads_the_consolidation_and_hands_a_lot(app, page, audit_page, territory):
    login(page, audit_page, app, territory.coordinator_email)
    page.goto(f"/departements/{territory.federation_code}/")
    assert page.get_by_role("table", name="Chiffres clés").count() == 1
    assert "Territoires ayant transmis leur rapport" in text(page.locator("main"))
    audit_page("Console du Département")
    follow(page, page.get_by_role("link", name="Voir le rapport et ses versions : Territoire A"))
    assert page.get_by_role("table", name="Versions reçues").count() == 1
    audit_page("Rapport d'un territoire et ses versions")

    page.goto(f"/departements/{territory.federation_code}/marches")
    audit_page("Marchés du Département")
    new = page.get_by_role("region", name="Enregistrer un marché du Département")
    new.get_by_label("Référence").fill("CD-2027-03")
    new.get_by_label("Objet").fill("Restructuration du collège Paul-Éluard")
    submit(page, "Enregistrer le marché")
    assert "Le marché « CD-2027-03 » est enregistré" in flash_text(page)
    page.get_by_text("Ajouter un lot au marché CD-2027-03").click()
    section = page.get_by_role("region", name="CD-2027-03 — Restructuration du collège Paul-Éluard")
    section.get_by_label("Numéro du lot").fill("1")
    section.get_by_label("Objet du lot").fill("Désamiantage")
    section.get_by_label("Heures d'insertion exigées").fill("600")
    section.get_by_label("Communes d'exécution (codes INSEE)").fill("93048")
    follow(page, section.get_by_role("button", name="Ajouter le lot"))
    assert "Le lot 1 est enregistré (à attribuer)." in flash_text(page)
    audit_page("Marchés du Département, un lot non attribué")

    page.goto(f"/departements/{territory.federation_code}/financement")
    subsidy = page.get_by_role("table", name=f"Subvention {clock.today().year} par territoire")
    figures = "".join(text(subsidy).split())
    assert "12000€" in figures and "4800€" in figures  # 0.8 FTE all year: due, and the advance payable
    audit_page("Financement des postes de facilitateur")


def test_the_admin_previews_and_sends_a_report(app, page, audit_page, territory):
    login(page, audit_page, app, territory.admin_email)
    open_nav(page, "Rapports aux Départements")
    assert page.get_by_role("table", name="Rapports envoyés à Département 79").count() == 1
    audit_page("Rapports aux Départements")
    follow(page, page.get_by_role("button", name="Voir l'aperçu du rapport"))
    assert "Aperçu du rapport de" in text(page.get_by_role("heading", level=1))
    audit_page("Aperçu d'un rapport")
    submit(page, "Envoyer maintenant")  # the lot the Département handed since adds its progress
    assert "La version 2 du rapport de " in flash_text(page) and "part vers « Département 79 »" in flash_text(
        page
    )
    follow(page, page.get_by_role("button", name="Voir l'aperçu du rapport"))
    submit(page, "Envoyer maintenant")
    assert "Rien n'a changé depuis le dernier envoi" in flash_text(page)
    follow(
        page,
        page.get_by_role(
            "link", name="Postes de facilitateur subventionnés et pièces justificatives : Département 79"
        ),
    )
    assert page.get_by_role("heading", level=2, name="Chargé de mission clauses").count() == 1
    audit_page("Postes de facilitateur")
