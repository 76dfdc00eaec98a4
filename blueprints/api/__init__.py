"""The JSON API (flask-smorest, OpenAPI at /api/openapi.json). Resources come with each domain.

Every resource under ``/api/v1`` except the version requires a token of one tenant (see
``blueprints.api.auth``); how to add one is written in ``blueprints.api.common``.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from blueprints.api.auth import SECURITY_SCHEME
from saas import schemas as s


class GuichetApi(Api):
    """flask-smorest would answer every HTTP error of the whole site in JSON; ours are per blueprint
    (``blueprints.api.common.register``) and ``blueprints.errors`` keeps the HTML pages."""

    def _register_error_handlers(self):
        pass


def _resources():
    from blueprints.api.bilans import blp as bilans_blp
    from blueprints.api.comites import blp as comites_blp
    from blueprints.api.conventions import blp as conventions_blp
    from blueprints.api.health import blp as health_blp
    from blueprints.api.marches import blp as marches_blp
    from blueprints.api.missions import blp as missions_blp
    from blueprints.api.mutualisations import blp as mutualisations_blp
    from blueprints.api.organisations import blp as organisations_blp
    from blueprints.api.partenaire import blp as partenaire_blp
    from blueprints.api.participants import blp as participants_blp
    from blueprints.api.progress import blp as progress_blp
    from blueprints.api.releves import blp as releves_blp

    return [
        health_blp,
        organisations_blp,
        marches_blp,
        progress_blp,
        participants_blp,
        missions_blp,
        releves_blp,
        mutualisations_blp,
        comites_blp,
        conventions_blp,
        bilans_blp,
        partenaire_blp,
    ]


def init_api(app: Flask) -> None:
    from blueprints.api.common import register

    api = GuichetApi(
        app,
        spec_kwargs={
            "info": {"description": "API de Guichet Clauses (jeton lié à un territoire)."},
            # every operation requires a token unless it says otherwise (the version)
            "security": [{SECURITY_SCHEME: []}],
        },
    )
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton d'API créé par un administrateur du territoire (Administration > "
            "Jetons d'API), envoyé dans l'en-tête « Authorization: Bearer gc_… ». Un jeton "
            "« lecture » ne peut que lire.",
        },
    )
    # decimals are strings (saas.schemas.DECIMAL_PATTERN): the document says so, not "number".
    api.register_field(s.Decimal, "string", "decimal")
    for blp in _resources():
        register(api, blp)
    app.extensions["guichet_api"] = api
