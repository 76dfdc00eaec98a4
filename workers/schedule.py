"""What runs periodically (RQ's cron scheduler)."""

from __future__ import annotations

from rq.cron import CronScheduler

from workers.daily import plan_daily_runs
from workers.sweep import sweep_pending_runs

DAILY_CHECK_SECONDS = 3600


def build_cron(connection, sweep_interval: int) -> CronScheduler:
    """``sweep_interval``: seconds between two sweeps (setting ``JOB_SWEEP_INTERVAL_SECONDS``)."""
    cron = CronScheduler(connection=connection)
    cron.register(sweep_pending_runs, "default", interval=sweep_interval, name="sweep_pending_runs")
    cron.register(plan_daily_runs, "default", interval=DAILY_CHECK_SECONDS, name="plan_daily_runs")
    return cron
