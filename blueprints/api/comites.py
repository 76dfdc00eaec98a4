"""API resources: committees and meetings required by the conventions (comités de suivi, de
pilotage, revues...), their holding (minutes, parties present) and the registry of decisions.

Holding a meeting linked to a convention marks the matching occurrence of the convention's meeting
obligation as held; cancelling it (PATCH ``status`` ``cancelled``) frees that occurrence.
"""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import change, creation, filters_of, listing, reading, route
from saas import clock
from saas.audit import api as audit
from saas.comites import api as comites
from saas.comites.enums import MeetingStatus
from saas.comites.models import Decision, Meeting
from saas.comites.schemas import (
    DecisionClosureSchema,
    DecisionFilterSchema,
    DecisionSchema,
    HoldSchema,
    MeetingFilterSchema,
    MeetingSchema,
    MeetingUpdateSchema,
)
from saas.schemas import Prepared

blp = token_blueprint(
    "api_comites",
    __name__,
    "Comités et réunions des conventions, registre des décisions",
    ids={"meeting_id": Meeting, "decision_id": Decision},
)


def present_meetings(meetings: list[Meeting]) -> list[Prepared]:
    """What ``MeetingSchema`` dumps of each meeting: the meeting, its conventions, its parties
    (invited, present) and the occurrences of the calendar it held (three queries for them all)."""
    ids = [meeting.id for meeting in meetings]
    convention_ids = comites.convention_ids_by_meeting(ids)
    attendee_rows = comites.attendee_rows_by_meeting(ids)
    held = comites.held_occurrences_by_meeting(ids)
    presented = []
    for meeting in meetings:
        rows = attendee_rows[meeting.id]
        attendees = [
            {
                "organisation_id": a.organisation_id,
                "organisation": name,
                "invited": a.invited,
                "present": a.present,
                "represented_by": a.represented_by,
            }
            for a, name in rows
        ]
        presented.append(
            Prepared(
                meeting,
                convention_ids=convention_ids[meeting.id],
                invited_ids=[a.organisation_id for a, _ in rows],
                attendees=attendees,
                held_occurrences=held[meeting.id],
            )
        )
    return presented


def present_meeting(meeting: Meeting) -> Prepared:
    """:func:`present_meetings` of one meeting."""
    return present_meetings([meeting])[0]


def present_decision(decision: Decision) -> Prepared:
    """What ``DecisionSchema`` dumps: the decision and whether it is overdue today."""
    return Prepared(decision, overdue=comites.is_overdue(decision))


def _update_meeting(actor: audit.Actor, meeting: Meeting, **data) -> None:
    """The fields sent, then the cancellation or the holding taken back that ``status`` asks."""
    status, reason = data.pop("status", None), data.pop("reason", None)
    if data:
        comites.update_meeting(actor, meeting, **data)
    if status == MeetingStatus.cancelled:
        comites.cancel_meeting(actor, meeting, reason)
    elif status == MeetingStatus.planned and meeting.status != MeetingStatus.planned:
        comites.unhold_meeting(actor, meeting)  # refused for a cancelled meeting


route(
    blp,
    "/comites",
    "Meetings",
    get=listing(
        MeetingSchema,
        """Réunions et comités, le plus récent en premier.

        Filtres : type, statut, convention, période (`date_from`, `date_to`).
        """,
        lambda args: comites.meetings_query(filters_of(comites.MeetingFilters, args)),
        MeetingFilterSchema,
        present_page=present_meetings,
    ),
    post=creation(
        MeetingSchema,
        "Planifier une réunion : type, date, conventions concernées, parties invitées, ordre du jour.",
        comites.plan_meeting,
        spread=True,
        present=present_meeting,
    ),
)
route(
    blp,
    "/comites/<int:meeting_id>",
    "MeetingItem",
    Meeting,
    get=reading(
        MeetingSchema,
        "Une réunion, ses parties invitées et présentes, les échéances qu'elle a tenues.",
        present_meeting,
    ),
    patch=change(
        MeetingUpdateSchema,
        MeetingSchema,
        """Modifier les champs envoyés.

        `status` `cancelled` annule la réunion (avec un `reason` facultatif) ; `planned` annule la
        tenue d'une réunion enregistrée comme tenue par erreur. Les échéances tenues sont libérées.
        """,
        _update_meeting,
        spread=True,
        present=present_meeting,
    ),
)
route(
    blp,
    "/comites/<int:meeting_id>/tenue",
    "MeetingHolding",
    Meeting,
    post=change(
        HoldSchema,
        MeetingSchema,
        """Enregistrer la tenue : compte rendu, parties présentes (parmi les invitées), décisions.

        L'échéance correspondante de chaque convention liée (obligation de réunion du même type)
        est marquée tenue.
        """,
        comites.hold_meeting,
        spread=True,
        present=present_meeting,
    ),
)
route(
    blp,
    "/comites/<int:meeting_id>/decisions",
    "MeetingDecisions",
    Meeting,
    post=creation(
        DecisionSchema,
        "Ajouter une décision à une réunion tenue ; elle est numérotée à la suite.",
        comites.add_decision,
        spread=True,
        present=present_decision,
    ),
)
route(
    blp,
    "/decisions",
    "Decisions",
    get=listing(
        DecisionSchema,
        """Registre des décisions du territoire, la réunion la plus récente en premier.

        Filtres : statut, porteur (`owner_id`), en retard (`overdue`), réunion.
        """,
        lambda args: comites.decisions_query(filters_of(comites.DecisionFilters, args), clock.today()),
        DecisionFilterSchema,
        present=present_decision,
    ),
)
route(
    blp,
    "/decisions/<int:decision_id>/cloture",
    "DecisionClosure",
    Decision,
    post=change(
        DecisionClosureSchema,
        DecisionSchema,
        """Clore une décision : réalisée (`done`, à la date `done_on`) ou abandonnée (`dropped`,
        motif dans `note`).""",
        comites.close_decision,
        spread=True,
        present=present_decision,
    ),
)
