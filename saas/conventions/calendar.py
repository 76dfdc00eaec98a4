"""The arithmetic of a convention's life, without the database: periods, terms, the last day to
object, and the due dates an obligation's cadence gives within a period.

A convention runs in periods. Period 1 starts on ``effective_on``. Under a fixed term it is the
only one and ends on ``end_on``; under tacit renewal each period lasts ``period_months`` and is
followed by the next one unless a party objected in time, the renewals allowed are used up
(``max_renewals``), or the convention was terminated.

The "échéance" of a period is its last day. An objection must be received ``notice_months`` before
the échéance: the last day to object is ``(end + 1 day) - notice_months - 1 day`` (30 September for
a term on 31 December with three months' notice; the term itself with no notice).
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

#: a convention renewed without limit is followed this far ahead, never further.
HORIZON_PERIODS = 200


@dataclass(frozen=True)
class TermsView:
    """The duration terms of one version (signed terms or an avenant)."""

    number: int
    effective_from: date
    duration_kind: str
    period_months: int
    end_on: date | None
    max_renewals: int | None
    notice_months: int
    amendments_at_renewal_only: bool = False
    objecting_party_id: int | None = None


@dataclass(frozen=True)
class Period:
    number: int
    start: date
    end: date
    #: the last day an objection can be received to stop the renewal at this period's end.
    last_day_to_object: date | None
    #: whether the terms allow a renewal after this period (before any objection).
    renewable: bool
    #: the period was cut short by a termination (résiliation).
    cut: bool = False


def terms_at(versions: list[TermsView], day: date) -> TermsView:
    """The version in force on ``day``: the latest effective on or before it (else the first)."""
    ordered = sorted(versions, key=lambda v: v.number)
    current = ordered[0]
    for version in ordered:
        if version.effective_from <= day:
            current = version
    return current


def last_day_to_object(end: date, notice_months: int) -> date:
    return end + timedelta(days=1) - relativedelta(months=notice_months) - timedelta(days=1)


def _fixed_end(versions: list[TermsView], terms: TermsView) -> date:
    """The end of a fixed term, as the avenants effective before it last set it."""
    end = terms.end_on
    assert end is not None, "a fixed term ends on a date"
    for _ in range(len(versions)):
        later = terms_at(versions, end)
        if later.duration_kind != "fixed" or later.end_on == end:
            break
        assert later.end_on is not None, "a fixed term ends on a date"
        end = later.end_on
    return end


def periods(
    effective_on: date,
    versions: list[TermsView],
    objection_term: date | None = None,
    terminated_on: date | None = None,
    until: date | None = None,
) -> list[Period]:
    """Every period of the convention, in order, as its terms and any objection make them.

    Periods starting after ``until`` are left out (the first one is always there), so a convention
    renewed without limit is listed up to the period that contains ``until`` (or a horizon). An
    objection ends the convention at the first term on or after ``objection_term``; a termination
    on ``terminated_on`` cuts the period it falls in (``cut``).

    Ends are counted from ``effective_on`` itself (the k-th end is ``effective_on + k periods - 1
    day``), so a start on the 29th, 30th or 31st does not drift. A fixed term longer than a year is
    cut into yearly periods (exercices), so that annual obligations and yearly instalments come
    every year; none of them is renewable. An avenant switching to a fixed end cuts the period.
    """
    result: list[Period] = []
    start = effective_on
    months = 0
    number = 1
    while number <= HORIZON_PERIODS:
        if until is not None and number > 1 and start > until:
            break
        end, step, renewable, last = _period_end(effective_on, versions, start, months, number)
        notice_terms = terms_at(versions, end)
        deadline = (
            last_day_to_object(end, notice_terms.notice_months)
            if renewable and notice_terms.duration_kind != "fixed"
            else None
        )
        if terminated_on is not None and terminated_on <= end:
            result.append(Period(number, start, max(terminated_on, start), None, False, cut=True))
            break
        stops = objection_term is not None and objection_term <= end
        result.append(Period(number, start, end, deadline, renewable and not stops))
        if last or stops:
            break
        start = end + timedelta(days=1)
        months += step
        number += 1
    return result


def _period_end(
    effective_on: date, versions: list[TermsView], start: date, months: int, number: int
) -> tuple[date, int, bool, bool]:
    """The end of period ``number`` starting on ``start`` (``months`` after ``effective_on``), its
    length in months, whether the terms renew it and whether it is the last."""
    terms = terms_at(versions, start)
    if terms.duration_kind == "fixed":
        fixed_end = max(_fixed_end(versions, terms), start)
        end = min(effective_on + relativedelta(months=months + 12) - timedelta(days=1), fixed_end)
        return end, 12, False, end >= fixed_end
    step = terms.period_months
    end = effective_on + relativedelta(months=months + step) - timedelta(days=1)
    end_terms = terms_at(versions, end)
    if end_terms.duration_kind == "fixed":  # an avenant set a fixed end
        fixed_end = _fixed_end(versions, end_terms)
        if fixed_end <= end:  # within this period: it ends there
            return max(fixed_end, start), step, False, True
        return end, step, True, False  # later: the convention goes on to that end, nothing to object to
    renewals_done = number - 1
    renewable = end_terms.max_renewals is None or renewals_done < end_terms.max_renewals
    return end, step, renewable, not renewable


def period_at(all_periods: list[Period], day: date) -> Period | None:
    for period in all_periods:
        if period.start <= day <= period.end:
            return period
    return None


def _last_day(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _last_day(year, month)))


@dataclass(frozen=True)
class Due:
    seq: int
    due_on: date
    #: the date that places the occurrence in its period and in the window of its terms.
    anchor: date
    provisional: bool = False


def due_dates(
    cadence: str,
    period: Period,
    *,
    day_of_month: int | None = None,
    weekday: int | None = None,
    offset_days: int = 0,
    offset_months: int = 0,
    event_default_month: int | None = None,
) -> list[Due]:
    """The due dates of an obligation's cadence within ``period`` (``mission_end``/``ad_hoc``: none)."""
    shift = relativedelta(months=offset_months, days=offset_days)
    start, end = period.start, period.end
    dues: list[Due] = []
    if cadence == "monthly":
        month = start.replace(day=1)
        seq = 1
        while month <= end:
            anchor = max(month, start)
            base = month + relativedelta(months=offset_months)
            due = _on_day(base.year, base.month, day_of_month or 1) + timedelta(days=offset_days)
            dues.append(Due(seq, due, anchor))
            month += relativedelta(months=1)
            seq += 1
    elif cadence == "weekly":
        target = 4 if weekday is None else weekday
        day = start + timedelta(days=(target - start.weekday()) % 7)
        seq = 1
        while day <= end:
            dues.append(Due(seq, day + shift, day))
            day += timedelta(days=7)
            seq += 1
    elif cadence in ("quarterly", "semiannual"):
        step = 3 if cadence == "quarterly" else 6
        seq = 1
        while True:
            anchor = period.start + relativedelta(months=step * seq) - timedelta(days=1)
            if anchor > end:
                if not dues and not period.cut:  # a short period still has its meeting
                    dues.append(Due(1, end + shift, end))
                break
            dues.append(Due(seq, anchor + shift, anchor))
            seq += 1
    elif cadence in ("annual", "at_end"):
        if not period.cut:  # a period cut by a termination has no end-of-period deliverable
            dues.append(Due(1, end + shift, end))
    elif cadence == "at_start":
        dues.append(Due(1, start + shift, start))
    elif cadence == "after_event":
        event_month = event_default_month or 6
        event = date(start.year, event_month, 15)
        if event < start:
            event = date(start.year + 1, event_month, 15)
        if event <= end:
            dues.append(Due(1, event + shift, event, provisional=True))
    return dues


def due_after_event(event_on: date, offset_days: int = 0, offset_months: int = 0) -> date:
    return event_on + relativedelta(months=offset_months, days=offset_days)
