"""Helpers of the page tests of missions and hours: a clause world whose facilitateur (and admin)
can log in, and the few steps the pages repeat (read a statement's version, declare, validate)."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from saas.accounts import memberships
from saas.db import db
from saas.heures.models import Releve
from saas.heures.progress import progress
from saas.participants import api as participants
from tenants import api as tenants_api
from tenants import context
from tests.builders import ClauseWorld, clause_world, eligible_participant
from tests.fixtures import ACTOR, csrf_token, login, make_user

VERSION = re.compile(r'<input[^>]*name="expected_version"[^>]*>')
VALUE = re.compile(r'value="(\d+)"')


@dataclass
class Site:
    world: ClauseWorld
    slug: str
    facilitateur: str
    admin: str

    def url(self, path: str) -> str:
        return f"/t/{self.slug}{path}"


def clause_site(app, slug: str = "clauses", obligations=(Decimal(1000), Decimal(3000))) -> Site:
    """The builders' clause world, with a facilitateur and a tenant admin who can log in."""
    with app.app_context():
        world = clause_world(slug, obligations)
        site = Site(world, slug, f"facil-{slug}@exemple.fr", f"admin-{slug}@exemple.fr")
        with context.scoped(world.tenant_id):
            tenants_api.enter_tenant(world.tenant_id, None)
            memberships.invite_member(ACTOR, site.facilitateur, "Facilitatrice", "facilitateur")
            make_user(site.admin, "Administratrice")
            memberships.invite_member(ACTOR, site.admin, "Administratrice", "tenant_admin")
            db.session.commit()
        db.session.remove()
    return site


@pytest.fixture
def site(app, client) -> Site:
    """A clause world whose facilitateur is logged in on ``client``."""
    built = clause_site(app)
    login(client, built.facilitateur)
    return built


@contextmanager
def in_scope(app, site: Site):
    """``with in_scope(app, site):`` reads (and writes, with a commit) the tenant's data."""
    with app.app_context(), context.scoped(site.world.tenant_id):
        tenants_api.enter_tenant(site.world.tenant_id, None)
        try:
            yield
        finally:
            db.session.rollback()
            db.session.remove()


def new_participant(app, site: Site, name: str, eligible: bool = True) -> int:
    with in_scope(app, site):
        if eligible:
            participant_id = eligible_participant(name)
        else:
            participant_id = participants.create(ACTOR, name, "Alex", birth_date=date(1988, 2, 3), sex="M").id
        db.session.commit()
        return participant_id


def mission_data(site: Site, participant_id: int, lot_index: int = 0, **changes) -> dict:
    data = {
        "participant_id": str(participant_id),
        "lot_id": str(site.world.lots[lot_index]),
        "employer_id": str(site.world.employer_id),
        "modality": "embauche_directe",
        "contract_type": "cdd",
        "start_date": "2025-01-06",
        "end_date": "2025-12-31",
        "trial_end_date": "",
        "weekly_hours": "35",
        "job_title": "Maçon",
        "rome_code": "",
        "override_reason": "",
    }
    data.update(changes)
    return data


def place_through_page(client, site: Site, participant_id: int, **changes) -> int:
    url = site.url("/missions/nouvelle")
    data = mission_data(site, participant_id, **changes)
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def expected_version(client, site: Site, statement_id: int) -> str:
    html = client.get(site.url(f"/heures/{statement_id}")).get_data(as_text=True)
    return VALUE.search(VERSION.search(html).group(0)).group(1)


def declare_through_page(client, site: Site, mission_id: int, month: str, worked: str, **extra) -> int:
    url = site.url(f"/missions/{mission_id}/heures/nouveau")
    data = {"month": month, "worked_hours": worked, "training_hours": "", "absence_hours": "", "comment": ""}
    data.update(extra)
    response = client.post(url, data={**data, "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def validate_through_page(client, site: Site, statement_id: int):
    version = expected_version(client, site, statement_id)
    return client.post(
        site.url(f"/heures/{statement_id}/valider"),
        data={
            "expected_version": version,
            "csrf_token": csrf_token(client, site.url(f"/heures/{statement_id}")),
        },
    )


def counted(lot_id: int) -> Decimal:
    """Counted hours of a lot (allocations, in SQL), inside ``in_scope``."""
    return progress("lot", [lot_id])[lot_id].counted


def statement(statement_id: int) -> Releve:
    return db.session.get(Releve, (context.require_tenant_id(), statement_id))
