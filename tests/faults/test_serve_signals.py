"""``guichet serve`` in the embedded mode stops everything it started, on SIGTERM and on Ctrl+C:
the worker (and its scheduler), the embedded PostgreSQL and the embedded Redis."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import sys

import psutil
import pytest

from tests.conftest import ROOT
from tests.faults.conftest import FIGURES, free_port, wait_for

# committed data: workers in other processes, connections cut and locks taken from connections of their own
pytestmark = pytest.mark.committed

EMBEDDED_START_SECONDS = 240  # initdb and the migrations on a slow machine, the first time


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """Shared by both runs: the second one reuses the initialised embedded database."""
    return tmp_path_factory.mktemp("inst")


def start_serve(instance, port: int, *options: str) -> subprocess.Popen:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "REDIS_URL")
    }
    env["GUICHET_INSTANCE_PATH"] = str(instance)
    with open(instance / "serve.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "saas", "serve", "--port", str(port), *(options or ("--no-demo",))],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal of its own: Ctrl+C goes to its process group
        )


def answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/connexion")
        return connection.getresponse().status < 500
    except OSError:
        return False


def instance_processes(instance) -> list[psutil.Process]:
    """The embedded servers: they detach from the service, but live in its instance folder."""
    found = []
    for process in psutil.process_iter(["cmdline", "cwd"]):
        where = " ".join(process.info["cmdline"] or []) + " " + (process.info["cwd"] or "")
        if str(instance) in where:
            found.append(process)
    return found


def started_processes(instance, serve: subprocess.Popen) -> list[psutil.Process]:
    found = {p.pid: p for p in psutil.Process(serve.pid).children(recursive=True)}
    found.update({p.pid: p for p in instance_processes(instance) if p.pid != serve.pid})
    return list(found.values())


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def names(processes) -> str:
    return " | ".join(" ".join(p.cmdline()[:4]) for p in processes if alive(p))


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl+C"])
def test_serve_stops_what_it_started(instance, how):
    port = free_port()
    serve = start_serve(instance, port)
    started: list[psutil.Process] = []
    try:
        wait_for(lambda: answers(port), EMBEDDED_START_SECONDS, interval=1, what="guichet serve")
        wait_for(lambda: "worker" in names(started_processes(instance, serve)), 60, what="the worker")
        started = started_processes(instance, serve)
        running = names(started)
        assert "postgres" in running and "redis-server" in running and "worker" in running, running

        if how == "SIGTERM":
            serve.send_signal(signal.SIGTERM)
        else:
            os.killpg(serve.pid, signal.SIGINT)  # what the terminal sends on Ctrl+C
        FIGURES["faults injected"] += 1
        assert serve.wait(timeout=60) == 0
        wait_for(lambda: not any(alive(p) for p in started), 30, what="every process to stop")
        assert not (instance / "postgres" / "postmaster.pid").exists()
        assert not answers(port)
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        for process in started + instance_processes(instance):  # never leave a process behind
            with contextlib.suppress(psutil.Error):
                process.kill()


def test_serve_demo_answers_while_the_years_load_and_stops_their_loader(instance):
    """The accounts load first; the years load in a process of their own, stopped with the service
    (the next ``serve --demo`` finishes an interrupted load: tests/test_demo.py)."""
    port = free_port()
    serve = start_serve(instance, port, "--demo", "--participants", "300")
    started: list[psutil.Process] = []
    try:
        wait_for(lambda: answers(port), EMBEDDED_START_SECONDS, interval=1, what="guichet serve --demo")
        started = started_processes(instance, serve)
        assert "saas demo" in names(started), names(started)  # the page answers before the years are in
        serve.send_signal(signal.SIGTERM)
        FIGURES["faults injected"] += 1
        assert serve.wait(timeout=60) == 0
        wait_for(lambda: not any(alive(p) for p in started), 30, what="every process to stop")
        assert not (instance / "postgres" / "postmaster.pid").exists()
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)
        for process in started + instance_processes(instance):  # never leave a process behind
            with contextlib.suppress(psutil.Error):
                process.kill()
