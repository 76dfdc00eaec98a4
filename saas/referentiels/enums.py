"""Small closed lists of the reference data (docs/domain.md)."""

from __future__ import annotations

import enum

from saas.choices import Choices


class ExitCategory(Choices):
    emploi_durable = "emploi_durable", "Emploi durable"
    emploi_transition = "emploi_transition", "Emploi de transition"
    sortie_positive = "sortie_positive", "Sortie positive"
    autre_sortie = "autre_sortie", "Autre sortie"
    retrait = "retrait", "Retrait (hors taux)"


class ItemList(enum.StrEnum):
    """The short lists kept in ``ref_items``."""

    justificatif = "justificatif"  # proof types for eligibility criteria
    niveau_qualification = "niveau_qualification"
    frein = "frein"
    secteur = "secteur"  # sector of a marché
    procedure = "procedure"  # procurement procedure of a marché
    mobilite = "mobilite"  # means of transport for the CV library
