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


KIND_LABELS = {"audit_export": "Export du journal d'audit"}

STATUS_LABELS = {
    RunStatus.pending: "En attente",
    RunStatus.started: "En cours",
    RunStatus.finished: "Terminé",
    RunStatus.failed: "Échec",
}
