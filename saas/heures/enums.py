"""Closed lists of the hours ledger."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class ReleveStatus(Choices):
    declared = auto(), "Déclaré"
    validated = auto(), "Validé"
    rejected = auto(), "Rejeté"


class Source(Choices):
    facilitateur = auto(), "Facilitateur"
    partenaire = auto(), "Partenaire"
    import_ = "import", "Import"
    api = auto(), "API"


class AllocationKey(Choices):
    pro_rata = auto(), "Au prorata des obligations des lots"  # pro rata of the member lots' obligations
    explicit = auto(), "Répartition explicite"  # an explicit share per member lot


class PartialEligibility(Choices):
    """What a month counts when eligibility is valid on only part of the mission's days in it
    (validated in the middle of the month, or ending then). Seed 002 art. 3: eligibility must be
    validated before any mission, otherwise the buyer may refuse to count those hours; the default
    counts the days covered and only those."""

    none = auto(), "Ne rien compter du mois"  # count nothing of the month
    #: count the hours pro rata of the days covered
    pro_rata = auto(), "Compter au prorata des jours couverts par l'éligibilité"
    month = auto(), "Compter tout le mois"  # count the whole month


class ImportStatus(Choices):
    preview = auto(), "Aperçu"
    written = auto(), "Enregistré"
    abandoned = auto(), "Abandonné"
