from __future__ import annotations

import enum


class RunStatus(enum.StrEnum):
    pending = "pending"
    started = "started"
    finished = "finished"
    failed = "failed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


KIND_LABELS = {
    "audit_export": "Export du journal d'audit",
    "conventions_daily": "Travail quotidien des conventions (reconductions, calendrier, rappels)",
    "mail_delivery": "Envoi d'un courriel",
}

STATUS_LABELS = {
    RunStatus.pending: "En attente",
    RunStatus.started: "En cours",
    RunStatus.finished: "Terminé",
    RunStatus.failed: "Échec",
}
