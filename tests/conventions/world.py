"""A territory with the partners of the four seed conventions, for the conventions tests."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from saas.db import db
from saas.partenaires import api as partenaires
from tenants import api as tenants_api
from tenants import context
from tests.builders import new_tenant
from tests.fixtures import ACTOR

ORGANISATIONS = {
    "agglo": ("Communauté d'agglomération Saint-Dizier, Der & Blaise", "donneur_ordre", None),
    "gip": ("GIP Mission Locale", "prescripteur", "mission_locale"),
    "region": ("Conseil régional Grand Est", "cofinanceur", None),
    "cd52": ("Conseil départemental de la Haute-Marne", "cofinanceur", None),
    "can": ("Communauté d'Agglomération du Niortais", "donneur_ordre", None),
    "ddets": ("DDETS-PP des Deux-Sèvres", "etat", None),
    "cd93": ("Département de la Seine-Saint-Denis", "donneur_ordre", None),
    "rosny": ("Ville de Rosny-sous-Bois", "donneur_ordre", None),
    "accm": ("Communauté d'agglomération Arles Crau Camargue Montagnette", "donneur_ordre", None),
    "ccvba": ("Communauté de communes Vallée des Baux-Alpilles", "donneur_ordre", None),
}


@dataclass
class SeedWorld:
    tenant_id: int
    orgs: dict[str, int]


def seed_world(slug: str = "conventions") -> SeedWorld:
    tenant_id = new_tenant(slug)
    with in_tenant(tenant_id):
        orgs = {
            key: partenaires.create(ACTOR, name, kind, prescriber_kind=prescriber).id
            for key, (name, kind, prescriber) in ORGANISATIONS.items()
        }
        orgs["siae"] = partenaires.create(
            ACTOR, "Niort Insertion Emploi (AI)", "siae_ai", "52345678800018"
        ).id
        db.session.commit()
    return SeedWorld(tenant_id, orgs)


@contextmanager
def in_tenant(tenant_id: int):
    """The tenant's scope, entered as the request or the job would (sets the database's tenant)."""
    with context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        yield
