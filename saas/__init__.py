"""Guichet Clauses: the application factory (the composition root).

``create_app`` reads the configuration, starts the embedded PostgreSQL and Redis when no server is
configured, binds the extensions, installs the tenant-scoping hooks and registers the blueprints.
Nothing is built at import time.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from saas import config as config_module
from saas import embedded
from saas import logging as guichet_logging

ROOT = Path(__file__).resolve().parent.parent


def _import_models() -> None:
    """Every model module, so that metadata (and Alembic) sees every table."""
    import saas.accounts.mfa_models
    import saas.accounts.models
    import saas.audit.models
    import saas.bilans.models
    import saas.comites.models
    import saas.conventions.models
    import saas.federation.models
    import saas.heures.models
    import saas.jobs.models
    import saas.mail.models
    import saas.marches.models
    import saas.parcours.models
    import saas.partenaires.models
    import saas.participants.models
    import saas.privacy.models
    import saas.referentiels.models  # noqa: F401
    import tenants.models  # noqa: F401


def _resolve_services(config: dict) -> None:
    instance = Path(config["INSTANCE_PATH"])
    urls = config_module.database_urls(config)
    if urls is None:
        app_url, owner_url = embedded.database_urls(instance)
        config["EMBEDDED_DATABASE"] = True
    else:
        app_url, owner_url = urls.app, urls.owner
        config["EMBEDDED_DATABASE"] = False
    config["SQLALCHEMY_DATABASE_URI"] = app_url
    config["OWNER_DATABASE_URI"] = owner_url
    if not config.get("REDIS_URL"):
        config["REDIS_URL"] = embedded.start_redis(instance)
        config["EMBEDDED_REDIS"] = True
    if not config.get("SECRET_KEY"):
        if not config["EMBEDDED_DATABASE"]:
            raise RuntimeError("SECRET_KEY doit être défini quand DATABASE_URL l'est (production).")
        config["SECRET_KEY"] = _instance_secret(instance)


def _instance_secret(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(overrides: dict | None = None) -> Flask:
    config = config_module.load(overrides)
    guichet_logging.configure(config["LOG_LEVEL"], config["LOG_JSON"])
    _resolve_services(config)
    config["MIGRATIONS_DIR"] = ROOT / "migrations"

    app = Flask(
        "saas",
        instance_path=config["INSTANCE_PATH"],
        template_folder=str(ROOT / "blueprints" / "templates"),
        static_folder=str(ROOT / "blueprints" / "static"),
    )
    app.config.update(config)
    from saas.security import configure_hasher

    configure_hasher(
        config["PASSWORD_HASH_TIME_COST"],
        config["PASSWORD_HASH_MEMORY_KIB"],
        config["PASSWORD_HASH_PARALLELISM"],
    )
    if config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # the middleware wrapping Flask documents
            app.wsgi_app, x_for=config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )

    _import_models()
    from sqlalchemy.orm import Session

    from saas import extensions
    from saas.db import install_commit_hooks
    from tenants import orm

    extensions.init_app(app)
    orm.install(Session)
    install_commit_hooks(Session)

    import blueprints
    import workers

    blueprints.init_app(app)
    workers.init_app(app)

    from saas import cli

    cli.register(app)

    if config["EMBEDDED_DATABASE"]:
        from flask_migrate import upgrade

        with app.app_context():
            upgrade(directory=str(config["MIGRATIONS_DIR"]))
    return app
