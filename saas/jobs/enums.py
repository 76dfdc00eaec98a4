from __future__ import annotations

from enum import auto

from saas.choices import Choices


class RunStatus(Choices):
    pending = auto(), "En attente"
    started = auto(), "En cours"
    finished = auto(), "Terminé"
    failed = auto(), "Échec"


class JobKind(Choices):
    """The jobs whose runs are recorded (an unknown kind shows as is)."""

    audit_export = auto(), "Export du journal d'audit"
    list_export = auto(), "Export d'une liste"
    conventions_daily = auto(), "Travail quotidien des conventions (reconductions, calendrier, rappels)"
    mail_delivery = auto(), "Envoi d'un courriel"
    bilans_envois = auto(), "Envois programmés des bilans"
    bilan_production = auto(), "Production d'un bilan sur plusieurs années"
    federation_daily = auto(), "Rapports aux Départements (versions du jour)"
    federation_push = auto(), "Envoi d'un rapport au Département"
    privacy_retention = auto(), "Conservation des données personnelles (anonymisation, purges)"
