"""Hours that make sense: the bounds every monthly statement of a mission is checked against,
whoever declares it (facilitateur, partner, import, API) and whether it is a first statement or a
correction.

- **Contract bound**: the mission's weekly hours times the weeks of the mission in the month. Above
  it the statement is recorded only if the person declaring confirms the hours (audited).
- **Legal bound**: the maximum working time of 48 hours in one week (Code du travail, art.
  L3121-20), by the same computation. Above it the statement is refused: no contract allows it.

Both bounds apply to worked + training hours: training followed during the contract is working
time (Code du travail, art. L6321-2); absences are not worked and are left out.

*Weeks of the month* = the working days (Monday to Friday) of the mission within the month divided
by 5, or its calendar days divided by 7 when that is more (a few days of a weekend are not zero
weeks). A mission that starts on the 20th gets only the weeks left in the month; a month with 23
working days gets 4.6 weeks, so a full-time employee who worked every day of such a month (35 h ×
4.6 = 161 h) is not flagged, which calendar days alone (31 ÷ 7: 155 h) would do. When the mission
covers the whole month, the bound is never below the mensualised monthly hours (weekly hours × 52 ÷
12: 151,67 h for 35 h a week), the figure a payslip carries whatever the month.

A mission of a few days in the month may hold up to 10 hours a day (art. L3121-18) within one week
of 48 hours: the legal bound is never below that (7 h worked on the only day, a Sunday, of the
mission in the month are not refused).

These bounds are averages over the month, not a week-by-week audit of working time: they catch a
figure that cannot be right (700 h in a month, a statement typed in minutes), not every breach of
the weekly maximum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta

from saas import formats
from saas.errors import ValidationError
from saas.parcours.models import LEGAL_WEEKLY_MAX_HOURS

#: Code du travail, art. L3121-18: no more than 10 hours of work in one day.
LEGAL_DAILY_MAX_HOURS = Decimal(10)
WORKING_DAYS_PER_WEEK = 5
DAYS_PER_WEEK = 7
#: mensualisation: a weekly duration makes weekly × 52 ÷ 12 hours a month.
WEEKS_PER_YEAR = Decimal(52)
MONTHS_PER_YEAR = Decimal(12)
CENT = Decimal("0.01")

#: a month has at most 31 days of 24 hours: no statement holds more worked + training hours (the
#: database refuses them too, ``hour_statements`` constraint ``hours_in_month``).
MONTH_MAX_HOURS = 744
MONTH_MAX_MESSAGE = f"Un mois compte au plus {MONTH_MAX_HOURS} heures."

#: the field that confirms hours above the contract, in forms and in the API.
CONFIRM_FIELD = "confirm_over_contract"


def parse_hours(value, field: str) -> Decimal:
    """A figure of hours typed or sent: a number of hours of one month, to the cent. The message
    names no field: the form shows it under the field's label, the API names the field."""
    try:
        hours = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        raise ValidationError(field, "Indiquez un nombre d'heures.") from None
    if hours < 0:
        raise ValidationError(field, "Le nombre d'heures ne peut pas être négatif.")
    if hours > MONTH_MAX_HOURS:
        raise ValidationError(field, MONTH_MAX_MESSAGE)
    return hours


def month_label(month: date) -> str:
    """« mars 2026 »."""
    return formats.month(month)


@dataclass(frozen=True)
class MissionMonth:
    """The days of a mission within one month (the mission's own start and end cut it)."""

    first_day: date
    last_day: date
    #: the mission runs from the first to the last day of the month.
    whole_month: bool

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def working_days(self) -> int:
        """Monday to Friday, public holidays included (a bound, not a payroll)."""
        return sum(
            1 for offset in range(self.days) if (self.first_day + timedelta(days=offset)).weekday() < 5
        )

    @property
    def weeks(self) -> Decimal:
        """Working days ÷ 5, or calendar days ÷ 7 when more (see the module's docstring)."""
        return max(Decimal(self.working_days) / WORKING_DAYS_PER_WEEK, Decimal(self.days) / DAYS_PER_WEEK)


