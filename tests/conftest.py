"""Test harness: a real PostgreSQL (roles, real migrations) and a real Redis.

``DATABASE_URL`` must point at a server where it may create roles and databases (a superuser);
``REDIS_URL`` at a Redis server (the tests use database 15 of it and flush it). Without them,
the embedded PostgreSQL and Redis under ``instance/test-*`` are started, as for the service.
The application connects as the application role, exactly as in production.
"""

from __future__ import annotations

import copy
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis as redis_lib
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from saas import create_app
from saas.config import normalise_pg_url
from saas.db import db
from saas.dbroles import RoleSpec, create_roles, role_url
from tenants import context
from tenants.orm import _set_config_statement

ROOT = Path(__file__).resolve().parent.parent
OWNER, OWNER_PASSWORD = "guichet_test_owner", "test-owner-pw"
APP_ROLE, APP_PASSWORD = "guichet_test_app", "test-app-pw"
#: a light argon2id cost: the suite hashes hundreds of passwords; the hashing itself is the
#: library's, tested by it. In the environment too, for the services the tests start as processes.
LIGHT_PASSWORD_HASH = {
    "PASSWORD_HASH_TIME_COST": "1",
    "PASSWORD_HASH_MEMORY_KIB": "1024",
    "PASSWORD_HASH_PARALLELISM": "1",
}
os.environ.update(LIGHT_PASSWORD_HASH)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def _superuser_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_pg_url(url)
    from saas.embedded import start_postgres

    return normalise_pg_url(start_postgres(ROOT / "instance" / "test"))


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        from saas.embedded import start_redis

        url = start_redis(ROOT / "instance" / "test")
    # one Redis database per pytest-xdist worker: each flushes its own
    number = 15 - int(re.sub(r"\D", "", _worker()) or 0)
    base = url.split("?")[0]
    if base.startswith("unix://"):
        return f"{base}?db={number}"
    return re.sub(r"(/\d+)?$", f"/{number}", base, count=1)


@pytest.fixture(scope="session")
def database_urls():
    superuser = _superuser_url()
    # GUICHET_TEST_NAMESPACE lets several checkouts share one server without sharing databases.
    namespace = os.environ.get("GUICHET_TEST_NAMESPACE", "")
    name = f"guichet_test_{namespace + '_' if namespace else ''}{_worker()}"
    create_roles(superuser, RoleSpec(OWNER, OWNER_PASSWORD, APP_ROLE, APP_PASSWORD, name), drop_database=True)
    return {
        "superuser": make_url(superuser).set(database=name).render_as_string(hide_password=False),
        "owner": role_url(superuser, OWNER, OWNER_PASSWORD, name),
        "app": role_url(superuser, APP_ROLE, APP_PASSWORD, name),
    }


@pytest.fixture(scope="session")
def app(database_urls):
    application = create_app(
        {
            "DATABASE_URL": database_urls["app"],
            "MIGRATION_DATABASE_URL": database_urls["owner"],
            "REDIS_URL": _redis_url(),
            "SECRET_KEY": "tests-secret-key",
            "TESTING": True,
            "SERVER_NAME": "localhost",
            "PREFERRED_URL_SCHEME": "https",
            **{name: int(value) for name, value in LIGHT_PASSWORD_HASH.items()},
        }
    )
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        from saas.referentiels.api import load_all

        load_all()  # platform reference data, shared by every test and never truncated
    from workers.app import set_app

    set_app(application)
    return application


@pytest.fixture(scope="session")
def _engines(database_urls):
    """The real engines: the superuser one bypasses row-level security (seeding, catalogue checks,
    cleaning only), the application role one is subject to it."""
    engines = {
        "superuser": create_engine(database_urls["superuser"]),
        "app": create_engine(database_urls["app"]),
    }
    yield engines
    for engine in engines.values():
        engine.dispose()


def _committed(request) -> bool:
    return request.node.get_closest_marker("committed") is not None


