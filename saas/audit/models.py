"""The audit log: who did what, when, from where, in which tenant. Append-only.

A tenant's events go to ``audit_log`` (a tenant table, keyed by ``(tenant_id, id)``); the
platform's (logins, operator actions, access refused to a tenant the user does not belong to) to
``platform_audit_log``. Row-level security shows a tenant its own rows and the platform console
the platform rows; a trigger created by the migration refuses UPDATE and DELETE on both.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, TenantScoped, tenant_index, user_ref, utcnow_column


class AuditColumns:
    """What an entry says, in either log."""

    occurred_at: Mapped[datetime] = utcnow_column()
    actor_user_id: Mapped[int | None] = user_ref(ondelete="SET NULL")
    #: copied at write time: the log stays readable if the account is renamed.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    details: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class AuditEntry(TenantScoped, AuditColumns, Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_id_occurred_at", "tenant_id", text("occurred_at DESC")),
        tenant_index("action"),
    )


class PlatformAuditEntry(AuditColumns, Model):
    __tablename__ = "platform_audit_log"
    __table_args__ = (
        Index("ix_platform_audit_log_occurred_at", text("occurred_at DESC")),
        Index("ix_platform_audit_log_action", "action"),
        # Appended without RETURNING (see saas.audit.api.record): a platform row written from a
        # tenant scope is not readable back under row-level security.
        {"implicit_returning": False},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
