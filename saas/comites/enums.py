"""Closed lists of the committees, value and label together: kinds of meeting, statuses of a
meeting and of a decision."""

from __future__ import annotations

from saas.choices import Choices
from saas.conventions.enums import MEETING_CATEGORIES as _CATEGORIES


class MeetingKind(Choices):
    """The kinds of meeting: the meeting categories of the conventions' obligations (their labels)."""

    revue_trimestrielle = "revue_trimestrielle", _CATEGORIES["revue_trimestrielle"]
    comite_suivi = "comite_suivi", _CATEGORIES["comite_suivi"]
    comite_pilotage = "comite_pilotage", _CATEGORIES["comite_pilotage"]
    reunion_reseau = "reunion_reseau", _CATEGORIES["reunion_reseau"]
    dialogue_gestion = "dialogue_gestion", _CATEGORIES["dialogue_gestion"]
    reunion_bilan = "reunion_bilan", _CATEGORIES["reunion_bilan"]
    autre_reunion = "autre_reunion", _CATEGORIES["autre_reunion"]


class MeetingStatus(Choices):
    planned = "planned", "Prévue"
    held = "held", "Tenue"
    cancelled = "cancelled", "Annulée"


class DecisionStatus(Choices):
    open = "open", "À réaliser"
    done = "done", "Réalisée"
    dropped = "dropped", "Abandonnée"


#: how a decision is closed.
CLOSING_STATUSES = (DecisionStatus.done, DecisionStatus.dropped)


def kind_label(kind: str) -> str:
    return MeetingKind.label_of(kind)


def sql_list(choices: type[Choices]) -> str:
    """``'a', 'b'``: the values of a closed list, for a CHECK constraint."""
    return ", ".join(repr(member.value) for member in choices)
