"""The audit log: who did what, when, from where, in which tenant. Append-only.

``tenant_id`` is NULL for platform events (logins, operator actions, access refused to a tenant
the user does not belong to). Row-level security shows a tenant its own rows and the platform
console the platform rows; a trigger created by the migration refuses UPDATE and DELETE.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, user_ref, utcnow_column


class AuditEntry(Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_tenant_id_occurred_at", "tenant_id", text("occurred_at DESC")),
        Index("ix_audit_log_tenant_id_action", "tenant_id", "action"),
        # Appended without RETURNING (see saas.audit.api.record): a platform row written from a
        # tenant scope is not readable back under row-level security.
        {"implicit_returning": False},
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    tenant_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("tenants.id", ondelete="RESTRICT"))
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
