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


class PartialEligibility(enum.StrEnum):
    """What a month counts when eligibility is valid on only part of the mission's days in it
    (validated in the middle of the month, or ending then). Seed 002 art. 3: eligibility must be
    validated before any mission, otherwise the buyer may refuse to count those hours; the default
    counts the days covered and only those."""

    none = "none"  # count nothing of the month
    pro_rata = "pro_rata"  # count the hours pro rata of the days covered
    month = "month"  # count the whole month

    @property
    def label(self) -> str:
        return PARTIAL_ELIGIBILITY_LABELS[self]


PARTIAL_ELIGIBILITY_LABELS = {
    PartialEligibility.none: "Ne rien compter du mois",
    PartialEligibility.pro_rata: "Compter au prorata des jours couverts par l'éligibilité",
    PartialEligibility.month: "Compter tout le mois",
}
