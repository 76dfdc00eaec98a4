"""Small closed lists of the reference data (docs/domain.md)."""

from __future__ import annotations

import enum
from enum import auto

from saas.choices import Choices


class ExitCategory(Choices):
    emploi_durable = auto(), "Emploi durable"
    emploi_transition = auto(), "Emploi de transition"
    sortie_positive = auto(), "Sortie positive"
    autre_sortie = auto(), "Autre sortie"
    retrait = auto(), "Retrait (hors taux)"


class ContractFamily(Choices):
    """The family of a contract type (``ref_contract_types.family``)."""

    classique = auto(), "Contrats classiques (CDI, CDD)"
    insertion = auto(), "Contrats d'insertion (SIAE, entreprise adaptée)"
    alternance = auto(), "Alternance (apprentissage, professionnalisation)"
    aide = auto(), "Contrats aidés et formation préalable"
    interim = auto(), "Intérim"


class ItemList(enum.StrEnum):
    """The short lists kept in ``ref_items``."""

    justificatif = auto()  # proof types for eligibility criteria
    niveau_qualification = auto()
    frein = auto()
    secteur = auto()  # sector of a marché
    procedure = auto()  # procurement procedure of a marché
    mobilite = auto()  # means of transport for the CV library
