"""Committees (comités) and meetings required by the conventions, their minutes and decisions.

Rules:
- a meeting is planned (``planned``), then held (``held``: minutes, parties present and how they
  were represented, decisions) or cancelled (``cancelled``); a meeting already held may also be
  recorded at once (:func:`record_held_meeting`);
- the parties present are a subset of the parties invited; a meeting cannot be held in the future;
- decisions are recorded on a held meeting, numbered 1, 2, 3... within it, with the organisation
  that carries them (one of the tenant's) and a due date; a decision is closed as done (on a date)
  or dropped (with the reason). Open decisions past their due date are overdue;
- the calendar of the conventions: a held meeting linked to convention C marks, for each meeting
  obligation of C of the same kind still in force, ONE occurrence as held (``meeting_id`` and
  ``received_on``): the first one not held yet due on or after the meeting day, else the latest
  one not held yet due before it. Cancelling the meeting, or taking back its holding, frees it;
- the next meeting proposed for a convention follows the cadence: the earliest occurrence not held
  yet (an overdue one first).
Every write records an audit entry.

This module is the door of the package: the rules live in ``actions`` (what each status allows),
``checks`` (one input field), ``meetings``, ``decisions``, ``occurrences`` (the occurrences a meeting
holds) and ``proposals`` (the cadence); the queries in ``repository``.
"""

from __future__ import annotations

from saas.audit import api as audit
from saas.comites.actions import (
    DecisionAction,
    MeetingAction,
    allowed_actions,
    decision_actions,
    refusal,
)
from saas.comites.decisions import add_decision, close_decision, decisions_query, is_overdue, registry
from saas.comites.enums import DecisionStatus, MeetingKind, MeetingStatus, kind_label
from saas.comites.meetings import (
    MEETING_FIELDS,
    cancel_meeting,
    hold_meeting,
    plan_meeting,
    record_held_meeting,
    unhold_meeting,
    update_meeting,
)
from saas.comites.proposals import NextMeeting, Proposal, next_proposed, proposals
from saas.comites.repository import (
    DecisionFilters,
    MeetingFilters,
    attendee_rows,
    attendee_rows_by_meeting,
    attendees_of,
    convention_ids_by_meeting,
    convention_options,
    convention_party_ids,
    conventions_of,
    decision,
    decision_rows_query,
    decision_sorts,
    decisions_of,
    get,
    held_occurrence_rows,
    held_occurrences_by_meeting,
    meeting_rows_query,
    meeting_sorts,
    meetings_query,
)
from saas.comites.repository import occurrences_of_meeting as held_occurrences

__all__ = [
    "MEETING_FIELDS",
    "DecisionAction",
    "DecisionFilters",
    "DecisionStatus",
    "MeetingAction",
    "MeetingFilters",
    "MeetingKind",
    "MeetingStatus",
    "NextMeeting",
    "Proposal",
    "add_decision",
    "allowed_actions",
    "attendee_rows",
    "attendee_rows_by_meeting",
    "attendees_of",
    "cancel_meeting",
    "close_decision",
    "convention_ids_by_meeting",
    "convention_options",
    "convention_party_ids",
    "conventions_of",
    "decision",
    "decision_actions",
    "decision_rows_query",
    "decision_sorts",
    "decisions_of",
    "decisions_query",
    "get",
    "held_occurrence_rows",
    "held_occurrences",
    "held_occurrences_by_meeting",
    "hold_meeting",
    "is_overdue",
    "kind_label",
    "meeting_rows_query",
    "meeting_sorts",
    "meetings_query",
    "next_proposed",
    "plan_meeting",
    "proposals",
    "record_held_meeting",
    "refusal",
    "registry",
    "unhold_meeting",
    "update_meeting",
]

audit.ACTION_LABELS.update(
    {
        "comite.planned": "Réunion ou comité enregistré",
        "comite.held": "Réunion ou comité tenu (compte rendu)",
        "comite.updated": "Modification d'une réunion ou d'un comité",
        "comite.cancelled": "Annulation d'une réunion ou d'un comité",
        "comite.decision_added": "Décision de comité enregistrée",
        "comite.decision_closed": "Décision de comité close",
    }
)
