"""Closed lists of the mail service."""

from __future__ import annotations

import enum
from enum import auto

from saas.choices import Choices


class MailStatus(Choices):
    mailbox = auto(), "Conservé dans la boîte (mode intégré)"
    pending = auto(), "En attente d'envoi"
    sent = auto(), "Envoyé"
    failed = auto(), "Échec"
    #: account messages in the embedded default: written to the server log, never kept.
    logged = auto(), "Écrit dans le journal du serveur (mode intégré)"


class MailBackend(enum.StrEnum):
    #: the embedded default: the message is kept for the tenant's mailbox page, never sent.
    mailbox = auto()
    #: the message is delivered by the ``mail_delivery`` job through the configured SMTP server.
    smtp = auto()


class MailCategory(Choices):
    """The categories the code sends, with their French name (an unknown one shows as is)."""

    reminder = auto(), "Rappel d'échéance"
    renewal = auto(), "Reconduction tacite"
    objection_deadline = auto(), "Date limite de dénonciation"
    invitation = auto(), "Invitation"
    notification = auto(), "Notification"


def category_label(category: str) -> str:
    return MailCategory.label_of(category)
