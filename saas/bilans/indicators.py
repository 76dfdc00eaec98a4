"""Every figure of a bilan, defined once: a code, a French label, a definition a person can read,
a unit. The SQL that computes them is in ``saas.bilans.engine``; the tables of a bilan are
breakdowns of the same measures, the totals a breakdown by nothing.

The definitions are those the pages, the exports and the API print beside the figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import auto

from saas.choices import Choices


class Unit(Choices):
    people = auto(), "personnes"
    contracts = auto(), "contrats"
    hours = auto(), "heures"
    rate = auto(), "taux"
    number = auto(), "nombre"
    #: the columns of the tables that list (``saas.bilans.listings``): a text, a date
    text = auto(), "texte"
    date = auto(), "date"


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    unit: Unit
    definition: str


_UNDER_WAY = (
    "une mission du périmètre en cours au moins un jour de la période (commencée au plus tard le "
    "dernier jour, ni finie ni sortie avant le premier)"
)

MEASURES = {
    measure.code: measure
    for measure in (
        Measure("personnes", "Personnes", Unit.people, f"Personnes distinctes ayant {_UNDER_WAY}."),
        Measure("contrats", "Contrats", Unit.contracts, f"Missions (contrats) : {_UNDER_WAY}."),
        Measure(
            "heures",
            "Heures comptées",
            Unit.hours,
            "Heures d'insertion comptées (après les règles de comptage et la mutualisation) des "
            "relevés validés en vigueur dont le mois est dans la période, réparties sur les lots du "
            "périmètre ; pour un employeur, un prescripteur, une commune ou un QPV : celles de ses "
            "missions, sur tous les lots. Une heure mutualisée compte une fois dans le total, et une "
            "fois sur chaque lot où elle est répartie.",
        ),
        Measure(
            "heures_brutes",
            "Heures réalisées",
            Unit.hours,
            "Heures travaillées et de formation des relevés validés en vigueur du mois, avant les "
            "règles de comptage, sous le lot de la mission.",
        ),
        Measure(
            "sorties",
            "Sorties",
            Unit.contracts,
            "Missions dont la sortie (date et motif saisis) tombe dans la période.",
        ),
        Measure(
            "obligation",
            "Obligation",
            Unit.hours,
            "Heures d'insertion exigées des lots du périmètre (pour le territoire : des lots des "
            "marchés en cours sur la période).",
        ),
        Measure(
            "heures_cumulees",
            "Heures comptées depuis le début",
            Unit.hours,
            "Heures comptées sur les mêmes lots, de leur premier relevé au dernier mois de la période.",
        ),
        Measure(
            "attendu",
            "Attendu (rythme régulier)",
            Unit.hours,
            "L'obligation des lots répartie également sur les jours de leur marché : ce que le mois "
            "aurait compté à rythme régulier.",
        ),
        Measure(
            "taux",
            "Taux de réalisation",
            Unit.rate,
            "Heures comptées depuis le début divisées par l'obligation.",
        ),
        Measure(
            "heures_qpv",
            "Heures des résidents des QPV",
            Unit.hours,
            "Heures comptées des personnes dont l'adresse est dans un quartier prioritaire.",
        ),
        Measure(
            "part_qpv",
            "Part des heures des résidents des QPV",
            Unit.rate,
            "Heures comptées des personnes résidant dans un quartier prioritaire divisées par les heures "
            "comptées du périmètre : la part que suit l'ANRU (au moins 5 % des heures travaillées sur "
            "les travaux financés, 10 % sur les marchés de gestion urbaine de proximité).",
        ),
        Measure(
            "heures_recues",
            "Heures mutualisées reçues",
            Unit.hours,
            "Heures comptées sur les lots du périmètre venant des missions de lots hors du périmètre "
            "(convention de mutualisation).",
        ),
        Measure(
            "heures_cedees",
            "Heures mutualisées cédées",
            Unit.hours,
            "Heures des missions des lots du périmètre comptées sur des lots hors du périmètre.",
        ),
        Measure("suivis", "Suivis réalisés", Unit.number, "Suivis de mission faits dans la période."),
        Measure(
            "donneurs_ordre",
            "Donneurs d'ordre",
            Unit.number,
            "Donneurs d'ordre distincts des marchés dont un lot est dans le périmètre.",
        ),
        Measure(
            "operations",
            "Opérations",
            Unit.number,
            "Opérations distinctes (programmes de travaux ou de services) des marchés du périmètre ; un "
            "marché sans opération renseignée en forme une à lui seul.",
        ),
        Measure("marches", "Marchés", Unit.number, "Marchés distincts dont un lot est dans le périmètre."),
        Measure(
            "lots",
            "Lots",
            Unit.number,
            "Lots du périmètre (pour le territoire : ceux des marchés en cours et ceux où des heures sont "
            "comptées dans la période).",
        ),
        Measure(
            "structures",
            "Structures",
            Unit.number,
            "Organisations distinctes à l'œuvre dans la période : employeur d'une mission en cours, "
            "prescripteur d'une prescription faite, titulaire ou sous-traitant d'un lot, donneur d'ordre "
            "d'un marché du périmètre, partie à une convention en vigueur.",
        ),
        Measure(
            "attributaires",
            "Entreprises attributaires",
            Unit.number,
            "Titulaires distincts des lots du périmètre.",
        ),
        Measure(
            "employeurs",
            "Employeurs",
            Unit.number,
            "Employeurs distincts d'au moins une mission du périmètre en cours dans la période.",
        ),
    )
}

#: the columns of the tables that list people and missions (``saas.bilans.listings``)
FIELDS = {
    field.code: field
    for field in (
        Measure("employeur", "Employeur ou structure", Unit.text, "Employeur de la mission."),
        Measure("lot", "Lot", Unit.text, "Lot sur lequel les heures sont comptées."),
        Measure("poste", "Poste", Unit.text, "Intitulé du poste, sinon son métier (ROME)."),
        Measure("contrat", "Contrat", Unit.text, "Type du contrat de la mission."),
        Measure("debut", "Début", Unit.date, "Premier jour de la mission."),
        Measure("fin", "Fin prévue", Unit.date, "Dernier jour prévu par le contrat."),
        Measure("sortie_le", "Sortie le", Unit.date, "Date de la sortie, si elle a eu lieu."),
        Measure("motif", "Motif de sortie", Unit.text, "Motif de la sortie, si elle a eu lieu."),
    )
}


_MARCHES_MEASURES = ("donneurs_ordre", "operations", "marches", "lots", "obligation", "heures")


@dataclass(frozen=True)
class Breakdown:
    """A table of a bilan: the measures of its rows, and what keys a row."""

    code: str
    label: str
    definition: str
    measures: tuple[str, ...] = ("personnes", "contrats", "heures")


BREAKDOWNS = {
    breakdown.code: breakdown
    for breakdown in (
        Breakdown(
            "statut",
            "Statut à l'entrée",
            "Critères d'éligibilité de la validation en vigueur à la première mission de la personne "
            "(la dernière validée avant elle, sinon la première après) ; une personne compte dans "
            "chacun de ses critères.",
            ("personnes", "heures"),
        ),
        Breakdown(
            "publics_prioritaires",
            "Publics prioritaires",
            "Personnes remplissant au moins un critère de niveau 1 (RSA, ASS, AAH, chômage de 24 mois "
            "et plus), au moins un critère de niveau 2 seulement, ou placées sans critère validé "
            "(dérogation motivée).",
            ("personnes", "heures"),
        ),
        Breakdown(
            "age",
            "Âge à l'entrée",
            "Âge à la date de début de la première mission de la personne dans le territoire.",
            ("personnes", "heures"),
        ),
        Breakdown("sexe", "Sexe", "Sexe déclaré de la personne.", ("personnes", "contrats", "heures")),
        Breakdown(
            "qpv",
            "Résidence en quartier prioritaire (QPV)",
            "Personnes dont l'adresse est dans un quartier prioritaire de la politique de la ville ; "
            "la part de leurs heures est celle que suit l'ANRU (objectifs de 5 % et 10 %).",
            ("personnes", "contrats", "heures"),
        ),
        Breakdown("niveau", "Niveau de qualification", "Niveau de qualification déclaré à l'entrée."),
        Breakdown(
            "type_contrat",
            "Type de contrat",
            "Type du contrat de la mission (CDI, CDD, CDDI, alternance, contrats aidés…).",
        ),
        Breakdown(
            "famille_contrat",
            "Famille de contrat",
            "Classique, insertion, alternance, contrat aidé ou intérim, selon le type du contrat.",
        ),
        Breakdown(
            "modalite", "Modalité", "Modalité de la mise à l'emploi (embauche directe, mise à disposition…)."
        ),
        Breakdown(
            "employeur", "Employeur ou structure", "Employeur de la mission (entreprise, SIAE, ETT, GEIQ…)."
        ),
        Breakdown("metier", "Métier (ROME)", "Code ROME du poste de la mission."),
        Breakdown("secteur", "Secteur", "Secteur du marché du lot de la mission."),
        Breakdown("prescripteur", "Prescripteur", "Prescripteur de la dernière prescription de la personne."),
        Breakdown(
            "type_prescripteur",
            "Type de prescripteur",
            "Type du prescripteur (France Travail, Mission Locale, Cap emploi, PLIE…) de la dernière "
            "prescription de la personne.",
        ),
        Breakdown(
            "duree_contrat",
            "Durée des contrats",
            "Durée prévue du contrat de la mission, du premier jour au terme prévu inclus (un CDI n'a "
            "pas de terme) ; un CDD de 6 mois et plus est un emploi durable.",
        ),
        Breakdown(
            "type_employeur",
            "Type d'employeur",
            "Type de l'employeur de la mission (entreprise, SIAE, GEIQ, ETT, EA / ESAT…).",
        ),
        Breakdown(
            "type_acheteur",
            "Donneurs d'ordre par type",
            "Donneurs d'ordre des marchés du périmètre par type d'acheteur (commune, intercommunalité, "
            "bailleur social, État…), avec leurs opérations, marchés et lots, les heures exigées et les "
            "heures comptées dans la période sur ces lots.",
            _MARCHES_MEASURES,
        ),
        Breakdown(
            "fondement",
            "Marchés par fondement juridique",
            "Marchés du périmètre par considération sociale du Code de la commande publique (clause "
            "d'exécution L2112-2, marché réservé L2113-12 et L2113-13, marché d'insertion R2123-1, "
            "critère d'attribution R2152-7) ; un marché qui en porte plusieurs compte sous chacune.",
            _MARCHES_MEASURES[1:],
        ),
        Breakdown(
            "secteur_marche",
            "Marchés par secteur",
            "Marchés du périmètre par secteur, avec les heures exigées et les heures comptées dans la "
            "période sur leurs lots.",
            _MARCHES_MEASURES[1:],
        ),
        Breakdown(
            "structures",
            "Structures à l'œuvre par type",
            "Organisations à l'œuvre dans la période, par type : employeurs, prescripteurs, titulaires et "
            "sous-traitants, donneurs d'ordre, parties aux conventions ; chacune une fois.",
            ("structures",),
        ),
        Breakdown(
            "entreprises",
            "Entreprises et employeurs par type",
            "Titulaires des lots et employeurs des missions du périmètre par type d'organisation, avec les "
            "contrats en cours et les heures comptées de leurs missions dans la période.",
            ("attributaires", "employeurs", "contrats", "heures"),
        ),
        Breakdown(
            "sortie",
            "Situation à l'issue",
            "Catégorie du motif de sortie des missions sorties dans la période.",
            ("personnes", "sorties"),
        ),
        Breakdown(
            "situation_6_mois",
            "Situation à 6 mois",
            "Catégorie de la situation relevée 6 mois après la sortie, pour les missions sorties dans "
            "la période (« pas encore connue » tant qu'elle n'est pas saisie).",
            ("personnes", "sorties"),
        ),
        Breakdown(
            "mois",
            "Heures par mois",
            "Heures comptées et réalisées de chaque mois de la période, et pour un territoire, un "
            "donneur d'ordre, un marché ou un lot, le rythme attendu.",
            ("heures", "heures_brutes", "attendu"),
        ),
        Breakdown(
            "mutualisation",
            "Heures mutualisées",
            "Heures comptées sur un lot venant des missions d'un autre lot (conventions de "
            "mutualisation), par paire de lots dont l'un au moins est dans le périmètre ; comptées une "
            "fois au total du territoire et une fois sur le lot qui les reçoit.",
            ("heures",),
        ),
        Breakdown(
            "consolidation",
            "Tableau de consolidation des heures",
            "Heures comptées de chaque personne (par sa référence, jamais son nom) par employeur, "
            "lot et mois de la période.",
            ("employeur", "lot", "heures"),
        ),
        Breakdown(
            "parcours",
            "Personnes en parcours",
            "Missions du périmètre en cours au moins un jour de la période, une ligne chacune : la "
            "personne par sa référence, le poste, le contrat, les dates, la sortie et les heures "
            "comptées de la période.",
            ("employeur", "poste", "contrat", "debut", "fin", "sortie_le", "motif", "heures"),
        ),
        Breakdown(
            "suivis",
            "Suivis sur les chantiers",
            "Suivis de mission faits dans la période (visites sur site, entretiens), par nature.",
            ("suivis", "personnes"),
        ),
        Breakdown(
            "motif_sortie",
            "Motif de sortie",
            "Motif détaillé des sorties de la période : emploi durable (CDI, CDD de 6 mois et plus), "
            "formation qualifiante, emploi de transition…",
            ("personnes", "sorties"),
        ),
        Breakdown(
            "lot", "Par lot", "Heures des lots du périmètre et leur obligation.", ("obligation", "heures")
        ),
        Breakdown(
            "marche",
            "Par marché",
            "Heures des marchés du périmètre et leur obligation.",
            ("obligation", "heures"),
        ),
    )
}

#: the measures of the totals of a bilan
TOTALS = (
    "personnes",
    "contrats",
    "heures",
    "heures_brutes",
    "sorties",
    "obligation",
    "heures_cumulees",
    "taux",
    "heures_qpv",
    "part_qpv",
    "heures_recues",
    "heures_cedees",
    "donneurs_ordre",
    "operations",
    "marches",
)
