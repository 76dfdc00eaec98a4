"""Counting rules applied to one monthly statement: pure arithmetic on Decimals, no database.

``count`` returns the counted hours and the detail of how they were reached, which is stored
with the counting and shown to the facilitateur.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from saas import formats
from saas.heures.enums import PartialEligibility

_MODES = {"nearest": ROUND_HALF_UP, "up": ROUND_CEILING, "down": ROUND_FLOOR}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rule:
    multipliers: dict[str, Decimal]
    count_training: bool
    training_cap_hours: Decimal | None
    cdi_cap_hours: Decimal | None
    require_eligibility: bool
    rounding_step: Decimal
    rounding: str
    #: a month with eligibility on part of its days (``PartialEligibility``).
    partial_eligibility: str = PartialEligibility.pro_rata.value

    @classmethod
    def from_model(cls, rule) -> Rule:
        return cls(
            multipliers={k: Decimal(str(v)) for k, v in (rule.multipliers or {}).items()},
            count_training=rule.count_training,
            training_cap_hours=rule.training_cap_hours,
            cdi_cap_hours=rule.cdi_cap_hours,
            require_eligibility=rule.require_eligibility,
            rounding_step=Decimal(rule.rounding_step),
            rounding=rule.rounding,
            partial_eligibility=rule.partial_eligibility,
        )


@dataclass(frozen=True)
class EligibleDays:
    """The days of the mission in the month, and those of them on which eligibility was valid."""

    days: int
    eligible_days: int
    #: first and last eligible day in the period (None when there is none).
    first: date | None = None
    last: date | None = None
    #: the period: the mission's days within the month.
    period_first: date | None = None
    period_last: date | None = None
    #: the date of the validation whose window opens at ``first``, if any.
    validated_on: date | None = None

    @classmethod
    def whole(cls, days: int) -> EligibleDays:
        return cls(days, days)

    @classmethod
    def of(cls, first: date, last: date, windows) -> EligibleDays:
        """The eligible days of ``first``..``last`` under ``(valid_from, valid_until, validated_on)``."""
        covered = set()
        opened: dict[date, date] = {}
        for valid_from, valid_until, validated_on in windows:
            start, end = max(first, valid_from), min(last, valid_until or last)
            for offset in range((end - start).days + 1):
                covered.add(start + timedelta(days=offset))
            opened.setdefault(valid_from, validated_on)
        days = (last - first).days + 1
        if not covered:
            return cls(days, 0, period_first=first, period_last=last)
        lo, hi = min(covered), max(covered)
        return cls(days, len(covered), lo, hi, first, last, opened.get(lo))

    @property
    def partial(self) -> bool:
        return 0 < self.eligible_days < self.days


def round_hours(value: Decimal, step: Decimal, mode: str) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.01, 0.25, 0.5 or 1 hour) the way ``mode`` says."""
    units = (value / step).quantize(Decimal(1), rounding=_MODES[mode])
    return (units * step).quantize(CENT)


