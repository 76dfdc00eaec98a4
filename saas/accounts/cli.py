"""``guichet comptes reinitialiser-mfa``: the way back in for a person who lost their device and
their recovery codes — an operator's included.

A command, not a page: it needs access to the server, so a stolen web session (even an operator's)
cannot strip another person of their second factor. The reset is audited and ends every session of
the person; a role that requires a second factor enrols again at the next login.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from saas.accounts import api as accounts
from saas.accounts import mfa
from saas.audit import api as audit
from saas.db import db
from tenants import context


@click.group("comptes")
def accounts_group() -> None:
    """Comptes : réinitialiser la double authentification d'une personne."""


@accounts_group.command("reinitialiser-mfa")
@click.argument("email")
@click.option("--motif", required=True, help="Pourquoi (par exemple « téléphone perdu, identité vérifiée »).")
@with_appcontext
def reset_mfa_command(email: str, motif: str) -> None:
    """Retirer l'application d'authentification et les codes de secours d'une personne."""
    with context.scoped(platform=True):
        user = accounts.user_by_email(email)
        if user is None:
            raise click.ClickException(f"Aucun compte pour l'adresse {email}.")
        mfa.reset(audit.Actor(email="cli"), user, motif)
        db.session.commit()
    click.echo(
        f"Double authentification de {user.email} réinitialisée ; elle devra être activée "
        "à nouveau à la prochaine connexion si son rôle l'exige."
    )