@pytest.fixture
def superuser_engine(request, _engines):
    """Bypasses row-level security. In a rolled-back test, the test's own connection as superuser."""
    if _committed(request):
        return _engines["superuser"]
    return SharedConnection(request.getfixturevalue("_test_connection"), _engines["superuser"].url, None)


@pytest.fixture
def app_role_engine(request, _engines):
    """The application role, row-level security applying, with no scope set."""
    if _committed(request):
        return _engines["app"]
    return SharedConnection(request.getfixturevalue("_test_connection"), _engines["app"].url, APP_ROLE)


@pytest.fixture
def redis(app):
    return redis_lib.Redis.from_url(app.config["REDIS_URL"])


#: the fixtures that reach the database; a test using none of them (a pure function) is left alone.
DATABASE_FIXTURES = frozenset({"app", "database_urls", "superuser_engine", "app_role_engine"})


@pytest.fixture(autouse=True)
def _isolation(request):
    """Each test that reaches the database starts from the reference data alone (and the two
    tenants when it asks for ``two_tenants``), and an empty Redis database.

    By default the test runs inside a savepoint of the worker's base transaction, rolled back at its
    end (see :class:`Base`). A test marked ``committed`` needs its data really committed (another
    process or thread reads it, or it opens connections of its own): its tables are truncated after it.
    """
    if not DATABASE_FIXTURES & set(request.fixturenames):
        yield
        return
    base = request.getfixturevalue("_base")
    if _committed(request):
        base.close()
        yield
        _truncate(request.getfixturevalue("_engines")["superuser"])
        base.redis.flushdb()
    else:
        request.getfixturevalue("_test_connection")
        yield


def _base_kind(item) -> int:
    if item.get_closest_marker("committed"):
        return 2
    return 1 if "two_tenants" in getattr(item, "fixturenames", ()) else 0


def pytest_collection_modifyitems(items):
    """Within each module, the tests on an empty base first, then those on the two tenants, then
    the committed ones: the worker's base is rebuilt as seldom as can be (the order is otherwise kept)."""
    modules = {}
    for item in items:
        modules.setdefault(item.module, len(modules))
    items.sort(key=lambda item: (modules[item.module], _base_kind(item)))


def _truncate(engine) -> None:
    with engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' AND left(tablename, 4) <> 'ref_'"
            )
        ).scalars()
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


class _JoinedSession(Session):
    """Flask-SQLAlchemy's session, always on the test's connection (it would pick the app's engine)."""

    def get_bind(self, *args, **kwargs):
        return self.bind


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


@pytest.fixture(scope="session")
def _base(app, _engines):
    base = Base(app, _engines["superuser"])
    yield base
    base.close()


@pytest.fixture
def _test_connection(request, _base):
    """The test's connection: the worker's base (with the two tenants if it asks for them), in a savepoint."""
    _base.ensure("two_tenants" if "two_tenants" in request.fixturenames else "empty")
    with _base.test() as connection:
        yield connection


@pytest.fixture
def two_tenants(request, app):
    """Two tenants with one object of every kind each (see :func:`tests.fixtures.build_tenant`)."""
    if _committed(request):
        from tests.fixtures import build_two_tenants

        return build_two_tenants(app)
    return copy.deepcopy(request.getfixturevalue("_base").worlds)


def _failed(connection) -> bool:
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
            if _failed(self.connection):  # as PostgreSQL does a COMMIT of a failed transaction
                savepoint.rollback()
            else:
                savepoint.commit()
        finally:
            self.connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")

    def _enter(self):
        self.connection.exec_driver_sql(f"SET ROLE {self.role}" if self.role else "RESET ROLE")
        self.connection.execute(_set_config_statement(context.EMPTY))
        return self.connection

    def dispose(self) -> None:
        pass


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


from tests.clause_pages import site  # noqa: E402, F401
from tests.fixtures import *  # noqa: E402, F403
