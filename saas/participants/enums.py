"""Closed lists of the participants domain."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices


class PrescriptionState(Choices):
    valid = auto(), "Valide"
    expiring = auto(), "Expire bientôt"
    expired = auto(), "Expirée"


class Sex(Choices):
    F = auto(), "Femme"
    M = auto(), "Homme"
    X = auto(), "Non précisé"


class AccompanimentKind(Choices):
    """What an accompaniment partner records of a person it follows (seed 000 art. 2)."""

    entretien = auto(), "Entretien"
    freins = auto(), "Point sur les freins"
    formation = auto(), "Formation"
    cv = auto(), "Mise à jour du CV"
