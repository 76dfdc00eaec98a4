"""Closed lists of missions and follow-ups (docs/domain.md: modalite, suivi)."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class Modality(Choices):
    embauche_directe = auto(), "Embauche directe"
    mise_a_disposition = auto(), "Mise à disposition (ETTI, AI, GEIQ, ETT)"
    sous_traitance = auto(), "Sous-traitance (SIAE, EA / ESAT)"
    cotraitance = auto(), "Cotraitance (SIAE, EA / ESAT)"
    formation_prealable = auto(), "Formation préalable à l'embauche"


class FollowUpStep(Choices):
    """The planned follow-up visits (seed 003, annex)."""

    premier_jour = auto(), "Premier jour"
    fin_premiere_semaine = auto(), "Fin de la première semaine"
    fin_periode_essai = auto(), "Fin de la période d'essai"
    avant_fin_contrat = auto(), "Avant la fin du contrat"
    trimestriel = auto(), "Suivi trimestriel"


class FollowUpKind(Choices):
    visite = auto(), "Visite sur site"
    entretien_individuel = auto(), "Entretien individuel"
    entretien_tripartite = auto(), "Entretien tripartite"


class MissionState(Choices):
    """Where a mission stands today: derived from its dates and exit, never stored."""

    en_cours = auto(), "En cours"
    terminee = auto(), "Terminée"
    sortie = auto(), "Sortie"


class FollowUpState(Choices):
    done = auto(), "Réalisé"
    overdue = auto(), "En retard"
    planned = auto(), "Prévu"
    #: not done and due after the exit of the mission: no longer expected.
    moot = auto(), "Sans objet (après la sortie)"
