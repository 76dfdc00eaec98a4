"""Closed lists of the committees: kinds of meeting, statuses of a meeting and of a decision."""

from __future__ import annotations

from saas.conventions.enums import MEETING_CATEGORIES

#: the kinds of meeting: the meeting categories of the conventions' obligations.
MEETING_KINDS = (
    "revue_trimestrielle",
    "comite_suivi",
    "comite_pilotage",
    "reunion_reseau",
    "dialogue_gestion",
    "reunion_bilan",
    "autre_reunion",
)
#: the kinds of meeting, with their French labels (the meeting categories of the obligations).
KIND_LABELS = {kind: MEETING_CATEGORIES[kind] for kind in MEETING_KINDS}
STATUS_LABELS = {"planned": "Prévue", "held": "Tenue", "cancelled": "Annulée"}
DECISION_STATUS_LABELS = {"open": "À réaliser", "done": "Réalisée", "dropped": "Abandonnée"}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
