"""Closed lists of the hours ledger."""

from __future__ import annotations

import enum


class StatementStatus(enum.StrEnum):
    declared = "declared"
    validated = "validated"
    rejected = "rejected"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    StatementStatus.declared: "Déclaré",
    StatementStatus.validated: "Validé",
    StatementStatus.rejected: "Rejeté",
}


class Source(enum.StrEnum):
    facilitateur = "facilitateur"
    partenaire = "partenaire"
    import_ = "import"
    api = "api"

    @property
    def label(self) -> str:
        return SOURCE_LABELS[self]


SOURCE_LABELS = {
    Source.facilitateur: "Facilitateur",
    Source.partenaire: "Partenaire",
    Source.import_: "Import",
    Source.api: "API",
}


class AllocationKey(enum.StrEnum):
    pro_rata = "pro_rata"  # pro rata of the member lots' obligations
    explicit = "explicit"  # an explicit share per member lot

    @property
    def label(self) -> str:
        return KEY_LABELS[self]


KEY_LABELS = {
    AllocationKey.pro_rata: "Au prorata des obligations des lots",
    AllocationKey.explicit: "Répartition explicite",
}
