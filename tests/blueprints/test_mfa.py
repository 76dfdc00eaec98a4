"""Multi-factor authentication: who must use it, the second step of the login, codes and their limits."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
import pytest
from sqlalchemy import text

from blueprints.auth import second_step
from saas.accounts import memberships
from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tests.fixtures import (
    ACTOR,
    PASSWORD,
    csrf_token,
    enrol_at_login,
    login,
    make_user,
    pass_second_step,
    totp_code,
)


@dataclass
class Site:
    slug: str
    admin: str = "admin@niort.fr"
    facilitateur: str = "facil@niort.fr"
    coordinator: str = "coord@deux-sevres.fr"
    operator: str = "operateur@exemple.fr"


@pytest.fixture
def site(app):
    """One tenant with an admin and a facilitateur, a Département with its coordinator, an operator."""
    result = Site("niort")
    with app.app_context():
        with context.scoped(platform=True):
            federation = memberships.create_federation(ACTOR, "79", "Deux-Sèvres")
            tenant = memberships.create_tenant(ACTOR, result.slug, "Niort Agglo", "agglomeration")
            make_user(result.operator, "Opératrice", operator=True)
            make_user(result.coordinator, "Coordinatrice")
            memberships.invite_coordinator(ACTOR, federation, result.coordinator, "Coordinatrice")
            db.session.commit()
        with context.scoped(tenant.id):
            tenants_api.enter_tenant(tenant.id, None)
            for email, role in ((result.admin, "tenant_admin"), (result.facilitateur, "facilitateur")):
                make_user(email, role)
                memberships.invite_member(ACTOR, email, role, role)
            db.session.commit()
        db.session.remove()
    return result


def password_step(client, email: str, password: str = PASSWORD):
    return client.post(
        "/connexion", data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )


def count(engine, sql: str, **params) -> int:
    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def audited(engine, action: str) -> int:
    """Entries of ``action`` in the tenants' log and the platform's."""
    logs = "SELECT action FROM audit_log UNION ALL SELECT action FROM platform_audit_log"
    return count(engine, f"SELECT count(*) FROM ({logs}) entries WHERE action = :a", a=action)


def sessions(engine) -> int:
    return count(engine, "SELECT count(*) FROM auth_sessions")


@pytest.mark.parametrize("who", ["admin", "coordinator", "operator"])
def test_a_role_that_requires_it_is_enrolled_before_anything_else(site, client, superuser_engine, who):
    response = password_step(client, getattr(site, who))
    assert response.status_code == 302 and response.headers["Location"] == "/connexion/activation"
    assert sessions(superuser_engine) == 0  # the password alone opens nothing
    for url in (f"/t/{site.slug}/", "/espaces", "/plateforme/territoires", "/departements/79/"):
        assert "/connexion" in client.get(url).headers["Location"], url
    page = client.get("/connexion/activation").get_data(as_text=True)
    assert 'src="/connexion/activation/qr.svg"' in page and 'id="cle-secrete"' in page
    assert "style=" not in page and "<script>" not in page  # works under a CSP without unsafe-inline
    qr = client.get("/connexion/activation/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b"<svg" in qr.data and b"style" not in qr.data
    wrong = client.post(
        "/connexion/activation",
        data={"code": "000000", "csrf_token": csrf_token(client, "/connexion/activation")},
    )
    assert wrong.status_code == 400 and "Ce code n&#39;est pas valable" in wrong.get_data(as_text=True)
    done, _, recovery = enrol_at_login(client)
    assert done.status_code == 302 and len(set(recovery)) == 10
    assert client.get("/espaces").status_code == 200
    assert sessions(superuser_engine) == 1
    assert audited(superuser_engine, "mfa.enabled") == audited(superuser_engine, "login.success") == 1


def test_recovery_codes_are_shown_once_and_stored_hashed(site, client, superuser_engine):
    password_step(client, site.admin)
    _, _, recovery = enrol_at_login(client)
    with superuser_engine.connect() as conn:
        stored = " ".join(conn.execute(text("SELECT digest FROM mfa_recovery_codes")).scalars())
    assert not any(code.replace("-", "") in stored or code in stored for code in recovery)
    assert "<code>" not in client.get("/connexion/activation").get_data(as_text=True)


def test_login_with_totp_and_a_wrong_code(site, client_factory, superuser_engine):
    login(client_factory(), site.admin)  # enrols
    client = client_factory()
    response = password_step(client, site.admin)
    assert response.headers["Location"] == "/connexion/verification"
    assert client.get(f"/t/{site.slug}/").status_code == 302
    wrong = pass_second_step(client, "123456")
    assert wrong.status_code == 400
    assert "Ce code n&#39;est pas valable" in wrong.get_data(as_text=True)
    assert client.get(f"/t/{site.slug}/").status_code == 302
    assert audited(superuser_engine, "mfa.failure") == 1
    assert pass_second_step(client, totp_code(client.application, site.admin)).status_code == 302
    assert client.get(f"/t/{site.slug}/").status_code == 200


def test_a_code_is_accepted_once(site, client_factory):
    login(client_factory(), site.admin)
    first, second = client_factory(), client_factory()
    code = totp_code(first.application, site.admin)
    password_step(first, site.admin)
    assert pass_second_step(first, code).status_code == 302
    password_step(second, site.admin)
    replay = pass_second_step(second, code)
    assert replay.status_code == 400
    assert second.get(f"/t/{site.slug}/").status_code == 302


def test_a_recovery_code_works_once(site, client_factory, superuser_engine):
    _, _, recovery = enrol_at_login_of(client_factory(), site.admin)
    client = client_factory()
    password_step(client, site.admin)
    response = pass_second_step(client, recovery[0])
    assert response.status_code == 302
    assert "il en reste 9" in client.get("/espaces").get_data(as_text=True)
    assert audited(superuser_engine, "mfa.recovery_code_used") == 1
    again = client_factory()
    password_step(again, site.admin)
    assert pass_second_step(again, recovery[0]).status_code == 400
    assert pass_second_step(again, recovery[1].upper().replace("-", " ")).status_code == 302


def enrol_at_login_of(client, email: str):
    password_step(client, email)
    return enrol_at_login(client)


def test_wrong_codes_are_limited_per_account(site, client_factory, superuser_engine):
    login(client_factory(), site.admin)
    client = client_factory()
    password_step(client, site.admin)
    for attempt in range(5):
        assert pass_second_step(client, f"00000{attempt}").status_code == 400, attempt
    blocked = pass_second_step(client, totp_code(client.application, site.admin))  # even the right one
    assert blocked.status_code == 429
    assert "Trop de codes erronés" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0
    other_browser = client_factory()
    password_step(other_browser, site.admin)
    assert pass_second_step(other_browser, "000000").status_code == 429
    assert audited(superuser_engine, "mfa.rate_limited") >= 1
    assert login(client_factory(), site.coordinator).status_code == 302  # other accounts unaffected


def test_the_tenant_setting_requires_it_for_a_facilitateur(site, client_factory, superuser_engine):
    earlier = client_factory()
    assert login(earlier, site.facilitateur).headers["Location"] == "/"  # optional for now
    assert earlier.get(f"/t/{site.slug}/").status_code == 200
    admin = client_factory()
    login(admin, site.admin)
    url = f"/t/{site.slug}/admin/parametres"
    saved = admin.post(
        url,
        data={
            "name": "Niort Agglo",
            "colour": "#1f4e79",
            "communes": "",
            "mfa_required": "y",
            "csrf_token": csrf_token(admin, url),
        },
    )
    assert saved.status_code == 302
    assert audited(superuser_engine, "tenant.mfa_policy_changed") == 1
    client = client_factory()
    assert password_step(client, site.facilitateur).headers["Location"] == "/connexion/activation"
    assert client.get(f"/t/{site.slug}/").status_code == 302
    # the session opened before the setting reaches nothing of the tenant until enrolled
    assert earlier.get(f"/t/{site.slug}/").headers["Location"] == "/compte/securite/activer"
    assert earlier.get("/compte/securite/activer").status_code == 200


def test_disabling_is_audited_and_refused_where_required(site, client_factory, superuser_engine):
    facilitateur = client_factory()
    login(facilitateur, site.facilitateur)
    page = facilitateur.get("/compte/securite/activer").get_data(as_text=True)
    secret = page.split('id="cle-secrete">')[1].split("<")[0].replace(" ", "")
    confirm = facilitateur.post(
        "/compte/securite/activer",
        data={
            "code": pyotp.TOTP(secret).now(),
            "csrf_token": csrf_token(facilitateur, "/compte/securite/activer"),
        },
    )
    assert confirm.status_code == 200 and confirm.get_data(as_text=True).count("<li><code>") == 10
    later = client_factory()
    assert password_step(later, site.facilitateur).headers["Location"] == "/connexion/verification"
    token = csrf_token(facilitateur, "/compte/securite")
    wrong = facilitateur.post(
        "/compte/securite/desactiver", data={"proof": "pas-le-bon", "csrf_token": token}
    )
    assert wrong.status_code == 400 and "Mot de passe ou code incorrect." in wrong.get_data(as_text=True)
    done = facilitateur.post("/compte/securite/desactiver", data={"proof": PASSWORD, "csrf_token": token})
    assert done.status_code == 302
    assert audited(superuser_engine, "mfa.disabled") == 1
    assert login(client_factory(), site.facilitateur).headers["Location"] == "/"

    admin = client_factory()
    login(admin, site.admin)
    token = csrf_token(admin, "/compte/securite")
    refused = admin.post("/compte/securite/desactiver", data={"proof": PASSWORD, "csrf_token": token})
    assert refused.status_code == 400
    assert "Votre rôle exige la double authentification" in refused.get_data(as_text=True)
    assert audited(superuser_engine, "mfa.disabled") == 1
    assert password_step(client_factory(), site.admin).headers["Location"] == "/connexion/verification"


def test_second_step_urls_without_the_password_step_give_nothing(site, client, superuser_engine):
    for url in ("/connexion/verification", "/connexion/activation"):
        assert client.get(url).headers["Location"] == "/connexion", url
        posted = client.post(url, data={"code": "123456", "csrf_token": csrf_token(client)})
        assert posted.status_code == 302 and posted.headers["Location"] == "/connexion", url
    assert client.get("/connexion/activation/qr.svg").status_code == 404
    finished = client.post("/connexion/activation/terminer", data={"csrf_token": csrf_token(client)})
    assert finished.headers["Location"] == "/connexion"
    assert client.get("/espaces").status_code == 302
    assert sessions(superuser_engine) == 0


def test_the_pending_second_step_expires(site, client_factory, monkeypatch):
    login(client_factory(), site.admin)
    monkeypatch.setitem(second_step.PENDING_SECONDS, "verify", -1)
    client = client_factory()
    password_step(client, site.admin)
    code = totp_code(client.application, site.admin)
    late = client.post("/connexion/verification", data={"code": code, "csrf_token": csrf_token(client)})
    assert late.headers["Location"] == "/connexion"
    assert client.get("/espaces").status_code == 302


def test_the_operator_resets_a_lost_device_from_the_command_line(site, app, client_factory, superuser_engine):
    login(client_factory(), site.operator)
    result = app.test_cli_runner().invoke(
        args=["comptes", "reinitialiser-mfa", site.operator, "--motif", "téléphone perdu"]
    )
    assert result.exit_code == 0, result.output
    assert audited(superuser_engine, "mfa.reset") == 1
    assert count(superuser_engine, "SELECT count(*) FROM auth_sessions WHERE revoked_at IS NULL") == 0
    assert password_step(client_factory(), site.operator).headers["Location"] == "/connexion/activation"
