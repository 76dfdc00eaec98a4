"""``guichet conventions quotidien``: the conventions' day for every active tenant, at once.

The worker does it by itself every day (``workers/daily.py``); the command is for operators (a
worker stopped for days) and for trying the reminders on the demo. Safe to run again: renewals and
reminders are never recorded twice.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import text

from saas.conventions import reminders
from saas.db import db
from tenants import context


@click.group("conventions")
def conventions_group() -> None:
    """Conventions : travail quotidien (reconductions, calendrier, rappels)."""


@conventions_group.command("quotidien")
@click.option("--date", "day", default=None, help="Jour à traiter (AAAA-MM-JJ), aujourd'hui par défaut.")
@with_appcontext
def daily_command(day: str | None) -> None:
    """Reconduire, mettre à jour les calendriers et envoyer les rappels du jour, territoire par territoire."""
    when = date.fromisoformat(day) if day else None
    with context.scoped(platform=True):
        tenants = db.session.execute(text("SELECT id, slug FROM tenants WHERE active ORDER BY slug")).all()
        db.session.remove()
    for tenant_id, slug in tenants:
        with context.scoped(tenant_id):
            result = reminders.run_daily(when)
            db.session.commit()
            db.session.remove()
        click.echo(f"{slug} : " + ", ".join(f"{key} {value}" for key, value in result.items()))
