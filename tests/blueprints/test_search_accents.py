"""Search boxes find a name whatever its accents and case ("andre" finds "ANDRÉ"), through the one
search helper of the lists (PostgreSQL ``unaccent``); the long participant list of a new mission
can be searched, without JavaScript."""

from __future__ import annotations

import html
import re
from datetime import date

from saas.db import db
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import ACTOR, csrf_token, login


def _seed(app, world) -> None:
    with app.app_context(), context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, None)
        participants.create(ACTOR, "ANDRÉ", "Zoé", date(1990, 1, 2), "F")
        participants.create(ACTOR, "Martin", "Léa", date(1991, 3, 4), "F")
        partenaires.create(ACTOR, "Société Équité Bâtiment", "donneur_ordre")
        db.session.commit()
        db.session.remove()


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_list_searches_ignore_accents_and_case(app, two_tenants, client):
    a, _ = two_tenants
    _seed(app, a)
    login(client, a.admin_email)
    found = _page(client, f"/t/{a.slug}/participants/?q=andre")
    assert "ANDRÉ" in found and "Léa" not in found
    assert "ANDRÉ" in _page(client, f"/t/{a.slug}/participants/?q=zoe")
    assert "Société Équité Bâtiment" in _page(client, f"/t/{a.slug}/admin/organisations?q=societe+equite")
    assert "Réhabilitation du groupe scolaire A" in _page(client, f"/t/{a.slug}/marches/?q=REHABILITATION")
    # what people type is taken literally: % and _ are not wildcards
    assert "ANDRÉ" not in _page(client, f"/t/{a.slug}/participants/?q=%25")


def test_the_participant_of_a_new_mission_is_searched_on_the_server(app, two_tenants, client):
    """The form lists no participant (tests/blueprints/test_choosers.py): the text typed is
    searched by the server, whatever its accents and case, and the one found is chosen."""
    a, _ = two_tenants
    _seed(app, a)
    login(client, a.facilitateur_email)
    blank = _page(client, f"/t/{a.slug}/missions/nouvelle")
    assert "ANDRÉ" not in blank and "Martin" not in blank  # no participant is sent
    url = f"/t/{a.slug}/missions/nouvelle"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "participant_id-texte": "andre"})
    page = html.unescape(response.get_data(as_text=True))
    chosen = re.search(r'<input type="hidden" name="participant_id" value="(\d+)" data-choix-valeur>', page)
    assert chosen and re.search(r'name="participant_id-texte" value="[^"]*ANDRÉ Zoé"', page)  # the one found
    assert '<label class="champ__libelle" for="participant_id">' in page and 'id="participant_id"' in page
    assert "<script>" not in page and "js/chooser.js" in page  # no inline script
