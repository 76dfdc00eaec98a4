"""API resources: committees and meetings required by the conventions (comités de suivi, de
pilotage, revues...), their holding (minutes, parties present) and the registry of decisions.

Holding a meeting linked to a convention marks the matching occurrence of the convention's meeting
obligation as held; cancelling it (PATCH ``status`` ``cancelled``) frees that occurrence.
"""

from __future__ import annotations

from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate
from saas import clock
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
from saas.db import db
from tenants.web import load_scoped

blp = token_blueprint(
    "api_comites",
    __name__,
    "Comités et réunions des conventions, registre des décisions",
    ids={"meeting_id": Meeting, "decision_id": Decision},
)


class MeetingQueryArgs(MeetingFilterSchema, PageArgs):
    pass


class DecisionQueryArgs(DecisionFilterSchema, PageArgs):
    pass


@blp.route("/comites")
class Meetings(MethodView):
    @blp.arguments(MeetingQueryArgs, location="query")
    @blp.response(200, page_schema(MeetingSchema))
    def get(self, args):
        """Réunions et comités, le plus récent en premier.

        Filtres : type, statut, convention, période (`date_from`, `date_to`).
        """
        filters = comites.MeetingFilters(
            kind=args.get("kind"),
            status=args.get("status"),
            convention_id=args.get("convention_id"),
            date_from=args.get("date_from"),
            date_to=args.get("date_to"),
        )
        return paginate(comites.meetings_query(filters), args)

    @blp.arguments(MeetingSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data):
        """Planifier une réunion : type, date, conventions concernées, parties invitées, ordre du jour."""
        meeting = comites.plan_meeting(api_actor(), **data)
        db.session.commit()
        return meeting


@blp.route("/comites/<int:meeting_id>")
class MeetingItem(MethodView):
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id: int):
        """Une réunion, ses parties invitées et présentes, les échéances qu'elle a tenues."""
        return load_scoped(Meeting, meeting_id)

    @blp.arguments(MeetingUpdateSchema)
    @blp.response(200, MeetingSchema)
    def patch(self, data, meeting_id: int):
        """Modifier les champs envoyés.

        `status` `cancelled` annule la réunion (avec un `reason` facultatif) ; `planned` annule la
        tenue d'une réunion enregistrée comme tenue par erreur. Les échéances tenues sont libérées.
        """
        meeting = load_scoped(Meeting, meeting_id)
        status, reason = data.pop("status", None), data.pop("reason", None)
        if data:
            comites.update_meeting(api_actor(), meeting, **data)
        if status == MeetingStatus.cancelled:
            comites.cancel_meeting(api_actor(), meeting, reason)
        elif status == MeetingStatus.planned and meeting.status != MeetingStatus.planned:
            comites.unhold_meeting(api_actor(), meeting)  # refused for a cancelled meeting
        db.session.commit()
        return meeting


@blp.route("/comites/<int:meeting_id>/tenue")
class MeetingHolding(MethodView):
    @blp.arguments(HoldSchema)
    @blp.response(200, MeetingSchema)
    def post(self, data, meeting_id: int):
        """Enregistrer la tenue : compte rendu, parties présentes (parmi les invitées), décisions.

        L'échéance correspondante de chaque convention liée (obligation de réunion du même type)
        est marquée tenue.
        """
        meeting = load_scoped(Meeting, meeting_id)
        comites.hold_meeting(api_actor(), meeting, **data)
        db.session.commit()
        return meeting


@blp.route("/comites/<int:meeting_id>/decisions")
class MeetingDecisions(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(201, DecisionSchema)
    def post(self, data, meeting_id: int):
        """Ajouter une décision à une réunion tenue ; elle est numérotée à la suite."""
        meeting = load_scoped(Meeting, meeting_id)
        decision = comites.add_decision(api_actor(), meeting, **data)
        db.session.commit()
        return decision


@blp.route("/decisions")
class Decisions(MethodView):
    @blp.arguments(DecisionQueryArgs, location="query")
    @blp.response(200, page_schema(DecisionSchema))
    def get(self, args):
        """Registre des décisions du territoire, la réunion la plus récente en premier.

        Filtres : statut, porteur (`owner_id`), en retard (`overdue`), réunion.
        """
        filters = comites.DecisionFilters(
            status=args.get("status"),
            owner_id=args.get("owner_id"),
            overdue=bool(args.get("overdue")),
            meeting_id=args.get("meeting_id"),
        )
        return paginate(comites.decisions_query(filters, clock.today()), args)


@blp.route("/decisions/<int:decision_id>/cloture")
class DecisionClosure(MethodView):
    @blp.arguments(DecisionClosureSchema)
    @blp.response(200, DecisionSchema)
    def post(self, data, decision_id: int):
        """Clore une décision : réalisée (`done`, à la date `done_on`) ou abandonnée (`dropped`,
        motif dans `note`)."""
        decision = load_scoped(Decision, decision_id)
        comites.close_decision(api_actor(), decision, **data)
        db.session.commit()
        return decision
