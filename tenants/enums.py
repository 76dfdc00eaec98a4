"""Kinds and roles of the security boundary."""

from __future__ import annotations

from saas.choices import Choices


class TenantKind(Choices):
    agglomeration = "agglomeration", "Communauté d'agglomération"
    commune = "commune", "Commune"
    ept = "ept", "Établissement public territorial (EPT)"
    plie = "plie", "PLIE"
    maison_emploi = "maison_emploi", "Maison de l'emploi"


TENANT_KIND_LABELS = TenantKind.labels()


class TenantRole(Choices):
    tenant_admin = "tenant_admin", "Administrateur du territoire"
    facilitateur = "facilitateur", "Facilitateur"
    partenaire = "partenaire", "Partenaire"
    donneur_ordre = "donneur_ordre", "Donneur d'ordre"

    @property
    def needs_organisation(self) -> bool:
        return self in (TenantRole.partenaire, TenantRole.donneur_ordre)


ROLE_LABELS = TenantRole.labels()

#: roles that may use the facilitateur workspace (the admin is a facilitateur too).
WORKSPACE_ROLES = frozenset({TenantRole.tenant_admin, TenantRole.facilitateur})
ADMIN_ROLES = frozenset({TenantRole.tenant_admin})


class FederationRole(Choices):
    coordinateur = "coordinateur"
