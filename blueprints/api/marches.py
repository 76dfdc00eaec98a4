"""API resources: marchés of the token's tenant, their lots (with the computed hour obligation and the
inputs it used) and the figures recorded on a lot (amount invoiced, hours worked)."""

from __future__ import annotations

from blueprints.api.auth import token_blueprint
from blueprints.api.resource import change, creation, filters_of, listing, reading, route
from saas.marches import api as marches
from saas.marches.models import Lot, Marche
from saas.marches.schemas import (
    LotFigureSchema,
    LotSchema,
    LotUpdateSchema,
    MarcheFilterSchema,
    MarcheSchema,
    MarcheSummarySchema,
    MarcheUpdateSchema,
)

blp = token_blueprint(
    "api_marches",
    __name__,
    "Marchés, lots et obligation d'heures de la clause",
    ids={"marche_id": Marche, "lot_id": Lot},
)


def _marches(args: dict):
    filters = filters_of(marches.MarcheFilters, args, text="q")
    return marches.search_marches(filters).order_by(Marche.reference, Marche.id)


route(
    blp,
    "/marches",
    "Marches",
    get=listing(
        MarcheSummarySchema,
        "Marchés, par référence ; filtres : donneur d'ordre, secteur, ANRU, année, texte.",
        _marches,
        MarcheFilterSchema,
        rows=True,
    ),
    post=creation(
        MarcheSchema,
        "Créer un marché (le donneur d'ordre est une organisation de ce type).",
        marches.create_marche,
    ),
)
route(
    blp,
    "/marches/<int:marche_id>",
    "MarcheItem",
    Marche,
    get=reading(MarcheSchema, "Un marché."),
    patch=change(
        MarcheUpdateSchema,
        MarcheSchema,
        "Modifier les champs envoyés ; l'obligation de chaque lot est recalculée.",
        marches.update_marche,
    ),
)
route(
    blp,
    "/marches/<int:marche_id>/lots",
    "MarcheLots",
    Marche,
    get=listing(
        LotSchema, "Les lots d'un marché, par numéro.", lambda marche, _: marches.lots_of_marche(marche.id)
    ),
    post=creation(
        LotSchema,
        """Créer un lot du marché.

        Son obligation d'heures est calculée selon le mode (fixed, formula, percentage,
        per_amount) et renvoyée avec les valeurs utilisées (`obligation_inputs`).
        """,
        marches.create_lot,
    ),
)
route(
    blp,
    "/lots/<int:lot_id>",
    "LotItem",
    Lot,
    get=reading(LotSchema, "Un lot, avec son obligation d'heures et les valeurs qui l'ont donnée."),
    patch=change(
        LotUpdateSchema,
        LotSchema,
        "Modifier les champs envoyés ; l'obligation est recalculée.",
        marches.update_lot,
    ),
)
route(
    blp,
    "/lots/<int:lot_id>/releves-activite",
    "LotFigures",
    Lot,
    get=listing(
        LotFigureSchema,
        "Montants facturés et heures travaillées relevés sur le lot, du plus récent au plus ancien.",
        lambda lot, _: marches.figures(lot.id),
    ),
    post=creation(
        LotFigureSchema,
        """Relever un montant facturé ou des heures travaillées.

        Montant facturé HT (`invoiced_amount`, mode per_amount) ou heures travaillées
        (`hours_worked`, mode percentage) d'une période ; l'obligation du lot est recalculée.
        """,
        marches.record_figure,
        spread=True,
    ),
)
