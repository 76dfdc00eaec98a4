"""Closed lists of the mail service."""

from __future__ import annotations

import enum


class MailStatus(enum.StrEnum):
    mailbox = "mailbox"
    pending = "pending"
    sent = "sent"
    failed = "failed"
    #: account messages in the embedded default: written to the server log, never kept.
    logged = "logged"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    MailStatus.mailbox: "Conservé dans la boîte (mode intégré)",
    MailStatus.pending: "En attente d'envoi",
    MailStatus.sent: "Envoyé",
    MailStatus.failed: "Échec",
    MailStatus.logged: "Écrit dans le journal du serveur (mode intégré)",
}


class MailBackend(enum.StrEnum):
    #: the embedded default: the message is kept for the tenant's mailbox page, never sent.
    mailbox = "mailbox"
    #: the message is delivered by the ``mail_delivery`` job through the configured SMTP server.
    smtp = "smtp"


#: the categories the code sends, with their French name (an unknown one shows as is).
CATEGORY_LABELS = {
    "reminder": "Rappel d'échéance",
    "renewal": "Reconduction tacite",
    "objection_deadline": "Date limite de dénonciation",
    "invitation": "Invitation",
    "notification": "Notification",
}


def category_label(category: str) -> str:
    return CATEGORY_LABELS.get(category, category)
