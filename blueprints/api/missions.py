"""API resources: missions (placement with the eligibility check), their follow-ups and the exit.

A participant without a valid eligibility on the start date is refused with a 422 naming
``override_reason``: sending a reason places them anyway, and the override is audited.
"""

from __future__ import annotations

from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate, paginate_list
from blueprints.api.support import body_fields
from saas import clock
from saas.db import db
from saas.parcours import api as parcours
from saas.parcours.models import FollowUp, Mission
from saas.parcours.schemas import ExitSchema, FollowUpSchema, MissionFilterSchema, MissionSchema
from tenants.web import load_scoped

blp = token_blueprint(
    "api_missions",
    __name__,
    "Missions (mises à l'emploi), suivis et sorties",
    ids={"mission_id": Mission, "follow_up_id": FollowUp},
)


class MissionQueryArgs(MissionFilterSchema, PageArgs):
    pass


def _missions(args: dict):
    """The missions matching the filters of :class:`MissionFilterSchema`, newest first."""
    today = clock.today()
    active = args.get("active")
    return parcours.missions_query(
        parcours.MissionFilters(
            active_on=args.get("active_on") or (today if active else None),
            inactive_on=today if active is False else None,
            lot_id=args.get("lot_id"),
            employer_id=args.get("employer_id"),
            contract_type=args.get("contract_type"),
            participant_id=args.get("participant_id"),
        )
    )


@blp.route("/missions")
class Missions(MethodView):
    @blp.arguments(MissionQueryArgs, location="query")
    @blp.response(200, page_schema(MissionSchema))
    def get(self, args):
        """Missions, la plus récente en premier.

        Filtres : participant, lot, employeur, type de contrat, en cours (aujourd'hui ou à une
        date).
        """
        return paginate(_missions(args), args)

    @blp.arguments(MissionSchema)
    @blp.response(201, MissionSchema)
    def post(self, data):
        """Placer un participant sur un lot.

        Sans éligibilité validée à la date de début : 422 sur `override_reason`, sauf si ce
        motif de dérogation est donné (la dérogation est tracée). Les suivis prévus sont créés
        avec la mission.
        """
        mission = parcours.place(api_actor(), **data)
        db.session.commit()
        return mission


@blp.route("/missions/<int:mission_id>")
class MissionItem(MethodView):
    @blp.response(200, MissionSchema)
    def get(self, mission_id: int):
        """Une mission."""
        return load_scoped(Mission, mission_id)


@blp.route("/missions/<int:mission_id>/suivis")
class MissionFollowUps(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(FollowUpSchema))
    def get(self, args, mission_id: int):
        """Les suivis prévus et réalisés de la mission, par date prévue."""
        mission = load_scoped(Mission, mission_id)
        return paginate_list(parcours.follow_ups_of(mission.id), args)


@blp.route("/suivis/<int:follow_up_id>")
class FollowUpItem(MethodView):
    @blp.arguments(FollowUpSchema)
    @blp.response(200, FollowUpSchema)
    def post(self, data, follow_up_id: int):
        """Enregistrer un suivi prévu comme réalisé : date, type, notes."""
        follow_up = load_scoped(FollowUp, follow_up_id)
        parcours.record_follow_up(api_actor(), follow_up, **data)
        db.session.commit()
        return follow_up


@blp.route("/missions/<int:mission_id>/sortie")
class MissionExit(MethodView):
    @blp.arguments(ExitSchema)
    @blp.response(200, MissionSchema)
    def post(self, data, mission_id: int):
        """Enregistrer la sortie : date et motif détaillé ; la catégorie en est déduite."""
        mission = load_scoped(Mission, mission_id)
        with body_fields({"exit_motif": "motif"}):
            parcours.record_exit(api_actor(), mission, **data)
        db.session.commit()
        return mission
