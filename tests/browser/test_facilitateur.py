"""The facilitateur's journey in a real browser, page by page, as tests/test_facilitateur_journey.py
does it with the test client: a marché and its formula lot, a participant whose eligibility is
validated, a mission, a monthly statement declared then validated, and the lot's progress."""

from __future__ import annotations

import re

import pytest

from tests.browser.steps import choose, flash_text, follow, login, open_nav, search_and_choose, submit, text
from tests.fixtures import build_tenant

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def heading(page) -> str:
    return text(page.get_by_role("heading", level=1))


def test_the_facilitateur_journey(app, page, audit_page, territory):
    login(page, audit_page, app, territory.facilitateur_email)
    assert heading(page) == "Tableau de bord"
    audit_page("Tableau de bord")
    lot_url = _marche_and_its_formula_lot(page, audit_page)
    _participant_with_eligibility_validated(page, audit_page)
    _mission_on_the_lot(page, audit_page)
    _statement_declared_then_validated(page, audit_page)
    _lot_progress(page, audit_page, lot_url)


def _marche_and_its_formula_lot(page, audit_page) -> str:
    """A marché of the Ville, then its lot computed by the formula: 833 h. Returns the lot's URL."""
    open_nav(page, "Marchés")
    audit_page("Marchés")
    follow(page, page.get_by_role("link", name="Nouveau marché"))
    audit_page("Nouveau marché")
    page.get_by_label("Référence du marché").fill("2025-ECOLE")
    page.get_by_label("Objet").fill("Groupe scolaire")
    choose(page, "Donneur d'ordre", "Ville a")
    page.get_by_label("Date de notification").fill("2025-01-06")
    page.get_by_label("Clause sociale d'exécution", exact=False).check()
    submit(page, "Enregistrer le marché")
    assert "Le marché 2025-ECOLE est enregistré" in flash_text(page)
    audit_page("Marché 2025-ECOLE")

    follow(page, page.get_by_role("link", name="Ajouter un lot"))
    audit_page("Nouveau lot")
    page.get_by_label("Numéro du lot").fill("1")
    page.get_by_label("Objet du lot").fill("Gros œuvre")
    page.get_by_label("Montant HT du lot").fill("1 000 000")
    choose(page, "Entreprise attributaire", "SIAE a")
    page.get_by_label("Formule", exact=False).check()
    page.get_by_label("Part de main-d'œuvre (%)").fill("50")
    page.get_by_label("Taux d'insertion (%)").fill("5")
    submit(page, "Enregistrer le lot")
    assert "Le lot 1 est enregistré : 833 h dues." in flash_text(page)
    assert "833 h = 1 000 000 € × 50 % × 5 % ÷ 30 €" in text(page.locator("main"))
    audit_page("Lot 1 (formule)")
    return page.url


def _participant_with_eligibility_validated(page, audit_page) -> None:
    """A participant, then their eligibility validated by the guichet."""
    open_nav(page, "Participants")
    audit_page("Participants")
    follow(page, page.get_by_role("link", name="Nouveau participant"))
    audit_page("Nouveau participant")
    page.get_by_label(re.compile(r"^Nom\b")).fill("Moreau")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_label("Date de naissance").fill("1994-04-12")
    page.get_by_label("Sexe").select_option(label="Femme")
    page.get_by_label("Commune de résidence (code INSEE)").fill("79191")
    submit(page, "Enregistrer")
    assert "est enregistré" in flash_text(page)
    audit_page("Dossier du participant")

    follow(page, page.get_by_role("link", name="Valider l'éligibilité").first)
    audit_page("Valider l'éligibilité")
    page.get_by_label("Bénéficiaire du RSA", exact=True).check()
    choose(page, "Justificatif vu pour « Bénéficiaire du RSA »", "Attestation CAF")
    page.get_by_label("Date de validation", exact=False).fill("2025-01-02")
    submit(page, "Valider l'éligibilité")
    assert "L'éligibilité est validée." in flash_text(page)


def _mission_on_the_lot(page, audit_page) -> None:
    """A mission on the lot."""
    open_nav(page, "Missions")
    audit_page("Missions")
    follow(page, page.get_by_role("link", name="Nouvelle mission"))
    audit_page("Nouvelle mission")
    search_and_choose(page, "Participant", "more", "MOREAU Inès")
    search_and_choose(page, "Lot", "ecole", "2025-ECOLE")
    choose(page, "Employeur", "SIAE a")
    choose(page, "Modalité", "Mise à disposition")
    choose(page, "Type de contrat", "(CDD)")
    page.get_by_label("Date de début").fill("2025-01-06")
    page.get_by_label("Date de fin").fill("2025-12-31")
    page.get_by_label("Durée hebdomadaire (heures)").fill("35")
    page.get_by_label("Poste occupé").fill("Manœuvre")
    submit(page, "Enregistrer la mission")
    assert "La mission est enregistrée ; son plan de suivi est prêt." in flash_text(page)
    audit_page("Mission")


def _statement_declared_then_validated(page, audit_page) -> None:
    """A statement of 100 h in March, declared then validated."""
    follow(page, page.get_by_role("link", name="Déclarer des heures"))
    audit_page("Déclarer les heures d'un mois")
    page.get_by_label(re.compile(r"^Mois\b")).select_option(label="mars 2025")
    page.get_by_label(re.compile(r"^Heures travaillées\b")).fill("100")
    submit(page, "Enregistrer le relevé")
    assert "Le relevé est enregistré ; il attend la validation." in flash_text(page)
    audit_page("Relevé déclaré")
    submit(page, "Valider le relevé")
    assert "validé" in flash_text(page)
    audit_page("Relevé validé")


def _lot_progress(page, audit_page, lot_url: str) -> None:
    """The lot's progress: 100 h counted on 833 h due."""
    page.goto(lot_url)
    progress = text(page.locator("main"))
    assert "Heures comptées\n100 h" in progress or "Heures comptées 100 h" in progress, progress[:2000]
    assert "833 h" in progress
    audit_page("Avancement du lot")
    open_nav(page, "Tableau de bord")
