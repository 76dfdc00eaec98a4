"""Test harness: a real PostgreSQL (roles, real migrations) and a real Redis.

``DATABASE_URL`` must point at a server where it may create roles and databases (a superuser);
``REDIS_URL`` at a Redis server (the tests use database 15 of it and flush it). Without them,
the embedded PostgreSQL and Redis under ``instance/test-*`` are started, as for the service.
The application connects as the application role, exactly as in production.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import redis as redis_lib
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from saas import create_app
from saas.config import normalise_pg_url
from saas.dbroles import RoleSpec, create_roles, role_url

ROOT = Path(__file__).resolve().parent.parent
OWNER, OWNER_PASSWORD = "guichet_test_owner", "test-owner-pw"
APP_ROLE, APP_PASSWORD = "guichet_test_app", "test-app-pw"


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
            # a light argon2id cost: the suite hashes hundreds of passwords; the hashing itself is
            # the library's, tested by it
            "PASSWORD_HASH_TIME_COST": 1,
            "PASSWORD_HASH_MEMORY_KIB": 1024,
            "PASSWORD_HASH_PARALLELISM": 1,
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
def superuser_engine(database_urls):
    """Bypasses row-level security: for seeding, catalogue checks and cleaning only."""
    engine = create_engine(database_urls["superuser"])
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_role_engine(database_urls):
    engine = create_engine(database_urls["app"])
    yield engine
    engine.dispose()


@pytest.fixture
def redis(app):
    return redis_lib.Redis.from_url(app.config["REDIS_URL"])


@pytest.fixture(autouse=True)
def _clean(app, superuser_engine):
    """Each test starts from empty tables and an empty Redis database."""
    yield
    with superuser_engine.begin() as conn:
        tables = conn.execute(
            text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version' AND left(tablename, 4) <> 'ref_'"
            )
        ).scalars()
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    redis_lib.Redis.from_url(app.config["REDIS_URL"]).flushdb()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


from tests.fixtures import *  # noqa: E402, F403
