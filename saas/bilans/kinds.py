"""The bilans a guichet produces: which scopes each takes and which tables it shows, in order."""

from __future__ import annotations

from dataclasses import dataclass

from saas.bilans.scopes import ScopeKind
from saas.choices import Choices


class BilanKind(Choices):
    annuel = "annuel", "Bilan annuel du guichet"
    execution = "execution", "Bilan d'exécution de la clause"
    consolidation = "consolidation", "Tableau de consolidation des heures"
    parcours = "parcours", "Tableau des personnes en parcours"
    evaluation = "evaluation", "Évaluation d'un partenaire d'accompagnement"
    national = "national", "Collecte nationale du réseau"


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
            (
                "mois",
                "marche",
                "lot",
                "mutualisation",
                "modalite",
                "type_contrat",
                "employeur",
                "qpv",
                "sexe",
                "sortie",
            ),
        ),
        Layout(
            BilanKind.consolidation,
            "Les heures comptées de chaque personne, par sa référence (jamais son nom), par employeur, "
            "lot et mois : le tableau que demandent les conventions d'accompagnement (art. 2) et que "
            "reçoivent les donneurs d'ordre et les entreprises.",
            (
                ScopeKind.territoire,
                ScopeKind.donneur_ordre,
                ScopeKind.marche,
                ScopeKind.lot,
                ScopeKind.employeur,
                ScopeKind.accompagnement,
            ),
            ("consolidation", "mois"),
        ),
        Layout(
            BilanKind.parcours,
            "Les salariés en parcours clauses d'une structure ou d'un employeur, transmis chaque "
            "semestre (convention de mise à disposition, art. 2) : chaque structure ne reçoit que ses "
            "propres salariés, par leur référence.",
            (ScopeKind.employeur,),
            ("parcours", "suivis", "sortie", "motif_sortie"),
        ),
        Layout(
            BilanKind.evaluation,
            "L'évaluation d'un partenaire d'accompagnement (convention d'accompagnement, art. 5.2) : "
            "profils placés, suivis sur les chantiers, sorties en emploi durable (CDI, CDD) et en "
            "formation qualifiante, parité, et le tableau de consolidation des heures.",
            (ScopeKind.accompagnement,),
            ("sexe", "age", "type_contrat", "suivis", "sortie", "motif_sortie", "consolidation"),
        ),
        Layout(
            BilanKind.national,
            "La collecte annuelle du réseau des facilitateurs, en un classeur à envoyer tel quel : "
            "structures, donneurs d'ordre par type, opérations et marchés par fondement juridique et "
            "par secteur, heures exigées et réalisées par secteur, modalité et type d'acheteur, "
            "entreprises, participants par sexe, âge, niveau, statut, QPV et prescripteur, contrats par "
            "type et durée, situation à l'issue et à 6 mois.",
            (ScopeKind.territoire,),
            (
                "structures",
                "type_acheteur",
                "fondement",
                "secteur_marche",
                "modalite",
                "entreprises",
                "sexe",
                "age",
                "niveau",
                "statut",
                "qpv",
                "type_prescripteur",
                "type_contrat",
                "duree_contrat",
                "sortie",
                "situation_6_mois",
            ),
        ),
    )
}
