"""The one way to define a job.

``@job(kind, queue=..., retries=..., intervals=...)`` registers a function ``fn(run_id, **params)``
under ``kind``. RQ calls the wrapper with ``(tenant_id, run_id)`` only: the wrapper pushes an app
context, sets the tenant scope from its arguments, binds the structured-log context, marks the run
started (returning early when it is already done: a duplicate delivery), calls the function, and
records the outcome on the ``job_runs`` row. Retries are explicit: RQ re-runs a failed job after
the listed intervals, and the run goes back to pending meanwhile.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from rq import Retry, get_current_job

from saas.db import db
from saas.jobs import api as runs
from saas.logging import get_logger
from tenants import context
from workers.app import get_app
from workers.queues import LIVE_STATUSES, enqueue_once, queue, queued_job

log = get_logger("workers")


@dataclass(frozen=True)
class JobDefinition:
    kind: str
    queue: str
    retries: int
    intervals: tuple[int, ...]
    timeout: int
    entrypoint: Callable[[int, int], None]


REGISTRY: dict[str, JobDefinition] = {}


def job(kind: str, queue: str = "default", retries: int = 2, intervals=(30, 300), timeout: int = 1800):
    def register(fn: Callable[..., dict | None]):
        @functools.wraps(fn)
        def entrypoint(tenant_id: int, run_id: int) -> None:
            _execute(fn, kind, tenant_id, run_id)

        if kind in REGISTRY:
            raise ValueError(f"job kind {kind} defined twice")
        REGISTRY[kind] = JobDefinition(kind, queue, retries, tuple(intervals), timeout, entrypoint)
        entrypoint.kind = kind  # type: ignore[attr-defined]  # a tag on the function functools.wraps made
        return entrypoint

    return register


def _execute(fn, kind: str, tenant_id: int, run_id: int) -> None:
    app = get_app()
    structlog.contextvars.bind_contextvars(job=kind, tenant_id=tenant_id, run_id=run_id)
    try:
        with app.app_context(), context.scoped(tenant_id):
            db.engine.dispose(close=False)  # never reuse connections inherited across fork
            with runs.lease(run_id) as held:
                if not held:
                    log.info("job.skipped_running_elsewhere")
                    return
                _run_once(fn, run_id)
    finally:
        structlog.contextvars.unbind_contextvars("job", "tenant_id", "run_id")


def _run_once(fn, run_id: int) -> None:
    run = runs.start(run_id)
    if run is None:
        log.info("job.skipped_already_done")
        return
    params, attempt = dict(run.params), run.attempts
    log.info("job.started", attempt=attempt)
    try:
        result = fn(run_id, **params)
    except Exception as exc:
        current = get_current_job()
        will_retry = bool(current and current.retries_left)
        runs.fail(run_id, "".join(traceback.format_exception(exc)), will_retry=will_retry, attempt=attempt)
        log.exception("job.failed", will_retry=will_retry)
        raise
    if runs.finish(run_id, result or {}, attempt=attempt):
        log.info("job.finished")
    else:
        log.warning("job.taken_over")  # a later delivery owns the run: this outcome is dropped


def job_id(tenant_id: int, run_id: int) -> str:
    return f"run-{tenant_id}-{run_id}"


def dispatch(kind: str, tenant_id: int, run_id: int) -> bool:
    """Enqueue a run under its deterministic id; False when it is already in the queue.

    A job left over from an earlier delivery that ended (finished, failed, stopped) while the run
    is still pending is removed first, so that the sweep can send the run again; so is a job the
    queue believes started when no worker holds the run's lease (its worker was killed).
    """
    definition = REGISTRY[kind]
    target = queue(definition.queue)
    existing = queued_job(target, job_id(tenant_id, run_id))
    if existing is not None:
        status = existing.get_status(refresh=True)
        if status in LIVE_STATUSES and (status != "started" or runs.lease_held(run_id)):
            return False
        existing.delete()
    retry = Retry(max=definition.retries, interval=list(definition.intervals)) if definition.retries else None
    return enqueue_once(
        target,
        definition.entrypoint,
        (tenant_id, run_id),
        job_id(tenant_id, run_id),
        retry=retry,
        timeout=definition.timeout,
        description=f"{kind} (territoire {tenant_id}, exécution {run_id})",
    )
