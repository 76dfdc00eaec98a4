"""Closed lists of the hours ledger."""

from __future__ import annotations

from saas.choices import Choices


class ReleveStatus(Choices):
    declared = "declared", "Déclaré"
    validated = "validated", "Validé"
    rejected = "rejected", "Rejeté"


class Source(Choices):
    facilitateur = "facilitateur", "Facilitateur"
    partenaire = "partenaire", "Partenaire"
    import_ = "import", "Import"
    api = "api", "API"


class AllocationKey(Choices):
    pro_rata = "pro_rata", "Au prorata des obligations des lots"  # pro rata of the member lots' obligations
    explicit = "explicit", "Répartition explicite"  # an explicit share per member lot


class PartialEligibility(Choices):
    """What a month counts when eligibility is valid on only part of the mission's days in it
    (validated in the middle of the month, or ending then). Seed 002 art. 3: eligibility must be
    validated before any mission, otherwise the buyer may refuse to count those hours; the default
    counts the days covered and only those."""

    none = "none", "Ne rien compter du mois"  # count nothing of the month
    #: count the hours pro rata of the days covered
    pro_rata = "pro_rata", "Compter au prorata des jours couverts par l'éligibilité"
    month = "month", "Compter tout le mois"  # count the whole month
