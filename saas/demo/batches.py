"""The demo loads in batches: it commits every ``BATCH`` participants and refreshes the planner's
statistics of the tables that grew, so that a territory of thousands of people neither holds one
transaction for minutes nor runs its checks with plans made for empty tables (autovacuum may be
off, and the ledger triggers look rows up at every write).

ANALYZE needs the tables' owner: it runs on a connection of its own to ``OWNER_DATABASE_URI``
(the migration URL), as the reference data loader does.
"""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import create_engine, pool, text

from saas.db import db

#: participants per transaction (each with its missions, follow-ups and twelve months of hours).
BATCH = 100

#: the tables the year fills, whose statistics the ledger's lookups and the pages' plans rely on.
GROWING_TABLES = (
    "participants",
    "participant_identities",
    "eligibilities",
    "missions",
    "follow_ups",
    "hour_statements",
    "hour_countings",
    "hour_allocations",
    "audit_log",
)


def analyze() -> None:
    """ANALYZE the tables the demo fills (as their owner, in a transaction of its own)."""
    engine = create_engine(current_app.config["OWNER_DATABASE_URI"], poolclass=pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE " + ", ".join(GROWING_TABLES)))
    finally:
        engine.dispose()


class Batches:
    """Commit after each batch; ANALYZE when the rows loaded doubled since the last statistics."""

    def __init__(self, done: int, total: int) -> None:
        self.analyzed_at = done
        self.total = total

    def commit(self, done: int) -> None:
        db.session.commit()
        click.echo(f"  {done} personnes sur {self.total}")
        if done >= 2 * self.analyzed_at:
            analyze()
            self.analyzed_at = done
