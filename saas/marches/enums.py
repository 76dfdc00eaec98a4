"""Closed lists of the marchés domain (docs/domain.md: clause, modalite; national practice: obligation)."""

from __future__ import annotations

import enum


class Consideration(enum.StrEnum):
    """Social considerations of a marché, aligned on the DECP field ``considerationsSociales``."""

    clause_execution = "clause_execution"
    critere_attribution = "critere_attribution"
    marche_reserve_siae = "marche_reserve_siae"
    marche_reserve_ea_esat = "marche_reserve_ea_esat"
    marche_insertion = "marche_insertion"

    @property
    def label(self) -> str:
        return CONSIDERATION_LABELS[self]


CONSIDERATION_LABELS = {
    Consideration.clause_execution: "Clause sociale d'exécution (art. L2112-2 CCP)",
    Consideration.critere_attribution: "Critère social d'attribution (art. R2152-7 CCP)",
    Consideration.marche_reserve_siae: "Marché réservé aux SIAE (art. L2113-13 CCP)",
    Consideration.marche_reserve_ea_esat: "Marché réservé aux EA / ESAT (art. L2113-12 CCP)",
    Consideration.marche_insertion: "Marché d'insertion et de qualification (art. R2123-1 CCP)",
}

#: the DECP value of each consideration (schema of the données essentielles de la commande publique).
DECP_VALUES = {
    Consideration.clause_execution: "Clause sociale",
    Consideration.critere_attribution: "Critère social",
    Consideration.marche_reserve_siae: "Marché réservé",
    Consideration.marche_reserve_ea_esat: "Marché réservé",
    Consideration.marche_insertion: "Marché d'insertion",
}


class ObligationMode(enum.StrEnum):
    fixed = "fixed"  # a number of hours written in the contract
    formula = "formula"  # montant_HT x part_main_d_oeuvre x taux_insertion / cout_horaire
    percentage = "percentage"  # a share of the hours worked on the lot
    per_amount = "per_amount"  # hours per amount invoiced, growing with invoicing

    @property
    def label(self) -> str:
        return OBLIGATION_LABELS[self]


OBLIGATION_LABELS = {
    ObligationMode.fixed: "Nombre d'heures fixe",
    ObligationMode.formula: "Formule (montant × part main-d'œuvre × taux ÷ coût horaire)",
    ObligationMode.percentage: "Pourcentage des heures travaillées",
    ObligationMode.per_amount: "Heures par montant facturé",
}


class Rounding(enum.StrEnum):
    """How a computed number of hours is rounded to a whole hour (explicit, never implicit)."""

    nearest = "nearest"  # half up
    up = "up"
    down = "down"

    @property
    def label(self) -> str:
        return ROUNDING_LABELS[self]


ROUNDING_LABELS = {
    Rounding.nearest: "À l'heure la plus proche",
    Rounding.up: "À l'heure supérieure",
    Rounding.down: "À l'heure inférieure",
}


class LotFigureKind(enum.StrEnum):
    """Figures recorded over time on a lot whose obligation depends on them."""

    invoiced_amount = "invoiced_amount"  # amount invoiced HT, for the per-amount mode
    hours_worked = "hours_worked"  # total hours worked on the lot, for the percentage mode