def mission_month(mission, month: date) -> MissionMonth:
    """The days of ``mission`` in ``month``; ``month`` is any day of the month."""
    start = month.replace(day=1)
    end = start + relativedelta(months=1, days=-1)
    mission_end = min((d for d in (mission.end_date, mission.exit_date) if d is not None), default=end)
    first, last = max(start, mission.start_date), min(end, mission_end)
    if last < first:
        last = first  # a month outside the mission is refused elsewhere; keep the bound defined
    return MissionMonth(first, last, whole_month=(first, last) == (start, end))


def _bound(weekly: Decimal, period: MissionMonth) -> Decimal:
    bound = Decimal(weekly) * period.weeks
    if period.whole_month:
        bound = max(bound, Decimal(weekly) * WEEKS_PER_YEAR / MONTHS_PER_YEAR)
    return bound.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MonthBounds:
    period: MissionMonth
    weekly_hours: Decimal
    #: weekly hours of the contract times the weeks of the month.
    contract_hours: Decimal
    #: 48 h times the weeks of the month (never below 10 h a day within one week of 48 h).
    legal_hours: Decimal

    def explain(self, weekly: Decimal) -> str:
        """« 35 h par semaine × 4,6 semaines de mission dans le mois » (French, for messages)."""
        weeks = self.period.weeks.quantize(CENT, rounding=ROUND_HALF_UP)
        text = f"{formats.decimal(weekly)} h par semaine × {formats.decimal(weeks)} semaines de mission dans le mois"
        if self.period.whole_month:
            text += f", au moins {formats.decimal(weekly)} × 52 ÷ 12 pour un mois complet"
        return text


def month_bounds(mission, month: date) -> MonthBounds:
    period = mission_month(mission, month)
    return MonthBounds(
        period=period,
        weekly_hours=Decimal(mission.weekly_hours),
        contract_hours=_bound(mission.weekly_hours, period),
        legal_hours=max(_bound(LEGAL_WEEKLY_MAX_HOURS, period), _days_within_one_week(period)),
    )


def _days_within_one_week(period: MissionMonth) -> Decimal:
    """A few days of mission may each be a full legal day (10 h), within one legal week (48 h):
    the weekly average alone would refuse 7 h worked on the only day of the mission in the month."""
    return min(LEGAL_DAILY_MAX_HOURS * period.days, LEGAL_WEEKLY_MAX_HOURS).quantize(CENT)


def _legal_explanation(bounds: MonthBounds) -> str:
    if bounds.legal_hours == _bound(LEGAL_WEEKLY_MAX_HOURS, bounds.period):
        return bounds.explain(LEGAL_WEEKLY_MAX_HOURS)
    days = bounds.period.days
    return f"10 h par jour (art. L3121-18) pour {days} jour{'s' if days > 1 else ''} de mission dans le mois"


def check_hours(
    mission, month: date, worked: Decimal, training: Decimal, confirm_over_contract: bool = False
) -> MonthBounds | None:
    """Refuse hours above the legal bound; above the contract bound, ask for a confirmation.

    Returns the bounds when the hours are above the contract and were confirmed (the caller
    audits the confirmation), None when they are within the contract.
    """
    bounds = month_bounds(mission, month)
    hours = worked + training
    if hours > bounds.legal_hours:
        raise ValidationError(
            "worked_hours",
            f"{formats.decimal(hours)} h déclarées (travaillées et formation) : c'est plus que la durée "
            f"maximale du travail, 48 h par semaine (Code du travail, art. L3121-20), soit "
            f"{formats.decimal(bounds.legal_hours)} h au plus pour ce mois ({_legal_explanation(bounds)}). "
            "Vérifiez le relevé.",
        )
    if hours <= bounds.contract_hours:
        return None
    if not confirm_over_contract:
        raise ValidationError(
            CONFIRM_FIELD,
            f"{formats.decimal(hours)} h déclarées (travaillées et formation) : c'est plus que les "
            f"{formats.decimal(bounds.contract_hours)} h prévues au contrat pour ce mois "
            f"({bounds.explain(bounds.weekly_hours)}). Vérifiez le relevé ; si ces heures sont "
            "justes, confirmez-les.",
        )
    return bounds
