"""HTTP only: one blueprint per audience. Blueprints parse input, call saas/tenants apis, render."""

from __future__ import annotations

from flask import Flask

from blueprints import errors, ui


def init_app(app: Flask) -> None:
    from blueprints.admin import bp as admin_bp
    from blueprints.api import init_api
    from blueprints.auth import bp as auth_bp
    from blueprints.auth.sessions import init_login
    from blueprints.compte import bp as compte_bp
    from blueprints.compte import public_bp as notifications_bp
    from blueprints.departement import bp as departement_bp
    from blueprints.guichet import bp as guichet_bp
    from blueprints.plateforme import bp as plateforme_bp
    from blueprints.portail import bp as portail_bp

    init_login(app)
    ui.init_app(app)
    errors.init_app(app)
    for blueprint in (
        auth_bp,
        guichet_bp,
        admin_bp,
        portail_bp,
        plateforme_bp,
        departement_bp,
        compte_bp,
        notifications_bp,
    ):
        app.register_blueprint(blueprint)
    init_api(app)
