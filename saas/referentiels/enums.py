"""Small closed lists of the reference data (docs/domain.md)."""

from __future__ import annotations

import enum


class ExitCategory(enum.StrEnum):
    emploi_durable = "emploi_durable"
    emploi_transition = "emploi_transition"
    sortie_positive = "sortie_positive"
    autre_sortie = "autre_sortie"
    retrait = "retrait"

    @property
    def label(self) -> str:
        return EXIT_CATEGORY_LABELS[self]


EXIT_CATEGORY_LABELS = {
    ExitCategory.emploi_durable: "Emploi durable",
    ExitCategory.emploi_transition: "Emploi de transition",
    ExitCategory.sortie_positive: "Sortie positive",
    ExitCategory.autre_sortie: "Autre sortie",
    ExitCategory.retrait: "Retrait (hors taux)",
}


class ItemList(enum.StrEnum):
    """The short lists kept in ``ref_items``."""

    justificatif = "justificatif"  # proof types for eligibility criteria
    niveau_qualification = "niveau_qualification"
    frein = "frein"
    secteur = "secteur"  # sector of a marché
    procedure = "procedure"  # procurement procedure of a marché
    mobilite = "mobilite"  # means of transport for the CV library
