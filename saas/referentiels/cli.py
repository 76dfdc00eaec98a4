"""``guichet referentiels ...``: load the shipped reference data, import official files."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from psycopg.errors import InsufficientPrivilege
from sqlalchemy.exc import ProgrammingError

from saas.errors import ValidationError
from saas.referentiels import api
from saas.referentiels.loader import DataError

referentiels_group = AppGroup("referentiels", help="Données de référence : charger, importer.")

TABLE_LABELS = {
    "ref_departements": "départements",
    "ref_communes": "communes",
    "ref_items": "éléments de listes",
    "ref_criteria": "critères d'éligibilité",
    "ref_contract_types": "types de contrat",
    "ref_exit_motifs": "motifs de sortie",
    "ref_rome": "fiches ROME",
    "ref_qpv": "quartiers prioritaires (QPV)",
}
NO_RIGHTS = (
    "Écriture refusée sur les tables de référence : le chargement doit se faire avec le rôle "
    "propriétaire (définissez MIGRATION_DATABASE_URL).\n{error}"
)


def _run(action):
    try:
        return action()
    except ValidationError as error:
        raise click.ClickException(error.message) from error
    except DataError as error:
        raise click.ClickException(str(error)) from error
    except InsufficientPrivilege as error:  # raised by the COPY cursor, outside SQLAlchemy
        raise click.ClickException(NO_RIGHTS.format(error=error)) from error
    except ProgrammingError as error:
        if isinstance(error.orig, InsufficientPrivilege):
            raise click.ClickException(NO_RIGHTS.format(error=error.orig)) from error
        raise


@referentiels_group.command("charger")
def load_command() -> None:
    """Charger (ou mettre à jour) toutes les données de référence livrées avec l'application."""
    counts = _run(api.load_all)
    click.echo("Données de référence chargées :")
    for table, count in counts.items():
        click.echo(f"  {TABLE_LABELS.get(table, table)} : {count}")


def _report(result: api.ImportResult, what: str) -> None:
    click.echo(f"{what} : {result.created} ajouté(s), {result.updated} mis à jour.")
    if result.skipped:
        click.echo(f"{len(result.skipped)} ligne(s) ignorée(s) :")
        for line, reason in result.skipped:
            click.echo(f"  ligne {line} : {reason}")


@referentiels_group.command("importer-rome")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_rome_command(fichier: Path) -> None:
    """Importer le référentiel ROME complet (CSV : code ; libellé ; domaine facultatif)."""
    _report(_run(lambda: api.import_rome(fichier)), "Fiches ROME")


@referentiels_group.command("importer-qpv")
@click.argument("fichier", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_qpv_command(fichier: Path) -> None:
    """Importer la liste officielle des QPV (CSV : code du quartier ; nom ; code(s) INSEE des communes)."""
    _report(_run(lambda: api.import_qpv(fichier)), "Quartiers prioritaires")
