"""Queries on tenants, federations and memberships."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from saas.db import db, one_where, rows_of
from tenants.models import ApiToken, Federation, FederationMembership, Tenant, TenantMembership


def tenant_by_slug(slug: str) -> Tenant | None:
    return one_where(Tenant, slug=slug)


def tenant_by_id(tenant_id: int) -> Tenant | None:
    return db.session.get(Tenant, tenant_id)


def all_tenants() -> list[Tenant]:
    return rows_of(Tenant, order_by=Tenant.name)


def active_tenant_ids() -> list[int]:
    return list(db.session.scalars(select(Tenant.id).where(Tenant.active).order_by(Tenant.id)))


def federation_by_code(code: str) -> Federation | None:
    return one_where(Federation, code=code)


def federation_by_id(federation_id: int) -> Federation | None:
    return db.session.get(Federation, federation_id)


def all_federations() -> list[Federation]:
    return rows_of(Federation, order_by=Federation.code)


def membership_of(user_id: int) -> TenantMembership | None:
    """The user's membership in the tenant in scope."""
    return one_where(TenantMembership, user_id=user_id)


def active_admin_count() -> int:
    return db.session.execute(
        select(func.count())
        .select_from(TenantMembership)
        .where(TenantMembership.role == "tenant_admin", TenantMembership.active)
    ).scalar_one()


def memberships_of_user_everywhere(user_id: int) -> list[TenantMembership]:
    """Every tenant membership of one user: the ORM filter is lifted, RLS allows own rows."""
    return list(
        db.session.scalars(
            select(TenantMembership)
            .join(Tenant, Tenant.id == TenantMembership.tenant_id)
            .where(TenantMembership.user_id == user_id, TenantMembership.active, Tenant.active)
            .order_by(Tenant.name)
            .execution_options(all_tenants=True)
        )
    )


def tenant_and_membership(slug: str, user_id: int) -> tuple[Tenant, TenantMembership | None] | None:
    """The tenant of ``slug`` and the user's active membership there (None if they have none), in
    one query read before any tenant scope is set: row-level security shows own memberships."""
    row = db.session.execute(
        select(Tenant, TenantMembership)
        .outerjoin(
            TenantMembership,
            and_(
                TenantMembership.tenant_id == Tenant.id,
                TenantMembership.user_id == user_id,
                TenantMembership.active,
            ),
        )
        .where(Tenant.slug == slug)
        .execution_options(all_tenants=True)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def token_and_tenant(token_hash: str) -> tuple[ApiToken, Tenant] | None:
    """The token of ``token_hash`` and its tenant, in one query read before any tenant is in scope:
    row-level security shows the token whose hash is in ``app.token_hash`` only, so the ORM tenant
    filter is lifted."""
    row = db.session.execute(
        select(ApiToken, Tenant)
        .join(Tenant, Tenant.id == ApiToken.tenant_id)
        .where(ApiToken.token_hash == token_hash)
        .execution_options(all_tenants=True)
    ).one_or_none()
    return None if row is None else (row[0], row[1])


def federation_memberships_of_user(user_id: int) -> list[FederationMembership]:
    return rows_of(
        FederationMembership, user_id=user_id, active=True, order_by=FederationMembership.federation_id
    )


def federation_membership(federation_id: int, user_id: int) -> FederationMembership | None:
    return one_where(FederationMembership, federation_id=federation_id, user_id=user_id, active=True)


def coordinators(federation_id: int) -> list[FederationMembership]:
    return rows_of(FederationMembership, federation_id=federation_id)


def api_tokens_in_scope() -> list[ApiToken]:
    return rows_of(ApiToken, order_by=(ApiToken.created_at.desc(), ApiToken.id.desc()))
