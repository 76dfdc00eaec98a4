"""Test harness: a real PostgreSQL (roles, real migrations) and a real Redis.

``DATABASE_URL`` must point at a server where it may create roles and databases (a superuser);
``REDIS_URL`` at a Redis server (each pytest-xdist worker uses a database of its own, 15 for
``gw0``, 14 for ``gw1``..., and flushes it). Without them, the embedded PostgreSQL and Redis under
``instance/test-*`` are started, as for the service. Each worker has its database
``guichet_test_<namespace>_<worker>``; the roles are shared, created under an advisory lock.
The application connects as the application role, exactly as in production.

Isolation (see :class:`Base`): a test that reaches the database runs in a savepoint of the
worker's open transaction, rolled back at its end; the two tenants of ``two_tenants`` are built once
in that transaction, not once per test. A test marked ``committed`` (data read by other processes or
threads, or connections of its own) runs on committed data and its tables are truncated after it.
A test that asks for no database fixture (a pure function) never touches the database.
"""

from __future__ import annotations

import copy
import os
import re

import pytest
import redis as redis_lib
from flask_migrate import upgrade
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from saas import create_app
from saas.config import normalise_pg_url
from saas.dbroles import role_url
from tests.database import (
    APP_PASSWORD,
    APP_ROLE,
    OWNER,
    OWNER_PASSWORD,
    ROOT,
    Base,
    SharedConnection,
    create_database,
    truncate,
)

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
    create_database(superuser, database_prefix() + _worker(), database_prefix(), _redis_url())
    return _urls(superuser, database_prefix() + _worker())


def database_prefix() -> str:
    """Of the test databases and their template. GUICHET_TEST_NAMESPACE lets several checkouts
    share one server without sharing databases."""
    namespace = os.environ.get("GUICHET_TEST_NAMESPACE", "")
    return f"guichet_test_{namespace + '_' if namespace else ''}"


def worker_name() -> str:
    """The pytest-xdist worker (``gw0`` without it): each has its databases."""
    return _worker()


def _urls(superuser: str, name: str) -> dict[str, str]:
    return {
        "superuser": make_url(superuser).set(database=name).render_as_string(hide_password=False),
        "owner": role_url(superuser, OWNER, OWNER_PASSWORD, name),
        "app": role_url(superuser, APP_ROLE, APP_PASSWORD, name),
    }


def _make_app(urls: dict[str, str]):
    return create_app(
        {
            "DATABASE_URL": urls["app"],
            "MIGRATION_DATABASE_URL": urls["owner"],
            "REDIS_URL": _redis_url(),
            "SECRET_KEY": "tests-secret-key",
            "TESTING": True,
            "SERVER_NAME": "localhost",
            "PREFERRED_URL_SCHEME": "https",
            **{name: int(value) for name, value in LIGHT_PASSWORD_HASH.items()},
        }
    )


@pytest.fixture(scope="session")
def app(database_urls):
    application = _make_app(database_urls)
    with application.app_context():
        upgrade(directory=str(ROOT / "migrations"))  # already there (the template's): checks the head
    from workers.app import set_app

    set_app(application)
    return application


@pytest.fixture(scope="session")
def _engines(database_urls):
    """The real engines: the superuser one bypasses row-level security (seeding, catalogue checks,
    cleaning only), the application role one is subject to it."""
    # pre-ping: the fault tests terminate the application role's backends, idle pooled ones too
    engines = {
        "superuser": create_engine(database_urls["superuser"], pool_pre_ping=True),
        "app": create_engine(database_urls["app"], pool_pre_ping=True),
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
        truncate(request.getfixturevalue("_engines")["superuser"])
        base.redis.flushdb()
    else:
        request.getfixturevalue("_test_connection")
        yield


def _base_kind(item) -> int:
    if item.get_closest_marker("committed"):
        return 0
    return 2 if "two_tenants" in getattr(item, "fixturenames", ()) else 1


def pytest_collection_modifyitems(items):
    """The committed tests first (the longest among them, the fuzz and the browser, start early),
    then those on an empty base, then those on the two tenants: each worker builds its base as
    seldom as can be. The order is otherwise kept (a module's committed tests stay together, for
    their module- and package-scoped fixtures)."""
    items.sort(key=_base_kind)


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


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


from tests.clause_pages import site  # noqa: E402, F401
from tests.fixtures import *  # noqa: E402, F403
