"""The tests' databases: one per pytest-xdist worker, cloned from a template that holds the
migrations and the reference data; and the worker's base transaction that each test runs in.

The template ``guichet_test_<namespace>_template_<fingerprint>`` is built once (under an advisory
lock: the workers start together) and kept between runs: its name carries a fingerprint of what
makes it (the migrations, the reference data and its loader, the roles), so that a change of any of
them builds a new one and drops the old.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import psycopg
import redis as redis_lib
from flask_sqlalchemy.session import Session
from psycopg import sql
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import make_url

from saas.db import db
from saas.dbroles import RoleSpec, create_roles, role_url
from tenants import context
from tenants.orm import SETTINGS, set_scope

ROOT = Path(__file__).resolve().parent.parent
OWNER, OWNER_PASSWORD = "guichet_test_owner", "test-owner-pw"
APP_ROLE, APP_PASSWORD = "guichet_test_app", "test-app-pw"
#: what the template is made of: a change to any of these files builds a new one.
TEMPLATE_SOURCES = (
    "migrations",
    "saas/referentiels",
    "saas/dbroles.py",
    "tenants/rls.py",
    "tests/database.py",
)
_TEMPLATE_LOCK = 7_461_726_503


def fingerprint() -> str:
    digest = hashlib.sha256()
    for source in TEMPLATE_SOURCES:
        path = ROOT / source
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def spec(database: str) -> RoleSpec:
    return RoleSpec(OWNER, OWNER_PASSWORD, APP_ROLE, APP_PASSWORD, database)


def create_database(superuser: str, name: str, prefix: str, redis_url: str) -> None:
    """``name``, a fresh copy of the current template (built first when missing), with the roles'
    rights on it. ``superuser`` is a SQLAlchemy URL."""
    template = f"{prefix}template_{fingerprint()}"
    libpq = make_url(superuser).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_TEMPLATE_LOCK,))
        try:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (template,)).fetchone()
            if not exists:
                stale = conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                    (prefix.replace("_", r"\_") + r"template\_%", template),
                ).fetchall()
                for (old,) in stale:
                    conn.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(old))
                    )
                build_template(superuser, template, redis_url)
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (template,)
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(template), sql.Identifier(OWNER)
                )
            )
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_TEMPLATE_LOCK,))
    create_roles(superuser, spec(name))  # the rights on the database itself are not copied


def build_template(superuser: str, template: str, redis_url: str) -> None:
    """The roles' rights, the migrations and the platform reference data (shared by every test and
    never truncated), by a process of its own: one process holds one application."""
    create_roles(superuser, spec(template), drop_database=True)
    subprocess.run(
        [sys.executable, "-m", "tests.database", superuser, template, redis_url], cwd=ROOT, check=True
    )


def _migrate_and_load(superuser: str, template: str, redis_url: str) -> None:
    from flask_migrate import upgrade

    from saas import create_app
    from saas.referentiels.api import load_all

    application = create_app(
        {
            "DATABASE_URL": role_url(superuser, APP_ROLE, APP_PASSWORD, template),
            "MIGRATION_DATABASE_URL": role_url(superuser, OWNER, OWNER_PASSWORD, template),
            "REDIS_URL": redis_url,
            "SECRET_KEY": "tests-template",
            "TESTING": True,
        }
    )
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load_all()


#: every table but the reference ones (never truncated) and alembic's.
TRUNCATED_TABLES = (
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
    "AND tablename <> 'alembic_version' AND left(tablename, 4) <> 'ref_'"
)


def truncate(engine) -> None:
    """After a committed test: the tables emptied, their identities restarted."""
    with engine.begin() as conn:
        names = ", ".join(f'"{table}"' for table in conn.exec_driver_sql(TRUNCATED_TABLES).scalars())
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


#: marks what the harness sends, that ``tests.sql_count`` leaves out of a request's cost.
HARNESS_MARK = "-- test harness"
#: a transaction's local settings end with it; a savepoint released keeps them: the harness clears
#: them when the application's transaction (a savepoint here) ends, as PostgreSQL does at a commit.
_END_OF_TRANSACTION = (
    "SELECT " + ", ".join(f"set_config('{name}', '', true)" for name in SETTINGS) + f" {HARNESS_MARK}"
)


class _JoinedSession(Session):
    """Flask-SQLAlchemy's session, always on the test's connection (it would pick the app's engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@event.listens_for(_JoinedSession, "after_transaction_end")
def _end_of_transaction(session, transaction) -> None:
    connection = session.bind
    if transaction.parent is None and connection.in_transaction() and not failed(connection):
        connection.exec_driver_sql(_END_OF_TRANSACTION)


class Base:
    """One connection per worker, whose open transaction holds what the tests start from: nothing
    but the reference data, or the two tenants of :func:`tests.fixtures.build_two_tenants` (built
    once, not once per test). Each test runs in a savepoint of it, rolled back at its end.

    The connection logs in as superuser and takes the application role (``SET ROLE``): the
    application's sessions run on it as the application role, row-level security applying, and their
    ``commit`` only releases a savepoint (``join_transaction_mode="create_savepoint"``).
    """

    def __init__(self, app, engine):
        self.app, self.engine = app, engine
        self.redis = redis_lib.Redis.from_url(app.config["REDIS_URL"])
        self.connection = self.transaction = self.kind = None
        self.worlds: tuple = ()
        self.redis_keys: dict[bytes, bytes] = {}

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.transaction.rollback()
                self.connection.close()
            except Exception:  # a test broke it: never reuse it
                self.connection.invalidate()
        self.connection = self.transaction = self.kind = None

    def ensure(self, kind: str) -> None:
        if self.kind == kind:
            return
        self.close()
        self.connection = self.engine.connect()
        self.transaction = self.connection.begin()
        self.connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")
        self.kind, self.worlds, self.redis_keys = kind, (), {}
        self.redis.flushdb()
        if kind == "two_tenants":
            from tests.fixtures import build_two_tenants

            with self.bound():
                self.worlds = build_two_tenants(self.app)
            self.redis_keys = {key: self.redis.dump(key) for key in self.redis.scan_iter()}

    @contextmanager
    def bound(self):
        """Flask-SQLAlchemy's sessions on this connection while the block runs."""
        factory = db.session.session_factory
        saved = factory.class_, dict(factory.kw)
        with self.app.app_context():
            db.session.remove()
        factory.class_ = _JoinedSession
        factory.configure(bind=self.connection, join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            with self.app.app_context():
                db.session.remove()
            factory.class_, factory.kw = saved

    @contextmanager
    def test(self):
        savepoint = self.connection.begin_nested()
        try:
            with self.bound():
                yield self.connection
        finally:
            try:
                savepoint.rollback()
                self.connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")
            except Exception:  # the test ended or broke the transaction itself: start again from scratch
                self.close()
            self.redis.flushdb()
            for key, value in self.redis_keys.items():
                self.redis.restore(key, 0, value)


def failed(connection) -> bool:
    """Whether the transaction is aborted (an error, not yet rolled back)."""
    return connection.connection.dbapi_connection.info.transaction_status == TransactionStatus.INERROR


class SharedConnection:
    """Stands in for an engine in a rolled-back test: ``connect()`` and ``begin()`` give the test's
    connection inside a savepoint, as ``role`` (None: the superuser) and with no scope set;
    ``connect()`` rolls the savepoint back at its end, ``begin()`` keeps its work."""

    def __init__(self, connection, url, role: str | None):
        self.connection, self.url, self.role = connection, url, role

    @contextmanager
    def connect(self):
        savepoint = self.connection.begin_nested()
        try:
            yield self._enter()
        finally:
            if savepoint.is_active:
                savepoint.rollback()
            self.connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")

    @contextmanager
    def begin(self):
        savepoint = self.connection.begin_nested()
        try:
            yield self._enter()
        except BaseException:
            if savepoint.is_active:
                savepoint.rollback()
            raise
        else:
            if failed(self.connection):  # as PostgreSQL does a COMMIT of a failed transaction
                savepoint.rollback()
            else:
                savepoint.commit()
        finally:
            self.connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")

    def _enter(self):
        self.connection.exec_driver_sql(f"SET ROLE {self.role}" if self.role else "RESET ROLE")
        set_scope(self.connection, context.EMPTY)
        return self.connection

    def dispose(self) -> None:
        pass


if __name__ == "__main__":
    _migrate_and_load(*sys.argv[1:4])
