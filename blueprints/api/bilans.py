"""API resources: the bilans of the token's tenant (``saas.bilans``): the saved ones as they were
produced, the production of a new one, and what a new production would change."""

from __future__ import annotations

from flask_smorest import abort

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import creation, listing, reading, route
from saas.bilans import api as bilans
from saas.bilans.models import Bilan
from saas.bilans.schemas import (
    BilanChangeSchema,
    BilanProductionSchema,
    BilanRequestSchema,
    BilanSchema,
    BilanSummarySchema,
)
from saas.errors import ValidationError
from saas.jobs.models import JobRun

blp = token_blueprint(
    "api_bilans",
    __name__,
    "Bilans et indicateurs (agrégats)",
    ids={"bilan_id": Bilan, "production_id": JobRun},
)


def _period(data: dict) -> bilans.Period:
    return bilans.period_of(data["period_kind"], data["year"], data["number"], data["start"], data["end"])


def _produce(actor, data: dict) -> Bilan:
    period = _period(data)
    if bilans.is_long(period):
        raise ValidationError(
            "end",
            "Un bilan de plus d'un an est produit en arrière-plan : "
            "demandez-le par POST /api/v1/bilans/productions.",
        )
    return bilans.produce(data["kind"], data["scope_kind"], data["scope_key"], period, actor)


def _produce_later(actor, data: dict) -> JobRun:
    return bilans.produce_later(data["kind"], data["scope_kind"], data["scope_key"], _period(data), actor)


def _production(run: JobRun) -> dict:
    """The run as the API shows a production: its state, then the bilan it produced."""
    if bilans.production(run.id) is None:
        abort(404)  # a run of another kind is no production of a bilan
    fields = ("id", "status", "progress", "message")
    return {**{name: getattr(run, name) for name in fields}, "bilan_id": (run.result or {}).get("bilan_id")}


route(
    blp,
    "/bilans",
    "Bilans",
    get=listing(
        BilanSummarySchema, "Les bilans produits, les derniers d'abord.", lambda _: bilans.latest_first()
    ),
    post=creation(
        BilanSchema,
        """Produire et enregistrer un bilan.

        Le bilan est calculé sur le registre des heures et les parcours, puis enregistré tel quel :
        il se relit à l'identique, même après des corrections. Un périmètre que ce bilan ne prend
        pas, ou inconnu du territoire, répond 422 sur `scope` ; une période invalide, sur `year`,
        `start`, `end` ou `period`. Une période de plus d'un an répond 422 sur `end` : un tel
        bilan se demande à `/bilans/productions`.
        """,
        _produce,
        body=BilanRequestSchema,
    ),
)
route(
    blp,
    "/bilans/<int:bilan_id>",
    "BilanItem",
    Bilan,
    get=reading(BilanSchema, "Un bilan tel qu'il a été produit."),
)
route(
    blp,
    "/bilans/<int:bilan_id>/ecarts",
    "BilanChanges",
    Bilan,
    get=listing(
        BilanChangeSchema,
        "Les chiffres qu'une nouvelle production changerait (registre d'aujourd'hui).",
        lambda bilan, _: bilans.changes(bilan),
    ),
)
route(
    blp,
    "/bilans/productions",
    "BilanProductions",
    post=creation(
        BilanProductionSchema,
        """Demander la production d'un bilan en arrière-plan (toute période, plusieurs années comprises).

        Répond 202 avec la production : son état et son avancement se lisent à
        `/bilans/productions/{id}`, qui donne `bilan_id` une fois le bilan enregistré. Les refus
        sont ceux de `POST /bilans`, sur les mêmes champs.
        """,
        _produce_later,
        body=BilanRequestSchema,
        status=202,
        present=_production,
    ),
)
route(
    blp,
    "/bilans/productions/<int:production_id>",
    "BilanProductionItem",
    JobRun,
    get=reading(
        BilanProductionSchema, "L'état d'une production de bilan, puis le bilan produit.", _production
    ),
)
