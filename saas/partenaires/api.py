"""Partner organisations of the tenant in scope."""

from __future__ import annotations

from stdnum.fr import siret as siret_number

from saas.audit import api as audit
from saas.db import db
from saas.errors import ValidationError
from saas.partenaires import repository
from saas.partenaires.enums import OrganisationKind, PrescriberKind
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id


def normalise_siret(value: str | None, kind: OrganisationKind) -> str | None:
    value = (value or "").replace(" ", "")
    if not value:
        if kind.carries_siret:
            raise ValidationError("siret", "Le SIRET est obligatoire pour une entreprise ou une SIAE.")
        return None
    if not siret_number.is_valid(value):
        raise ValidationError("siret", "Le SIRET n'est pas valide (14 chiffres, clé de Luhn).")
    return value


def create(
    actor: audit.Actor, name: str, kind: str, siret: str | None = None, prescriber_kind: str | None = None
) -> Organisation:
    kind = OrganisationKind(kind)
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Indiquez le nom de l'organisation.")
    siret = normalise_siret(siret, kind)
    if siret and repository.by_siret(siret) is not None:
        raise ValidationError("siret", "Une organisation de ce territoire porte déjà ce SIRET.")
    if kind is OrganisationKind.prescripteur:
        if not prescriber_kind:
            raise ValidationError("prescriber_kind", "Précisez le type de prescripteur.")
        prescriber_kind = PrescriberKind(prescriber_kind).value
    else:
        prescriber_kind = None
    organisation = Organisation(
        tenant_id=require_tenant_id(), name=name, kind=kind, siret=siret, prescriber_kind=prescriber_kind
    )
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.created", actor, "organisation", organisation.id, {"nom": name})
    return organisation


get = repository.get
list_all = repository.list_all
