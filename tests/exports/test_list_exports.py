"""A list exported as shown: hostile or broken names stored by a user come out inert and whole."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from saas.db import db
from saas.partenaires import api as partenaires
from tenants import context
from tests.fixtures import ACTOR, login

HOSTILE = '=HYPERLINK("https://attaquant.example";"Voir")'
BROKEN = "Entreprise\x0b Dupont\x1f"


def test_organisation_list_exports_hostile_and_broken_names_inert(two_tenants, client, app):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        partenaires.create(ACTOR, HOSTILE, "donneur_ordre")
        partenaires.create(ACTOR, BROKEN, "donneur_ordre")
        partenaires.create(ACTOR, "@SUM(1+1)", "donneur_ordre")
        db.session.commit()
        db.session.remove()
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/organisations?kind=donneur_ordre&tri=nom"

    xlsx = client.get(url + "&export=xlsx")
    assert xlsx.status_code == 200
    names = {
        row[0].value: row[0].data_type
        for row in load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(min_row=2)
    }
    assert {name: names[name] for name in (HOSTILE, "Entreprise Dupont", "@SUM(1+1)")} == dict.fromkeys(
        (HOSTILE, "Entreprise Dupont", "@SUM(1+1)"), "s"
    )

    exported = client.get(url + "&export=csv").get_data().decode("utf-8-sig")
    first_cells = {row[0] for row in csv.reader(io.StringIO(exported, newline=""), delimiter=";")}
    assert first_cells >= {"'" + HOSTILE, "'@SUM(1+1)", "Entreprise Dupont"}
