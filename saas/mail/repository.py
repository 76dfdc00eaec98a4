"""Queries on outgoing mails and notification preferences (scoped to the current tenant)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select

from saas.db import by_id, db, one_where, text_matches
from saas.mail.models import AccountMail, NotificationPreference, OutgoingMail


@dataclass(frozen=True)
class MailboxFilters:
    status: str | None = None
    category: str | None = None
    #: part of the recipient's address or of the subject.
    text: str | None = None


def get(mail_id: int) -> OutgoingMail | None:
    return by_id(OutgoingMail, mail_id)


def get_for_update(mail_id: int) -> OutgoingMail | None:
    """The row locked until the end of the transaction: one delivery at a time per mail."""
    return db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.id == mail_id).with_for_update()
    ).one_or_none()


def mailbox(filters: MailboxFilters) -> Select:
    """Rows ``(id, created_at, to_address, subject, category, status, backend, attempts, sent_at,
    read_at)`` of the mails matching ``filters``, unordered (the caller sorts)."""
    query = select(
        OutgoingMail.id,
        OutgoingMail.created_at,
        OutgoingMail.to_address,
        OutgoingMail.subject,
        OutgoingMail.category,
        OutgoingMail.status,
        OutgoingMail.backend,
        OutgoingMail.attempts,
        OutgoingMail.sent_at,
        OutgoingMail.read_at,
    )
    if filters.status:
        query = query.where(OutgoingMail.status == filters.status)
    if filters.category:
        query = query.where(OutgoingMail.category == filters.category)
    text = (filters.text or "").strip()
    if text:
        query = query.where(text_matches(text, OutgoingMail.to_address, OutgoingMail.subject))
    return query


def mailbox_sorts() -> dict:
    return {
        "date": OutgoingMail.created_at,
        "destinataire": OutgoingMail.to_address,
        "objet": OutgoingMail.subject,
        "categorie": OutgoingMail.category,
        "statut": OutgoingMail.status,
    }


def categories() -> list[str]:
    return list(db.session.scalars(select(OutgoingMail.category).distinct().order_by(OutgoingMail.category)))


def preference(user_id: int) -> NotificationPreference | None:
    return one_where(NotificationPreference, user_id=user_id)


def account_mail_for_update(mail_id: int) -> AccountMail | None:
    return db.session.scalars(
        select(AccountMail).where(AccountMail.id == mail_id).with_for_update()
    ).one_or_none()


def stale_pending_account_mails(before: datetime) -> list[int]:
    return list(
        db.session.scalars(
            select(AccountMail.id)
            .where(AccountMail.status == "pending", AccountMail.created_at < before)
            .order_by(AccountMail.id)
        )
    )
