"""Every text has a bound (``saas.bounds``), on the forms and through the API; a request body has one
too (``MAX_CONTENT_LENGTH``): refused with a French message naming the field, never stored."""

from __future__ import annotations

from saas import bounds
from saas.db import db
from saas.participants.models import Participant
from tenants import context
from tests.blueprints.test_bad_input import _data, _forms
from tests.fixtures import login

TOO_LONG = "x" * (bounds.LONG_TEXT + 1)
MESSAGE = bounds.too_long_message(bounds.LONG_TEXT)


def _form_with(client, url: str, name: str) -> dict:
    forms = _forms(client.get(url).get_data(as_text=True))
    return next(f for f in forms if f["method"] == "post" and any(x["name"] == name for x in f["fields"]))


def _project(app, world) -> str | None:
    with app.app_context(), context.scoped(world.tenant_id):
        participant = db.session.scalars(
            db.select(Participant).where(Participant.id == world.ids["participant_id"])
        ).one()
        return participant.projet_professionnel


def test_an_over_long_free_text_is_refused_on_the_form(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/{a.ids['participant_id']}/modifier"
    form = _form_with(client, url, "projet_professionnel")
    response = client.post(url, data=_data(form, "projet_professionnel", TOO_LONG))
    assert response.status_code == 400
    assert f"Projet professionnel : {MESSAGE}" in response.get_data(as_text=True)
    assert _project(app, a) != TOO_LONG


def test_an_over_long_one_line_text_is_refused_on_the_form(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/{a.ids['participant_id']}/cv"
    form = _form_with(client, url, "rome_codes")
    response = client.post(url, data=_data(form, "rome_codes", "F1703 " * 40))
    assert response.status_code in (200, 400)
    html = response.get_data(as_text=True)
    assert f"Métiers visés (codes ROME) : {bounds.too_long_message(bounds.SHORT_TEXT)}" in html


def test_an_over_long_text_is_refused_by_the_api_naming_the_field(app, two_tenants, client):
    a, _ = two_tenants
    response = client.patch(
        f"/api/v1/participants/{a.ids['participant_id']}",
        json={"projet_professionnel": TOO_LONG},
        headers={"Authorization": f"Bearer {a.api_token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {"projet_professionnel": [MESSAGE]}
    assert _project(app, a) != TOO_LONG


def test_a_body_beyond_the_request_limit_answers_413_in_french(app, two_tenants, client, monkeypatch):
    a, _ = two_tenants
    assert app.config["MAX_CONTENT_LENGTH"] == bounds.MAX_REQUEST_BYTES
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    login(client, a.facilitateur_email)
    url = f"/t/{a.slug}/participants/{a.ids['participant_id']}/modifier"
    page = client.post(url, data={"projet_professionnel": "z" * 20_000})
    assert page.status_code == 413
    assert "Envoi trop volumineux" in page.get_data(as_text=True)
    api = client.patch(
        f"/api/v1/participants/{a.ids['participant_id']}",
        json={"projet_professionnel": "z" * 20_000},
        headers={"Authorization": f"Bearer {a.api_token}"},
    )
    assert api.status_code == 413
    assert api.get_json()["message"].startswith("La requête est trop volumineuse")
