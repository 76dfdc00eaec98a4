"""API resources: mutualisation agreements between lots of several donneurs d'ordre, and the
versions of the tenant's counting rules (read only here: they are set in the admin console)."""

from __future__ import annotations

from flask.views import MethodView

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate_list
from blueprints.api.support import body_fields
from saas.db import db
from saas.heures import api as heures
from saas.heures.models import MutualisationAgreement
from saas.heures.schemas import CountingRuleFilterSchema, CountingRuleSchema, MutualisationAgreementSchema
from tenants.web import load_scoped

blp = token_blueprint(
    "api_mutualisations",
    __name__,
    "Mutualisations entre donneurs d'ordre et règles de comptage",
    ids={"agreement_id": MutualisationAgreement},
)

#: the api names the member lots ``lots`` and their shares ``shares``; the body says ``member_lots``.
MEMBER_FIELDS = {"lots": "member_lots", "shares": "member_lots"}


@blp.route("/mutualisations")
class Agreements(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, page_schema(MutualisationAgreementSchema))
    def get(self, args):
        """Conventions de mutualisation, la plus récente en premier, avec leurs lots."""
        return paginate_list(heures.agreements(), args)

    @blp.arguments(MutualisationAgreementSchema)
    @blp.response(201, MutualisationAgreementSchema)
    def post(self, data):
        """Mutualiser des lots d'au moins deux donneurs d'ordre.

        Les heures comptées d'une mission sur un lot membre sont réparties entre les lots (au
        prorata des obligations, ou selon des parts explicites qui totalisent 1), sans jamais
        compter une heure deux fois. S'applique aux relevés validés ensuite.
        """
        with body_fields(MEMBER_FIELDS):
            agreement = heures.create_agreement(api_actor(), **data)
        db.session.commit()
        return agreement


@blp.route("/mutualisations/<int:agreement_id>")
class AgreementItem(MethodView):
    @blp.response(200, MutualisationAgreementSchema)
    def get(self, agreement_id: int):
        """Une convention de mutualisation et ses lots."""
        return load_scoped(MutualisationAgreement, agreement_id)


class RuleQueryArgs(CountingRuleFilterSchema, PageArgs):
    pass


@blp.route("/regles-comptage")
class CountingRules(MethodView):
    @blp.arguments(RuleQueryArgs, location="query")
    @blp.response(200, page_schema(CountingRuleSchema))
    def get(self, args):
        """Versions des règles de comptage, celle en vigueur en premier.

        Celles du territoire, ou celles propres à un marché (`marche_id`).
        """
        return paginate_list(heures.rules(args.get("marche_id")), args)
