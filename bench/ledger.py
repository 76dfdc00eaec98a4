"""The monthly statements of one mission, as the ledger holds them: validated and counted under the
rule in force at the validation (``saas.heures.counting``), allocated to the lot or across a
mutualisation agreement's lots (``counting.split``); some rejected then declared again, some
validated then corrected (the correction supersedes: the first counting stops being current and its
allocations go), last month's partly still awaiting validation. Hours within the contract
(``saas.heures.validation.month_bounds``), as in the demo."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from bench.people import Mission
from bench.rows import Ids, Rows
from bench.shape import Period
from bench.territory import Place, stamp
from saas.heures import counting as arithmetic
from saas.heures.validation import MonthBounds, month_bounds
from saas.parcours.api import CDI_TYPES

CENT = Decimal("0.01")
SEVEN = Decimal(7)


@dataclass(frozen=True)
class _Span:
    """The days of a mission in one month, as ``month_bounds`` reads a mission."""

    start_date: date
    end_date: date
    weekly_hours: Decimal
    exit_date: None = None


@lru_cache(maxsize=200_000)
def _bounds(first: date, last: date, weekly: Decimal, month: date) -> MonthBounds:
    """``month_bounds`` of the mission's days in the month, computed once for each such span."""
    bounds = month_bounds(_Span(first, last, weekly), month)
    return bounds


