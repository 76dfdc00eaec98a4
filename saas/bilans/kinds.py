"""The bilans a guichet produces: which scopes each takes and which tables it shows, in order."""

from __future__ import annotations

from dataclasses import dataclass

from saas.bilans.scopes import ScopeKind
from saas.choices import Choices


class BilanKind(Choices):
    annuel = "annuel", "Bilan annuel du guichet"
    execution = "execution", "Bilan d'exécution de la clause"


@dataclass(frozen=True)
class Layout:
    kind: BilanKind
    description: str
    scopes: tuple[ScopeKind, ...]
    tables: tuple[str, ...]


LAYOUTS = {
    layout.kind: layout
    for layout in (
        Layout(
            BilanKind.annuel,
            "Les indicateurs de la convention départementale (art. 4.3) : bénéficiaires, statut et "
            "niveau à l'entrée, heures, contrats et heures par type de contrat, métiers et secteurs, "
            "situation à l'issue et à 6 mois, éligibilité des publics prioritaires, parité.",
            tuple(ScopeKind),
            (
                "statut",
                "publics_prioritaires",
                "age",
                "sexe",
                "qpv",
                "niveau",
                "type_contrat",
                "famille_contrat",
                "metier",
                "secteur",
                "prescripteur",
                "sortie",
                "situation_6_mois",
                "mois",
            ),
        ),
        Layout(
            BilanKind.execution,
            "Obligation, heures comptées et réalisées, taux de réalisation, courbe des heures par mois "
            "face au rythme attendu, heures par modalité, type de contrat et employeur, part des "
            "heures des résidents des QPV.",
            (ScopeKind.territoire, ScopeKind.donneur_ordre, ScopeKind.marche, ScopeKind.lot),
            ("mois", "marche", "lot", "modalite", "type_contrat", "employeur", "qpv", "sexe", "sortie"),
        ),
    )
}
