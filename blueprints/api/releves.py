"""API resources: monthly hour statements (declare, validate, reject, correct) with the counting in
force and its allocations to lots.

Statements are a ledger: a correction is a new statement that supersedes the one corrected (201),
never an edit. Validation, rejection and correction take the ``row_version`` read as
``expected_version``: when the statement changed in between, the answer is **409** with the
domain's French message, and nothing is written.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest.error_handler import ErrorSchema

from blueprints.api.auth import api_actor, token_blueprint
from blueprints.api.common import PageArgs, page_schema, paginate
from blueprints.api.support import body_fields
from saas.db import db
from saas.heures import api as heures
from saas.heures.enums import Source
from saas.heures.models import HourStatement
from saas.heures.schemas import (
    HourStatementSchema,
    StatementCorrectionSchema,
    StatementFilterSchema,
    StatementRejectionSchema,
    StatementValidationSchema,
)
from tenants.web import load_scoped

blp = token_blueprint(
    "api_releves", __name__, "Relevés mensuels d'heures (registre)", ids={"statement_id": HourStatement}
)

CONFLICT = "Conflit de version : le relevé a changé depuis sa lecture (expected_version dépassée)."


class StatementQueryArgs(StatementFilterSchema, PageArgs):
    pass


@blp.route("/releves")
class Statements(MethodView):
    @blp.arguments(StatementQueryArgs, location="query")
    @blp.response(200, page_schema(HourStatementSchema))
    def get(self, args):
        """Relevés en vigueur (non remplacés).

        Le mois le plus récent en premier ; filtres : statut, mois, mission.
        """
        query = heures.list_query(args.get("status"), args.get("month"), args.get("mission_id"))
        return paginate(query.order_by(HourStatement.month.desc(), HourStatement.id.desc()), args)

    @blp.arguments(HourStatementSchema)
    @blp.response(201, HourStatementSchema)
    def post(self, data):
        """Déclarer les heures d'un mois d'une mission.

        Provenance : api. Un relevé au plus par mission et par mois : sinon, corrigez-le.
        """
        statement = heures.declare(api_actor(), source=Source.api.value, **data)
        db.session.commit()
        return statement


@blp.route("/releves/<int:statement_id>")
class StatementItem(MethodView):
    @blp.response(200, HourStatementSchema)
    def get(self, statement_id: int):
        """Un relevé, avec son comptage en vigueur.

        Heures réalisées et comptées, étapes du calcul, affectations aux lots.
        """
        return load_scoped(HourStatement, statement_id)


@blp.route("/releves/<int:statement_id>/validation")
class StatementValidation(MethodView):
    @blp.arguments(StatementValidationSchema)
    @blp.alt_response(409, schema=ErrorSchema, description=CONFLICT)
    @blp.response(200, HourStatementSchema)
    def post(self, data, statement_id: int):
        """Valider un relevé déclaré.

        Il est compté selon les règles en vigueur et ses heures sont affectées aux lots.
        409 si `expected_version` n'est plus la version du relevé (`row_version`) ; 422 si le
        relevé n'est pas déclaré et en vigueur.
        """
        statement = load_scoped(HourStatement, statement_id)
        expected = data.get("expected_version")
        heures.validate(api_actor(), statement, expected)
        db.session.commit()
        return statement


@blp.route("/releves/<int:statement_id>/rejet")
class StatementRejection(MethodView):
    @blp.arguments(StatementRejectionSchema)
    @blp.alt_response(409, schema=ErrorSchema, description=CONFLICT)
    @blp.response(200, HourStatementSchema)
    def post(self, data, statement_id: int):
        """Rejeter un relevé déclaré.

        Motif obligatoire ; 409 si `expected_version` n'est plus la version du relevé.
        """
        statement = load_scoped(HourStatement, statement_id)
        expected = data.get("expected_version")
        with body_fields({"rejection_reason": "reason"}):
            heures.reject(api_actor(), statement, data["reason"], expected)
        db.session.commit()
        return statement


@blp.route("/releves/<int:statement_id>/correction")
class StatementCorrection(MethodView):
    @blp.arguments(StatementCorrectionSchema)
    @blp.alt_response(409, schema=ErrorSchema, description=CONFLICT)
    @blp.response(201, HourStatementSchema)
    def post(self, data, statement_id: int):
        """Corriger un relevé : un nouveau relevé le remplace.

        Le nouveau relevé, déclaré, porte `supersedes_id` ; l'ancien garde ses chiffres et ses
        heures ne sont plus comptées. 409 si `expected_version` n'est plus la version du relevé.
        """
        statement = load_scoped(HourStatement, statement_id)
        new = heures.correct(api_actor(), statement, source=Source.api.value, **data)
        db.session.commit()
        return new
