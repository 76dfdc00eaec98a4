"""The bilans in the workspace: produced through the form, read on screen in French, downloaded as
a workbook of one sheet per table with a cover; bad input answers in French and writes nothing."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pypdf
from PIL import Image
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from saas.bilans import presentation
from saas.bilans.models import Bilan
from saas.db import db
from saas.heures import api as heures
from saas.heures.models import Releve
from saas.referentiels.models import Commune
from tenants.models import Tenant
from tests.builders import eligible_participant, place
from tests.clause_pages import in_scope
from tests.fixtures import ACTOR, csrf_token
from tests.sql_count import recorded_sql


def _hours(app, site) -> None:
    with in_scope(app, site):
        mission = place(site.world, eligible_participant("Bernard"), site.world.lots[0], "cdd")
        heures.validate(ACTOR, heures.declare(ACTOR, mission, date(2025, 2, 1), Decimal("1234.5") / 10))
        db.session.commit()


def _produce(client, site, **fields):
    url = site.url("/bilans/nouveau")
    data = {
        "csrf_token": csrf_token(client, url),
        "kind": "annuel",
        "scope": "territoire:",
        "period_kind": "annee",
    }
    return client.post(url, data={**data, **fields})


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _produced(client, site, kind: str) -> tuple[str, str]:
    """The address and the page of the bilan of ``kind`` of the territory's 2025, produced by the form."""
    answer = _produce(client, site, kind=kind, year="2025")
    assert answer.status_code == 302
    return answer.headers["Location"], _page(client, answer.headers["Location"])


def _count(app, site) -> int:
    with in_scope(app, site):
        return db.session.scalar(select(func.count()).select_from(Bilan))


def test_a_facilitateur_produces_the_annual_bilan_and_reads_it_in_french(app, client, site):
    _hours(app, site)
    answer = _produce(client, site, year="2025")
    assert answer.status_code == 302
    page = _page(client, answer.headers["Location"])
    assert "Bilan annuel du guichet — Territoire clauses — Année 2025" in page
    assert "123,45 h" in page  # French hours
    assert "Bénéficiaire du RSA" in page and "Statut à l'entrée" in page
    assert "2025-" not in page  # no ISO date reaches people
    listed = _page(client, site.url("/bilans/"))
    assert "Année 2025" in listed


def test_the_workbook_has_a_cover_and_one_sheet_per_table_with_real_numbers(app, client, site):
    _hours(app, site)
    location = _produce(client, site, year="2025").headers["Location"]
    answer = client.get(location + "/classeur.xlsx")
    assert answer.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(answer.get_data()))
    assert workbook.sheetnames[:3] == ["Couverture", "Totaux", "Statut à l'entrée"]
    cover = {row[0]: row[1] for row in workbook["Couverture"].iter_rows(values_only=True)}
    assert cover["Période"] == "Année 2025" and cover["Par"] == "Facilitatrice"
    contracts = list(workbook["Type de contrat"].iter_rows(values_only=True))
    assert contracts[1] == ("Contrat à durée déterminée (CDD)", 1, 1, 123.45)
    assert workbook["Type de contrat"].freeze_panes == "A2"
    assert workbook["Type de contrat"].auto_filter.ref == "A1:D2"
    assert workbook["Couverture"].auto_filter.ref is None


def _logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#7a1f3d").save(out, "PNG")
    return out.getvalue()


