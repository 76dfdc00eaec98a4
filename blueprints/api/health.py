"""API version and liveness; the domain resources come with their issues."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

blp = Blueprint("api_meta", __name__, url_prefix="/api/v1", description="Informations sur l'API")


class VersionSchema(Schema):
    name = fields.String(required=True)
    version = fields.String(required=True)


@blp.route("/version")
class Version(MethodView):
    @blp.doc(security=[])  # public: no token needed
    @blp.response(200, VersionSchema)
    def get(self):
        return {"name": "Guichet Clauses", "version": "v1"}
