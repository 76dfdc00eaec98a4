"""The partners' journeys in a real browser, each page checked (axe, both widths): the SIAE's user
declares a month for all its missions with a proof, imports a spreadsheet with two bad lines and
sees them reported, sends its weekly word; the facilitateur validates the declaration from the
queue that says who declared it; the Mission Locale's user sends a candidate with their consent
and follows them, then records an interview with a person it accompanies."""

from __future__ import annotations

import re

import pytest

from saas import clock, formats
from tests.browser.steps import flash_text, follow, login, open_nav, submit, text
from tests.fixtures import build_tenant
from tests.world import PDF

# committed data: the browser talks to the app served by another thread
pytestmark = pytest.mark.committed


@pytest.fixture
def territory(app):
    with app.app_context():
        return build_tenant("a", "79")


def _logout(page) -> None:
    follow(page, page.get_by_role("button", name="Se déconnecter"))


def _declare(page, audit_page, tmp_path) -> None:
    open_nav(page, "Déclarer les heures")
    page.get_by_label("Mois déclaré").select_option(
        label=formats.month(clock.today())
    )  # the mission starts today
    submit(page, "Afficher ce mois")
    audit_page("Déclaration du mois")
    page.get_by_label("Heures travaillées — Camille Durand-a").fill("6,5")
    proof = tmp_path / "bulletin.pdf"
    proof.write_bytes(PDF)
    page.get_by_label("Justificatif — Camille Durand-a").set_input_files(str(proof))
    submit(page, "Transmettre la déclaration au guichet")
    assert "enregistrée" in flash_text(page) and "1 corrigé" in flash_text(page)
    audit_page("Déclaration transmise")


def _import(page, audit_page, tmp_path, reference: str) -> None:
    open_nav(page, "Importer un fichier")
    audit_page("Importer un fichier de relevés")
    month = clock.today().strftime("%d/%m/%Y")
    sheet = tmp_path / "releves.csv"
    sheet.write_bytes(
        f"Référence;Mois;Heures travaillées\n{reference};{month};8\n{reference};mars;5\nP-0000-99999;{month};4\n".encode(
            "cp1252"
        )
    )
    page.get_by_label("Fichier (XLSX, XLS ou CSV)").set_input_files(str(sheet))
    submit(page, "Lire le fichier")
    errors = page.get_by_role("table", name="Lignes en erreur (2 erreurs)")
    assert "Mois illisible" in text(errors) and "Aucune mission de cette personne chez vous" in text(errors)
    audit_page("Aperçu d'un import, deux lignes en erreur")
    submit(page, "Enregistrer l'import")
    assert "Import enregistré" in flash_text(page) and "2 ligne(s) écartée(s)" in flash_text(page)
    audit_page("Import enregistré")


def test_the_siae_declares_imports_and_the_facilitateur_validates(app, page, audit_page, territory, tmp_path):
    login(page, audit_page, app, territory.partner_email)
    assert "Vos missions" in text(page.locator("main"))
    audit_page("Accueil du portail d'un employeur")
    open_nav(page, "Mes missions")
    audit_page("Mes missions")
    reference = re.search(r"\((P-\d{4}-\d{5})\)", text(page.get_by_role("table", name="Mes missions"))).group(
        1
    )
    follow(page, page.get_by_role("link", name=f"Camille Durand-a ({reference})"))
    assert page.get_by_role("table", name="Suivis prévus").count() == 1
    audit_page("Une mission, son plan de suivi")
    _declare(page, audit_page, tmp_path)
    _import(page, audit_page, tmp_path, reference)
    open_nav(page, "Point hebdomadaire")
    page.get_by_label("Situation — Camille Durand-a").select_option(label="Difficulté à signaler")
    page.get_by_label("Difficulté ou remarque — Camille Durand-a").fill("Retards le lundi.")
    submit(page, "Transmettre le point de la semaine")
    assert "transmis au guichet" in flash_text(page)
    audit_page("Point hebdomadaire")
    open_nav(page, "Tableau semestriel")
    audit_page("Tableau semestriel")
    open_nav(page, "Échéances")
    audit_page("Mes échéances")
    open_nav(page, "Mon équipe")
    audit_page("Mon équipe")
    page.goto(f"/t/{territory.slug}/portail/missions/{territory.ids['mission_id']}/evaluation")
    for criterion in (
        "Ponctualité et assiduité",
        "Respect des consignes et de la sécurité",
        "Travail en équipe",
        "Savoir-faire du métier",
        "Autonomie",
    ):
        page.get_by_role("group", name=criterion).get_by_label("Bien", exact=True).check()
    page.get_by_label("Suite recommandée").select_option(label="Une nouvelle mission")
    submit(page, "Transmettre l'évaluation")
    assert "L'évaluation de fin de mission est transmise au guichet." in flash_text(page)
    audit_page("Évaluation de fin de mission transmise")
    _logout(page)

    login(page, audit_page, app, territory.facilitateur_email)
    page.goto(f"/t/{territory.slug}/heures/?statut=declared")
    queue = text(page.get_by_role("table", name="Relevés en vigueur"))
    assert "Partenaire · " in queue and "(SIAE a)" in queue and "correction" in queue
    audit_page("Relevés à valider, avec qui les a déclarés")
    declared = (
        page.get_by_role("table", name="Relevés en vigueur").get_by_role("row").filter(has_text="(SIAE a)")
    )
    follow(page, declared.get_by_role("link").first)
    submit(page, "Valider le relevé")
    assert "validé" in flash_text(page)
    page.goto(f"/t/{territory.slug}/heures/")
    follow(page, page.get_by_role("link", name="Importer un fichier"))
    assert (
        page.get_by_role("table", name="Fichiers envoyés").count() == 1
    )  # the SIAE's import, seen by the guichet
    audit_page("Import d'un fichier reçu par courriel, dans l'espace du guichet")


def test_the_mission_locale_sends_a_candidate_and_records_an_interview(
    app, page, audit_page, territory, tmp_path
):
    login(page, audit_page, app, territory.prescriber_email)
    audit_page("Accueil du portail d'un prescripteur")
    open_nav(page, "Adresser un candidat")
    audit_page("Adresser un candidat")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Nouvel")
    page.get_by_label("Prénom (obligatoire)", exact=True).fill("Inès")
    page.get_by_label("Date de naissance (obligatoire)").fill("2001-03-04")
    page.get_by_label("Profil et motif de l'orientation (obligatoire)").fill("Second œuvre, permis B.")
    page.get_by_label("La personne a donné son accord", exact=False).check()
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    page.get_by_label("CV (facultatif)").set_input_files(str(cv))
    submit(page, "Transmettre la prescription")
    assert "La prescription est transmise au guichet" in flash_text(page)
    assert "Reçu par le guichet" in text(page.locator("main"))
    audit_page("Un candidat adressé")
    open_nav(page, "Mes candidats")
    assert "Inès Nouvel" in text(page.get_by_role("table", name="Mes candidats"))
    audit_page("Mes candidats")

    open_nav(page, "Personnes accompagnées")
    audit_page("Personnes accompagnées")
    follow(page, page.get_by_role("link", name="Camille Durand-a"))
    page.get_by_label("Compte rendu (obligatoire)").fill("Entretien : la mission se passe bien.")
    submit(page, "Enregistrer")
    assert "C'est noté" in flash_text(page)
    assert "Entretien : la mission se passe bien." in text(
        page.get_by_role("table", name="Entrées de l'accompagnement")
    )
    audit_page("Une personne accompagnée, un entretien noté")