def test_the_pdf_is_laid_out_with_the_tenant_s_name_logo_and_figures(app, client, site):
    _hours(app, site)
    with in_scope(app, site):
        tenant = db.session.get(Tenant, site.world.tenant_id)
        tenant.theme_display_name, tenant.logo, tenant.logo_mimetype = "Guichet de Test", _logo(), "image/png"
        db.session.commit()
    location = _produce(client, site, year="2025").headers["Location"]
    assert "/bilan.pdf" in _page(client, location)
    answer = client.get(location + "/bilan.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].endswith('.pdf"')
    document = pypdf.PdfReader(io.BytesIO(answer.get_data()))
    text = " ".join(page.extract_text() for page in document.pages)
    assert "Guichet de Test" in text and "Bilan annuel du guichet" in text
    assert "123,45" in text and "Bénéficiaire du RSA" in text
    assert "Page 1 sur" in text
    assert len(document.pages[0].images) == 1  # the logo


def test_each_table_downloads_alone_as_csv(app, client, site):
    _hours(app, site)
    location = _produce(client, site, year="2025").headers["Location"]
    answer = client.get(location + "/tableau.csv?tableau=type_contrat")
    assert answer.status_code == 200 and answer.mimetype.startswith("text/csv")
    lines = answer.get_data().decode("utf-8-sig").splitlines()
    assert lines == [
        "Type de contrat;Personnes;Contrats;Heures comptées",
        "Contrat à durée déterminée (CDD);1;1;123,45",
    ]
    assert client.get(location + "/tableau.csv?tableau=inconnu").status_code == 404


def test_the_hours_are_drawn_with_a_text_alternative(app, client, site):
    _hours(app, site)
    page = _page(client, _produce(client, site, year="2025").headers["Location"])
    curve = re.search(
        r'<svg role="img" aria-labelledby="graphique-mois-titre graphique-mois-desc".*?</svg>', page, re.S
    )
    assert curve is not None
    assert (
        '<title id="graphique-mois-titre">Heures comptées depuis le début de la période</title>' in curve[0]
    )
    assert "De janvier 2025 à décembre 2025 : 123,45 h comptées pour " in curve[0]  # and the pace
    bars = re.search(r'<svg role="img" aria-labelledby="graphique-type_contrat-titre.*?</svg>', page, re.S)
    assert bars is not None and "Contrat à durée déterminée (CDD) : 123,45 h" in bars[0]


def test_an_execution_bilan_is_offered_from_the_marche_page(app, client, site):
    marche = site.world.marches[0]
    page = client.get(site.url(f"/marches/{marche}")).get_data(as_text=True)
    assert f"perimetre=marche:{marche}" in page and "type=execution" in page
    form = _page(client, site.url(f"/bilans/nouveau?type=execution&perimetre=marche:{marche}"))
    assert re.search(rf'<option selected value="marche:{marche}">M-0 — Travaux M-0</option>', form)
    answer = _produce(client, site, kind="execution", scope=f"marche:{marche}", year="2025")
    assert answer.status_code == 302
    page = _page(client, answer.headers["Location"])
    assert "Taux de réalisation" in page and "Attendu (rythme régulier)" in page


def test_bad_input_answers_in_french_and_writes_nothing(app, client, site):
    cases = [
        ({"year": "1850"}, "Indiquez une année entre 2000 et 2100."),
        ({"year": ""}, "Indiquez une année entre 2000 et 2100."),
        ({"period_kind": "semestre", "year": "2025", "number": "3"}, "Période invalide"),
        (
            {"period_kind": "dates", "start": "2025-05-01", "end": "2025-01-01"},
            "la fin de la période précède",
        ),
        (
            {"kind": "execution", "scope": f"employeur:{site.world.employer_id}", "year": "2025"},
            "ne porte pas",
        ),
        ({"scope": "lot:999999999", "year": "2025"}, "Lot introuvable dans ce territoire"),
        ({"scope": "inconnu:1", "year": "2025"}, "Choisissez un périmètre de la liste."),
        ({"scope": "", "year": "2025"}, "Choisissez le périmètre."),
    ]
    for fields, message in cases:
        answer = _produce(client, site, **fields)
        assert answer.status_code == 422, fields
        assert message in html.unescape(answer.get_data(as_text=True)), fields
    assert _count(app, site) == 0


def test_comparing_a_saved_bilan_shows_what_a_correction_changed(app, client, site):
    _hours(app, site)
    location = _produce(client, site, year="2025").headers["Location"]
    assert "Aucun écart" in _page(client, location + "?comparer=1")
    with in_scope(app, site):
        statement = db.session.scalars(select(Releve)).one()
        heures.validate(ACTOR, heures.correct(ACTOR, statement, Decimal("100")))
        db.session.commit()
    page = _page(client, location + "?comparer=1")
    assert "Aucun écart" not in page
    assert "123,45 h" in page and "100 h" in page
    again = client.post(location + "/produire-a-nouveau", data={"csrf_token": csrf_token(client, location)})
    assert again.status_code == 302 and again.headers["Location"] != location
    assert "100 h" in _page(client, again.headers["Location"])
    assert _count(app, site) == 2


def test_the_form_reads_the_territory_s_communes_in_one_query(app, client, site):
    """Each commune of the territory was read apart: 2 communes, 2 queries; 12, 12."""
    url = site.url("/bilans/nouveau")
    costs = []
    for count in (2, 12):
        with in_scope(app, site):
            insees = db.session.scalars(select(Commune.insee).order_by(Commune.insee).limit(count)).all()
            db.session.get(Tenant, site.world.tenant_id).communes_insee = insees
            db.session.commit()
        client.get(url)
        with app.app_context(), recorded_sql() as statements:
            page = _page(client, url)
        assert page.count('value="commune:') == count
        costs.append(len(statements))
    assert costs[0] == costs[1], costs


def test_the_consolidation_table_shows_a_column_per_month_and_no_name(app, client, site):
    _hours(app, site)
    location, page = _produced(client, site, "consolidation")
    assert "Tableau de consolidation des heures" in page
    assert '<th scope="col" class="tableau__num">février 2025</th>' in page
    assert "Bernard" not in page  # people by reference only
    csv_lines = client.get(location + "/tableau.csv?tableau=consolidation").get_data()
    header = csv_lines.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[:4] == [
        "Tableau de consolidation des heures",
        "Employeur ou structure",
        "Lot",
        "janvier 2025",
    ]
    assert header[-1] == "Heures comptées" and len(header) == 3 + 12 + 1


def test_the_parcours_table_is_for_one_structure_and_shows_dates_the_french_way(app, client, site):
    _hours(app, site)
    refused = _produce(client, site, kind="parcours", year="2025")
    assert refused.status_code == 422 and "ne porte pas" in html.unescape(refused.get_data(as_text=True))
    answer = _produce(client, site, kind="parcours", scope=f"employeur:{site.world.employer_id}", year="2025")
    page = _page(client, answer.headers["Location"])
    assert "Personnes en parcours" in page and "Bernard" not in page
    assert re.search(r"<td class=\"tableau__num\">\d\d/\d\d/20\d\d</td>", page)


def test_a_bilan_of_several_years_is_produced_by_a_worker_with_its_progress(app, client, site, redis):
    _hours(app, site)
    answer = _produce(client, site, period_kind="dates", start="2020-01-01", end="2025-12-31")
    assert answer.status_code == 302 and "/traitements/" in answer.headers["Location"]
    assert _count(app, site) == 0  # not yet: the worker produces it
    waiting = _page(client, answer.headers["Location"])
    assert "plus d'un an" in waiting and "Production d'un bilan sur plusieurs années" in waiting
    SimpleWorker([Queue("exports", connection=redis)], connection=redis).work(burst=True)
    assert _count(app, site) == 1
    done = _page(client, answer.headers["Location"])
    with in_scope(app, site):
        bilan_id = db.session.scalars(select(Bilan.id)).one()
    assert f"/bilans/{bilan_id}" in done
    page = _page(client, site.url(f"/bilans/{bilan_id}"))
    assert "du 01/01/2020 au 31/12/2025" in page and "123,45 h" in page


def test_the_page_and_the_pdf_lay_out_the_first_rows_of_a_long_table_and_say_where_the_rest_is(
    app, client, site, monkeypatch
):
    _hours(app, site)
    with in_scope(app, site):  # a second person: the table by month has twelve rows anyway
        mission = place(site.world, eligible_participant("Lefebvre"), site.world.lots[0], "cdi")
        heures.validate(ACTOR, heures.declare(ACTOR, mission, date(2025, 3, 1), Decimal(10)))
        db.session.commit()
    monkeypatch.setattr(presentation, "SHOWN_ROWS", 1)
    location = _produce(client, site, year="2025").headers["Location"]
    page = _page(client, location)
    assert "Les 1 premières lignes sur 12 : le tableau complet est dans le classeur XLSX" in page
    printed = pypdf.PdfReader(io.BytesIO(client.get(location + "/bilan.pdf").get_data()))
    text = " ".join(page.extract_text() for page in printed.pages)
    assert "premières lignes sur 12" in text
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(location + "/classeur.xlsx").get_data()))
    assert workbook["Heures par mois"].max_row == 13  # the header and every month


def test_the_national_collection_is_produced_on_screen_and_as_one_workbook_to_send(app, client, site):
    _hours(app, site)
    location, page = _produced(client, site, "national")
    assert "Collecte nationale du réseau — Territoire clauses — Année 2025" in page
    for heading in ("Donneurs d'ordre par type", "Marchés par fondement juridique", "Durée des contrats"):
        assert heading in page
    assert "Clause sociale d'exécution (art. L2112-2 CCP)" in page  # the builder's marchés
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(location + "/classeur.xlsx").data))
    assert workbook.sheetnames[:4] == [
        "Couverture",
        "Totaux",
        "Structures à l'œuvre par type",
        "Donneurs d'ordre par type",
    ]
    assert "Type de prescripteur" in workbook.sheetnames and "Situation à 6 mois" in workbook.sheetnames
    printed = client.get(location + "/bilan.pdf")
    assert printed.status_code == 200 and printed.data[:4] == b"%PDF"
    refused = _produce(client, site, kind="national", year="2025", scope=f"lot:{site.world.lots[0]}")
    assert refused.status_code == 422 and "ne porte pas sur ce périmètre" in html.unescape(
        refused.get_data(as_text=True)
    )
