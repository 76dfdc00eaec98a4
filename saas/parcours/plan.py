"""The follow-up plan of a mission (seed 003, annex): first day, end of the first week, end of the
trial period, before the end of the contract, then every 3 months."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from saas.parcours.enums import FollowUpStep

#: the "before the end" visit is planned this many days before the end of the contract.
BEFORE_END_DAYS = 14
#: an open-ended contract is followed quarterly over its first year.
OPEN_ENDED_HORIZON_MONTHS = 12


def follow_up_plan(start: date, end: date | None, trial_end: date | None) -> list[tuple[FollowUpStep, date]]:
    plan = [(FollowUpStep.premier_jour, start)]
    end_of_week = start + timedelta(days=6)
    if end is None or end_of_week < end:
        plan.append((FollowUpStep.fin_premiere_semaine, end_of_week))
    if trial_end is not None and trial_end > end_of_week and (end is None or trial_end < end):
        plan.append((FollowUpStep.fin_periode_essai, trial_end))
    before_end = end - timedelta(days=BEFORE_END_DAYS) if end is not None else None
    if before_end is not None and before_end > end_of_week:
        plan.append((FollowUpStep.avant_fin_contrat, before_end))
    horizon = (
        before_end if before_end is not None else start + relativedelta(months=OPEN_ENDED_HORIZON_MONTHS)
    )
    months = 3
    while (quarter := start + relativedelta(months=months)) < horizon:
        plan.append((FollowUpStep.trimestriel, quarter))
        months += 3
    return sorted(plan, key=lambda item: item[1])
