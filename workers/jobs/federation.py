"""The reports to the Départements: the day's versions of a territory, and the push of one version."""

from __future__ import annotations

from datetime import date

from saas.db import db
from saas.federation import outbox, schedule
from workers.decorator import job


@job(outbox.DAILY_KIND, queue="default", retries=2, intervals=(60, 600))
def federation_daily(run_id: int, day: str) -> dict:
    result = schedule.run_day(date.fromisoformat(day))
    db.session.commit()
    return result


#: a receiver that cannot be reached is not an error of the run: the outbox row says when to try
#: again and the sweep asks for that push; RQ's retries are for the rest (the database lost).
@job(outbox.PUSH_KIND, queue="default", retries=2, intervals=(30, 300), timeout=300)
def federation_push(run_id: int, report_id: int) -> dict:
    return outbox.push(report_id)
