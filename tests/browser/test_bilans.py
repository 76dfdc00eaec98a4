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
