"""The conventions' day: tacit renewals, calendar brought up to date, reminders by e-mail."""

from __future__ import annotations

from datetime import date

from saas.conventions import reminders
from saas.db import db
from workers.decorator import job


@job(reminders.DAILY_KIND, queue="default", retries=2, intervals=(60, 600))
def conventions_daily(run_id: int, day: str) -> dict:
    result = reminders.run_daily(date.fromisoformat(day))
    db.session.commit()
    return result
