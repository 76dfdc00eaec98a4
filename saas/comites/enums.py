"""Closed lists of the committees, value and label together: kinds of meeting, statuses of a
meeting and of a decision."""

from __future__ import annotations

from enum import auto

from saas.choices import Choices
from saas.conventions.enums import MeetingCategory

#: the kinds of meeting are the meeting categories of the conventions' obligations: one list, with
#: its labels (a meeting of a kind holds the occurrences of the obligations of that category).
MeetingKind = MeetingCategory


class MeetingStatus(Choices):
    planned = auto(), "Prévue"
    held = auto(), "Tenue"
    cancelled = auto(), "Annulée"


class DecisionStatus(Choices):
    open = auto(), "À réaliser"
    done = auto(), "Réalisée"
    dropped = auto(), "Abandonnée"


#: how a decision is closed.
CLOSING_STATUSES = (DecisionStatus.done, DecisionStatus.dropped)


def kind_label(kind: str) -> str:
    return MeetingKind.label_of(kind)
