"""``guichet federation ...``: what the operator sets for reports between two instances, and the
day's reports at once (the worker does them every day by itself).

- ``cle``: a new signing key of a membership (printed once, to give to the other end, which adds
  it with ``--cle-id`` and ``--secret``); ``--retirer-anciennes`` retires the older ones;
- ``secret-personnes``: a new generation of the federation's person secret (printed once, for the
  member territories on other instances);
- ``adresse``: where a territory of this service sends its reports (its Département's instance);
- ``membre-distant``: a territory of another instance, on the Département's instance;
- ``rapports``: the day's reports of every member territory of a Département on this service.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from saas import clock
from saas.db import db
from saas.errors import ValidationError
from saas.federation import keys, links, schedule
from tenants import context


@click.group("federation")
def federation_group() -> None:
    """Rapports aux Départements : clés, adresses, membres distants, envoi du jour."""


def _platform(action):
    try:
        with context.scoped(platform=True):
            result = action()
            db.session.commit()
            return result
    except ValidationError as error:
        raise click.ClickException(error.message) from error


DEPARTEMENT = click.option("--departement", "code", required=True, help="Code du Département (93).")
TERRITOIRE = click.option("--territoire", "slug", required=True, help="Identifiant du territoire.")


@federation_group.command("cle")
@DEPARTEMENT
@TERRITOIRE
@click.option("--cle-id", default=None, help="Identifiant de la clé donnée par l'autre instance.")
@click.option("--secret", default=None, help="Secret (hexadécimal) donné par l'autre instance.")
@click.option("--retirer-anciennes", is_flag=True, help="Retirer les clés plus anciennes.")
@with_appcontext
def key_command(
    code: str, slug: str, cle_id: str | None, secret: str | None, retirer_anciennes: bool
) -> None:
    """Ajouter une clé de signature à l'adhésion d'un territoire."""
    given = bytes.fromhex(secret) if secret else None

    def add():
        federation_id = links.federation_id(code)
        key = keys.add_key(federation_id, slug, cle_id, given)
        retired = keys.retire_older(federation_id, slug) if retirer_anciennes else 0
        return key.key_id, key.secret.hex(), retired

    key_id, shown, retired = _platform(add)
    click.echo(f"Clé {key_id} ajoutée ({retired} clé(s) retirée(s)).")
    if not secret:
        click.echo(f"À donner à l'autre instance : --cle-id {key_id} --secret {shown}")


@federation_group.command("secret-personnes")
@DEPARTEMENT
@click.option("--secret", default=None, help="Secret (hexadécimal) de la génération en cours ailleurs.")
@with_appcontext
def person_secret_command(code: str, secret: str | None) -> None:
    """Commencer une nouvelle génération des clés de personnes du Département."""
    made = _platform(
        lambda: keys.new_person_generation(
            links.federation_id(code), bytes.fromhex(secret) if secret else None
        )
    )
    click.echo(f"Génération {made.generation} des clés de personnes.")
    if not secret:
        click.echo(f"À donner aux territoires membres sur d'autres instances : --secret {made.secret.hex()}")


@federation_group.command("adresse")
@DEPARTEMENT
@TERRITOIRE
@click.option("--url", default=None, help="Adresse de l'instance du Département ; sans elle : ce service.")
@with_appcontext
def endpoint_command(code: str, slug: str, url: str | None) -> None:
    """Dire où un territoire de ce service envoie ses rapports."""
    _platform(lambda: links.set_endpoint(code, slug, url))
    click.echo(f"Les rapports de {slug} iront à {url or 'ce service'}.")


@federation_group.command("membre-distant")
@DEPARTEMENT
@TERRITOIRE
@click.option("--nom", required=True, help="Nom du territoire.")
@with_appcontext
def remote_member_command(code: str, slug: str, nom: str) -> None:
    """Inscrire un territoire d'une autre instance auprès du Département de ce service."""
    _platform(lambda: links.add_remote_member(code, slug, nom))
    click.echo(f"{nom} ({slug}) est membre du Département {code}.")


@federation_group.command("rapports")
@DEPARTEMENT
@click.option("--date", "day", default=None, help="Jour à traiter (AAAA-MM-JJ), aujourd'hui par défaut.")
@with_appcontext
def reports_command(code: str, day: str | None) -> None:
    """Produire les rapports dus et les versions corrigées de chaque territoire membre."""
    when = date.fromisoformat(day) if day else clock.today()
    query = text(
        "SELECT t.id, t.slug FROM tenant_federations tf JOIN tenants t ON t.id = tf.tenant_id "
        "JOIN federations f ON f.id = tf.federation_id WHERE f.code = :code AND t.active ORDER BY t.slug"
    )
    with context.scoped(platform=True):
        members = db.session.execute(query, {"code": code}).all()
        db.session.remove()
    for tenant_id, slug in members:
        with context.scoped(tenant_id):
            result = schedule.run_day(when)
            db.session.commit()
            db.session.remove()
        click.echo(f"{slug} : " + ", ".join(f"{key} {value}" for key, value in result.items()))
