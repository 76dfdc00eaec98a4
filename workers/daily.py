"""Entry point of the cron scheduler for the daily work of every tenant.

Called every hour: each tenant gets one ``conventions_daily`` run, one ``bilans_envois`` run and,
when it belongs to a Département, one ``federation_daily`` run a day, and one ``privacy_retention``
run a month (the check on the ``job_runs`` rows of the day, or of the month, makes the other calls
do nothing), so a worker started late, or restarted, still does the work once.
"""

from __future__ import annotations

from saas import clock
from saas.bilans import sending
from saas.conventions import reminders
from saas.db import db
from saas.federation import schedule as federation_schedule
from saas.logging import get_logger
from saas.privacy import retention
from tenants import context
from tenants import repository as tenants_repository
from workers.app import get_app

log = get_logger("workers.daily")


def plan_daily_runs() -> int:
    with get_app().app_context():
        tenant_ids = tenants_repository.active_tenant_ids()
        db.session.remove()
        asked = 0
        for tenant_id in tenant_ids:
            with context.scoped(tenant_id):
                asked += reminders.request_daily() + sending.request_daily()
                asked += federation_schedule.request_daily(clock.today())
                asked += retention.request_monthly(clock.today())
                db.session.commit()
                db.session.remove()
        if asked:
            log.info("daily.requested", count=asked)
        return asked
