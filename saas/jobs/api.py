"""Asking for background work and reporting on it, without knowing the queue.

``request_run`` writes a ``job_runs`` row in the caller's transaction and asks, through the
dispatcher that ``workers`` registers at start-up, for the queue to be told after commit. If the
transaction rolls back, nothing is enqueued; if the queue is down at commit, the row stays pending
and the sweep re-sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask import current_app

from saas.db import db, on_commit
from saas.jobs import repository
from saas.jobs.enums import RunStatus
from saas.jobs.models import JobArtifact, JobRun
from saas.logging import get_logger
from tenants.context import require_tenant_id

Dispatcher = Callable[[str, int, int], None]
log = get_logger(__name__)


def set_dispatcher(app, dispatcher: Dispatcher) -> None:
    app.extensions["guichet_job_dispatcher"] = dispatcher


def _dispatch_after_commit(kind: str, tenant_id: int, run_id: int) -> None:
    dispatcher = current_app.extensions.get("guichet_job_dispatcher")
    if dispatcher is None:
        log.warning("job.no_dispatcher", kind=kind, tenant_id=tenant_id, run_id=run_id)
        return
    try:
        dispatcher(kind, tenant_id, run_id)
    except Exception:  # the queue is down: the row stays pending and the sweep re-sends it
        log.exception("job.enqueue_failed", kind=kind, tenant_id=tenant_id, run_id=run_id)


def request_run(kind: str, params: dict | None = None, requested_by: int | None = None) -> JobRun:
    """Record a run in the current transaction; it is enqueued once the transaction commits."""
    tenant_id = require_tenant_id()
    run = JobRun(tenant_id=tenant_id, kind=kind, params=params or {}, requested_by_user_id=requested_by)
    db.session.add(run)
    db.session.flush()
    on_commit(_dispatch_after_commit, kind, tenant_id, run.id)
    return run


def runs_to_resend(older_than_seconds: int) -> list[tuple[str, int, int]]:
    """(kind, tenant_id, run_id) of the runs still pending after ``older_than_seconds``."""
    now = datetime.now(UTC)
    runs = repository.stale_pending_runs(now, timedelta(seconds=older_than_seconds))
    return [(run.kind, run.tenant_id, run.id) for run in runs]


def start(run_id: int) -> JobRun | None:
    """Mark a run started; None when it is already finished (a duplicate delivery: do nothing)."""
    run = repository.get_run_for_update(run_id)
    if run is None or run.is_done:
        db.session.rollback()
        return None
    run.status = RunStatus.started
    run.attempts += 1
    run.started_at = datetime.now(UTC)
    run.message = None
    db.session.commit()
    return run


def report_progress(run_id: int, progress: int, message: str | None = None) -> None:
    """Commit progress at once, so the page polling the run sees it while the work goes on."""
    run = repository.get_run_for_update(run_id)
    if run is None:
        return
    run.progress = max(0, min(100, int(progress)))
    if message is not None:
        run.message = message[:300]
    db.session.commit()


def finish(run_id: int, result: dict | None = None, message: str | None = None) -> None:
    run = repository.get_run_for_update(run_id)
    if run is None:
        return
    run.status = RunStatus.finished
    run.progress = 100
    run.finished_at = datetime.now(UTC)
    run.result = result or {}
    run.message = message
    db.session.commit()


def fail(run_id: int, error: str, will_retry: bool) -> None:
    """Record a failure: back to pending when a retry is planned, failed for good otherwise."""
    db.session.rollback()
    run = repository.get_run_for_update(run_id)
    if run is None:
        return
    run.error = error[-4000:]
    if will_retry:
        run.status = RunStatus.pending
        run.message = "Une erreur est survenue ; un nouvel essai est prévu."
    else:
        run.status = RunStatus.failed
        run.finished_at = datetime.now(UTC)
        run.message = "Le traitement a échoué. L'équipe technique a été prévenue."
    db.session.commit()


def attach_file(run_id: int, filename: str, mimetype: str, content: bytes) -> JobArtifact:
    artifact = JobArtifact(
        tenant_id=require_tenant_id(), run_id=run_id, filename=filename, mimetype=mimetype, content=content
    )
    db.session.add(artifact)
    db.session.flush()
    return artifact


def visible_runs(user_id: int, is_admin: bool) -> list[JobRun]:
    """Tenant admins see every run of the tenant; others see the runs they asked for."""
    return repository.list_runs(None if is_admin else user_id)


def can_see(run: JobRun, user_id: int, is_admin: bool) -> bool:
    return is_admin or run.requested_by_user_id == user_id


get_artifact = repository.get_artifact
