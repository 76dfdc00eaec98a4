"""Kinds and roles of the security boundary."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class TenantKind(Choices):
    agglomeration = auto(), "Communauté d'agglomération"
    commune = auto(), "Commune"
    ept = auto(), "Établissement public territorial (EPT)"
    plie = auto(), "PLIE"
    maison_emploi = auto(), "Maison de l'emploi"


TENANT_KIND_LABELS = TenantKind.labels()


class TenantRole(Choices):
    tenant_admin = auto(), "Administrateur du territoire"
    facilitateur = auto(), "Facilitateur"
    partenaire = auto(), "Partenaire"
    donneur_ordre = auto(), "Donneur d'ordre"

    @property
    def needs_organisation(self) -> bool:
        return self in (TenantRole.partenaire, TenantRole.donneur_ordre)


ROLE_LABELS = TenantRole.labels()

#: roles that may use the facilitateur workspace (the admin is a facilitateur too).
WORKSPACE_ROLES = frozenset({TenantRole.tenant_admin, TenantRole.facilitateur})
ADMIN_ROLES = frozenset({TenantRole.tenant_admin})


class FederationRole(Choices):
    coordinateur = auto()


class ApiTokenRole(Choices):
    """What an API token may do."""

    facilitateur = auto(), "Lecture et écriture (facilitateur)"
    lecture = auto(), "Lecture seule"
    #: the payroll software of one partner organisation: its missions and statements only
    partenaire = auto(), "Relevés d'heures d'un partenaire"

    @property
    def can_write(self) -> bool:
        return self in (ApiTokenRole.facilitateur, ApiTokenRole.partenaire)
