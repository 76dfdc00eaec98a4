"""Delivery of one outgoing mail through SMTP; after the last attempt the mail is marked failed."""

from __future__ import annotations

from rq import get_current_job

from saas.mail import api as mail
from workers.decorator import job


@job("mail_delivery", queue="default", retries=3, intervals=(60, 300, 1800), timeout=300)
def deliver_mail(run_id: int, mail_id: int) -> dict:
    try:
        mail.deliver(mail_id)
    except Exception:
        current = get_current_job()
        if not (current and current.retries_left):  # no retry left: this was the last attempt
            mail.mark_failed(mail_id)
        raise
    return {"mail_id": mail_id}
