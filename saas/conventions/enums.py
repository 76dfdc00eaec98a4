"""Closed vocabularies of conventions: each member carries its value and its French label
(``saas.choices.Choices``). The dicts at the end are the same lists read as ``{value: label}``
(the shape templates, the audit codes and the pages outside the domain read)."""

from __future__ import annotations

from enum import auto

from saas import formats
from saas.choices import Choices


class Kind(Choices):
    """The kind of a convention."""

    accompagnement = auto(), "Accompagnement des bénéficiaires"
    cooperation_donneur_ordre = auto(), "Coopération avec un donneur d'ordre"
    mise_a_disposition = auto(), "Mise à disposition (SIAE, avec l'État)"
    soutien_departement = auto(), "Soutien du Département"
    globalisation = auto(), "Globalisation des heures"


class PartyRole(Choices):
    """The role of a party."""

    porteur = auto(), "Porteur"
    partenaire = auto(), "Partenaire"
    cofinanceur = auto(), "Cofinanceur"
    etat = auto(), "État"
    departement = auto(), "Département"


class DurationKind(Choices):
    """fixed: one period up to ``end_on``; tacit: periods of ``period_months`` renewed
    tacitly, at most ``max_renewals`` times when it is set."""

    fixed = auto(), "Durée déterminée"
    tacit = auto(), "Reconduction tacite"


class DocumentKind(Choices):
    """The kind of a document of a convention."""

    signed = auto(), "Convention signée"
    avenant = auto(), "Avenant signé"
    annex = auto(), "Annexe"
    other = auto(), "Autre pièce"


class CommitmentBasis(Choices):
    """How the amount of a commitment is reckoned."""

    fixed = auto(), "Montant forfaitaire"
    per_post = auto(), "Montant par poste à temps plein, au prorata du temps travaillé sur la fonction"


class Recurrence(Choices):
    """How often a commitment is paid."""

    once = auto(), "Une seule fois"
    each_period = auto(), "À chaque période (chaque année de la convention)"


class Trigger(Choices):
    """When an instalment falls due."""

    signature = auto(), "À la signature"
    start = auto(), "Au démarrage de l'action (début de période)"
    end = auto(), "À la fin de l'action (fin de période)"


class Nature(Choices):
    """A deliverable to send or a meeting to hold."""

    deliverable = auto(), "Livrable"
    meeting = auto(), "Réunion"


class DeliverableCategory(Choices):
    """The category of a deliverable."""

    releve_heures = auto(), "Relevés d'heures, contrats et tableau de suivi (le 10 du mois)"
    etat_contrats = auto(), "Point hebdomadaire des contrats en cours et à venir"
    tableau_parcours = auto(), "Tableau des salariés en parcours clauses"
    evaluation_fin_mission = auto(), "Fiche d'évaluation de fin de mission"
    rapport_activite = auto(), "Rapport moral d'activités"
    rapport_accompagnement = auto(), "Rapport sur l'accompagnement des bénéficiaires"
    rapport_financier = auto(), "Rapport financier"
    bilan_annuel = auto(), "Bilan annuel"
    bilan_qualitatif = auto(), "Bilan qualitatif et quantitatif"
    tableau_consolidation = auto(), "Tableau de consolidation des heures"
    bilan_activite = auto(), "Bilan d'activité"
    bilan_financier = auto(), "Bilan financier"
    bulletins_salaire = auto(), "Bulletins de salaire"
    fiche_poste = auto(), "Fiche de poste"
    dispositif_local = auto(), "Dispositif local de mise en œuvre des clauses"
    informations_marches = auto(), "Informations sur les marchés et les attributaires"
    designation_referent = auto(), "Désignation d'un référent interne"
    autre_livrable = auto(), "Autre livrable"


class MeetingCategory(Choices):
    """The category of a meeting."""

    revue_trimestrielle = auto(), "Réunion trimestrielle de suivi"
    comite_suivi = auto(), "Comité de suivi"
    comite_pilotage = auto(), "Comité de pilotage"
    reunion_reseau = auto(), "Réunion de réseau du Département"
    dialogue_gestion = auto(), "Dialogue de gestion"
    reunion_bilan = auto(), "Réunion de bilan annuel"
    autre_reunion = auto(), "Autre réunion"


class Cadence(Choices):
    """When an obligation falls due."""

    monthly = auto(), "Chaque mois, à jour fixe"
    weekly = auto(), "Chaque semaine"
    quarterly = auto(), "Chaque trimestre"
    semiannual = auto(), "Chaque semestre"
    annual = auto(), "Chaque année (à l'échéance)"
    at_start = auto(), "Au démarrage (début de période)"
    at_end = auto(), "À l'issue (fin de période)"
    after_event = auto(), "Dans un délai après un événement annuel (ex. assemblée générale)"
    mission_end = auto(), "À chaque fin de mission du partenaire"
    ad_hoc = auto(), "Sans échéance fixe"


class OccurrenceStatus(Choices):
    """The status of an occurrence in the calendar."""

    upcoming = auto(), "À venir"
    received = auto(), "Reçu"
    received_late = auto(), "Reçu en retard"
    held = auto(), "Tenue"
    held_late = auto(), "Tenue en retard"
    late = auto(), "En retard"
    missing = auto(), "Manquant"


class InstalmentStatus(Choices):
    """The status of an instalment in the money table, in the order of its totals."""

    not_due = auto(), "À venir"
    waiting = auto(), "En attente des pièces"
    payable = auto(), "Exigible"
    late = auto(), "En retard de paiement"
    paid = auto(), "Payé"


class ConventionStatus(Choices):
    """Where a convention stands."""

    draft = auto(), "Non signée"
    upcoming = auto(), "À venir"
    active = auto(), "En cours"
    ending = auto(), "En cours, dénoncée"
    ended = auto(), "Échue"
    terminated = auto(), "Résiliée"


#: « janvier » … « décembre », « lundi » … « dimanche ».
MONTHS = formats.MONTH_NAMES
WEEKDAYS = formats.WEEKDAY_NAMES

DOCUMENT_KINDS = DocumentKind.labels()
DELIVERABLE_CATEGORIES = DeliverableCategory.labels()
MEETING_CATEGORIES = MeetingCategory.labels()
CATEGORIES = {**DELIVERABLE_CATEGORIES, **MEETING_CATEGORIES}
OCCURRENCE_STATUSES = OccurrenceStatus.labels()
