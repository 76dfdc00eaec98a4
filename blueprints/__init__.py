"""HTTP only: one blueprint per audience. Blueprints parse input, call saas/tenants apis, render."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from blueprints import errors, headers, ui
from saas.bounds import MAX_ID


class IdConverter(IntegerConverter):
    """``<int:...>`` everywhere (pages and API): an integer the database can hold, else 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    # before any rule is added: rules resolve their converters when they are bound to the map.
    app.url_map.converters["int"] = IdConverter
    from blueprints.acheteur import bp as acheteur_bp
    from blueprints.admin import bp as admin_bp
    from blueprints.api import init_api
    from blueprints.auth import bp as auth_bp
    from blueprints.auth.sessions import init_login
    from blueprints.compte import bp as compte_bp
    from blueprints.compte import public_bp as notifications_bp
    from blueprints.compte import security_bp
    from blueprints.departement import bp as departement_bp
    from blueprints.departement.reception import bp as reception_bp
    from blueprints.guichet import bp as guichet_bp
    from blueprints.plateforme import bp as plateforme_bp
    from blueprints.portail import bp as portail_bp

    init_login(app)
    headers.init_app(app)
    ui.init_app(app)
    errors.init_app(app)
    for blueprint in (
        auth_bp,
        guichet_bp,
        admin_bp,
        portail_bp,
        acheteur_bp,
        plateforme_bp,
        departement_bp,
        reception_bp,
        compte_bp,
        notifications_bp,
        security_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)
