"""A Département's own instance of the service, for the tests of the HTTP transport: its own
database (a copy of the template), ``guichet serve`` in a process of its own on the loopback."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from saas.dbroles import role_url
from tests.conftest import ROOT
from tests.database import APP_PASSWORD, APP_ROLE, OWNER, OWNER_PASSWORD, create_database

START_SECONDS = 90


class DepartementInstance:
    """The service of a Département on another database, serving its receiver over HTTP."""

    def __init__(self, superuser: str, name: str, prefix: str, redis_url: str, log: Path):
        create_database(superuser, name, prefix, redis_url)
        self.superuser = make_url(superuser).set(database=name, drivername="postgresql")
        self.env = {
            **os.environ,
            "DATABASE_URL": role_url(superuser, APP_ROLE, APP_PASSWORD, name),
            "MIGRATION_DATABASE_URL": role_url(superuser, OWNER, OWNER_PASSWORD, name),
            "REDIS_URL": redis_url,
            "SECRET_KEY": "tests-departement",
        }
        from tests.faults.conftest import free_port  # the faults' helpers, which import this module's fixture

        self.log, self.port, self.process = log, free_port(), None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def sql(self, statement: str, params: tuple = ()):
        """One statement on the instance's database, as its superuser (its platform rows)."""
        libpq = self.superuser.render_as_string(hide_password=False)
        with psycopg.connect(libpq, autocommit=True) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else None

    def answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/connexion")
            return connection.getresponse().status < 500
        except OSError:
            return False

    def start(self) -> DepartementInstance:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "saas", "serve", "--port", str(self.port), "--no-worker", "--no-demo"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        from tests.faults.conftest import wait_for

        wait_for(self.answers, START_SECONDS, what="the Département's instance to answer")
        return self

    def pause(self) -> None:
        """SIGSTOP: connections are accepted by the kernel and wait; nothing is answered."""
        os.killpg(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGCONT)
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        self.process = None


def link(instance: DepartementInstance, app, world, code: str) -> None:
    """The Département ``code`` on ``instance`` with ``world``'s territory as its remote member;
    the territory sends there; both ends hold the same signing key and the same person secret."""
    from saas.db import db
    from saas.federation import keys, links
    from tenants import context

    (federation_id,) = instance.sql(
        "INSERT INTO federations (code, name) VALUES (%s, 'Département distant') RETURNING id", (code,)
    )[0]
    instance.sql(
        "INSERT INTO federation_remote_members (federation_id, slug, name) VALUES (%s, %s, %s)",
        (federation_id, world.slug, "Territoire distant"),
    )
    with app.app_context(), context.scoped(platform=True):
        links.set_endpoint(code, world.slug, instance.url)
        key = keys.add_key(links.federation_id(code), world.slug)
        key_id, secret = key.key_id, key.secret
        db.session.commit()
        db.session.remove()
    instance.sql(
        "INSERT INTO federation_signing_keys (federation_id, territory_slug, key_id, secret) VALUES (%s, %s, %s, %s)",
        (federation_id, world.slug, key_id, secret),
    )


def received(instance: DepartementInstance) -> list[tuple]:
    return instance.sql(
        "SELECT territory_slug, period_kind, period_start, version, transport FROM received_reports ORDER BY id"
    )
