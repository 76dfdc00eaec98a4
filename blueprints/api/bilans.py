"""API resources: the bilans of the token's tenant (``saas.bilans``): the saved ones as they were
produced, the production of a new one, and what a new production would change."""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import creation, listing, reading, route
from saas.bilans import api as bilans
from saas.bilans.models import Bilan
from saas.bilans.schemas import BilanChangeSchema, BilanRequestSchema, BilanSchema, BilanSummarySchema

blp = token_blueprint("api_bilans", __name__, "Bilans et indicateurs (agrégats)", ids={"bilan_id": Bilan})


def _produce(actor, data: dict) -> Bilan:
    period = bilans.period_of(data["period_kind"], data["year"], data["number"], data["start"], data["end"])
    return bilans.produce(data["kind"], data["scope_kind"], data["scope_key"], period, actor)


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
        `start`, `end` ou `period`.
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
