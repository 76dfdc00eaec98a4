"""The employer's portal as its user goes through it: their missions and people only, the monthly
declaration of all their missions with a proof (entering the ledger as declared by the partner, in
the guichet's validation queue), refused whole when a line is wrong, and the import of their own
spreadsheet with a report line by line."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from saas import clock, formats, sheets
from saas.accounts import memberships
from saas.db import db
from saas.heures.models import Releve, ReleveJustificatif
from saas.partenaires import api as partenaires
from tests.builders import in_scope
from tests.fixtures import login
from tests.web import post, text_of
from tests.world import ACTOR, PDF


def _month() -> str:
    return clock.today().strftime("%m-%Y")


def _live(mission_id: int) -> list[tuple]:
    query = select(Releve.worked_hours, Releve.source, Releve.status, Releve.id).where(
        Releve.mission_id == mission_id, Releve.superseded_at.is_(None), Releve.status != "rejected"
    )
    return [tuple(row) for row in db.session.execute(query.order_by(Releve.id))]


def test_the_home_and_the_missions_show_the_structures_own_people(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    home = text_of(client.get(f"/t/{a.slug}/portail/"), collapse=True)
    assert "Vos missions" in home and "Déclarer les heures du mois" in home
    page = text_of(client.get(f"/t/{a.slug}/portail/missions/"), collapse=True)
    assert "Durand-a" in page and "Rivalin" not in page
    mission = text_of(client.get(f"/t/{a.slug}/portail/missions/{a.ids['mission_id']}"), collapse=True)
    assert "Le plan de suivi" in mission and "Premier jour" in mission


def test_a_month_is_declared_for_all_missions_with_a_proof_and_waits_for_the_guichet(
    app, two_tenants, client
):
    a, _ = two_tenants
    mission_id = a.ids["mission_id"]
    login(client, a.partner_email)
    url = f"/t/{a.slug}/portail/declaration?mois={_month()}"
    page = text_of(client.get(url), collapse=True)
    assert "Durand-a" in page and "Rivalin" not in page
    answer = post(
        client, url,
        {f"travaillees-{mission_id}": "6,5", f"justificatif-{mission_id}": (io.BytesIO(PDF), "paie.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert answer.status_code == 302, text_of(answer)
    live = in_scope(app, a, lambda: _live(mission_id))
    correction = live[-1]
    assert correction[:3] == (6.5, "partenaire", "declared")  # the validated 7 h stays in force meanwhile
    proofs = in_scope(
        app,
        a,
        lambda: db.session.scalars(
            select(ReleveJustificatif.filename).where(ReleveJustificatif.statement_id == correction[3])
        ).all(),
    )
    assert proofs == ["paie.pdf"]
    guichet = app.test_client()
    login(guichet, a.facilitateur_email)
    queue = text_of(guichet.get(f"/t/{a.slug}/heures/?statut=declared"), collapse=True)
    assert "Partenaire · " in queue and "(SIAE a)" in queue and formats.month(clock.today()) in queue
    assert re.search(r"correction : 7(,00)? h remplacées", queue)


def test_a_wrong_line_refuses_the_whole_declaration_and_says_why(app, two_tenants, client):
    a, _ = two_tenants
    mission_id = a.ids["mission_id"]
    login(client, a.partner_email)
    before = in_scope(app, a, lambda: _live(mission_id))
    url = f"/t/{a.slug}/portail/declaration?mois={_month()}"
    answer = post(client, url, {f"travaillees-{mission_id}": "beaucoup"}, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Indiquez un nombre d'heures" in text_of(answer) and "rien n'a été enregistré" in text_of(answer)
    fake = post(
        client, url,
        {f"travaillees-{mission_id}": "5", f"justificatif-{mission_id}": (io.BytesIO(b"<html>"), "paie.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert fake.status_code == 422 and "PDF, un PNG ou un JPEG" in text_of(fake)
    nul = post(
        client,
        url,
        {f"travaillees-{mission_id}": "5", f"commentaire-{mission_id}": "a\x00b"},
        content_type="multipart/form-data",
    )
    assert nul.status_code == 422 and "caractère nul" in text_of(nul)
    assert in_scope(app, a, lambda: _live(mission_id)) == before


def test_an_imported_spreadsheet_reports_its_two_bad_lines_then_writes_the_valid_one(
    app, two_tenants, client
):
    a, _ = two_tenants
    mission_id = a.ids["mission_id"]
    login(client, a.partner_email)
    missions = text_of(client.get(f"/t/{a.slug}/portail/missions/"), collapse=True)
    reference = re.search(r"\((P-\d{4}-\d{5})\)", missions).group(1)
    month = clock.today().strftime("%d/%m/%Y")
    content = (
        f"Référence;Mois;Heures travaillées\n{reference};{month};8\n"
        f"{reference};13/2020;5\nP-0000-99999;{month};4\n"
    ).encode("cp1252")
    upload = post(
        client, f"/t/{a.slug}/portail/imports/", {"file": (io.BytesIO(content), "releves.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert upload.status_code == 302
    preview_url = upload.headers["Location"]
    preview = text_of(client.get(preview_url), collapse=True)
    assert "Lignes en erreur (2 erreurs)" in preview and "Mois illisible" in preview
    assert "Aucune mission de cette personne chez vous" in preview
    confirm_url = preview_url.rstrip("/") + "/enregistrer"
    done = post(client, confirm_url, {"mode": "valides"}, page=preview_url)
    assert done.status_code == 302
    assert in_scope(app, a, lambda: _live(mission_id))[-1][:2] == (8, "partenaire")


def test_a_structure_working_with_two_guichets_switches_between_their_portals(app, two_tenants, client):
    """A SIAE often works with two guichets: its user, invited by both, goes from one portal to the
    other through « /espaces », and sees in each only that territory's missions."""
    a, b = two_tenants

    def invite_in_b():
        organisation = partenaires.get(b.ids["organisation_id"])
        memberships.invite_member(ACTOR, a.partner_email, "Partenaire A", "partenaire", organisation.id)
        db.session.info.pop("on_commit", None)

    in_scope(app, b, invite_in_b)
    login(client, a.partner_email)
    spaces = text_of(client.get("/espaces"), collapse=True)
    assert "Territoire A" in spaces and "Territoire B" in spaces
    assert "Durand-a" in text_of(client.get(f"/t/{a.slug}/portail/missions/"))
    theirs = text_of(client.get(f"/t/{b.slug}/portail/missions/"))
    assert "Durand-b" in theirs and "Durand-a" not in theirs


