"""Shared fixtures: two tenants with one object of every kind each, users, and a logged-in client."""

from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlencode, urlsplit

import pyotp
import pytest
from flask.testing import FlaskClient
from structlog.testing import capture_logs

from saas import clock
from saas.accounts import api as accounts
from saas.accounts.mfa_models import TotpDevice
from saas.db import db
from tenants import context
from tests.factories import TenantFactory, UserFactory
from tests.world import ACTOR, PASSWORD, PNG, World  # noqa: F401 (used by the tests)


def make_user(email: str, name: str, operator: bool = False):
    return UserFactory(email=email, name=name, operator=operator)


def build_tenant(letter: str, code: str) -> World:
    """Tenant ``letter`` with one object of every kind (see :class:`tests.factories.TenantFactory`)."""
    return TenantFactory(letter=letter, code=code, full=True)


def build_two_tenants(app) -> tuple[World, World]:
    """Territoires A and B, and the platform operator (the ``two_tenants`` fixture)."""
    with app.app_context():
        a = build_tenant("a", "79")
        b = build_tenant("b", "93")
        with context.scoped(platform=True):
            make_user("operateur@exemple.fr", "Opérateur", operator=True)
            db.session.commit()
        db.session.remove()
    return a, b


CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


def csrf_token(client, url: str = "/connexion") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {url}"
    return VALUE.search(match.group(0)).group(1)


def login(client, email: str, password: str = PASSWORD, follow: bool = False, next_url: str | None = None):
    """Log in as a person would: the password, then the second factor when it applies (enrolling
    at the first login of a role that requires it). Returns the last response of the login."""
    token = csrf_token(client)
    response = client.post(
        "/connexion" + (f"?{urlencode({'next': next_url})}" if next_url else ""),
        data={"email": email, "password": password, "csrf_token": token},
    )
    step = urlsplit(response.headers.get("Location", "")).path if response.status_code == 302 else None
    if step == "/connexion/verification":
        response = pass_second_step(client, totp_code(client.application, email))
    elif step == "/connexion/activation":
        response = enrol_at_login(client)[0]
    if follow and response.status_code == 302:
        response = client.get(response.headers["Location"], follow_redirects=True)
    return response


SECRET = re.compile(r'id="cle-secrete">([A-Z2-7 ]+)<')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def enrol_at_login(client):
    """Scan the QR code (read the key shown for manual entry), confirm with a first code, note the
    recovery codes and continue. Returns the last response, the secret and the recovery codes."""
    page = client.get("/connexion/activation").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    token = VALUE.search(CSRF.search(page).group(0)).group(1)
    codes_page = client.post(
        "/connexion/activation", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token}
    ).get_data(as_text=True)
    recovery = RECOVERY.findall(codes_page)
    assert len(recovery) == 10, codes_page
    token = VALUE.search(CSRF.search(codes_page).group(0)).group(1)
    return client.post("/connexion/activation/terminer", data={"csrf_token": token}), secret, recovery


def pass_second_step(client, code: str):
    token = csrf_token(client, "/connexion/verification")
    return client.post("/connexion/verification", data={"code": code, "csrf_token": token})


def totp_code(app, email: str) -> str:
    """The current code of the person's authenticator.

    Tests log the same person in several times a minute, which the replay rule refuses (one code
    per 30-second step): the helper first moves the memory of the last step used back, as if the
    previous login were 30 seconds older. The rule itself is proven in tests/blueprints/test_mfa.py.
    """
    with app.app_context():
        device = db.session.get(TotpDevice, accounts.user_by_email(email).id)
        totp = pyotp.TOTP(device.secret)
        current = totp.timecode(clock.now())
        if device.last_step is not None and device.last_step >= current:
            device.last_step = current - 1
            db.session.commit()
        code = totp.generate_otp(current)
        db.session.remove()
    return code


class HttpsClient(FlaskClient):
    """Session cookies are Secure: talk to the app over HTTPS, as a browser would (with the
    Referer that Flask-WTF checks on HTTPS)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_REFERER"] = "https://localhost/"

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", "https://localhost")
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = HttpsClient
    return app.test_client()


@pytest.fixture
def client_factory(app):
    app.test_client_class = HttpsClient
    return app.test_client


#: the links the service mails to a person (a token of at least 20 characters in a known path).
ACCOUNT_LINK = re.compile(
    r"https?://[^/\s]+(/(?:invitation|mot-de-passe/nouveau|connexion/deblocage)/([\w-]{20,}))"
)


@contextmanager
def issued_links():
    """The paths of every account link written to the server log while the block runs (the
    embedded default delivers account messages there), in order."""
    paths: list[str] = []
    with capture_logs() as logs:
        yield paths
    for entry in logs:
        if entry.get("event") == "mail.account_message":
            paths.extend(path for path, _ in ACCOUNT_LINK.findall(str(entry.get("body", ""))))
