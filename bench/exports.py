"""The exports (``?export=xlsx`` of the list pages): each is timed once, then the largest is run
again on a fresh gunicorn worker, alone (one worker, the same threads), whose peak resident
memory (VmHWM in /proc/PID/status) is read before and after it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import servers
from bench.targets import EXPORTS
from bench.web import login


@dataclass(frozen=True)
class Export:
    label: str
    path: str
    seconds: float
    bytes: int
    status: int


@dataclass(frozen=True)
class Peak:
    export: Export
    #: VmHWM of the worker (KiB) after a page of the list, then after the export
    before_kib: int
    after_kib: int


#: an export still unanswered after this is reported as such (status 0), and the run goes on
EXPORT_TIMEOUT_SECONDS = 180


def _get(session, url: str) -> tuple[int, int, float]:
    start = time.perf_counter()
    try:
        answer = session.get(url, timeout=EXPORT_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException:
        return 0, 0, time.perf_counter() - start
    return answer.status_code, len(answer.content), time.perf_counter() - start


def time_all(base_url: str, session, slug: str) -> list[Export]:
    exports = []
    for route in EXPORTS:
        path = route.path.format(slug=slug)
        status, size, seconds = _get(session, base_url + path)
        exports.append(Export(route.label, path, seconds, size, status))
    return exports


def peak(largest: Export, env: dict, log_dir: Path, email: str, password: str) -> Peak:
    server = servers.start("export", "saas.wsgi:app", env, log_dir, workers=1)
    try:
        session = login(server.base_url, email, password)
        (worker,) = server.worker_pids()
        session.get(server.base_url + largest.path.split("?")[0], timeout=600)  # the code loaded
        before = servers.vm_hwm_kib(worker) or 0
        status, size, seconds = _get(session, server.base_url + largest.path)
        after = servers.vm_hwm_kib(worker) or 0
    finally:
        server.stop()
    return Peak(Export(largest.label, largest.path, seconds, size, status), before, after)
