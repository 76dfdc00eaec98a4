"""Closed lists of the marchés domain (docs/domain.md: clause, modalite; national practice: obligation)."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class Consideration(Choices):
    """Social considerations of a marché, aligned on the DECP field ``considerationsSociales``."""

    clause_execution = auto(), "Clause sociale d'exécution (art. L2112-2 CCP)"
    critere_attribution = auto(), "Critère social d'attribution (art. R2152-7 CCP)"
    marche_reserve_siae = auto(), "Marché réservé aux SIAE (art. L2113-13 CCP)"
    marche_reserve_ea_esat = auto(), "Marché réservé aux EA / ESAT (art. L2113-12 CCP)"
    marche_insertion = auto(), "Marché d'insertion et de qualification (art. R2123-1 CCP)"


#: the DECP value of each consideration (schema of the données essentielles de la commande publique).
DECP_VALUES = {
    Consideration.clause_execution: "Clause sociale",
    Consideration.critere_attribution: "Critère social",
    Consideration.marche_reserve_siae: "Marché réservé",
    Consideration.marche_reserve_ea_esat: "Marché réservé",
    Consideration.marche_insertion: "Marché d'insertion",
}


class ObligationMode(Choices):
    fixed = auto(), "Nombre d'heures fixe"  # a number of hours written in the contract
    #: montant_HT x part_main_d_oeuvre x taux_insertion / cout_horaire
    formula = auto(), "Formule (montant × part main-d'œuvre × taux ÷ coût horaire)"
    percentage = auto(), "Pourcentage des heures travaillées"  # a share of the hours worked on the lot
    #: hours per amount invoiced, growing with invoicing
    per_amount = auto(), "Heures par montant facturé"


class Rounding(Choices):
    """How a computed number of hours is rounded to a whole hour (explicit, never implicit)."""

    nearest = auto(), "À l'heure la plus proche"  # half up
    up = auto(), "À l'heure supérieure"
    down = auto(), "À l'heure inférieure"


class LotFigureKind(Choices):
    """Figures recorded over time on a lot whose obligation depends on them."""

    #: amount invoiced HT, for the per-amount mode
    invoiced_amount = auto(), "Montant facturé HT"
    #: total hours worked on the lot, for the percentage mode
    hours_worked = auto(), "Heures travaillées"
