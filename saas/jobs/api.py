"""Asking for background work and reporting on it, without knowing the queue.

``request_run`` writes a ``job_runs`` row in the caller's transaction and asks, through the
dispatcher that ``workers`` registers at start-up, for the queue to be told after commit. If the
transaction rolls back, nothing is enqueued; if the queue is down at commit, the row stays pending
and the sweep re-sends it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import TypeGuard

from flask import current_app
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from saas.db import db, insert, on_commit
from saas.jobs import repository
from saas.jobs.enums import RunStatus
from saas.jobs.models import JobArtifact, JobRun
from saas.logging import get_logger
from tenants.context import require_tenant_id

Dispatcher = Callable[[str, int, int], object]
log = get_logger(__name__)
#: advisory lock key space of the runs being worked on (plus the run id); see ``lease``.
LEASE_KEYS = 8_000_000_000_000


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
    insert(run)
    on_commit(_dispatch_after_commit, kind, tenant_id, run.id)
    return run


def request_daily(kind: str, day: date) -> bool:
    """Ask for the run of ``kind`` for ``day`` in the tenant in scope, unless it was asked for
    already (a day's work is done once, whoever asks again that day)."""
    if asked_before(kind, "day", day.isoformat()):
        return False
    request_run(kind, {"day": day.isoformat()})
    return True


def asked_before(kind: str, key: str, value: str) -> bool:
    """Whether a run of ``kind`` with ``params[key] == value`` exists in the tenant in scope."""
    query = select(JobRun.id).where(JobRun.kind == kind, JobRun.params[key].astext == value).limit(1)
    return db.session.scalar(query) is not None


def runs_to_resend(older_than_seconds: int) -> list[tuple[str, int, int]]:
    """(kind, tenant_id, run_id) of the runs still pending after ``older_than_seconds``.

    Runs left started by a worker that is gone (killed, machine lost: nobody holds their lease)
    are put back to pending first, and so are sent again too.
    """
    for run in repository.started_runs():
        _recover_if_abandoned(run.id)
    now = datetime.now(UTC)
    runs = repository.stale_pending_runs(now, timedelta(seconds=older_than_seconds))
    return [(run.kind, run.tenant_id, run.id) for run in runs]


def _recover_if_abandoned(run_id: int) -> None:
    run = repository.get_run_for_update(run_id)  # a delivery starting now waits for this lock
    if run is not None and run.status == RunStatus.started and not lease_held(run_id):
        run.status = RunStatus.pending
        run.message = "Le traitement a été interrompu ; il va reprendre."
        log.warning("job.abandoned", kind=run.kind, run_id=run_id)
    db.session.commit()


def lease_held(run_id: int) -> bool:
    """Whether a live worker is working on the run (see ``lease``)."""
    key = {"key": LEASE_KEYS + run_id}
    if db.session.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar_one():
        db.session.execute(text("SELECT pg_advisory_unlock(:key)"), key)
        return False
    return True


@contextmanager
def lease(run_id: int) -> Iterator[bool]:
    """Hold the run's lease while it is worked on; yields False when another worker holds it.

    A session advisory lock on a connection of its own: it outlives the commits of the work, and
    PostgreSQL releases it the moment the worker dies (killed, machine lost), which tells the sweep
    that the run was abandoned. Two deliveries of one run never work at the same time.
    """
    key = {"key": LEASE_KEYS + run_id}
    connection = db.engine.connect()
    held = False
    try:
        held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), key).scalar_one())
        connection.commit()
        yield held
    finally:
        try:
            if held:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), key)
                connection.commit()
            connection.close()
        except Exception:  # the connection died (and the lock with it): never reuse it
            connection.invalidate()


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


def report_progress_apart(run_id: int, progress: int, message: str | None = None) -> None:
    """Commit progress on a session of its own: the caller's transaction goes on untouched (an
    export reading its rows from a server-side cursor, which a commit would close)."""
    values: dict = {"progress": max(0, min(100, int(progress)))}
    if message is not None:
        values["message"] = message[:300]
    with Session(db.engine) as session:  # the tenant's scope applies to it as to db.session
        session.execute(
            update(JobRun)
            .where(JobRun.tenant_id == require_tenant_id(), JobRun.id == run_id)
            .values(**values)
        )
        session.commit()


def _owned(run: JobRun | None, attempt: int | None) -> TypeGuard[JobRun]:
    """Whether the delivery of ``attempt`` still owns the run (a later delivery took it over when
    this one was thought dead: its outcome must then be dropped, or the work would count twice)."""
    return run is not None and (
        attempt is None or (run.attempts == attempt and run.status == RunStatus.started)
    )


def finish(
    run_id: int, result: dict | None = None, message: str | None = None, attempt: int | None = None
) -> bool:
    """Commit the run finished, with what the work wrote in this transaction; False (and all of it
    rolled back) when another delivery took the run over."""
    run = repository.get_run_for_update(run_id)
    if not _owned(run, attempt):
        db.session.rollback()
        return False
    run.status = RunStatus.finished
    run.progress = 100
    run.finished_at = datetime.now(UTC)
    run.result = result or {}
    run.message = message
    db.session.commit()
    return True


def fail(run_id: int, error: str, will_retry: bool, attempt: int | None = None) -> None:
    """Record a failure: back to pending when a retry is planned, failed for good otherwise."""
    db.session.rollback()
    run = repository.get_run_for_update(run_id)
    if not _owned(run, attempt):
        db.session.rollback()
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
    insert(artifact)
    return artifact


def visible_runs(user_id: int, is_admin: bool) -> list[JobRun]:
    """Tenant admins see every run of the tenant; others see the runs they asked for."""
    return repository.list_runs(None if is_admin else user_id)


def can_see(run: JobRun, user_id: int, is_admin: bool) -> bool:
    return is_admin or run.requested_by_user_id == user_id


get_artifact = repository.get_artifact
