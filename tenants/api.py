"""Tenants and federations as the boundary sees them: lookups, the spaces of a user, entering a
scope. Creating and editing them, and the memberships, are rules of ``saas.accounts.memberships``.
"""

from __future__ import annotations

from dataclasses import dataclass

from saas.db import db
from tenants import context, repository
from tenants.enums import TenantRole
from tenants.orm import apply_scope

# --- spaces of a user (tenant switcher) ----------------------------------------------------------


@dataclass(frozen=True)
class Space:
    kind: str  # "territoire", "departement", "plateforme"
    label: str
    slug: str
    role_label: str
    #: the role in a territoire: it decides which space of the territory the person lands on.
    role: str = ""


def spaces_for(user) -> list[Space]:
    spaces = [
        Space("territoire", m.tenant.display_name, m.tenant.slug, TenantRole(m.role).label, m.role)
        for m in repository.memberships_of_user_everywhere(user.id)
    ]
    spaces += [
        Space(
            "departement", f"{fm.federation.name} ({fm.federation.code})", fm.federation.code, "Coordinateur"
        )
        for fm in repository.federation_memberships_of_user(user.id)
    ]
    if user.is_operator:
        spaces.append(Space("plateforme", "Console de la plateforme", "", "Opérateur"))
    return spaces


def enter_tenant(tenant_id: int, user_id: int | None) -> None:
    """Set the scope of the unit of work to one tenant, in the transaction already begun too."""
    context.update(tenant_id=tenant_id, user_id=user_id)
    apply_scope(db.session)


def enter_platform(user_id: int) -> None:
    context.update(platform=True, user_id=user_id)
    apply_scope(db.session)


def enter_federation(federation_id: int, user_id: int | None) -> None:
    """The scope of one federation (its coordinator, or its receiver: no user), in the transaction
    already begun too."""
    context.update(federation_id=federation_id, user_id=user_id)
    apply_scope(db.session)


tenant_by_slug = repository.tenant_by_slug
tenant_by_id = repository.tenant_by_id
all_tenants = repository.all_tenants
all_federations = repository.all_federations
federation_by_code = repository.federation_by_code
federation_by_id = repository.federation_by_id
membership_of = repository.membership_of
tenant_and_membership = repository.tenant_and_membership
coordinators = repository.coordinators
federation_membership = repository.federation_membership
