"""What may be done to a meeting and to a decision, by their status: the one place of these rules.

The functions of ``saas.comites.api`` refuse what is not allowed here with the message given here;
the pages offer the actions these functions list, and nothing else. Cancelling a meeting, or taking
back its holding, is further refused once decisions are recorded on it: that needs a query, and is
checked when it is done (the page offers the button and shows the refusal).
"""

from __future__ import annotations

import enum

from saas.comites.enums import DecisionStatus, MeetingStatus
from saas.comites.models import Decision, Meeting
from saas.errors import DomainError


class MeetingAction(enum.StrEnum):
    edit = "edit"
    #: the pages offer the minutes once the meeting is held (the API takes them at any time).
    edit_minutes = "edit_minutes"
    hold = "hold"
    unhold = "unhold"
    cancel = "cancel"
    add_decision = "add_decision"


class DecisionAction(enum.StrEnum):
    close = "close"


#: keyed by the stored status (a text: each MeetingStatus is one).
_MEETING_ACTIONS: dict[str, frozenset[MeetingAction]] = {
    MeetingStatus.planned: frozenset({MeetingAction.edit, MeetingAction.hold, MeetingAction.cancel}),
    MeetingStatus.held: frozenset(
        {
            MeetingAction.edit,
            MeetingAction.edit_minutes,
            MeetingAction.unhold,
            MeetingAction.cancel,
            MeetingAction.add_decision,
        }
    ),
    MeetingStatus.cancelled: frozenset(),
}

#: why an action is refused: by action, then by status (``None``: any other status).
_MEETING_REFUSALS: dict[MeetingAction, dict[str | None, str]] = {
    MeetingAction.edit: {None: "Une réunion annulée ne peut plus être modifiée."},
    MeetingAction.edit_minutes: {None: "Le compte rendu s'enregistre avec la tenue de la réunion."},
    MeetingAction.hold: {
        MeetingStatus.cancelled: "Une réunion annulée ne peut pas être tenue.",
        None: "Cette réunion est déjà tenue.",
    },
    MeetingAction.unhold: {None: "Cette réunion n'est pas tenue."},
    MeetingAction.cancel: {None: "Cette réunion est déjà annulée."},
    MeetingAction.add_decision: {None: "Les décisions s'enregistrent sur une réunion tenue."},
}


def allowed_actions(meeting: Meeting) -> frozenset[MeetingAction]:
    """What the meeting's status allows: a planned meeting is changed, held or cancelled; a held
    one is changed (its minutes too), taken back, cancelled, and receives decisions; a cancelled
    one is closed to everything."""
    return _MEETING_ACTIONS[meeting.status]


def refusal(meeting: Meeting, action: MeetingAction) -> str | None:
    """Why ``action`` may not be done to the meeting, in French; None when it may."""
    if action in allowed_actions(meeting):
        return None
    messages = _MEETING_REFUSALS[action]
    return messages.get(meeting.status, messages[None])


def require(meeting: Meeting, action: MeetingAction) -> None:
    """Refuse (``DomainError``) an action the meeting's status does not allow."""
    message = refusal(meeting, action)
    if message is not None:
        raise DomainError(message)


def decision_actions(decision: Decision) -> frozenset[DecisionAction]:
    """An open decision may be closed (done or dropped); a closed one, nothing."""
    return frozenset({DecisionAction.close}) if decision.status == DecisionStatus.open else frozenset()


def require_decision(decision: Decision, action: DecisionAction) -> None:
    if action not in decision_actions(decision):
        raise DomainError("Cette décision est déjà close.")
