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


class WeeklySituation(Choices):
    """How a contract under way goes this week (the employer's weekly word)."""

    bien = auto(), "Se déroule bien"
    difficulte = auto(), "Difficulté à signaler"
    absence = auto(), "Absences répétées"
    fin_anticipee = auto(), "Fin anticipée à prévoir"


class Recommendation(Choices):
    """What the employer recommends at the end of a mission."""

    emploi = auto(), "Prêt pour un emploi durable"
    nouvelle_mission = auto(), "Une nouvelle mission"
    formation = auto(), "Une formation"
    accompagnement = auto(), "Poursuivre l'accompagnement"


#: the criteria of the end-of-mission evaluation, each marked from 1 (insuffisant) to 4 (très bien)
EVALUATION_CRITERIA = {
    "ponctualite": "Ponctualité et assiduité",
    "consignes": "Respect des consignes et de la sécurité",
    "equipe": "Travail en équipe",
    "savoir_faire": "Savoir-faire du métier",
    "autonomie": "Autonomie",
}
EVALUATION_MARKS = {1: "Insuffisant", 2: "À améliorer", 3: "Bien", 4: "Très bien"}
