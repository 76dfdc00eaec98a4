"""When reports are owed: each federation's schedule (monthly, yearly, the day of the month), and
the periods whose figures may still change and are looked at again each day.

A month is owed from the report day of the next month; a year from the report day of January of
the next year. Each day the territory's daily run builds the reports owed and those already sent
within ``MONTHS_FOLLOWED`` / ``YEARS_FOLLOWED``: a new version goes only when a figure changed.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from saas.audit import api as audit
from saas.db import db
from saas.federation import building, outbox
from saas.federation.models import OutgoingReport, ReportPeriod
from saas.jobs import api as runs

ACTOR = audit.Actor(email="envoi-programme")


def owed(member: outbox.Membership, day: date) -> list[tuple[str, date]]:
    """The last month and the last year owed on ``day`` under the federation's schedule."""
    found = []
    shift = 1 if day.day >= member.report_day else 2
    if member.monthly:
        found.append((ReportPeriod.mois.value, day.replace(day=1) - relativedelta(months=shift)))
    if member.yearly:
        year = day.year - 1 if (day.month, day.day) >= (1, member.report_day) else day.year - 2
        found.append((ReportPeriod.annee.value, date(year, 1, 1)))
    return found


def followed(member: outbox.Membership, day: date) -> list[tuple[str, date]]:
    """The periods already reported that a correction may still change."""
    since = {
        ReportPeriod.mois.value: day.replace(day=1) - relativedelta(months=outbox.MONTHS_FOLLOWED),
        ReportPeriod.annee.value: date(day.year - outbox.YEARS_FOLLOWED, 1, 1),
    }
    rows = db.session.execute(
        select(OutgoingReport.period_kind, OutgoingReport.period_start)
        .where(OutgoingReport.federation_id == member.federation_id)
        .distinct()
    )
    return [(kind, start) for kind, start in rows if start >= since[kind]]


def run_day(day: date) -> dict[str, int]:
    """The day's work of the tenant in scope: the lots its Départements handed it, then every
    report owed or followed, a new version of each that changed (its push asked for). Committed
    per report."""
    made = looked = lots = 0
    for member in outbox.memberships():
        lots += outbox.pull_lots(member, ACTOR)
        db.session.commit()
        for kind, start in sorted(set(owed(member, day)) | set(followed(member, day))):
            looked += 1
            made += outbox.prepare(member, kind, start, ACTOR) is not None
            db.session.commit()
    return {"lots_recus": lots, "rapports_examines": looked, "nouvelles_versions": made}


def request_daily(day: date) -> bool:
    """Ask for the day's run of the tenant in scope (once a day), when it belongs to a federation."""
    return bool(outbox.memberships()) and runs.request_daily(outbox.DAILY_KIND, day)


def period_choices(day: date, months: int = 13, years: int = 3) -> list[tuple[str, str]]:
    """The periods an admin may preview or send now, the latest first: this month and year so far,
    then the months and years before (``mois:2026-11-01``, « novembre 2026 »)."""
    found = []
    for back in range(months):
        start = day.replace(day=1) - relativedelta(months=back)
        found.append(
            (f"{ReportPeriod.mois.value}:{start.isoformat()}", building.period_of("mois", start).label)
        )
    for back in range(years):
        start = date(day.year - back, 1, 1)
        found.append(
            (f"{ReportPeriod.annee.value}:{start.isoformat()}", building.period_of("annee", start).label)
        )
    return found


def parse_period(value: str | None) -> tuple[str, date] | None:
    """``(kind, start)`` of a value of ``period_choices``; None when it names no such period."""
    kind, _, start = (value or "").partition(":")
    if kind not in set(ReportPeriod):
        return None
    try:
        day = date.fromisoformat(start)
    except ValueError:
        return None
    if day.day != 1 or (kind == ReportPeriod.annee and day.month != 1) or not 2000 <= day.year <= 2100:
        return None
    return kind, day
