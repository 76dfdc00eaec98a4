"""The database the generator fills: its roles, its migrations and reference data (as the
application makes them), the superuser connection the rows are copied through, and the last steps
(identity sequences moved past the rows, statistics).

The rows are written as the superuser, the way the migrations write (row-level security does not
apply to it); every row carries its ``tenant_id`` and no trigger or constraint is disabled.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from saas.dbroles import RoleSpec, create_roles, role_url

ROOT = Path(__file__).resolve().parent.parent


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_name(url: str) -> str:
    name = make_url(url).database
    if not name:
        raise SystemExit("--database-url doit nommer la base à remplir (…/guichet_bench).")
    return name


def maintenance(url: str) -> str:
    """The same server's ``postgres`` database: ``create_roles`` connects there first."""
    return make_url(url).set(database="postgres").render_as_string(hide_password=False)


def prepare(url: str, roles: RoleSpec, redis_url: str, drop: bool = False) -> None:
    """The roles and the database (created when missing, or again with ``drop``), the migrations,
    the reference data."""
    create_roles(maintenance(url), roles, drop_database=drop)
    from flask_migrate import upgrade

    from saas import create_app
    from saas.referentiels.api import load_all

    application = create_app(
        {
            "DATABASE_URL": role_url(url, roles.app, roles.app_password, roles.database),
            "MIGRATION_DATABASE_URL": role_url(url, roles.owner, roles.owner_password, roles.database),
            "REDIS_URL": redis_url,
            "SECRET_KEY": "bench-generate",
        }
    )
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_all()
        from saas.db import db

        db.session.commit()
        db.engine.dispose()


def connect(url: str) -> psycopg.Connection:
    return psycopg.connect(libpq(url))


def check_empty(conn: psycopg.Connection) -> None:
    if conn.execute("SELECT count(*) FROM tenants").fetchone() != (0,):
        raise SystemExit("La base contient déjà des territoires : le générateur remplit une base vide.")


def advance_sequences(conn: psycopg.Connection, tables) -> None:
    """Each identity sequence past the largest identifier written, so the service goes on from there."""
    for table in tables:
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({table}, 'id'), greatest(max(id), 1), max(id) IS NOT NULL)"
                " FROM {ident}"
            ).format(table=sql.Literal(table), ident=sql.Identifier(table))
        )
    conn.commit()


def analyze(url: str) -> None:
    """Statistics for the planner (autovacuum is off on these machines)."""
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        conn.execute("ANALYZE")


def row_counts(conn: psycopg.Connection, tables) -> dict[str, int]:
    return {
        table: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()[0]
        for table in tables
    }


def reference_codes(conn: psycopg.Connection) -> dict:
    """What the rows refer to in the reference tables: communes by département, exit categories."""
    communes: dict[str, list[str]] = {}
    for insee, departement in conn.execute(
        "SELECT insee, departement FROM ref_communes ORDER BY departement, insee"
    ):
        communes.setdefault(departement, []).append(insee)
    exits = dict(conn.execute("SELECT code, category FROM ref_exit_motifs").fetchall())
    return {"communes": communes, "exit_categories": exits}
