"""Login, sessions, rate limits, CSRF and the audit of it all."""

from __future__ import annotations

from tests.builders import audit_rows
from tests.fixtures import PASSWORD, csrf_token, login


def test_login_success_is_audited_and_cookie_is_hardened(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    response = login(client, a.admin_email)
    assert response.status_code == 302
    cookie = next(c for c in response.headers.get_all("Set-Cookie") if c.startswith("guichet_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert [
        (r.actor_email, r.ip_address) for r in audit_rows(superuser_engine, "login.success", platform=True)
    ] == [(a.admin_email, "127.0.0.1")]


def test_wrong_password_says_so_in_french_and_is_audited(two_tenants, client, superuser_engine):
    a, _ = two_tenants
    response = login(client, a.admin_email, "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in response.get_data(as_text=True)
    assert [r.actor_email for r in audit_rows(superuser_engine, "login.failure", platform=True)] == [
        a.admin_email
    ]


def test_login_without_csrf_token_is_refused(two_tenants, client):
    a, _ = two_tenants
    client.get("/connexion")
    response = client.post("/connexion", data={"email": a.admin_email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(f"/t/{a.slug}/").status_code == 302  # still anonymous


def test_successful_logins_do_not_count(two_tenants, client_factory):
    a, _ = two_tenants
    for _ in range(7):
        assert login(client_factory(), a.admin_email).status_code == 302


def test_logout_revokes_the_session_on_the_server(two_tenants, client, client_factory):
    a, _ = two_tenants
    login(client, a.admin_email)
    stolen = client.get_cookie("guichet_session").value
    assert client.get(f"/t/{a.slug}/").status_code == 200
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, f"/t/{a.slug}/")})
    replay = client_factory()
    replay.set_cookie("guichet_session", stolen, domain="localhost", secure=True)
    response = replay.get(f"/t/{a.slug}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_deactivation_cuts_access_at_once(two_tenants, client, client_factory):
    a, _ = two_tenants
    victim = client_factory()
    login(victim, a.facilitateur_email)
    assert victim.get(f"/t/{a.slug}/").status_code == 200
    login(client, a.admin_email)
    url = f"/t/{a.slug}/admin/utilisateurs/{a.ids['membership_facilitateur']}/desactiver"
    assert client.post(url, data={"csrf_token": csrf_token(client, f"/t/{a.slug}/")}).status_code == 302
    response = victim.get(f"/t/{a.slug}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_open_redirect_is_refused(two_tenants, client_factory):
    a, _ = two_tenants
    for email in (a.facilitateur_email, a.admin_email):  # without and through the second step
        response = login(client_factory(), email, next_url="https://evil.example/")
        assert response.headers["Location"] == "/", email


def test_partner_user_cannot_enter_the_workspace(two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    assert client.get(f"/t/{a.slug}/").status_code == 404
    assert client.get(f"/t/{a.slug}/admin/utilisateurs").status_code == 404


def test_user_with_several_spaces_gets_the_switcher(two_tenants, client):
    login(client, "operateur@exemple.fr")
    assert client.get("/").headers["Location"].endswith("/plateforme/territoires")
    login_page = client.get("/espaces").get_data(as_text=True)
    assert "Console de la plateforme" in login_page


def test_healthz_reports_database_and_redis(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_a_stolen_cookie_replayed_from_another_browser_is_refused(two_tenants, client, client_factory):
    """Flask-Login's "strong" protection does nothing for permanent sessions: the server-side
    session is bound to the User-Agent of the login, and a mismatch revokes it."""
    a, _ = two_tenants
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    login(client, a.admin_email)
    stolen = client.get_cookie("guichet_session").value
    assert client.get(f"/t/{a.slug}/").status_code == 200
    thief = client_factory()
    thief.environ_base["HTTP_USER_AGENT"] = "curl/8.11.1"
    thief.set_cookie("guichet_session", stolen, domain="localhost", secure=True)
    response = thief.get(f"/t/{a.slug}/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]
    # the session is revoked: the cookie no longer works from the owner's browser either
    assert client.get(f"/t/{a.slug}/").status_code == 302


def test_a_session_survives_a_change_of_address(two_tenants, client):
    """Mobile users change address all the time: the session is not bound to it."""
    a, _ = two_tenants
    login(client, a.admin_email)
    client.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert client.get(f"/t/{a.slug}/").status_code == 200
