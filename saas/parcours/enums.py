"""Closed lists of missions and follow-ups (docs/domain.md: modalite, suivi)."""

from __future__ import annotations

import enum


class Modality(enum.StrEnum):
    embauche_directe = "embauche_directe"
    mise_a_disposition = "mise_a_disposition"
    sous_traitance = "sous_traitance"
    cotraitance = "cotraitance"
    formation_prealable = "formation_prealable"

    @property
    def label(self) -> str:
        return MODALITY_LABELS[self]


MODALITY_LABELS = {
    Modality.embauche_directe: "Embauche directe",
    Modality.mise_a_disposition: "Mise à disposition (ETTI, AI, GEIQ, ETT)",
    Modality.sous_traitance: "Sous-traitance (SIAE, EA / ESAT)",
    Modality.cotraitance: "Cotraitance (SIAE, EA / ESAT)",
    Modality.formation_prealable: "Formation préalable à l'embauche",
}


class FollowUpStep(enum.StrEnum):
    """The planned follow-up visits (seed 003, annex)."""

    premier_jour = "premier_jour"
    fin_premiere_semaine = "fin_premiere_semaine"
    fin_periode_essai = "fin_periode_essai"
    avant_fin_contrat = "avant_fin_contrat"
    trimestriel = "trimestriel"

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    FollowUpStep.premier_jour: "Premier jour",
    FollowUpStep.fin_premiere_semaine: "Fin de la première semaine",
    FollowUpStep.fin_periode_essai: "Fin de la période d'essai",
    FollowUpStep.avant_fin_contrat: "Avant la fin du contrat",
    FollowUpStep.trimestriel: "Suivi trimestriel",
}


class FollowUpKind(enum.StrEnum):
    visite = "visite"
    entretien_individuel = "entretien_individuel"
    entretien_tripartite = "entretien_tripartite"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    FollowUpKind.visite: "Visite sur site",
    FollowUpKind.entretien_individuel: "Entretien individuel",
    FollowUpKind.entretien_tripartite: "Entretien tripartite",
}


class MissionState(enum.StrEnum):
    """Where a mission stands today: derived from its dates and exit, never stored."""

    en_cours = "en_cours"
    terminee = "terminee"
    sortie = "sortie"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    MissionState.en_cours: "En cours",
    MissionState.terminee: "Terminée",
    MissionState.sortie: "Sortie",
}


class FollowUpState(enum.StrEnum):
    done = "done"
    overdue = "overdue"
    planned = "planned"
    #: not done and due after the exit of the mission: no longer expected.
    moot = "moot"

    @property
    def label(self) -> str:
        return FOLLOW_UP_STATE_LABELS[self]


FOLLOW_UP_STATE_LABELS = {
    FollowUpState.done: "Réalisé",
    FollowUpState.overdue: "En retard",
    FollowUpState.planned: "Prévu",
    FollowUpState.moot: "Sans objet (après la sortie)",
}
