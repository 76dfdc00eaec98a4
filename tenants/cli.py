"""``guichet tenants ...``: list tenants and run a command in one tenant's scope."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from saas.accounts import memberships
from saas.audit import api as audit
from saas.db import db
from saas.errors import ValidationError
from tenants import api as tenants_api
from tenants import context

tenants_group = AppGroup("tenants", help="Territoires : lister, créer.")

CLI_ACTOR = audit.Actor(email="cli")


@tenants_group.command("list")
def list_command() -> None:
    with context.scoped(platform=True):
        for tenant in tenants_api.all_tenants():
            codes = ", ".join(f.code for f in tenant.federations) or "-"
            click.echo(f"{tenant.id}\t{tenant.slug}\t{tenant.name}\t{tenant.kind}\tDépartements: {codes}")


@tenants_group.command("create")
@click.option("--slug", required=True)
@click.option("--name", required=True)
@click.option(
    "--kind", type=click.Choice(["agglomeration", "commune", "ept", "plie", "maison_emploi"]), required=True
)
@click.option("--admin-email", required=True)
@click.option("--admin-name", required=True)
def create_command(slug: str, name: str, kind: str, admin_email: str, admin_name: str) -> None:
    """Créer un territoire et inviter son premier administrateur (le lien lui est envoyé par courriel)."""
    try:
        with context.scoped(platform=True):
            tenant = memberships.create_tenant(CLI_ACTOR, slug, name, kind)
            db.session.commit()
        with context.scoped(tenant.id):
            tenants_api.enter_tenant(tenant.id, None)
            memberships.invite_member(CLI_ACTOR, admin_email, admin_name, "tenant_admin")
            db.session.commit()
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Territoire {tenant.slug} créé.")
    click.echo(
        f"Invitation envoyée par courriel à {admin_email} (en mode intégré : dans le journal du serveur)."
    )
