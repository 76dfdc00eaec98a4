"""The two database roles, created idempotently from a superuser connection.

- the owner role owns the schema and every table, and runs the migrations;
- the application role is what the service connects with: it owns nothing, cannot bypass
  row-level security, and receives DML rights through default privileges of the owner role.
Tables use FORCE ROW LEVEL SECURITY, so even the owner is filtered when it queries them.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class RoleSpec:
    owner: str = "guichet_owner"
    owner_password: str | None = None
    app: str = "guichet_app"
    app_password: str | None = None
    database: str = "guichet"


def _libpq(url: str) -> str:
    """psycopg wants a libpq URL, without the SQLAlchemy driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _ensure_role(cur: psycopg.Cursor, name: str, password: str | None) -> None:
    exists = cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
    verb = sql.SQL("ALTER ROLE") if exists else sql.SQL("CREATE ROLE")
    statement = sql.SQL(
        "{} {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION INHERIT"
    ).format(verb, sql.Identifier(name))
    cur.execute(statement)
    if password:
        cur.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))


#: the advisory lock that serialises ``create_roles``: two runs at once (two test processes, two
#: deployments) would otherwise fail on "tuple concurrently updated" when both alter a role.
_ROLES_LOCK = 7_461_726_502


def create_roles(superuser_url: str, spec: RoleSpec, drop_database: bool = False) -> None:
    """Create or update both roles and the database, then grant what the application role needs."""
    with psycopg.connect(_libpq(superuser_url), autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", (_ROLES_LOCK,))
        try:
            _create_roles(superuser_url, spec, drop_database)
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", (_ROLES_LOCK,))


def _create_roles(superuser_url: str, spec: RoleSpec, drop_database: bool) -> None:
    with psycopg.connect(_libpq(superuser_url), autocommit=True) as conn, conn.cursor() as cur:
        _ensure_role(cur, spec.owner, spec.owner_password)
        _ensure_role(cur, spec.app, spec.app_password)
        if drop_database:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(spec.database))
            )
        exists = cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (spec.database,)).fetchone()
        if not exists:
            cur.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                    sql.Identifier(spec.database), sql.Identifier(spec.owner)
                )
            )
    target = make_url(_libpq(superuser_url)).set(database=spec.database).render_as_string(hide_password=False)
    owner, app = sql.Identifier(spec.owner), sql.Identifier(spec.app)
    statements: list[sql.Composed | sql.SQL] = [
        sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(spec.database)),
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(sql.Identifier(spec.database), app),
        sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(sql.Identifier(spec.database), owner),
        sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner),
        sql.SQL("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(owner, app),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(owner, app),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(app),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(app),
    ]
    with psycopg.connect(target, autocommit=True) as conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        # accent-insensitive search; trusted, so the migrations may create it too (as the owner).
        # A server built without the contrib modules (the embedded pgserver) lacks it: the
        # migration then folds accents with translate() instead.
        if cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").fetchone():
            cur.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
        # Reference tables (ref_*) stay read-only for the application role.
        cur.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND left(tablename, 4) = 'ref_'"
        )
        for (table,) in cur.fetchall():
            cur.execute(
                sql.SQL("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), app
                )
            )


def role_url(superuser_url: str, role: str, password: str | None, database: str) -> str:
    """The SQLAlchemy URL for ``role`` on the same server as ``superuser_url``."""
    url = make_url(superuser_url).set(
        drivername="postgresql+psycopg", username=role, password=password, database=database
    )
    return url.render_as_string(hide_password=False)
