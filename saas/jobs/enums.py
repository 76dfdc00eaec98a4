from __future__ import annotations

from saas.choices import Choices


class RunStatus(Choices):
    pending = "pending", "En attente"
    started = "started", "En cours"
    finished = "finished", "Terminé"
    failed = "failed", "Échec"


class JobKind(Choices):
    """The jobs whose runs are recorded (an unknown kind shows as is)."""

    audit_export = "audit_export", "Export du journal d'audit"
    conventions_daily = (
        "conventions_daily",
        "Travail quotidien des conventions (reconductions, calendrier, rappels)",
    )
    mail_delivery = "mail_delivery", "Envoi d'un courriel"
