"""Delivery of one account message (invitation, password reset, unlock) through SMTP.

Account messages belong to no tenant, so they have no ``job_runs`` row: the ``account_mails`` row
is their outbox (written in the caller's transaction, enqueued after commit, re-sent by the sweep
while pending) and the job takes its id only. Retries and the final ``failed`` mark follow the
tenant mail job (``mail_delivery``).
"""

from __future__ import annotations

import structlog
from rq import Retry, get_current_job

from saas.accounts import links
from saas.db import db
from saas.mail import api as mail
from tenants import context
from workers.app import get_app
from workers.queues import LIVE_STATUSES, enqueue_once, queue, queued_job

RETRY = Retry(max=3, interval=[60, 300, 1800])


def job_id(mail_id: int) -> str:
    return f"account-mail-{mail_id}"


def deliver_account_mail(mail_id: int) -> None:
    structlog.contextvars.bind_contextvars(job="account_mail_delivery", mail_id=mail_id)
    try:
        with get_app().app_context(), context.scoped(platform=True):
            db.engine.dispose(close=False)  # never reuse connections inherited across fork
            try:
                links.deliver(mail_id)
            except Exception:
                current = get_current_job()
                if not (current and current.retries_left):  # that was the last attempt
                    mail.mark_account_mail_failed(mail_id)
                raise
    finally:
        structlog.contextvars.unbind_contextvars("job", "mail_id")


def dispatch(mail_id: int) -> bool:
    """Enqueue under a deterministic id; False when it is already in the queue."""
    target = queue("default")
    existing = queued_job(target, job_id(mail_id))
    if existing is not None:
        if existing.get_status(refresh=True) in LIVE_STATUSES:
            return False
        existing.delete()
    return enqueue_once(
        target,
        deliver_account_mail,
        (mail_id,),
        job_id(mail_id),
        retry=RETRY,
        timeout=300,
        description=f"courriel de compte {mail_id}",
    )
