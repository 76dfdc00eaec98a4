"""Dates of the service: the legal time of the tenants is Europe/Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return datetime.now(PARIS).date()


def month_start(day: date) -> date:
    return day.replace(day=1)
