"""API resources: missions (placement with the eligibility check), their follow-ups and the exit.

A participant without a valid eligibility on the start date is refused with a 422 naming
``override_reason``: sending a reason places them anyway, and the override is audited.
"""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import change, creation, listing, reading, route
from blueprints.api.support import body_fields
from saas import clock
from saas.audit import api as audit
from saas.parcours import api as parcours
from saas.parcours.models import FollowUp, Mission
from saas.parcours.schemas import ExitSchema, FollowUpSchema, MissionFilterSchema, MissionSchema
from saas.schemas import Prepared

blp = token_blueprint(
    "api_missions",
    __name__,
    "Missions (mises à l'emploi), suivis et sorties",
    ids={"mission_id": Mission, "follow_up_id": FollowUp},
)


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


def present_follow_up(follow_up: FollowUp) -> Prepared:
    """What ``FollowUpSchema`` dumps: the follow-up and its state today."""
    return Prepared(follow_up, state=parcours.follow_up_state(follow_up))


def _record_exit(actor: audit.Actor, mission: Mission, **data) -> None:
    with body_fields({"exit_motif": "motif"}):
        parcours.record_exit(actor, mission, **data)


route(
    blp,
    "/missions",
    "Missions",
    get=listing(
        MissionSchema,
        """Missions, la plus récente en premier.

        Filtres : participant, lot, employeur, type de contrat, en cours (aujourd'hui ou à une
        date).
        """,
        _missions,
        MissionFilterSchema,
    ),
    post=creation(
        MissionSchema,
        """Placer un participant sur un lot.

        Sans éligibilité validée à la date de début : 422 sur `override_reason`, sauf si ce
        motif de dérogation est donné (la dérogation est tracée). Les suivis prévus sont créés
        avec la mission.
        """,
        parcours.place,
        spread=True,
    ),
)
route(blp, "/missions/<int:mission_id>", "MissionItem", Mission, get=reading(MissionSchema, "Une mission."))
route(
    blp,
    "/missions/<int:mission_id>/suivis",
    "MissionFollowUps",
    Mission,
    get=listing(
        FollowUpSchema,
        "Les suivis prévus et réalisés de la mission, par date prévue.",
        lambda mission, _: parcours.follow_ups_of(mission.id),
        present=present_follow_up,
    ),
)
route(
    blp,
    "/suivis/<int:follow_up_id>",
    "FollowUpItem",
    FollowUp,
    post=change(
        FollowUpSchema,
        FollowUpSchema,
        "Enregistrer un suivi prévu comme réalisé : date, type, notes.",
        parcours.record_follow_up,
        spread=True,
        present=present_follow_up,
    ),
)
route(
    blp,
    "/missions/<int:mission_id>/sortie",
    "MissionExit",
    Mission,
    post=change(
        ExitSchema,
        MissionSchema,
        "Enregistrer la sortie : date et motif détaillé ; la catégorie en est déduite.",
        _record_exit,
        spread=True,
    ),
)
