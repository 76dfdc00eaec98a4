"""Closed lists of missions and follow-ups (docs/domain.md: modalite, suivi)."""

from __future__ import annotations

from saas.choices import Choices


class Modality(Choices):
    embauche_directe = "embauche_directe", "Embauche directe"
    mise_a_disposition = "mise_a_disposition", "Mise à disposition (ETTI, AI, GEIQ, ETT)"
    sous_traitance = "sous_traitance", "Sous-traitance (SIAE, EA / ESAT)"
    cotraitance = "cotraitance", "Cotraitance (SIAE, EA / ESAT)"
    formation_prealable = "formation_prealable", "Formation préalable à l'embauche"


class FollowUpStep(Choices):
    """The planned follow-up visits (seed 003, annex)."""

    premier_jour = "premier_jour", "Premier jour"
    fin_premiere_semaine = "fin_premiere_semaine", "Fin de la première semaine"
    fin_periode_essai = "fin_periode_essai", "Fin de la période d'essai"
    avant_fin_contrat = "avant_fin_contrat", "Avant la fin du contrat"
    trimestriel = "trimestriel", "Suivi trimestriel"


class FollowUpKind(Choices):
    visite = "visite", "Visite sur site"
    entretien_individuel = "entretien_individuel", "Entretien individuel"
    entretien_tripartite = "entretien_tripartite", "Entretien tripartite"


class MissionState(Choices):
    """Where a mission stands today: derived from its dates and exit, never stored."""

    en_cours = "en_cours", "En cours"
    terminee = "terminee", "Terminée"
    sortie = "sortie", "Sortie"


class FollowUpState(Choices):
    done = "done", "Réalisé"
    overdue = "overdue", "En retard"
    planned = "planned", "Prévu"
    #: not done and due after the exit of the mission: no longer expected.
    moot = "moot", "Sans objet (après la sortie)"
