"""Who must use a second factor: a rule of roles, so it lives with the memberships.

A second factor is required for the platform operator, for a tenant administrator, for a
coordinator of a Département, and for every member of a tenant whose administrators chose to
require it for all roles. Everyone else may turn it on for themselves.
"""

from __future__ import annotations

from typing import Protocol

from saas.db import db
from tenants import context, repository
from tenants.enums import TenantRole
from tenants.orm import apply_scope


class Person(Protocol):
    """A user as this rule sees them (``saas.accounts.models.User``)."""

    @property
    def id(self) -> int: ...

    @property
    def is_operator(self) -> bool: ...


def mfa_required(user: Person) -> bool:
    if user.is_operator:
        return True
    with context.scoped(user_id=user.id):
        apply_scope(db.session)  # the user may read their own memberships in every tenant
        memberships = repository.memberships_of_user_everywhere(user.id)
        coordinator = bool(repository.federation_memberships_of_user(user.id))
    apply_scope(db.session)
    return coordinator or any(m.role == TenantRole.tenant_admin or m.tenant.mfa_required for m in memberships)
