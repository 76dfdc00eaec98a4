"""The calendar of the conventions as the meetings hold it: a held meeting linked to convention C
marks, for each meeting obligation of C of the same kind still in force, ONE occurrence as held
(``meeting_id`` and ``received_on``): the first one not held yet due on or after the meeting day,
else the latest one not held yet due before it. Cancelling the meeting, or taking back its holding,
frees it."""

from __future__ import annotations

from saas.audit import api as audit
from saas.comites import repository
from saas.comites.models import Meeting
from saas.db import db


def link_occurrences(actor: audit.Actor, meeting: Meeting) -> list[int]:
    """Mark, for each meeting obligation of this kind of the meeting's conventions, one occurrence
    as held by the meeting; the ids of the occurrences marked."""
    convention_ids = [link.convention_id for link in repository.convention_links(meeting.id)]
    marked = []
    for obligation in repository.meeting_obligations(convention_ids, meeting.kind):
        occurrence = repository.occurrence_to_hold(obligation.id, meeting.meeting_on)
        if occurrence is None:
            continue
        occurrence.meeting_id = meeting.id
        occurrence.received_on = meeting.meeting_on
        occurrence.received_by = actor.user_id
        marked.append(occurrence.id)
    db.session.flush()
    return marked


def free_occurrences(meeting: Meeting) -> list[int]:
    """Free the occurrences the meeting held; their ids."""
    freed = []
    for occurrence in repository.occurrences_of_meeting(meeting.id):
        occurrence.meeting_id = None
        occurrence.received_on = None
        occurrence.received_by = None
        freed.append(occurrence.id)
    db.session.flush()
    return freed
