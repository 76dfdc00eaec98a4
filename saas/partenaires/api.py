"""Partner organisations of the tenant in scope, and the people to reach there (contacts).

Rules:
- entreprises and SIAE carry a SIRET, checked with the Luhn key, unique within the tenant;
- a prescripteur says which kind of prescripteur it is;
- the commune is a known INSEE code of the reference table;
- an organisation has at most one primary contact: naming a new one demotes the previous one;
- an organisation is deactivated, never deleted (memberships, conventions and missions refer to it);
  a deactivated organisation can no longer be chosen for a new binding.
Every write records an audit entry.
"""

from __future__ import annotations

from saas import cleaning
from saas.audit import api as audit
from saas.db import assign_changes, db, insert
from saas.errors import ValidationError
from saas.partenaires import repository
from saas.partenaires.enums import BuyerKind, OrganisationKind, PrescriberKind
from saas.partenaires.models import Contact, Organisation
from saas.partenaires.repository import (
    OrganisationFilters,
    contact,
    contacts_of,
    contacts_query,
    get,
    list_all,
)
from saas.referentiels import api as referentiels
from tenants.context import require_tenant_id

#: fields of an organisation that ``update`` accepts.
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "prescriber_kind",
    "buyer_kind",
    "siret",
    "address",
    "commune_insee",
    "email",
    "phone",
    "notes",
)
CONTACT_FIELDS = ("name", "function", "email", "phone", "is_primary")

# --- checks of one field --------------------------------------------------------------------------


def normalise_siret(value: str | None, kind: OrganisationKind) -> str | None:
    required = "Le SIRET est obligatoire pour une entreprise ou une SIAE." if kind.carries_siret else None
    return cleaning.siret(value, "siret", required=required)


def _kind(value: str | None) -> OrganisationKind:
    return cleaning.member(OrganisationKind, value, "kind", "Choisissez un type d'organisation de la liste.")


def _prescriber_kind(value: str | None, kind: OrganisationKind) -> str | None:
    if kind is not OrganisationKind.prescripteur:
        return None
    if not value:
        raise ValidationError("prescriber_kind", "Précisez le type de prescripteur.")
    return cleaning.member(
        PrescriberKind, value, "prescriber_kind", "Choisissez un type de prescripteur de la liste."
    ).value


def _buyer_kind(value: str | None, kind: OrganisationKind) -> str | None:
    """A donneur d'ordre's kind of buyer (optional; the national collection counts it)."""
    if kind is not OrganisationKind.donneur_ordre or not value:
        return None
    return cleaning.member(BuyerKind, value, "buyer_kind", "Choisissez un type d'acheteur de la liste.").value


def _commune(value: str | None) -> str | None:
    code = cleaning.insee_code(value)
    if code is not None and referentiels.commune(code) is None:
        raise cleaning.InvalidInsee("commune_insee")
    return code


def _check_siret_free(siret: str | None, organisation_id: int | None = None) -> None:
    if not siret:
        return
    holder = repository.by_siret(siret)
    if holder is not None and holder.id != organisation_id:
        raise ValidationError("siret", "Une organisation de ce territoire porte déjà ce SIRET.")


def _clean_details(values: dict) -> dict:
    """address, commune, email, phone and notes, checked and normalised."""
    cleaned = {}
    if "address" in values:
        cleaned["address"] = cleaning.text(values["address"], "address", 300)
    if "commune_insee" in values:
        cleaned["commune_insee"] = _commune(values["commune_insee"])
    if "email" in values:
        cleaned["email"] = cleaning.email(values["email"])
    if "phone" in values:
        cleaned["phone"] = cleaning.phone(values["phone"])
    if "notes" in values:
        cleaned["notes"] = cleaning.optional(values["notes"])
    return cleaned


# --- organisations --------------------------------------------------------------------------------


def create(
    actor: audit.Actor,
    name: str,
    kind: str,
    siret: str | None = None,
    prescriber_kind: str | None = None,
    *,
    buyer_kind: str | None = None,
    address: str | None = None,
    commune_insee: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    notes: str | None = None,
) -> Organisation:
    name = cleaning.required_text(name, "name", "Indiquez le nom de l'organisation.", 200)
    kind = _kind(kind)
    siret = normalise_siret(siret, kind)
    _check_siret_free(siret)
    details = _clean_details(
        {"address": address, "commune_insee": commune_insee, "email": email, "phone": phone, "notes": notes}
    )
    organisation = Organisation(
        tenant_id=require_tenant_id(),
        name=name,
        kind=kind,
        siret=siret,
        prescriber_kind=_prescriber_kind(prescriber_kind, kind),
        buyer_kind=_buyer_kind(buyer_kind, kind),
        **details,
    )
    insert(organisation)
    audit.record("organisation.created", actor, "organisation", organisation.id, {"nom": name})
    return organisation


