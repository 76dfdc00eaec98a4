"""Queries on partner organisations (scoped to the current tenant)."""

from __future__ import annotations

from sqlalchemy import select

from saas.db import db
from saas.partenaires.models import Organisation


def get(organisation_id: int) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.id == organisation_id)).one_or_none()


def list_all(kind: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(db.session.scalars(query))


def by_siret(siret: str) -> Organisation | None:
    return db.session.scalars(select(Organisation).where(Organisation.siret == siret)).one_or_none()
