"""Queries on partner organisations and their contacts (scoped to the current tenant)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, or_, select

from saas.db import by_id, db, one_where, rows_of, text_matches
from saas.partenaires.models import Contact, Organisation


@dataclass(frozen=True)
class OrganisationFilters:
    kind: str | None = None
    #: True: active only; False: inactive only; None: both.
    active: bool | None = None
    #: part of the name or the first digits of the SIRET.
    text: str | None = None


def get(organisation_id: int) -> Organisation | None:
    return by_id(Organisation, organisation_id)


def list_all(kind: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(db.session.scalars(query))


def by_siret(siret: str) -> Organisation | None:
    return one_where(Organisation, siret=siret)


def search(filters: OrganisationFilters) -> Select:
    """A ``select(Organisation)`` with the filters applied and no order (the caller sorts)."""
    query = select(Organisation)
    if filters.kind:
        query = query.where(Organisation.kind == filters.kind)
    if filters.active is not None:
        query = query.where(Organisation.active.is_(filters.active))
    text = (filters.text or "").strip()
    if text:
        conditions = [text_matches(text, Organisation.name)]
        digits = text.replace(" ", "")
        if digits.isdigit():
            conditions.append(Organisation.siret.like(f"{digits}%"))
        query = query.where(or_(*conditions))
    return query


def contacts_query(organisation_id: int) -> Select:
    """The contacts of one organisation, the primary one first."""
    return (
        select(Contact)
        .where(Contact.organisation_id == organisation_id)
        .order_by(Contact.is_primary.desc(), Contact.name, Contact.id)
    )


def contacts_of(organisation_id: int) -> list[Contact]:
    return list(db.session.scalars(contacts_query(organisation_id)))


def contact(organisation_id: int, contact_id: int) -> Contact | None:
    return one_where(Contact, organisation_id=organisation_id, id=contact_id)


def primary_contacts(organisation_id: int) -> list[Contact]:
    return rows_of(Contact, Contact.is_primary, organisation_id=organisation_id)
