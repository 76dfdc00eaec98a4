"""The ``guichet`` command (also ``flask --app saas``): serve, worker, demo, roles, tenants."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate.cli import db as db_group
from werkzeug.serving import run_simple

from saas import create_app, embedded
from saas.dbroles import RoleSpec, create_roles
from saas.embedded import EmbeddedUnavailable

#: seconds the worker gets to finish the job in hand when the service stops.
WORKER_STOP_SECONDS = 10


def _create_app():
    try:
        return create_app()
    except EmbeddedUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Guichet Clauses : guichet unique des clauses sociales d'insertion."""


@db_group.command("create-roles")
@click.option(
    "--superuser-url", required=True, envvar="SUPERUSER_DATABASE_URL", help="URL d'un superutilisateur."
)
@click.option("--database", default="guichet", show_default=True)
@click.option("--owner", default="guichet_owner", show_default=True)
@click.option("--owner-password", envvar="OWNER_DB_PASSWORD", default=None)
@click.option("--app-role", default="guichet_app", show_default=True)
@click.option("--app-password", envvar="APP_DB_PASSWORD", default=None)
def create_roles_command(superuser_url, database, owner, owner_password, app_role, app_password) -> None:
    """Créer (ou mettre à jour) les rôles propriétaire et applicatif et la base. Idempotent."""
    create_roles(superuser_url, RoleSpec(owner, owner_password, app_role, app_password, database))
    click.echo(f"Rôles {owner} (propriétaire) et {app_role} (application) prêts sur la base {database}.")


@db_group.command("citus-plan")
@with_appcontext
def citus_plan_command() -> None:
    """Afficher les instructions Citus qui distribuent le schéma par territoire (infra/README.md)."""
    from saas.db import db
    from saas.distribution import plan

    with db.engine.connect() as connection:
        for statement in plan(connection):
            click.echo(statement)


@click.command("worker")
@click.option("--cron/--no-cron", default=True, help="Lancer aussi le planificateur périodique (balayage).")
@click.option("--burst", is_flag=True, help="Traiter la file puis s'arrêter.")
@with_appcontext
def worker_command(cron: bool, burst: bool) -> None:
    """Lancer un worker RQ avec son planificateur (production)."""
    from workers.runner import run_worker

    run_worker(current_app._get_current_object(), with_cron=cron, burst=burst)  # type: ignore[attr-defined]  # a LocalProxy


def _load_demo(participants: int, years: bool = True) -> None:
    from saas.demo.territories import load_demo, print_logins
    from saas.demo.year import YearSize
    from saas.referentiels.api import load_all

    load_all()  # reference data first: the demo refers to communes, criteria, contract types
    print_logins(load_demo(YearSize(participants=participants), years=years))


PARTICIPANTS_OPTION = click.option(
    "--participants",
    default=200,
    show_default=True,
    type=click.IntRange(0, 5000),
    help="Participants par territoire de démonstration (année d'activité simulée).",
)


@click.command("demo")
@PARTICIPANTS_OPTION
@with_appcontext
def demo_command(participants: int) -> None:
    """Charger les six territoires de démonstration et afficher les identifiants."""
    _load_demo(participants)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo/--no-demo", default=False, help="Charger les données de démonstration au démarrage.")
@click.option(
    "--worker/--no-worker", default=None, help="Lancer un worker (par défaut : avec Redis embarqué)."
)
@PARTICIPANTS_OPTION
@with_appcontext
def serve_command(host: str, port: int, demo: bool, worker: bool | None, participants: int) -> None:
    """Lancer le service (serveur de développement) et, en mode embarqué, un worker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # current_app is a LocalProxy
    if "SESSION_COOKIE_SECURE" not in os.environ and host in ("127.0.0.1", "localhost", "::1"):
        # the development server speaks plain HTTP on the loopback; production keeps Secure cookies
        app.config["SESSION_COOKIE_SECURE"] = False
    loader = None
    if demo:
        # the accounts now (every login works), the years in a process of their own while serving
        _load_demo(participants, years=False)
        loader = _start_child(app, "demo", "--participants", str(participants))
        click.echo("Données de démonstration : chargement des années d'activité en arrière-plan.")
    if worker is None:
        worker = bool(app.config.get("EMBEDDED_REDIS") or app.config.get("EMBEDDED_DATABASE"))
    child = _start_child(app, "worker") if worker else None
    # SIGTERM (a service manager, ``kill``) stops the service as Ctrl+C does
    signal.signal(signal.SIGTERM, _interrupt)
    click.echo(f"Guichet Clauses : http://{host}:{port}/  (Ctrl+C pour arrêter)")
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    except KeyboardInterrupt:
        pass
    finally:
        _stop_child(loader)  # an interrupted load is finished by the next one
        _stop_child(child)
        from saas.db import db

        db.engine.dispose()
        embedded.stop_all()
        click.echo("Guichet Clauses arrêté.")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _start_child(app, *command: str) -> subprocess.Popen:
    """A ``guichet`` command on the same servers (the embedded mode's worker, the demo's years), in
    a process group of its own (worker, job, scheduler)."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "MIGRATION_DATABASE_URL": app.config["OWNER_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "SECRET_KEY": app.config["SECRET_KEY"],
        }
    )
    argv = [sys.executable, "-m", "saas", *command]  # commands of this program, never user input
    return subprocess.Popen(argv, env=env, start_new_session=True)  # noqa: S603


def _stop_child(child: subprocess.Popen | None) -> None:
    """Stop the child's whole group: it finishes the job in hand, or is killed after a while."""
    if child is None or child.poll() is not None:
        return
    os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait(timeout=WORKER_STOP_SECONDS)
    with contextlib.suppress(ProcessLookupError):  # what the group still holds (a work horse)
        os.killpg(child.pid, signal.SIGKILL)


@click.command("create-operator")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.password_option("--password", confirmation_prompt=True)
@with_appcontext
def create_operator_command(email: str, display_name: str, password: str) -> None:
    """Créer (ou promouvoir) un opérateur de la plateforme."""
    from saas.accounts import api as accounts
    from saas.db import db
    from saas.errors import ValidationError

    user, _ = accounts.find_or_create_user(email, display_name)
    try:
        accounts.set_password(user, password)
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    user.is_operator = True
    db.session.commit()
    click.echo(f"Opérateur {user.email} prêt.")


def register(app) -> None:
    """Attach the commands to ``app.cli``: the same under ``guichet`` and ``flask --app saas``."""
    from saas.accounts.cli import accounts_group
    from saas.conventions.cli import conventions_group
    from saas.federation.cli import federation_group
    from saas.referentiels.cli import referentiels_group
    from tenants.cli import tenants_group

    commands = (worker_command, demo_command, serve_command, create_operator_command, tenants_group)
    for command in (*commands, referentiels_group, conventions_group, accounts_group, federation_group):
        app.cli.add_command(command)
