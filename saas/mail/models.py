"""Outgoing mail of a tenant and each user's notification preferences.

Every message is a row of ``outgoing_mails`` first. With the SMTP backend a job delivers it and
records the outcome; with the mailbox backend (the embedded default) it stays there, readable by a
tenant admin on the mailbox page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from saas.db import Model, TenantScoped, one_of, tenant_index, tenant_ref, user_ref, utcnow_column
from saas.mail.enums import MailStatus


class OutgoingMail(TenantScoped, Model):
    __tablename__ = "outgoing_mails"
    __table_args__ = (
        tenant_index("created_at"),
        one_of("status", (MailStatus.pending, MailStatus.sent, MailStatus.mailbox, MailStatus.failed)),
    )

    to_address: Mapped[str] = mapped_column(String(254))
    to_user_id: Mapped[int | None] = user_ref()
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: what the mail is about: "reminder", "renewal", "invitation"...
    category: Mapped[str] = mapped_column(String(40))
    #: pending (waiting for SMTP delivery), sent, mailbox (kept, embedded default), failed.
    status: Mapped[str] = mapped_column(String(10), server_default="pending")
    backend: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = utcnow_column()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class MailAttachment(TenantScoped, Model):
    """A file sent with a message (a bilan's workbook to a partner structure)."""

    __tablename__ = "mail_attachments"

    mail_id: Mapped[int] = tenant_ref("outgoing_mails", ondelete="CASCADE", index=True)
    filename: Mapped[str] = mapped_column(String(200))
    mimetype: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class NotificationPreference(TenantScoped, Model):
    """A user's choice, per tenant; absent means reminders on."""

    __tablename__ = "notification_preferences"
    __table_args__ = (tenant_index("user_id", unique=True),)

    user_id: Mapped[int] = user_ref()
    reminders_enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    updated_at: Mapped[datetime] = utcnow_column()


class AccountMail(Model):
    """A message about a person's own account (invitation, password reset, unlock, new access).

    A platform table, never a tenant mailbox row: such a message may carry a link that sets a
    password, and a tenant's mailbox is readable by its admins. The row keeps no body and no
    link: the link is minted at delivery time (``saas.accounts.links``) and exists only in the
    message itself (the SMTP delivery, or the server log in the embedded default).
    """

    __tablename__ = "account_mails"
    __table_args__ = (
        one_of("status", (MailStatus.pending, MailStatus.sent, MailStatus.logged, MailStatus.failed)),
        Index("ix_account_mails_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    to_user_id: Mapped[int] = user_ref(ondelete="CASCADE", index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    #: what it is: "invitation", "access_granted", "password_reset", "login_unlock".
    purpose: Mapped[str] = mapped_column(String(40))
    #: what the text needs besides the link (the space's name, the role): never a secret.
    params: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))
    #: pending (waiting for SMTP delivery), sent, logged (embedded default: server log), failed.
    status: Mapped[str] = mapped_column(String(10), server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = utcnow_column()
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
