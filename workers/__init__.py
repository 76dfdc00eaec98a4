"""RQ workers: queues, the @job decorator, the outbox dispatcher, the sweep and the schedule."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    import workers.jobs  # noqa: F401 - registers the job definitions
    from saas.jobs.api import set_dispatcher
    from saas.mail.api import set_account_mail_dispatcher
    from workers.decorator import dispatch
    from workers.jobs.account_mail import dispatch as dispatch_account_mail

    set_dispatcher(app, dispatch)
    set_account_mail_dispatcher(app, dispatch_account_mail)
