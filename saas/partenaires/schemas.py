"""JSON shapes of organisations and contacts (the API reads and writes these).

Input schemas check types and lengths; the rules (SIRET Luhn key, INSEE code, one primary contact)
stay in ``saas.partenaires.api``, which names the field of a refused value.
"""

from __future__ import annotations

from saas import schemas as s
from saas.partenaires.enums import BuyerKind, OrganisationKind, PrescriberKind


class ContactSchema(s.Schema):
    id = s.Integer(dump_only=True)
    organisation_id = s.Integer(dump_only=True)
    name = s.String(required=True, validate=s.max_length(200), metadata={"description": "Nom et prénom"})
    function = s.String(allow_none=True, validate=s.max_length(200), metadata={"description": "Fonction"})
    email = s.String(allow_none=True, validate=s.max_length(254))
    phone = s.String(allow_none=True, validate=s.max_length(30))
    is_primary = s.Boolean(load_default=False, metadata={"description": "Contact principal (un au plus)"})
    created_at = s.DateTime(dump_only=True)


class ContactUpdateSchema(ContactSchema):
    """Every field optional (PATCH)."""

    name = s.String(validate=s.max_length(200))
    is_primary = s.Boolean()


class OrganisationSchema(s.Schema):
    id = s.Integer(dump_only=True)
    name = s.String(required=True, validate=s.max_length(200), metadata={"description": "Nom"})
    kind = s.vocabulary(OrganisationKind, "Type", required=True)
    prescriber_kind = s.vocabulary(
        PrescriberKind, "Type de prescripteur (obligatoire pour un prescripteur)", allow_none=True
    )
    buyer_kind = s.vocabulary(BuyerKind, "Type d'acheteur (pour un donneur d'ordre)", allow_none=True)
    siret = s.String(
        allow_none=True,
        validate=s.max_length(20),
        metadata={"description": "14 chiffres, clé de Luhn ; obligatoire pour une entreprise ou une SIAE"},
    )
    address = s.String(allow_none=True, validate=s.max_length(300))
    commune_insee = s.String(
        allow_none=True, validate=s.max_length(5), metadata={"description": "Code INSEE de la commune"}
    )
    email = s.String(allow_none=True, validate=s.max_length(254))
    phone = s.String(allow_none=True, validate=s.max_length(30))
    notes = s.String(allow_none=True)
    active = s.Boolean(dump_only=True)
    created_at = s.DateTime(dump_only=True)


class OrganisationUpdateSchema(OrganisationSchema):
    """Every field optional (PATCH): only the fields sent are changed."""

    name = s.String(validate=s.max_length(200))
    kind = s.String(validate=s.one_of(OrganisationKind))


class OrganisationFilterSchema(s.Schema):
    kind = s.String(validate=s.one_of(OrganisationKind), metadata={"description": "Type d'organisation"})
    active = s.Boolean(metadata={"description": "true : actives seulement ; false : désactivées"})
    q = s.String(metadata={"description": "Nom (contient) ou début du SIRET"})
