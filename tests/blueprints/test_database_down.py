"""PostgreSQL down: every page answers a French 503 rendered without the database (no user
loaded, no tenant theme), the API a JSON 503; never Werkzeug's English error page."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from saas.db import db
from tests.fixtures import login

# committed: the test swaps the service's engine for a dead one
pytestmark = pytest.mark.committed


@pytest.fixture
def database_down(app, monkeypatch):
    """The service's engine swapped for one whose server is gone (nothing listens on its port):
    every request meets the OperationalError a stopped PostgreSQL gives."""
    dead_url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).set(host="127.0.0.1", port=1)
    dead = create_engine(dead_url)
    with app.app_context():
        db.session.remove()
        monkeypatch.setitem(db._app_engines[app], None, dead)
    yield
    with app.app_context():
        db.session.remove()
    dead.dispose()


def _assert_french_503(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 503, html[:300]
    assert "Service momentanément indisponible" in html
    assert "Internal Server Error" not in html and 'lang="fr"' in html
    assert "Content-Security-Policy" in response.headers


def test_pages_answer_a_french_503_without_the_database(request, two_tenants, client, client_factory):
    a, _ = two_tenants
    login(client, a.admin_email)
    assert client.get(f"/t/{a.slug}/").status_code == 200
    request.getfixturevalue("database_down")
    for url in (f"/t/{a.slug}/", f"/t/{a.slug}/participants/", "/espaces", f"/t/{a.slug}/admin/journal"):
        _assert_french_503(client.get(url))
    anonymous = client_factory().get(f"/t/{a.slug}/")
    assert anonymous.status_code in (302, 503)
    if anonymous.status_code == 503:
        _assert_french_503(anonymous)


def test_the_api_answers_a_json_503_without_the_database(two_tenants, database_down, client):
    a, _ = two_tenants
    response = client.get("/api/v1/marches", headers={"Authorization": f"Bearer {a.api_token}"})
    assert response.status_code == 503
    assert response.get_json()["message"].startswith("Le service est momentanément indisponible")
