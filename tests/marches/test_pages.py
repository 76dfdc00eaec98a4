"""The marchés pages as the facilitateur uses them: create a marché and a lot through the forms,
see the figure and its inputs, record a figure, the clause text, the list, its export, and the
tenant boundary."""

from __future__ import annotations

import html
import re

import pytest

from tests.fixtures import login
from tests.web import post, refused_page, text_of


def _buyer_option(client, url) -> str:
    page = text_of(client.get(url))
    return re.search(r'<option value="(\d+)">Ville a</option>', page).group(1)


def _siae_option(client, url) -> str:
    page = text_of(client.get(url))
    return re.search(r'<option value="(\d+)">SIAE a \(', page).group(1)


def test_facilitateur_creates_a_marche_and_a_formula_lot_and_sees_833_hours(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    new = f"/t/{a.slug}/marches/nouveau"
    created = post(
        client,
        new,
        {
            "reference": "2025-GYM-01",
            "object": "Construction d'un gymnase",
            "donneur_ordre_id": _buyer_option(client, new),
            "notification_date": "2025-03-03",
            "execution_communes": "79191",
            "considerations": ["clause_execution", "critere_attribution"],
            "sector": "batiment_gros_oeuvre",
        },
    )
    assert created.status_code == 302, text_of(created)
    marche_url = created.headers["Location"]
    detail = text_of(client.get(marche_url))
    assert "Marché 2025-GYM-01" in detail and "Niort (79191)" in detail
    lot_new = marche_url + "/lots/nouveau"
    lot = post(
        client,
        lot_new,
        {
            "number": "1",
            "object": "Gros œuvre",
            "amount_ht": "1 000 000",
            "attributaire_id": _siae_option(client, lot_new),
            "obligation_mode": "formula",
            "labour_share": "50",
            "insertion_rate": "5",
            "rounding": "nearest",
            "fixed_hours": "999",  # another mode's input, sent without JavaScript: ignored
        },
    )
    assert lot.status_code == 302, text_of(lot)
    lot_page = text_of(client.get(lot.headers["Location"]))
    assert "833 h = 1 000 000 € × 50 % × 5 % ÷ 30 €, arrondi à l'heure la plus proche" in lot_page
    assert "barème du territoire en vigueur le 03/03/2025 (depuis le 01/01/2024)" in lot_page
    marche_page = text_of(client.get(marche_url))
    assert "Lot 1" in marche_page and "833 h" in marche_page


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        pytest.param(
            "/marches/{a.ids[marche_id]}/lots/nouveau",
            lambda a: {
                "number": "2",
                "object": "Voirie",
                "obligation_mode": "formula",
                "amount_ht": "500000",
                "insertion_rate": "5",
            },
            "Part de main-d'œuvre (%) : Indiquez la part de main-d'œuvre (en %) : la formule en a besoin.",
            id="lot-names-the-missing-input",
        ),
        pytest.param(
            "/marches/nouveau",
            lambda a: {
                "reference": "X-1",
                "object": "Objet",
                "donneur_ordre_id": str(a.ids["organisation_id"]),
            },
            "n'est pas un donneur d'ordre",
            id="marche-refuses-a-buyer-of-the-wrong-kind",
        ),
    ],
)
def test_the_marche_and_lot_forms_name_their_refusal_in_french(two_tenants, client, path, data, message):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    assert message in refused_page(client, f"/t/{a.slug}" + path.format(a=a), data(a))


def test_recording_an_invoice_on_a_per_amount_lot_raises_its_hours(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    edit = f"/t/{a.slug}/lots/{a.ids['lot_id']}/modifier"
    changed = post(
        client,
        edit,
        {
            "number": "1",
            "object": "Gros œuvre",
            "obligation_mode": "per_amount",
            "per_amount_hours": "1",
            "per_amount_base": "2 000",
            "rounding": "nearest",
        },
    )
    assert changed.status_code == 302, text_of(changed)
    lot_url = f"/t/{a.slug}/lots/{a.ids['lot_id']}"
    assert "60 h = 120 000 € facturés (1 relevé)" in text_of(client.get(lot_url))
    recorded = post(
        client,
        f"{lot_url}/releves-activite",
        {"kind": "invoiced_amount", "recorded_on": "2025-05-31", "value": "30 000"},
        page=lot_url,
    )
    assert recorded.status_code == 302
    assert "75 h = 150 000 € facturés (2 relevés)" in text_of(client.get(lot_url))
    assert "La valeur doit être positive ou nulle." in refused_page(
        client,
        f"{lot_url}/releves-activite",
        {"kind": "invoiced_amount", "recorded_on": "2025-06-30", "value": "-5"},
        page=lot_url,
    )


def test_clause_page_and_text_download(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/lots/{a.ids['lot_id']}/clause"
    page = text_of(client.get(url))
    assert "au minimum 833 heures d'insertion" in page and "Copier le texte" in page
    download = client.get(url + "?format=txt")
    assert download.mimetype == "text/plain"
    assert 'filename="clause-m-a-2025-001-lot-1.txt"' in download.headers["Content-Disposition"]
    assert "Contact : facil-a, facil-a@exemple.fr." in download.get_data(as_text=True)


def test_list_shows_progress_exports_csv_and_keeps_to_the_tenant(two_tenants, client):
    a, b = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/marches/"
    page = text_of(client.get(url))
    assert "M-A-2025-001" in page and "833 h" in page
    assert "M-B-2025-001" not in page
    assert "M-A-2025-001" not in text_of(client.get(url + "?q=voirie"))
    export = client.get(url + "?export=csv&q=M-A")
    assert export.mimetype == "text/csv"
    body = export.get_data(as_text=True).lstrip("\ufeff")
    header, row = body.splitlines()[:2]
    assert header.startswith("Référence;Objet;Donneur d'ordre")
    assert row.startswith("M-A-2025-001;Réhabilitation du groupe scolaire A;Ville a;")
    assert ";833,00;" in row or ";833;" in row
    assert "M-B-2025-001" not in body
    assert client.get(f"/t/{a.slug}/marches/{b.ids['marche_id']}").status_code == 404


def test_admin_adds_a_dated_hourly_cost(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/couts-horaires"
    assert post(client, url, {"valid_from": "2025-01-01", "amount": "31,75"}).status_code == 302
    page = text_of(client.get(url))
    assert "01/01/2025" in page and "31,75 €" in page
    assert "Un coût horaire est déjà défini à cette date." in refused_page(
        client, url, {"valid_from": "2025-01-01", "amount": "32"}
    )


def test_the_marche_form_tells_a_facilitateur_whom_to_ask_for_a_missing_buyer(two_tenants, client_factory):
    """A facilitateur has no access to the admin console: the hint names the tenant's admins
    instead of sending them there; the admin is sent to the console."""
    a, _ = two_tenants
    facilitateur, admin = client_factory(), client_factory()
    login(facilitateur, a.facilitateur_email)
    login(admin, a.admin_email)
    url = f"/t/{a.slug}/marches/nouveau"
    hint = html.unescape(facilitateur.get(url).get_data(as_text=True))
    assert "console d'administration" not in hint and "Administration ›" not in hint
    assert "demandez à un administrateur du territoire" in hint and a.admin_email in hint
    assert "Administration › Organisations" in html.unescape(admin.get(url).get_data(as_text=True))
