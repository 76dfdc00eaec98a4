"""Closed lists of the participants domain."""

from __future__ import annotations

from saas.choices import Choices


class PrescriptionState(Choices):
    valid = "valid", "Valide"
    expiring = "expiring", "Expire bientôt"
    expired = "expired", "Expirée"


class Sex(Choices):
    F = "F", "Femme"
    M = "M", "Homme"
    X = "X", "Non précisé"
