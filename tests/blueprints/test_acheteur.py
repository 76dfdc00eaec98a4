"""The donneur d'ordre's space: it lands there, reads the progress and the bilans of its own
marchés only (another buyer's of the same tenant answer 404, as another tenant's do), sees no
participant's name, and drafts the clause of a lot to come."""

from __future__ import annotations

import html
import re

from tests.fixtures import csrf_token, login


def _page(client, url: str) -> tuple[int, str]:
    answer = client.get(url)
    return answer.status_code, html.unescape(answer.get_data(as_text=True))


def test_the_buyer_lands_on_its_marches_and_reads_their_progress(two_tenants, client):
    a, _ = two_tenants
    landing = login(client, a.buyer_email, follow=True)
    assert landing.status_code == 200 and landing.request.path == f"/t/{a.slug}/acheteur/"
    page = html.unescape(landing.get_data(as_text=True))
    assert "Avancement de mes marchés" in page and "833 h" in page  # the formula lot's obligation
    assert "Entretien des routes" not in page  # the Département's marché, in the same tenant
    status, marche = _page(client, f"/t/{a.slug}/acheteur/marches/{a.ids['marche_id']}")
    assert status == 200 and "Avancement par lot" in marche and "Taux de réalisation" in marche
    assert "Durand" not in page + marche  # the participant placed on the lot: never by name
    assert client.get(f"/t/{a.slug}/").status_code == 404  # the workspace stays closed
    assert client.get(f"/t/{a.slug}/portail/").status_code == 404


def test_another_buyer_s_marches_and_bilans_answer_404_in_the_same_tenant(two_tenants, client):
    a, _ = two_tenants
    login(client, a.buyer_email)
    base = f"/t/{a.slug}/acheteur"
    own = [f"/marches/{a.ids['marche_id']}", f"/bilans/{a.ids['bilan_id']}"]
    other = [f"/marches/{a.ids['other_marche_id']}", f"/bilans/{a.ids['other_bilan_id']}"]
    for suffix in ("", "/classeur.xlsx", "/bilan.pdf", "/tableau.csv?tableau=lot"):
        own.append(f"/bilans/{a.ids['bilan_id']}{suffix}")
        other.append(f"/bilans/{a.ids['other_bilan_id']}{suffix}")
    for path in own:
        assert client.get(base + path).status_code == 200, path
    for path in other:
        assert client.get(base + path).status_code == 404, path
    status, listed = _page(client, base + "/bilans/")
    assert status == 200 and "Ville a" in listed and "Entretien des routes" not in listed


def test_the_buyer_s_bilan_shows_aggregates_and_no_identity(two_tenants, client):
    a, _ = two_tenants
    login(client, a.buyer_email)
    status, page = _page(client, f"/t/{a.slug}/acheteur/bilans/{a.ids['bilan_id']}")
    assert status == 200 and "Bilan d'exécution de la clause" in page and "Objectif ANRU de 5 %" in page
    assert "Durand" not in page and "Camille" not in page
    assert "Statut à l'entrée" not in page  # no eligibility criterion, even counted
    assert "Produire à nouveau" not in page  # the guichet's, not the buyer's


def test_the_clause_of_a_lot_to_come_is_drafted_and_nothing_is_saved(two_tenants, client):
    a, _ = two_tenants
    login(client, a.buyer_email)
    url = f"/t/{a.slug}/acheteur/aide-a-la-redaction"
    fields = {
        "csrf_token": csrf_token(client, url),
        "marche_object": "Rénovation de l'école",
        "considerations": "clause_execution",
        "number": "1",
        "object": "Gros œuvre",
        "amount_ht": "1 000 000",
        "obligation_mode": "formula",
        "labour_share": "50",
        "insertion_rate": "5",
        "rounding": "nearest",
    }
    answer = client.post(url, data=fields)
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 200
    # 1 000 000 × 50 % × 5 % ÷ 30 € (the tenant's hourly cost) = 833 h
    assert re.search(r"833\s*h", page) and "L2112-2" in page and "Rénovation de l'école" in page
    refused = client.post(url, data={**fields, "labour_share": "beaucoup"})
    assert refused.status_code == 422
    assert "Part de main-d'œuvre" in html.unescape(refused.get_data(as_text=True))
    _, home = _page(client, f"/t/{a.slug}/acheteur/")
    assert "Rénovation de l'école" not in home  # nothing saved
