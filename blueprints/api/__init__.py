"""The JSON API (flask-smorest, OpenAPI at /api/openapi.json). Resources come with each domain."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api


def init_api(app: Flask) -> None:
    from saas.extensions import csrf

    api = Api(
        app, spec_kwargs={"info": {"description": "API de Guichet Clauses (jeton lié à un territoire)."}}
    )
    from blueprints.api.health import blp as health_blp

    api.register_blueprint(health_blp)
    csrf.exempt(health_blp)
    app.extensions["guichet_api"] = api
