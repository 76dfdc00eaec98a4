"""Closed lists of the participants domain."""

from __future__ import annotations

import enum


class PrescriptionState(enum.StrEnum):
    valid = "valid"
    expiring = "expiring"
    expired = "expired"

    @property
    def label(self) -> str:
        return {"valid": "Valide", "expiring": "Expire bientôt", "expired": "Expirée"}[self.value]


SEX_LABELS = {"F": "Femme", "M": "Homme", "X": "Non précisé"}
