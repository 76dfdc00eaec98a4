"""Queries on users, sessions and password links, and on the memberships of the tenant in scope
with their users."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, select, update

from saas.accounts.models import AuthSession, PasswordToken, User
from saas.db import db, one_where, rows_written
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id
from tenants.models import TenantMembership


def user_by_email(email: str) -> User | None:
    return one_where(User, func.lower(User.email) == email.strip().lower())


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def live_session(digest: str, now: datetime) -> AuthSession | None:
    return one_where(AuthSession, AuthSession.revoked_at.is_(None), AuthSession.expires_at > now, id=digest)


def revoke_sessions(user_id: int, now: datetime) -> int:
    return rows_written(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def password_token(digest: str) -> PasswordToken | None:
    return db.session.get(PasswordToken, digest)


def retire_tokens(user_id: int, purposes: list[str], now: datetime) -> None:
    """Mark the user's unused links of these purposes as used: they stop working."""
    db.session.execute(
        update(PasswordToken)
        .where(
            PasswordToken.user_id == user_id,
            PasswordToken.purpose.in_(purposes),
            PasswordToken.used_at.is_(None),
        )
        .values(used_at=now)
    )


def memberships_in_scope() -> list[TenantMembership]:
    return list(
        db.session.scalars(
            select(TenantMembership)
            .join(User, User.id == TenantMembership.user_id)
            .order_by(func.lower(User.email))
        )
    )


def active_members_with_roles(roles) -> list[TenantMembership]:
    """The active memberships of the tenant in scope holding one of ``roles``, active users only,
    by name."""
    return list(
        db.session.scalars(
            select(TenantMembership)
            .join(User, User.id == TenantMembership.user_id)
            .where(TenantMembership.active, User.active, TenantMembership.role.in_([str(r) for r in roles]))
            .order_by(func.lower(User.display_name), func.lower(User.email))
        )
    )


def memberships_of_organisation(organisation_id: int) -> list[TenantMembership]:
    """The memberships of the tenant in scope bound to one organisation (partner or buyer users)."""
    return list(
        db.session.scalars(
            select(TenantMembership)
            .join(User, User.id == TenantMembership.user_id)
            .where(TenantMembership.organisation_id == organisation_id)
            .order_by(func.lower(User.email))
        )
    )


def names_in_scope(user_ids) -> list[tuple[int, str, str | None]]:
    """(user id, name or e-mail, organisation name or None) of the members of the tenant in scope
    among ``user_ids``."""
    wanted = {user_id for user_id in user_ids if user_id}
    if not wanted:
        return []
    query = (
        select(User.id, func.coalesce(func.nullif(User.display_name, ""), User.email), Organisation.name)
        .join(TenantMembership, TenantMembership.user_id == User.id)
        .outerjoin(
            Organisation,
            and_(
                Organisation.tenant_id == TenantMembership.tenant_id,
                Organisation.id == TenantMembership.organisation_id,
            ),
        )
        .where(User.id.in_(wanted), TenantMembership.tenant_id == require_tenant_id())
    )
    return [tuple(row) for row in db.session.execute(query)]
