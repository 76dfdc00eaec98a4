"""People never read an internal identifier: no role or kind code, no table or job name, no ISO
date, no decimal point. The pages that showed them (journal, users, runs, operator's territories)
are rendered with real data and their visible text is searched."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from saas.accounts import api as accounts
from saas.accounts import memberships
from saas.db import db
from saas.jobs import api as runs
from tenants import api as tenants_api
from tenants import context
from tenants.models import TenantMembership
from tests.fixtures import ACTOR, login
from workers.decorator import REGISTRY
from workers.jobs import audit_export  # noqa: F401 - registers the jobs

#: a code written in snake_case (tenant_admin, hour_statement, conventions_daily, maison_emploi).
SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DECIMAL_POINT = re.compile(r"\b\d+\.\d+\b")
IP_ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
#: the start of an API token ("gc_x7Kp…"), shown so that its owner recognises it: random, it is
#: sometimes all lower case and would read as a code.
TOKEN_PREFIX = re.compile(r"\bgc_[A-Za-z0-9_-]+")
#: codes without an underscore, that no French sentence of these pages writes so.
BARE_CODES = re.compile(r"\bagglomeration\b")


class _Text(HTMLParser):
    """The text a person reads: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def internal_codes(html: str) -> list[str]:
    text = TOKEN_PREFIX.sub("", IP_ADDRESS.sub("", visible_text(html)))
    found = []
    for pattern in (SNAKE_CASE, ISO_DATE, DECIMAL_POINT, BARE_CODES):
        found += pattern.findall(text)
    return found


def _activity(world) -> list[int]:
    """A run of every kind, a role change and a tenant change: what the journal and runs show."""
    with context.scoped(world.tenant_id):
        tenants_api.enter_tenant(world.tenant_id, None)
        admin = accounts.user_by_email(world.admin_email)
        run_ids = [runs.request_run(kind, {"day": "2025-03-01"}, admin.id).id for kind in sorted(REGISTRY)]
        membership = db.session.get(TenantMembership, (world.tenant_id, world.ids["membership_facilitateur"]))
        memberships.change_role(ACTOR, membership, "tenant_admin", None)
        db.session.info.pop("on_commit", None)  # the runs are shown, not sent to the queue
        db.session.commit()
    with context.scoped(platform=True):
        tenant = tenants_api.tenant_by_id(world.tenant_id)
        memberships.update_tenant(ACTOR, tenant, kind="maison_emploi", name="Territoire A renommé")
        db.session.commit()
    db.session.remove()
    return run_ids


def test_pages_show_no_internal_identifier(app, two_tenants, client_factory):
    a, _ = two_tenants
    with app.app_context():
        run_ids = _activity(a)
    admin, operator = client_factory(), client_factory()
    login(admin, a.admin_email)
    login(operator, "operateur@exemple.fr")
    pages = [
        (admin, f"/t/{a.slug}/admin/journal"),
        (admin, f"/t/{a.slug}/admin/utilisateurs"),
        (admin, f"/t/{a.slug}/admin/utilisateurs/{a.ids['membership_facilitateur']}"),
        (admin, f"/t/{a.slug}/traitements/"),
        *[(admin, f"/t/{a.slug}/traitements/{run_id}") for run_id in run_ids],
        (admin, f"/t/{a.slug}/"),
        (admin, f"/t/{a.slug}/admin/registre"),
        (admin, f"/t/{a.slug}/admin/registre/notice"),
        (admin, f"/t/{a.slug}/admin/donnees-personnelles/"),
        (admin, f"/t/{a.slug}/admin/donnees-personnelles/passages/{a.ids['retention_run_id']}"),
        (admin, f"/t/{a.slug}/participants/{a.ids['participant_id']}"),
        (operator, "/plateforme/territoires"),
        (operator, f"/plateforme/territoires/{a.tenant_id}"),
        (operator, "/plateforme/journal"),
    ]
    faults = []
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        faults += [f"{url}: {code}" for code in internal_codes(response.get_data(as_text=True))]
    assert not faults, "\n".join(faults)


def test_the_check_finds_what_it_looks_for():
    """The patterns do catch the identifiers that pages used to show."""
    shown = "<td>tenant_admin</td><td>hour_statement 1815</td><td>mois : 2025-03-01 ; heures : 35.00</td>"
    assert internal_codes(shown + "<p>agglomeration</p><p>conventions_daily</p>") == [
        "tenant_admin",
        "hour_statement",
        "conventions_daily",
        "2025-03-01",
        "35.00",
        "agglomeration",
    ]
    assert internal_codes('<option value="tenant_admin">Administrateur du territoire</option>') == []
