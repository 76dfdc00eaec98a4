"""What runs periodically (RQ's cron scheduler)."""

from __future__ import annotations

from rq.cron import CronScheduler

from workers.sweep import sweep_pending_runs

SWEEP_INTERVAL_SECONDS = 60


def build_cron(connection) -> CronScheduler:
    cron = CronScheduler(connection=connection)
    cron.register(sweep_pending_runs, "default", interval=SWEEP_INTERVAL_SECONDS, name="sweep_pending_runs")
    return cron
