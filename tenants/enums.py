"""Kinds and roles of the security boundary."""

from __future__ import annotations

import enum


class TenantKind(enum.StrEnum):
    agglomeration = "agglomeration"
    commune = "commune"
    ept = "ept"
    plie = "plie"
    maison_emploi = "maison_emploi"

    @property
    def label(self) -> str:
        return TENANT_KIND_LABELS[self]


TENANT_KIND_LABELS = {
    TenantKind.agglomeration: "Communauté d'agglomération",
    TenantKind.commune: "Commune",
    TenantKind.ept: "Établissement public territorial (EPT)",
    TenantKind.plie: "PLIE",
    TenantKind.maison_emploi: "Maison de l'emploi",
}


class TenantRole(enum.StrEnum):
    tenant_admin = "tenant_admin"
    facilitateur = "facilitateur"
    partenaire = "partenaire"
    donneur_ordre = "donneur_ordre"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def needs_organisation(self) -> bool:
        return self in (TenantRole.partenaire, TenantRole.donneur_ordre)


ROLE_LABELS = {
    TenantRole.tenant_admin: "Administrateur du territoire",
    TenantRole.facilitateur: "Facilitateur",
    TenantRole.partenaire: "Partenaire",
    TenantRole.donneur_ordre: "Donneur d'ordre",
}

#: roles that may use the facilitateur workspace (the admin is a facilitateur too).
WORKSPACE_ROLES = frozenset({TenantRole.tenant_admin, TenantRole.facilitateur})
ADMIN_ROLES = frozenset({TenantRole.tenant_admin})


class FederationRole(enum.StrEnum):
    coordinateur = "coordinateur"
