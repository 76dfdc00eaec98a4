"""Tenants (territoires), federations (Départements) and who belongs to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Identity,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from saas.db import Model, TenantScoped, db, one_of, tenant_ref, user_ref, utcnow_column
from tenants.enums import ApiTokenRole, FederationRole, TenantKind, TenantRole

#: many-to-many: a territory may report to several Départements.
tenant_federations = Table(
    "tenant_federations",
    db.metadata,
    Column("tenant_id", BigInteger, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True),
    Column("federation_id", BigInteger, ForeignKey("federations.id", ondelete="CASCADE"), primary_key=True),
    #: where the territory's reports go: None for the federation on this service, else the address
    #: of the receiver of the Département's own instance
    Column("endpoint_url", String(500), nullable=True),
)


class Tenant(Model):
    """A territory running one guichet unique. Platform table: no row-level security."""

    __tablename__ = "tenants"
    __table_args__ = (
        CheckConstraint("slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'", name="slug_format"),
        CheckConstraint("theme_colour ~ '^#[0-9a-fA-F]{6}$'", name="theme_colour_format"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[TenantKind] = mapped_column(String(32))
    siren: Mapped[str | None] = mapped_column(String(9))
    #: INSEE codes of the communes the guichet covers.
    communes_insee: Mapped[list[str]] = mapped_column(ARRAY(String(5)), server_default=text("'{}'"))
    theme_display_name: Mapped[str | None] = mapped_column(String(200))
    theme_colour: Mapped[str] = mapped_column(String(7), server_default="#1f4e79")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_mimetype: Mapped[str | None] = mapped_column(String(32))
    #: per-tenant rule settings (validity windows, retention...), read through saas code.
    settings: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    #: every member of this tenant, whatever their role, must use a second factor to log in.
    mfa_required: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()

    federations: Mapped[list[Federation]] = relationship(
        secondary=tenant_federations, back_populates="tenants", order_by="Federation.code"
    )

    @property
    def display_name(self) -> str:
        return self.theme_display_name or self.name


class Federation(Model):
    """A Département coordinating territories. Platform table."""

    __tablename__ = "federations"
    __table_args__ = (
        CheckConstraint("code ~ '^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$'", name="code_format"),
        CheckConstraint("report_day BETWEEN 1 AND 28", name="report_day"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: the schedule of its members' reports: which periods, and the day of the month they go
    monthly_reports: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    yearly_reports: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    report_day: Mapped[int] = mapped_column(SmallInteger, server_default=text("10"))
    created_at: Mapped[datetime] = utcnow_column()

    tenants: Mapped[list[Tenant]] = relationship(
        secondary=tenant_federations, back_populates="federations", order_by="Tenant.name"
    )


class TenantMembership(TenantScoped, Model):
    """A user's role in one tenant. Partner and buyer roles are bound to one organisation.

    Row-level security lets a user read their own memberships in every tenant (for the tenant
    switcher) and everybody's memberships in the tenant in scope; writes only in the tenant in scope.
    """

    __tablename__ = "tenant_memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        CheckConstraint(
            "(role IN ('partenaire', 'donneur_ordre')) = (organisation_id IS NOT NULL)",
            name="organisation_matches_role",
        ),
    )

    user_id: Mapped[int] = user_ref(ondelete="CASCADE", index=True)
    role: Mapped[TenantRole] = mapped_column(String(32))
    organisation_id: Mapped[int | None] = tenant_ref("organisations", index=True)
    #: a partner who may invite colleagues of the same organisation (set by the tenant's admin)
    organisation_admin: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()

    tenant: Mapped[Tenant] = relationship(lazy="joined", viewonly=True)
    user = relationship("User", lazy="joined", viewonly=True)
    organisation = relationship(
        "Organisation",
        primaryjoin="and_(TenantMembership.tenant_id == Organisation.tenant_id, "
        "TenantMembership.organisation_id == Organisation.id)",
        foreign_keys="[TenantMembership.tenant_id, TenantMembership.organisation_id]",
        viewonly=True,
    )


class FederationMembership(Model):
    """A coordinator of a Département. Platform table: federations hold no territory data."""

    __tablename__ = "federation_memberships"
    __table_args__ = (UniqueConstraint("federation_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    federation_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("federations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = user_ref(ondelete="CASCADE", index=True)
    role: Mapped[FederationRole] = mapped_column(String(32), server_default=FederationRole.coordinateur.value)
    active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = utcnow_column()

    federation: Mapped[Federation] = relationship(lazy="joined", viewonly=True)
    user = relationship("User", lazy="joined", viewonly=True)


class ApiToken(TenantScoped, Model):
    """A token for the JSON API, bound to one tenant, managed by its admins.

    Only the SHA-256 of the token is stored. Row-level security lets the API read a token row
    before the tenant is known only when the request presents that very hash (``app.token_hash``).
    """

    __tablename__ = "api_tokens"
    __table_args__ = (
        UniqueConstraint("token_hash"),
        one_of("role", ApiTokenRole),
        CheckConstraint(
            "(role = 'partenaire') = (organisation_id IS NOT NULL)", name="organisation_matches_role"
        ),
    )

    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64))
    #: first characters of the token, shown to tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    #: facilitateur (read and write), lecture (read only) or partenaire (one organisation's statements).
    role: Mapped[str] = mapped_column(String(16))
    #: a partner token acts for this organisation only (``role`` partenaire). No foreign key: the
    #: tokens are a reference table (read before any tenant is known), which refers to no tenant
    #: table; ``saas.accounts.tokens`` checks the organisation, which is never deleted.
    organisation_id: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[int | None] = user_ref(ondelete="SET NULL")
    created_at: Mapped[datetime] = utcnow_column()
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
