"""Counting rules applied to one monthly statement: pure arithmetic on Decimals, no database.

``count`` returns the counted hours and the detail of how they were reached, which is stored
with the counting and shown to the facilitateur.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

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
        )


def round_hours(value: Decimal, step: Decimal, mode: str) -> Decimal:
    """Round ``value`` to a multiple of ``step`` (0.01, 0.25, 0.5 or 1 hour) the way ``mode`` says."""
    units = (value / step).quantize(Decimal(1), rounding=_MODES[mode])
    return (units * step).quantize(CENT)


def count(
    rule: Rule,
    worked: Decimal,
    training: Decimal,
    contract_type: str,
    eligible: bool,
    is_cdi: bool,
    counted_before_for_mission: Decimal = Decimal(0),
) -> tuple[Decimal, dict]:
    """Counted hours of one statement, and the steps (in French) that lead there."""
    steps: list[str] = []
    raw = worked + training
    if rule.require_eligibility and not eligible:
        return Decimal("0.00"), {
            "raw": str(raw),
            "steps": ["Éligibilité non valide à la date des heures : aucune heure comptée."],
            "eligible": False,
        }
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
    return rounded, {"raw": str(raw), "steps": steps, "eligible": eligible, "multiplier": str(multiplier)}


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
