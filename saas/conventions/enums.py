"""Closed vocabularies of conventions: each member carries its value and its French label
(``saas.choices.Choices``). The dicts at the end are the same lists read as ``{value: label}``
(the shape templates, the audit codes and the pages outside the domain read)."""

from __future__ import annotations

from saas import formats
from saas.choices import Choices


class Kind(Choices):
    """The kind of a convention."""

    accompagnement = "accompagnement", "Accompagnement des bénéficiaires"
    cooperation_donneur_ordre = "cooperation_donneur_ordre", "Coopération avec un donneur d'ordre"
    mise_a_disposition = "mise_a_disposition", "Mise à disposition (SIAE, avec l'État)"
    soutien_departement = "soutien_departement", "Soutien du Département"
    globalisation = "globalisation", "Globalisation des heures"


class PartyRole(Choices):
    """The role of a party."""

    porteur = "porteur", "Porteur"
    partenaire = "partenaire", "Partenaire"
    cofinanceur = "cofinanceur", "Cofinanceur"
    etat = "etat", "État"
    departement = "departement", "Département"


class DurationKind(Choices):
    """fixed: one period up to ``end_on``; tacit: periods of ``period_months`` renewed
    tacitly, at most ``max_renewals`` times when it is set."""

    fixed = "fixed", "Durée déterminée"
    tacit = "tacit", "Reconduction tacite"


class DocumentKind(Choices):
    """The kind of a document of a convention."""

    signed = "signed", "Convention signée"
    avenant = "avenant", "Avenant signé"
    annex = "annex", "Annexe"
    other = "other", "Autre pièce"


class CommitmentBasis(Choices):
    """How the amount of a commitment is reckoned."""

    fixed = "fixed", "Montant forfaitaire"
    per_post = "per_post", "Montant par poste à temps plein, au prorata du temps travaillé sur la fonction"


class Recurrence(Choices):
    """How often a commitment is paid."""

    once = "once", "Une seule fois"
    each_period = "each_period", "À chaque période (chaque année de la convention)"


class Trigger(Choices):
    """When an instalment falls due."""

    signature = "signature", "À la signature"
    start = "start", "Au démarrage de l'action (début de période)"
    end = "end", "À la fin de l'action (fin de période)"


class Nature(Choices):
    """A deliverable to send or a meeting to hold."""

    deliverable = "deliverable", "Livrable"
    meeting = "meeting", "Réunion"


class DeliverableCategory(Choices):
    """The category of a deliverable."""

    releve_heures = "releve_heures", "Relevés d'heures, contrats et tableau de suivi (le 10 du mois)"
    etat_contrats = "etat_contrats", "Point hebdomadaire des contrats en cours et à venir"
    tableau_parcours = "tableau_parcours", "Tableau des salariés en parcours clauses"
    evaluation_fin_mission = "evaluation_fin_mission", "Fiche d'évaluation de fin de mission"
    rapport_activite = "rapport_activite", "Rapport moral d'activités"
    rapport_accompagnement = "rapport_accompagnement", "Rapport sur l'accompagnement des bénéficiaires"
    rapport_financier = "rapport_financier", "Rapport financier"
    bilan_annuel = "bilan_annuel", "Bilan annuel"
    bilan_qualitatif = "bilan_qualitatif", "Bilan qualitatif et quantitatif"
    tableau_consolidation = "tableau_consolidation", "Tableau de consolidation des heures"
    bilan_activite = "bilan_activite", "Bilan d'activité"
    bilan_financier = "bilan_financier", "Bilan financier"
    bulletins_salaire = "bulletins_salaire", "Bulletins de salaire"
    fiche_poste = "fiche_poste", "Fiche de poste"
    dispositif_local = "dispositif_local", "Dispositif local de mise en œuvre des clauses"
    informations_marches = "informations_marches", "Informations sur les marchés et les attributaires"
    designation_referent = "designation_referent", "Désignation d'un référent interne"
    autre_livrable = "autre_livrable", "Autre livrable"


class MeetingCategory(Choices):
    """The category of a meeting."""

    revue_trimestrielle = "revue_trimestrielle", "Réunion trimestrielle de suivi"
    comite_suivi = "comite_suivi", "Comité de suivi"
    comite_pilotage = "comite_pilotage", "Comité de pilotage"
    reunion_reseau = "reunion_reseau", "Réunion de réseau du Département"
    dialogue_gestion = "dialogue_gestion", "Dialogue de gestion"
    reunion_bilan = "reunion_bilan", "Réunion de bilan annuel"
    autre_reunion = "autre_reunion", "Autre réunion"


class Cadence(Choices):
    """When an obligation falls due."""

    monthly = "monthly", "Chaque mois, à jour fixe"
    weekly = "weekly", "Chaque semaine"
    quarterly = "quarterly", "Chaque trimestre"
    semiannual = "semiannual", "Chaque semestre"
    annual = "annual", "Chaque année (à l'échéance)"
    at_start = "at_start", "Au démarrage (début de période)"
    at_end = "at_end", "À l'issue (fin de période)"
    after_event = "after_event", "Dans un délai après un événement annuel (ex. assemblée générale)"
    mission_end = "mission_end", "À chaque fin de mission du partenaire"
    ad_hoc = "ad_hoc", "Sans échéance fixe"


class OccurrenceStatus(Choices):
    """The status of an occurrence in the calendar."""

    upcoming = "upcoming", "À venir"
    received = "received", "Reçu"
    received_late = "received_late", "Reçu en retard"
    held = "held", "Tenue"
    held_late = "held_late", "Tenue en retard"
    late = "late", "En retard"
    missing = "missing", "Manquant"


class InstalmentStatus(Choices):
    """The status of an instalment in the money table, in the order of its totals."""

    not_due = "not_due", "À venir"
    waiting = "waiting", "En attente des pièces"
    payable = "payable", "Exigible"
    late = "late", "En retard de paiement"
    paid = "paid", "Payé"


class ConventionStatus(Choices):
    """Where a convention stands."""

    draft = "draft", "Non signée"
    upcoming = "upcoming", "À venir"
    active = "active", "En cours"
    ending = "ending", "En cours, dénoncée"
    ended = "ended", "Échue"
    terminated = "terminated", "Résiliée"


#: « janvier » … « décembre », « lundi » … « dimanche ».
MONTHS = formats.MONTH_NAMES
WEEKDAYS = formats.WEEKDAY_NAMES

DOCUMENT_KINDS = DocumentKind.labels()
DELIVERABLE_CATEGORIES = DeliverableCategory.labels()
MEETING_CATEGORIES = MeetingCategory.labels()
CATEGORIES = {**DELIVERABLE_CATEGORIES, **MEETING_CATEGORIES}
OCCURRENCE_STATUSES = OccurrenceStatus.labels()
