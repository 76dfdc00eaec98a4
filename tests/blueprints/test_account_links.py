"""Links that set a password reach only the holder of the address (issue 9, finding 1).

Every link the service issues is captured where it goes (the server log in the embedded default,
the SMTP message otherwise); no page an admin, an operator or a coordinator sees may hold one.
"""

from __future__ import annotations

import re

from flask import url_for
from sqlalchemy import text

from tests.fixtures import PASSWORD, issued_links, login
from tests.web import NEW_TENANT, post, text_of

LINK = re.compile(r"/(?:invitation|mot-de-passe/nouveau|connexion/deblocage)/([\w-]{20,})")
VICTIM = "x.victime@exemple.fr"


class Seen:
    """Every response a client got, to scan them all for tokens."""

    def __init__(self, client):
        self.client, self.pages = client, []

    def __call__(self, response):
        # a workbook or a PDF (the Département's exports) holds figures only: its text is not read
        binary = response.mimetype in (
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        self.pages.append("" if binary else text_of(response))
        return response

    def get(self, url):
        return self(self.client.get(url, follow_redirects=True))

    def post(self, url, data, page=None):
        return self(post(self.client, url, data, page))

    def links(self) -> set[str]:
        return {token for page in self.pages for token in LINK.findall(page)}

    def contains_any(self, tokens) -> list[str]:
        return [token for token in tokens if any(token in page for page in self.pages)]


def invite(seen: Seen, slug: str, email: str, name: str = "Personne Invitée", role: str = "facilitateur"):
    return seen.post(f"/t/{slug}/admin/utilisateurs", {"email": email, "display_name": name, "role": role})


def test_an_admin_of_another_tenant_cannot_take_over_a_pending_invitation(two_tenants, client_factory):
    a, b = two_tenants
    admin_b, admin_a = Seen(client_factory()), Seen(client_factory())
    login(admin_b.client, b.admin_email)
    login(admin_a.client, a.admin_email)
    with issued_links() as paths:
        invite(admin_b, b.slug, VICTIM, "Victime X")
        page = invite(admin_a, a.slug, VICTIM, "Victime X (par A)")
        assert page.status_code == 200
        admin_a.get(f"/t/{a.slug}/admin/utilisateurs")
        admin_a.get(f"/t/{a.slug}/admin/boite-d-envoi/")
    # whatever link A could find, none of them sets the victim's password
    for token in admin_a.links():
        for path in (f"/invitation/{token}", f"/mot-de-passe/nouveau/{token}"):
            admin_a.post(path, {"password": "Prise-de-Controle-1", "confirmation": "Prise-de-Controle-1"})
    for password in ("Prise-de-Controle-1", PASSWORD):
        assert login(client_factory(), VICTIM, password).status_code != 302
    tokens = [path.rsplit("/", 1)[1] for path in paths]
    assert tokens, "the invitations were sent to the server log"
    assert admin_a.contains_any(tokens) == [] and admin_b.contains_any(tokens) == []
    # the victim, with the link of her own mailbox, chooses her password and sees both tenants
    victim = client_factory()
    assert (
        post(
            victim,
            f"/invitation/{tokens[0]}",
            {"password": "Mon-Vrai-Secret-9", "confirmation": "Mon-Vrai-Secret-9"},
        ).status_code
        == 302
    )
    assert login(victim, VICTIM, "Mon-Vrai-Secret-9").status_code == 302
    assert victim.get(f"/t/{b.slug}/").status_code == 200


def test_a_pre_registered_address_gives_the_inviter_nothing(two_tenants, client_factory):
    """An attacker admin invites the address first: the owner still alone chooses the password."""
    a, b = two_tenants
    attacker = Seen(client_factory())
    login(attacker.client, a.admin_email)
    with issued_links() as paths:
        invite(attacker, a.slug, VICTIM)
        admin_b = Seen(client_factory())
        login(admin_b.client, b.admin_email)
        invite(admin_b, b.slug, VICTIM)
    assert attacker.links() == set() and admin_b.links() == set()
    tokens = [path.rsplit("/", 1)[1] for path in paths]
    assert tokens and attacker.contains_any(tokens) == [] and admin_b.contains_any(tokens) == []


def _scan_urls(app, superuser_engine, a) -> dict[str, list[str]]:
    """Every GET page of the admin console (tenant A), the operator console and the Département
    console, with the ids that concern people and mail filled in."""
    with superuser_engine.connect() as conn:
        ids = {
            "membership_id": conn.execute(
                text("SELECT id FROM tenant_memberships WHERE tenant_id = :t"), {"t": a.tenant_id}
            )
            .scalars()
            .all(),
            "mail_id": conn.execute(
                text("SELECT id FROM outgoing_mails WHERE tenant_id = :t"), {"t": a.tenant_id}
            )
            .scalars()
            .all(),
            "tenant_id": conn.execute(text("SELECT id FROM tenants")).scalars().all(),
            "federation_id": conn.execute(text("SELECT id FROM federations")).scalars().all(),
        }
    urls: dict[str, list[str]] = {"admin": [], "plateforme": [], "departement": []}
    fixed = {"tenant_slug": a.slug, "code": a.federation_code}
    for rule in app.url_map.iter_rules():
        audience = rule.endpoint.split(".")[0]
        if audience not in urls or "GET" not in rule.methods:
            continue
        variable = [arg for arg in rule.arguments if arg not in fixed]
        if len(variable) > 1 or (variable and variable[0] not in ids):
            continue
        with app.test_request_context():
            values = [{}] if not variable else [{variable[0]: value} for value in ids[variable[0]]]
            for extra in values:
                args = {k: v for k, v in fixed.items() if k in rule.arguments} | extra
                urls[audience].append(url_for(rule.endpoint, **args))
    return urls


def test_no_console_page_ever_shows_a_password_token(app, two_tenants, client_factory, superuser_engine):
    a, _ = two_tenants
    operator, admin_a, coordinator = Seen(client_factory()), Seen(client_factory()), Seen(client_factory())
    login(operator.client, "operateur@exemple.fr")
    login(admin_a.client, a.admin_email)
    login(coordinator.client, a.coordinator_email)
    with issued_links() as paths:
        operator.post(
            "/plateforme/territoires",
            NEW_TENANT,
        )
        operator.post(
            f"/plateforme/departements/{a.federation_id}",
            {"coord-email": "coord.nouvelle@exemple.fr", "coord-display_name": "Coordinatrice Nouvelle"},
        )
        invite(admin_a, a.slug, VICTIM)
        invite(admin_a, a.slug, "chef@plie.fr")  # pending elsewhere: a fresh link, to her only
        anonymous = client_factory()
        post(anonymous, "/mot-de-passe-oublie", {"email": a.facilitateur_email})
    tokens = [path.rsplit("/", 1)[1] for path in paths]
    assert len(tokens) == 5  # two invitations by the operator, two by the admin, one reset
    urls = _scan_urls(app, superuser_engine, a)
    assert len(urls["admin"]) >= 20 and len(urls["plateforme"]) >= 6 and urls["departement"]
    for url in urls["admin"]:
        admin_a.get(url)
    for url in urls["plateforme"]:
        operator.get(url)
    for url in urls["departement"]:
        coordinator.get(url)
    assert operator.contains_any(tokens) == []
    assert admin_a.contains_any(tokens) == []
    assert coordinator.contains_any(tokens) == []
    assert not (operator.links() | admin_a.links() | coordinator.links())
