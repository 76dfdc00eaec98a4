"""Closed lists of the mail service."""

from __future__ import annotations

import enum

from saas.choices import Choices


class MailStatus(Choices):
    mailbox = "mailbox", "Conservé dans la boîte (mode intégré)"
    pending = "pending", "En attente d'envoi"
    sent = "sent", "Envoyé"
    failed = "failed", "Échec"
    #: account messages in the embedded default: written to the server log, never kept.
    logged = "logged", "Écrit dans le journal du serveur (mode intégré)"


class MailBackend(enum.StrEnum):
    #: the embedded default: the message is kept for the tenant's mailbox page, never sent.
    mailbox = "mailbox"
    #: the message is delivered by the ``mail_delivery`` job through the configured SMTP server.
    smtp = "smtp"


class MailCategory(Choices):
    """The categories the code sends, with their French name (an unknown one shows as is)."""

    reminder = "reminder", "Rappel d'échéance"
    renewal = "renewal", "Reconduction tacite"
    objection_deadline = "objection_deadline", "Date limite de dénonciation"
    invitation = "invitation", "Invitation"
    notification = "notification", "Notification"


def category_label(category: str) -> str:
    return MailCategory.label_of(category)
