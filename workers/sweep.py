"""The periodic sweep: re-send runs left pending (the queue was down at commit, Redis lost data)
and runs whose worker died while working on them (nobody holds their lease any more).

It walks the tenants one by one, each in a unit of work of its own, and enqueues with the runs'
deterministic ids: running it twice, or in two workers at once, enqueues nothing twice.
"""

from __future__ import annotations

from flask import current_app

from saas.db import db
from saas.jobs import api as runs
from saas.logging import get_logger
from tenants import context
from tenants import repository as tenants_repository
from workers.app import get_app
from workers.decorator import REGISTRY, dispatch

log = get_logger("workers.sweep")


def sweep_pending_runs() -> int:
    """Entry point of the cron scheduler; returns how many runs were sent again."""
    with get_app().app_context():
        return resend_pending(current_app.config["JOB_SWEEP_AFTER_SECONDS"])


def resend_pending(older_than_seconds: int) -> int:
    tenant_ids = tenants_repository.active_tenant_ids()
    db.session.remove()
    sent = 0
    for tenant_id in tenant_ids:
        with context.scoped(tenant_id):
            for kind, run_tenant_id, run_id in runs.runs_to_resend(older_than_seconds):
                if kind in REGISTRY and dispatch(kind, run_tenant_id, run_id):
                    sent += 1
            db.session.remove()
    if sent:
        log.info("sweep.resent", count=sent)
    return sent
