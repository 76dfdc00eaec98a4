"""Figures of the facilitateur's dashboard, each computed in SQL for the tenant in scope.

- counted hours of the month and of the year (allocations of validated statements, by month of
  the hours) against the obligations of every lot;
- lots behind schedule: their rate of completion is below the share of their marché's duration
  already elapsed (only marchés with both dates, started, with an obligation);
- follow-ups overdue, prescriptions expiring soon, statements awaiting validation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, cast, func, literal, select

from saas import clock
from saas.db import db, same_tenant
from saas.heures import repository
from saas.heures.models import HourTotal
from saas.marches.models import Lot, Marche
from saas.marches.repository import lot_label
from saas.parcours import api as parcours
from saas.parcours.enums import FollowUpStep
from saas.partenaires.models import Organisation
from saas.participants import api as participants
from saas.participants.models import Participant

FIRST_OVERDUE = 10


@dataclass(frozen=True)
class LateLot:
    lot_id: int
    label: str
    donneur_ordre: str
    obligation: Decimal
    counted: Decimal
    #: counted / obligation (1 = 100 %).
    rate: Decimal
    #: share of the marché's duration elapsed today (1 = 100 %).
    elapsed: Decimal


@dataclass(frozen=True)
class OverdueFollowUp:
    follow_up_id: int
    mission_id: int
    step: str
    due_on: date
    reference: str


@dataclass
class Dashboard:
    today: date
    counted_month: Decimal
    counted_year: Decimal
    counted_total: Decimal
    obligation_total: Decimal
    awaiting_validation: int
    overdue_count: int
    overdue_first: list[OverdueFollowUp] = field(default_factory=list)
    late_lots: list[LateLot] = field(default_factory=list)
    #: ``(prescription, participant reference)``, soonest end first.
    prescriptions_expiring: list = field(default_factory=list)

    @property
    def rate_total(self) -> Decimal | None:
        if not self.obligation_total:
            return None
        return (self.counted_total / self.obligation_total).quantize(Decimal("0.0001"))


def obligation_total() -> Decimal:
    total = db.session.execute(select(func.coalesce(func.sum(Lot.obligation_hours), 0))).scalar_one()
    return Decimal(total or 0)  # never NULL (coalesce), typed as the column: Decimal | None


def counted_total() -> Decimal:
    return Decimal(db.session.execute(select(func.coalesce(func.sum(HourTotal.hours), 0))).scalar_one())


def late_lots(today: date) -> list[LateLot]:
    """Lots whose counted hours lag behind the time elapsed on their marché, most late first."""
    allocated = repository.counted_by_lot().subquery()
    counted = func.coalesce(allocated.c.counted, 0)
    days = cast(Marche.end_date - Marche.start_date, Numeric)
    elapsed = func.least(
        literal(1, Numeric), cast(literal(today) - Marche.start_date, Numeric) / func.nullif(days, 0)
    )
    rate = counted / Lot.obligation_hours
    query = (
        select(
            Lot.id,
            lot_label(),
            Organisation.name,
            Lot.obligation_hours,
            counted,
            rate,
            elapsed,
        )
        .join(Marche, same_tenant(Marche.id, Lot.marche_id))
        .join(Organisation, same_tenant(Organisation.id, Marche.donneur_ordre_id))
        .outerjoin(allocated, same_tenant(allocated.c.lot_id, Lot.id))
        .where(
            Lot.obligation_hours > 0,
            Marche.start_date.is_not(None),
            Marche.end_date > Marche.start_date,
            Marche.start_date <= today,
            rate < elapsed,
        )
        .order_by((elapsed - rate).desc(), Lot.id)
    )
    return [
        LateLot(
            row[0],
            row[1],
            row[2],
            Decimal(row[3]),
            Decimal(row[4]),
            Decimal(row[5]).quantize(Decimal("0.0001")),
            Decimal(row[6]).quantize(Decimal("0.0001")),
        )
        for row in db.session.execute(query).all()
    ]


def _references(participant_ids: set[int]) -> dict[int, str]:
    if not participant_ids:
        return {}
    rows = (
        db.session.execute(
            select(Participant.id, Participant.reference).where(Participant.id.in_(participant_ids))
        )
        .tuples()
        .all()
    )
    return dict(rows)


def figures(today: date | None = None) -> Dashboard:
    today = today or clock.today()
    month_start = today.replace(day=1)
    expiring = participants.prescriptions_expiring(today)
    references = _references({p.participant_id for p in expiring})
    return Dashboard(
        today=today,
        counted_month=repository.counted_between(month_start, today),
        counted_year=repository.counted_between(date(today.year, 1, 1), today),
        counted_total=counted_total(),
        obligation_total=obligation_total(),
        awaiting_validation=repository.awaiting_validation_count(),
        overdue_count=parcours.overdue_count(today),
        overdue_first=[
            OverdueFollowUp(f.id, f.mission_id, FollowUpStep(f.step).label, f.due_on, reference)
            for f, reference in parcours.overdue_first(today, FIRST_OVERDUE)
        ],
        late_lots=late_lots(today),
        prescriptions_expiring=[(p, references.get(p.participant_id, "")) for p in expiring],
    )
