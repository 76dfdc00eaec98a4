"""The periodic sweep: re-send runs left pending (the queue was down at commit, Redis lost data)
and runs whose worker died while working on them (nobody holds their lease any more); and asks
for the push of each report to a Département whose time to try again has come (its outbox).

It walks the tenants one by one, each in a unit of work of its own, and enqueues with the runs'
deterministic ids: running it twice, or in two workers at once, enqueues nothing twice.
"""

from __future__ import annotations

from flask import current_app

from saas.db import db
from saas.federation import outbox
from saas.jobs import api as runs
from saas.logging import get_logger
from saas.mail import api as mail
from tenants import context
from tenants import repository as tenants_repository
from workers.app import get_app
from workers.decorator import REGISTRY, dispatch
from workers.jobs.account_mail import dispatch as dispatch_account_mail

log = get_logger("workers.sweep")


def sweep_pending_runs() -> int:
    """Entry point of the cron scheduler; returns how many runs were sent again."""
    with get_app().app_context():
        return resend_pending(current_app.config["JOB_SWEEP_AFTER_SECONDS"])


def resend_pending(older_than_seconds: int) -> int:
    tenant_ids = tenants_repository.active_tenant_ids()
    db.session.remove()
    sent = resend_account_mails(older_than_seconds)
    for tenant_id in tenant_ids:
        with context.scoped(tenant_id):
            for kind, run_tenant_id, run_id in runs.runs_to_resend(older_than_seconds):
                if kind in REGISTRY and dispatch(kind, run_tenant_id, run_id):
                    sent += 1
            sent += outbox.request_due_pushes()  # enqueued at commit
            db.session.commit()
            db.session.remove()
    if sent:
        log.info("sweep.resent", count=sent)
    return sent


def resend_account_mails(older_than_seconds: int) -> int:
    """Account messages (no tenant) left pending: their row is their outbox."""
    with context.scoped(platform=True):
        mail_ids = mail.account_mails_to_resend(older_than_seconds)
        db.session.remove()
    return sum(1 for mail_id in mail_ids if dispatch_account_mail(mail_id))