def next_month(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


class Ledger:
    def __init__(self, place: Place, period: Period, ids: Ids, rows: Rows):
        self.place, self.period, self.ids, self.rows = place, period, ids, rows
        self.rng = random.Random(f"ledger-{place.spec.slug}")  # noqa: S311 - reproducible data
        self.now = datetime.now(UTC) - timedelta(hours=1)
        self.span: tuple[date, date] = (period.first_month, period.first_month)

    def mission(self, mission: Mission) -> None:
        month = mission.start_date.replace(day=1)
        ends = [d for d in (mission.end_date, mission.exit_date) if d is not None]
        last = min([*ends, self.period.last_month])
        before = Decimal(0)  # counted so far on the mission (the CDI cap reads it)
        while month <= last:
            before += self._month(mission, month, before)
            month = next_month(month)

    def _moment(self, day: date, hours: int) -> datetime:
        return min(stamp(day) + timedelta(hours=hours), self.now)

    def _span(self, mission: Mission, month: date) -> tuple[date, date]:
        """The mission's first and last day in the month (``saas.heures.validation.mission_month``)."""
        end = next_month(month) - timedelta(days=1)
        ends = [d for d in (mission.end_date, mission.exit_date) if d is not None]
        first, last = max(month, mission.start_date), min([end, *ends])
        return first, max(first, last)

    def _figures(self, mission: Mission, month: date):
        first, last = self.span = self._span(mission, month)
        bounds = _bounds(first, last, mission.weekly_hours, month)
        bound = bounds.contract_hours
        training = Decimal(self.rng.choice([0, 0, 0, 7, 14]))
        training = training if training * 4 <= bound else Decimal(0)
        worked = ((bound - training) * Decimal(self.rng.uniform(0.8, 1.0))).quantize(CENT)
        if mission.contract_type == "formation_prealable":
            worked, training = Decimal(0), worked + training
        return bounds, worked, training

    def _month(self, mission: Mission, month: date, before: Decimal) -> Decimal:
        """The statements of one month; the hours counted and current."""
        rng = self.rng
        bounds, worked, training = self._figures(mission, month)
        figures = (worked, training, Decimal(rng.choice([0, 0, 7])))
        declared = self._moment(next_month(month), rng.randint(0, 240))
        decided = self._moment(declared.date(), rng.randint(24, 200))
        roll = rng.random()
        if month == self.period.last_month and roll < 0.35:  # still coming in
            self._statement(mission, month, figures, "facilitateur", "declared", declared)
            return Decimal(0)
        if roll < 0.03:
            self._statement(
                mission,
                month,
                figures,
                "facilitateur",
                "rejected",
                declared,
                decided,
                reason="Relevé incomplet : feuille d'heures non signée",
            )
            declared = min(decided + timedelta(hours=rng.randint(2, 72)), self.now)
            decided = min(declared + timedelta(hours=rng.randint(2, 72)), self.now)
            return self._validated(
                mission, month, (worked, training, Decimal(0)), "partenaire", declared, decided, before
            )[1]
        if roll < 0.08 and bounds.legal_hours - worked - training >= SEVEN:
            again = min(decided + timedelta(days=rng.randint(3, 40)), self.now)
            replaced = min(again + timedelta(hours=rng.randint(2, 96)), self.now)
            first, _ = self._validated(
                mission, month, figures, "facilitateur", declared, decided, before, superseded_at=replaced
            )
            return self._validated(
                mission,
                month,
                (worked + SEVEN, training, figures[2]),
                "facilitateur",
                again,
                replaced,
                before,
                supersedes=first,
                comment="Heures supplémentaires oubliées",
            )[1]
        return self._validated(mission, month, figures, "facilitateur", declared, decided, before)[1]

    def _statement(
        self,
        mission,
        month,
        figures,
        source,
        status,
        declared,
        decided=None,
        reason=None,
        supersedes=None,
        superseded_at=None,
        comment=None,
    ) -> int:
        statement_id, user = self.ids("hour_statements"), self.place.user_id
        version = 1 + (decided is not None) + (superseded_at is not None)
        worked, training, absence = figures
        self.rows.add(
            "hour_statements",
            tenant_id=self.place.tenant_id,
            id=statement_id,
            mission_id=mission.id,
            month=month,
            worked_hours=worked,
            training_hours=training,
            absence_hours=absence,
            source=source,
            comment=comment,
            status=status,
            rejection_reason=reason,
            supersedes_id=supersedes,
            superseded_at=superseded_at,
            declared_by=user,
            declared_at=declared,
            decided_by=user if decided else None,
            decided_at=decided,
            row_version=version,
        )
        return statement_id

    def _validated(
        self,
        mission,
        month,
        figures,
        source,
        declared,
        decided,
        before,
        superseded_at=None,
        supersedes=None,
        comment=None,
    ) -> tuple[int, Decimal]:
        """A validated statement and its counting: the statement's id, the hours it counts now (none
        once superseded)."""
        statement_id = self._statement(
            mission,
            month,
            figures,
            source,
            "validated",
            declared,
            decided,
            supersedes=supersedes,
            superseded_at=superseded_at,
            comment=comment,
        )
        counted = self._count(mission, month, figures, decided, before, statement_id, superseded_at is None)
        return statement_id, counted

    def _count(self, mission, month, figures, decided, before, statement_id: int, current: bool) -> Decimal:
        """The counting under the rule in force at ``decided``, allocated when current; the hours
        it counts now."""
        worked, training, _ = figures
        rule_id, rule, version = self.place.rule_at(decided)
        counted, detail = arithmetic.count(
            rule,
            worked,
            training,
            mission.contract_type,
            self._eligible_days(mission, month),
            mission.contract_type in CDI_TYPES,
            before,
        )
        counting_id = self.ids("hour_countings")
        self.rows.add(
            "hour_countings",
            tenant_id=self.place.tenant_id,
            id=counting_id,
            statement_id=statement_id,
            rule_id=rule_id,
            raw_hours=worked + training,
            counted_hours=counted,
            detail=json.dumps({**detail, "rule_version": version, "rule_marche": None}),
            current=current,
            created_by=self.place.user_id,
            created_at=decided,
        )
        if not current:
            return Decimal(0)
        for lot_id, hours, agreement_id in self._plan(mission, month, counted):
            self.rows.add(
                "hour_allocations",
                tenant_id=self.place.tenant_id,
                id=self.ids("hour_allocations"),
                counting_id=counting_id,
                lot_id=lot_id,
                hours=hours,
                agreement_id=agreement_id,
                created_at=decided,
            )
        return counted

    def _eligible_days(self, mission: Mission, month: date) -> arithmetic.EligibleDays:
        first, last = self.span
        if any(lo <= first and (hi is None or last <= hi) for lo, hi, _ in mission.windows):
            return arithmetic.EligibleDays.whole((last - first).days + 1)
        return arithmetic.EligibleDays.of(first, last, mission.windows)

    def _plan(self, mission: Mission, month: date, counted: Decimal) -> list[tuple[int, Decimal, int | None]]:
        """As ``saas.heures.api.allocation_plan``: the lot, or the agreement's lots pro rata."""
        if counted <= 0:
            return []
        agreement = self.place.agreement_for(mission.lot_id, month)
        if agreement is None:
            return [(mission.lot_id, counted, None)]
        parts = arithmetic.split(counted, agreement.weights)
        if not parts:
            return [(mission.lot_id, counted, None)]
        return [(lot_id, hours, agreement.id) for lot_id, hours in parts]