def update(actor: audit.Actor, organisation: Organisation, **fields) -> Organisation:
    """Change the given fields (see ``ORGANISATION_FIELDS``); the others stay as they are.

    The kind, the prescriber and buyer kinds and the SIRET are checked together: changing the kind
    to an entreprise requires a SIRET, changing it away from prescripteur (donneur d'ordre) drops
    the prescriber (buyer) kind.
    """
    cleaning.only_known(fields, ORGANISATION_FIELDS)
    changes: dict = {}
    if "name" in fields:
        changes["name"] = cleaning.text(fields["name"], "name", 200, "Indiquez le nom de l'organisation.")
    kind = _kind(fields["kind"]) if "kind" in fields else OrganisationKind(organisation.kind)
    if "kind" in fields:
        changes["kind"] = kind
    if {"kind", "prescriber_kind"} & set(fields):
        changes["prescriber_kind"] = _prescriber_kind(
            fields.get("prescriber_kind", organisation.prescriber_kind), kind
        )
    if {"kind", "buyer_kind"} & set(fields):
        changes["buyer_kind"] = _buyer_kind(fields.get("buyer_kind", organisation.buyer_kind), kind)
    if {"kind", "siret"} & set(fields):
        changes["siret"] = normalise_siret(fields.get("siret", organisation.siret), kind)
        _check_siret_free(changes["siret"], organisation.id)
    changes.update(_clean_details(fields))
    changed = assign_changes(organisation, changes)
    db.session.flush()
    if changed:
        audit.record("organisation.updated", actor, "organisation", organisation.id, {"champs": changed})
    return organisation


def deactivate(actor: audit.Actor, organisation: Organisation) -> None:
    """Keep the organisation and what refers to it; it can no longer be chosen for new bindings."""
    if not organisation.active:
        return
    organisation.active = False
    audit.record("organisation.deactivated", actor, "organisation", organisation.id)


def reactivate(actor: audit.Actor, organisation: Organisation) -> None:
    if organisation.active:
        return
    organisation.active = True
    audit.record("organisation.reactivated", actor, "organisation", organisation.id)


def search(filters: OrganisationFilters):
    """The ``select`` of the organisations matching ``filters``, for a listing to sort and page."""
    return repository.search(filters)


# --- contacts -------------------------------------------------------------------------------------


def _clean_contact(values: dict) -> dict:
    cleaned: dict[str, str | bool | None] = {}
    if "name" in values:
        cleaned["name"] = cleaning.text(values["name"], "name", 200, "Indiquez le nom du contact.")
    if "function" in values:
        cleaned["function"] = cleaning.text(values["function"], "function", 200)
    if "email" in values:
        cleaned["email"] = cleaning.email(values["email"])
    if "phone" in values:
        cleaned["phone"] = cleaning.phone(values["phone"])
    if "is_primary" in values:
        cleaned["is_primary"] = bool(values["is_primary"])
    return cleaned


def _demote_other_primaries(contact: Contact) -> None:
    """At most one primary contact per organisation: the one just named replaces the others."""
    for other in repository.primary_contacts(contact.organisation_id):
        if other.id != contact.id:
            other.is_primary = False


def add_contact(
    actor: audit.Actor,
    organisation: Organisation,
    name: str,
    function: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    is_primary: bool = False,
) -> Contact:
    values = _clean_contact(
        {"name": name, "function": function, "email": email, "phone": phone, "is_primary": is_primary}
    )
    contact = Contact(tenant_id=require_tenant_id(), organisation_id=organisation.id, **values)
    insert(contact)
    if contact.is_primary:
        _demote_other_primaries(contact)
        db.session.flush()
    audit.record(
        "contact.added",
        actor,
        "contact",
        contact.id,
        {"organisation": organisation.id, "nom": contact.name},
    )
    return contact


def update_contact(actor: audit.Actor, contact: Contact, **fields) -> Contact:
    cleaning.only_known(fields, CONTACT_FIELDS)
    changed = assign_changes(contact, _clean_contact(fields))
    if contact.is_primary:
        _demote_other_primaries(contact)
    db.session.flush()
    if changed:
        audit.record(
            "contact.updated",
            actor,
            "contact",
            contact.id,
            {"organisation": contact.organisation_id, "champs": changed},
        )
    return contact


def remove_contact(actor: audit.Actor, contact: Contact) -> None:
    audit.record(
        "contact.removed",
        actor,
        "contact",
        contact.id,
        {"organisation": contact.organisation_id, "nom": contact.name},
    )
    db.session.delete(contact)
    db.session.flush()


__all__ = [
    "OrganisationFilters",
    "add_contact",
    "contact",
    "contacts_of",
    "contacts_query",
    "create",
    "deactivate",
    "get",
    "list_all",
    "normalise_siret",
    "reactivate",
    "remove_contact",
    "search",
    "update",
    "update_contact",
]
