"""API resources: marchés of the token's tenant, their lots (with the computed hour obligation and the
inputs it used) and the figures recorded on a lot (amount invoiced, hours worked)."""

from __future__ import annotations

from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate, paginate_list
from saas.db import db
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
from tenants.web import load_scoped

blp = token_blueprint(
    "api_marches",
    __name__,
    "Marchés, lots et obligation d'heures de la clause",
    ids={"marche_id": Marche, "lot_id": Lot},
)


class MarcheQueryArgs(MarcheFilterSchema, PageArgs):
    pass


@blp.route("/marches")
class Marches(MethodView):
    @blp.arguments(MarcheQueryArgs, location="query")
    @blp.response(200, page_schema(MarcheSummarySchema))
    def get(self, args):
        """Marchés, par référence ; filtres : donneur d'ordre, secteur, ANRU, année, texte."""
        filters = marches.MarcheFilters(
            donneur_ordre_id=args.get("donneur_ordre_id"),
            sector=args.get("sector"),
            anru=args.get("anru"),
            year=args.get("year"),
            text=args.get("q"),
        )
        return paginate(
            marches.search_marches(filters).order_by(Marche.reference, Marche.id), args, rows=True
        )

    @blp.arguments(MarcheSchema)
    @blp.response(201, MarcheSchema)
    def post(self, data):
        """Créer un marché (le donneur d'ordre est une organisation de ce type)."""
        marche = marches.create_marche(api_actor(), data)
        db.session.commit()
        return marche


@blp.route("/marches/<int:marche_id>")
class MarcheItem(MethodView):
    @blp.response(200, MarcheSchema)
    def get(self, marche_id: int):
        """Un marché."""
        return load_scoped(Marche, marche_id)

    @blp.arguments(MarcheUpdateSchema)
    @blp.response(200, MarcheSchema)
    def patch(self, data, marche_id: int):
        """Modifier les champs envoyés ; l'obligation de chaque lot est recalculée."""
        marche = load_scoped(Marche, marche_id)
        marches.update_marche(api_actor(), marche, data)
        db.session.commit()
        return marche


@blp.route("/marches/<int:marche_id>/lots")
class MarcheLots(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(LotSchema))
    def get(self, args, marche_id: int):
        """Les lots d'un marché, par numéro."""
        marche = load_scoped(Marche, marche_id)
        return paginate_list(marches.lots_of_marche(marche.id), args)

    @blp.arguments(LotSchema)
    @blp.response(201, LotSchema)
    def post(self, data, marche_id: int):
        """Créer un lot du marché.

        Son obligation d'heures est calculée selon le mode (fixed, formula, percentage,
        per_amount) et renvoyée avec les valeurs utilisées (`obligation_inputs`).
        """
        marche = load_scoped(Marche, marche_id)
        lot = marches.create_lot(api_actor(), marche, data)
        db.session.commit()
        return lot


@blp.route("/lots/<int:lot_id>")
class LotItem(MethodView):
    @blp.response(200, LotSchema)
    def get(self, lot_id: int):
        """Un lot, avec son obligation d'heures et les valeurs qui l'ont donnée."""
        return load_scoped(Lot, lot_id)

    @blp.arguments(LotUpdateSchema)
    @blp.response(200, LotSchema)
    def patch(self, data, lot_id: int):
        """Modifier les champs envoyés ; l'obligation est recalculée."""
        lot = load_scoped(Lot, lot_id)
        marches.update_lot(api_actor(), lot, data)
        db.session.commit()
        return lot


@blp.route("/lots/<int:lot_id>/releves-activite")
class LotFigures(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(LotFigureSchema))
    def get(self, args, lot_id: int):
        """Montants facturés et heures travaillées relevés sur le lot, du plus récent au plus ancien."""
        lot = load_scoped(Lot, lot_id)
        return paginate_list(marches.figures(lot.id), args)

    @blp.arguments(LotFigureSchema)
    @blp.response(201, LotFigureSchema)
    def post(self, data, lot_id: int):
        """Relever un montant facturé ou des heures travaillées.

        Montant facturé HT (`invoiced_amount`, mode per_amount) ou heures travaillées
        (`hours_worked`, mode percentage) d'une période ; l'obligation du lot est recalculée.
        """
        lot = load_scoped(Lot, lot_id)
        figure = marches.record_figure(api_actor(), lot, **data)
        db.session.commit()
        return figure