def test_a_proof_without_a_statement_to_go_with_is_refused_not_dropped(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    last_month = (clock.today().replace(day=1) - timedelta(days=1)).strftime("%m-%Y")
    url = f"/t/{a.slug}/portail/declaration?mois={last_month}"
    answer = post(
        client,
        url,
        {"justificatif-commun": (io.BytesIO(PDF), "releve.pdf")},
        content_type="multipart/form-data",
    )
    # the SIAE's one mission starts today: last month has no statement for the proof to go with
    assert answer.status_code == 422 and "Aucun relevé de ce mois" in text_of(answer)


def test_a_correction_awaiting_validation_counts_in_the_semester_table(app, two_tenants, client):
    """Before: the statement corrected was superseded and its correction left out, so the month
    counted nothing."""
    a, _ = two_tenants
    mission_id = a.ids["mission_id"]
    login(client, a.partner_email)
    url = f"/t/{a.slug}/portail/declaration?mois={_month()}"
    post(client, url, {f"travaillees-{mission_id}": "6,5"}, content_type="multipart/form-data")
    post(
        client, url, {f"travaillees-{mission_id}": "6"}, content_type="multipart/form-data"
    )  # corrects the correction
    half = 1 if clock.today().month <= 6 else 2
    answer = client.get(
        f"/t/{a.slug}/portail/tableau-semestriel?semestre={clock.today().year}-{half}&export=xlsx"
    )
    (row,) = [row for _, row in sheets.read(answer.get_data()).rows if row[1] == "Durand-a"]
    assert row[-1] == 6


def test_a_deactivated_structure_reaches_nothing_of_its_portal(app, two_tenants, client):
    a, _ = two_tenants

    def deactivate():
        partenaires.deactivate(ACTOR, partenaires.get(a.ids["organisation_id"]))

    in_scope(app, a, deactivate)
    login(client, a.partner_email)
    assert client.get(f"/t/{a.slug}/portail/").status_code == 403
    assert client.get(f"/t/{a.slug}/portail/missions/{a.ids['mission_id']}").status_code == 403