def _share(hours: Decimal, part: int, whole: int) -> Decimal:
    return (hours * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def _eligibility_lead(days: EligibleDays) -> str:
    if days.first != days.period_first:
        if days.validated_on == days.first:
            lead = f"Éligibilité validée le {formats.date(days.first)}"
        else:
            lead = f"Éligibilité valable à partir du {formats.date(days.first)}"
        if days.last != days.period_last:
            lead += f" et jusqu'au {formats.date(days.last)}"
        return lead
    return f"Éligibilité valable jusqu'au {formats.date(days.last)}"


def eligible_share(
    rule: Rule, worked: Decimal, training: Decimal, days: EligibleDays
) -> tuple[Decimal, Decimal, dict | None]:
    """The worked and training hours the eligibility lets count, and what was done (None when the
    whole month is covered or the rule does not look at eligibility).

    Pro rata: each figure × eligible days ÷ days of the mission in the month, to the cent (half up),
    before the multipliers, caps and the rule's rounding."""
    if not rule.require_eligibility or days.eligible_days == days.days:
        return worked, training, None
    raw = worked + training
    mode = PartialEligibility(rule.partial_eligibility)
    if days.eligible_days == 0:
        worked = training = Decimal("0.00")
        message = "Éligibilité non valide à la date des heures : aucune heure comptée."
    else:
        if mode is PartialEligibility.pro_rata:
            worked = _share(worked, days.eligible_days, days.days)
            training = _share(training, days.eligible_days, days.days)
            what = f"{days.eligible_days} jours sur {days.days} comptés"
        elif mode is PartialEligibility.none:
            worked = training = Decimal("0.00")
            what = "mois non compté"
        else:
            what = f"mois compté en entier ({days.eligible_days} jours sur {days.days} couverts)"
        message = (
            f"{_eligibility_lead(days)} : {what}, {formats.decimal(worked + training)} h sur {formats.decimal(raw)} h"
            f" (règle : {mode.label.lower()})."
        )
    return (
        worked,
        training,
        {
            "rule": mode.value,
            "rule_label": mode.label,
            "days": days.days,
            "eligible_days": days.eligible_days,
            "valid_from": days.first.isoformat() if days.first else None,
            "valid_until": days.last.isoformat() if days.last else None,
            "hours": str(raw.quantize(CENT)),
            "eligible_hours": str((worked + training).quantize(CENT)),
            "message": message,
        },
    )


def count(
    rule: Rule,
    worked: Decimal,
    training: Decimal,
    contract_type: str,
    eligibility: EligibleDays,
    is_cdi: bool,
    counted_before_for_mission: Decimal = Decimal(0),
) -> tuple[Decimal, dict]:
    """Counted hours of one statement, and the steps (in French) that lead there."""
    steps: list[str] = []
    raw = worked + training
    worked, training, share = eligible_share(rule, worked, training, eligibility)
    extra = {"eligibility": share} if share is not None else {}
    if share is not None:
        steps.append(share["message"])
        if worked + training == 0:
            return Decimal("0.00"), {"raw": str(raw), "steps": steps, "eligible": False, **extra}
    multiplier = rule.multipliers.get(contract_type, Decimal(1))
    counted_worked = worked * multiplier
    if multiplier != 1:
        steps.append(f"Heures travaillées {worked} × {multiplier} ({contract_type}) = {counted_worked}")
    counted_training = Decimal(0)
    if training:
        if not rule.count_training:
            steps.append(f"Heures de formation ({training}) non comptées.")
        else:
            counted_training = training
            if rule.training_cap_hours is not None and training > rule.training_cap_hours:
                counted_training = rule.training_cap_hours
                steps.append(
                    f"Heures de formation plafonnées à {rule.training_cap_hours} (déclarées : {training})."
                )
    total = counted_worked + counted_training
    if is_cdi and rule.cdi_cap_hours is not None:
        room = max(rule.cdi_cap_hours - counted_before_for_mission, Decimal(0))
        if total > room:
            steps.append(
                f"Plafond de valorisation CDI : {rule.cdi_cap_hours} h par contrat, "
                f"{counted_before_for_mission} h déjà comptées ; {room} h retenues."
            )
            total = room
    rounded = round_hours(total, rule.rounding_step, rule.rounding)
    if rounded != total.quantize(CENT):
        steps.append(f"Arrondi ({rule.rounding}, pas de {rule.rounding_step} h) : {total} → {rounded}")
    return rounded, {
        "raw": str(raw),
        "steps": steps,
        "eligible": eligibility.eligible_days == eligibility.days,
        "multiplier": str(multiplier),
        **extra,
    }


def split(total: Decimal, weights: list[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """Split ``total`` hours between keys in proportion to ``weights``, to the cent, exactly.

    The cents left by rounding down go to the largest remainders, so the parts add up to
    ``total`` and no hour is created or lost.
    """
    weights = [(key, weight) for key, weight in weights if weight > 0]
    if not weights or total <= 0:
        return []
    weight_sum = sum(weight for _, weight in weights)
    cents = int((total / CENT).to_integral_value())
    exact = [(key, Decimal(cents) * weight / weight_sum) for key, weight in weights]
    floors = [(key, int(value.to_integral_value(rounding=ROUND_FLOOR)), value) for key, value in exact]
    left = cents - sum(part for _, part, _ in floors)
    order = sorted(range(len(floors)), key=lambda i: floors[i][2] - floors[i][1], reverse=True)
    parts = [part for _, part, _ in floors]
    for i in order[:left]:
        parts[i] += 1
    return [(floors[i][0], Decimal(parts[i]) * CENT) for i in range(len(floors)) if parts[i] > 0]
