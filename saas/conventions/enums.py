"""Closed vocabularies of conventions, with their French labels."""

from __future__ import annotations

from saas import formats

KINDS = {
    "accompagnement": "Accompagnement des bénéficiaires",
    "cooperation_donneur_ordre": "Coopération avec un donneur d'ordre",
    "mise_a_disposition": "Mise à disposition (SIAE, avec l'État)",
    "soutien_departement": "Soutien du Département",
    "globalisation": "Globalisation des heures",
}

PARTY_ROLES = {
    "porteur": "Porteur",
    "partenaire": "Partenaire",
    "cofinanceur": "Cofinanceur",
    "etat": "État",
    "departement": "Département",
}

#: fixed: one period up to ``end_on``; annual_tacit: periods of ``period_months`` renewed tacitly,
#: at most ``max_renewals`` times when it is set.
DURATION_KINDS = {
    "fixed": "Durée déterminée",
    "tacit": "Reconduction tacite",
}

DOCUMENT_KINDS = {
    "signed": "Convention signée",
    "avenant": "Avenant signé",
    "annex": "Annexe",
    "other": "Autre pièce",
}

COMMITMENT_BASES = {
    "fixed": "Montant forfaitaire",
    "per_post": "Montant par poste à temps plein, au prorata du temps travaillé sur la fonction",
}

RECURRENCES = {
    "once": "Une seule fois",
    "each_period": "À chaque période (chaque année de la convention)",
}

#: when an instalment falls due.
TRIGGERS = {
    "signature": "À la signature",
    "start": "Au démarrage de l'action (début de période)",
    "end": "À la fin de l'action (fin de période)",
}

NATURES = {"deliverable": "Livrable", "meeting": "Réunion"}

DELIVERABLE_CATEGORIES = {
    "releve_heures": "Relevés d'heures, contrats et tableau de suivi (le 10 du mois)",
    "etat_contrats": "Point hebdomadaire des contrats en cours et à venir",
    "tableau_parcours": "Tableau des salariés en parcours clauses",
    "evaluation_fin_mission": "Fiche d'évaluation de fin de mission",
    "rapport_activite": "Rapport moral d'activités",
    "rapport_accompagnement": "Rapport sur l'accompagnement des bénéficiaires",
    "rapport_financier": "Rapport financier",
    "bilan_annuel": "Bilan annuel",
    "bilan_qualitatif": "Bilan qualitatif et quantitatif",
    "tableau_consolidation": "Tableau de consolidation des heures",
    "bilan_activite": "Bilan d'activité",
    "bilan_financier": "Bilan financier",
    "bulletins_salaire": "Bulletins de salaire",
    "fiche_poste": "Fiche de poste",
    "dispositif_local": "Dispositif local de mise en œuvre des clauses",
    "informations_marches": "Informations sur les marchés et les attributaires",
    "designation_referent": "Désignation d'un référent interne",
    "autre_livrable": "Autre livrable",
}

MEETING_CATEGORIES = {
    "revue_trimestrielle": "Réunion trimestrielle de suivi",
    "comite_suivi": "Comité de suivi",
    "comite_pilotage": "Comité de pilotage",
    "reunion_reseau": "Réunion de réseau du Département",
    "dialogue_gestion": "Dialogue de gestion",
    "reunion_bilan": "Réunion de bilan annuel",
    "autre_reunion": "Autre réunion",
}

CATEGORIES = {**DELIVERABLE_CATEGORIES, **MEETING_CATEGORIES}

CADENCES = {
    "monthly": "Chaque mois, à jour fixe",
    "weekly": "Chaque semaine",
    "quarterly": "Chaque trimestre",
    "semiannual": "Chaque semestre",
    "annual": "Chaque année (à l'échéance)",
    "at_start": "Au démarrage (début de période)",
    "at_end": "À l'issue (fin de période)",
    "after_event": "Dans un délai après un événement annuel (ex. assemblée générale)",
    "mission_end": "À chaque fin de mission du partenaire",
    "ad_hoc": "Sans échéance fixe",
}

MONTHS = formats.MONTH_NAMES

WEEKDAYS = formats.WEEKDAY_NAMES

#: the status of an occurrence in the calendar.
OCCURRENCE_STATUSES = {
    "upcoming": "À venir",
    "received": "Reçu",
    "received_late": "Reçu en retard",
    "held": "Tenue",
    "held_late": "Tenue en retard",
    "late": "En retard",
    "missing": "Manquant",
}

#: the status of an instalment in the money table.
INSTALMENT_STATUSES = {
    "not_due": "À venir",
    "waiting": "En attente des pièces",
    "payable": "Exigible",
    "late": "En retard de paiement",
    "paid": "Payé",
}

CONVENTION_STATUSES = {
    "draft": "Non signée",
    "upcoming": "À venir",
    "active": "En cours",
    "ending": "En cours, dénoncée",
    "ended": "Échue",
    "terminated": "Résiliée",
}
