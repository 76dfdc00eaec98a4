"""The facilitateur produces the annual bilan in a real browser: the form, the bilan's tables, the
comparison with today's ledger and the workbook, each page checked (axe, both widths)."""

from __future__ import annotations

import openpyxl
import pytest

from tests.browser.steps import choose, flash_text, follow, login, open_nav, submit, text
from tests.fixtures import build_tenant

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def test_the_facilitateur_produces_and_downloads_the_annual_bilan(app, page, audit_page, territory, tmp_path):
    login(page, audit_page, app, territory.facilitateur_email)
    open_nav(page, "Bilans")
    audit_page("Bilans")
    follow(page, page.get_by_role("link", name="Produire un bilan"))
    audit_page("Produire un bilan")
    assert page.get_by_label("Bilan annuel du guichet").is_checked()
    choose(page, "Périmètre", "Tout le territoire")
    page.get_by_label("Année", exact=True).fill("2025")
    submit(page, "Produire le bilan")
    assert "Bilan produit et enregistré." in flash_text(page)
    title = text(page.get_by_role("heading", level=1))
    assert title.startswith("Bilan annuel du guichet — ") and title.endswith("— Année 2025"), title
    for table in ("Statut à l'entrée", "Type de contrat", "Situation à l'issue", "Heures par mois"):
        assert page.get_by_role("table", name=table).count() == 1, table
    audit_page("Un bilan")

    follow(page, page.get_by_role("link", name="Comparer avec le registre d'aujourd'hui"))
    assert "Aucun écart" in text(page.locator("main"))
    audit_page("Un bilan comparé au registre")

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le classeur (XLSX)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    workbook = openpyxl.load_workbook(saved)
    assert workbook.sheetnames[:3] == ["Couverture", "Totaux", "Statut à l'entrée"]


def test_the_facilitateur_produces_the_national_collection_and_downloads_its_workbook(
    app, page, audit_page, territory, tmp_path
):
    login(page, audit_page, app, territory.facilitateur_email)
    open_nav(page, "Bilans")
    follow(page, page.get_by_role("link", name="Produire un bilan"))
    page.get_by_label("Collecte nationale du réseau").check()
    choose(page, "Périmètre", "Tout le territoire")
    page.get_by_label("Année", exact=True).fill("2025")
    submit(page, "Produire le bilan")
    assert "Bilan produit et enregistré." in flash_text(page)
    assert text(page.get_by_role("heading", level=1)).startswith("Collecte nationale du réseau — ")
    for table in ("Donneurs d'ordre par type", "Marchés par fondement juridique", "Durée des contrats"):
        assert page.get_by_role("table", name=table).count() == 1, table
    audit_page("La collecte nationale")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le classeur (XLSX)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheets = openpyxl.load_workbook(saved).sheetnames
    assert sheets[:3] == ["Couverture", "Totaux", "Structures à l'œuvre par type"], sheets


def test_the_donneur_d_ordre_reads_its_marches_and_bilans_and_drafts_a_clause(
    app, page, audit_page, territory
):
    login(page, audit_page, app, territory.buyer_email)
    assert text(page.get_by_role("heading", level=1)) == "Mes marchés"
    assert page.get_by_role("table", name="Avancement de mes marchés").count() == 1
    audit_page("Espace du donneur d'ordre")
    follow(page, page.get_by_role("link", name="M-A-2025-001 — Réhabilitation du groupe scolaire A"))
    assert page.get_by_role("table", name="Avancement par lot").count() == 1
    audit_page("Un marché du donneur d'ordre")
    open_nav(page, "Bilans")
    assert "Ne plus recevoir" in text(page.locator("main"))
    audit_page("Bilans du donneur d'ordre")
    follow(page, page.get_by_role("link").filter(has_text="Bilan d'exécution de la clause").first)
    assert page.get_by_role("img", name="Heures comptées depuis le début de la période").count() == 1
    audit_page("Un bilan du donneur d'ordre")
    open_nav(page, "Aide à la rédaction")
    page.get_by_label("Objet du marché").fill("Rénovation de l'école")
    page.get_by_label("Numéro du lot").fill("1")
    page.get_by_label("Objet du lot").fill("Gros œuvre")
    page.get_by_label("Nombre d'heures fixe").check()
    page.get_by_label("Nombre d'heures d'insertion").fill("400")
    submit(page, "Rédiger la clause")
    assert "400 h" in page.get_by_label("Texte de l'article").input_value()
    audit_page("Aide à la rédaction du donneur d'ordre")


def test_the_facilitateur_programs_a_monthly_bilan_for_the_buyer_and_stops_it(
    app, page, audit_page, territory
):
    login(page, audit_page, app, territory.facilitateur_email)
    open_nav(page, "Bilans")
    follow(page, page.get_by_role("link", name="Envois programmés"))
    audit_page("Envois programmés des bilans")
    page.get_by_label("Bilan d'exécution de la clause").check()
    choose(page, "Périmètre", "Ville a")
    choose(page, "Fréquence", "Chaque semestre")
    choose(page, "Destinataire", "Donneur d'ordre")
    submit(page, "Programmer l'envoi")
    assert "Envoi programmé" in flash_text(page)
    rows = page.get_by_role("region", name="Bilans programmés").get_by_role("row")
    assert rows.filter(has_text="Chaque semestre (le semestre écoulé)").count() == 1
    audit_page("Un envoi programmé")
    page.once("dialog", lambda dialog: dialog.accept())
    rows.filter(has_text="Chaque semestre").get_by_role("button", name="Arrêter l'envoi").click()
    page.wait_for_load_state()
    assert "Envoi arrêté" in flash_text(page)
    assert rows.filter(has_text="Chaque semestre").filter(has_text="Arrêté le").count() == 1
