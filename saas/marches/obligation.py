"""The hour obligation of a lot: pure computation, no database.

Four modes (docs/domain.md, national practice): a fixed number of hours; the formula
``montant_HT x part_main_d_oeuvre x taux_insertion / cout_horaire``; a share of the hours worked on
the lot; hours per amount invoiced. The result is always rounded to a whole hour by an explicit
:class:`Rounding`, and returned with the inputs actually used (JSON-ready: decimals as strings), so
that a page can show how the figure was reached and the stored figure can be checked later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from saas import formats
from saas.errors import ValidationError
from saas.marches.enums import ObligationMode, Rounding

ONE = Decimal(1)
HUNDRED = Decimal(100)

_ROUNDING_MODES = {Rounding.nearest: ROUND_HALF_UP, Rounding.up: ROUND_CEILING, Rounding.down: ROUND_FLOOR}

#: how the explanation ends, per rounding.
ROUNDING_PHRASES = {
    Rounding.nearest: "arrondi à l'heure la plus proche",
    Rounding.up: "arrondi à l'heure supérieure",
    Rounding.down: "arrondi à l'heure inférieure",
}

#: inputs each mode needs, with the French message naming what is missing.
REQUIRED_INPUTS = {
    ObligationMode.fixed: (("fixed_hours", "Indiquez le nombre d'heures d'insertion."),),
    ObligationMode.formula: (
        ("amount_ht", "Indiquez le montant HT du lot : la formule en a besoin."),
        ("labour_share", "Indiquez la part de main-d'œuvre (en %) : la formule en a besoin."),
        ("insertion_rate", "Indiquez le taux d'insertion (en %) : la formule en a besoin."),
    ),
    ObligationMode.percentage: (
        ("hours_share", "Indiquez le pourcentage des heures travaillées dû en insertion."),
    ),
    ObligationMode.per_amount: (
        ("per_amount_hours", "Indiquez le nombre d'heures dues par tranche facturée."),
        ("per_amount_base", "Indiquez le montant HT de la tranche facturée (ex. 2 000 €)."),
    ),
}


class CostSource:
    """Where the hourly cost of the formula came from, in the order it is looked for."""

    lot = "lot"
    marche = "marche"
    table = "table"


@dataclass(frozen=True)
class HourlyCostChoice:
    amount: Decimal
    source: str  # a CostSource value
    #: for the tenant table: the valid_from of the dated cost used, and the date it was looked up at.
    valid_from: date | None = None
    looked_up_on: date | None = None

    @property
    def label(self) -> str:
        if self.source == CostSource.lot:
            return "coût horaire propre au lot"
        if self.source == CostSource.marche:
            return "coût horaire propre au marché"
        return f"barème du territoire en vigueur le {formats.date(self.looked_up_on)} (depuis le {formats.date(self.valid_from)})"

    def as_dict(self) -> dict:
        return {
            "amount": str(self.amount),
            "source": self.source,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "looked_up_on": self.looked_up_on.isoformat() if self.looked_up_on else None,
            "label": self.label,
        }


@dataclass(frozen=True)
class LotParameters:
    """What the obligation of a lot depends on (the lot's own columns)."""

    mode: ObligationMode
    rounding: Rounding = Rounding.nearest
    amount_ht: Decimal | None = None
    fixed_hours: Decimal | None = None
    labour_share: Decimal | None = None
    insertion_rate: Decimal | None = None
    hours_share: Decimal | None = None
    per_amount_hours: Decimal | None = None
    per_amount_base: Decimal | None = None


@dataclass(frozen=True)
class Obligation:
    hours: Decimal
    #: the value before rounding.
    exact: Decimal
    #: JSON-ready inputs for display (``explanation`` holds the French sentence).
    inputs: dict

    @property
    def explanation(self) -> str:
        return self.inputs["explanation"]


# --- rounding -------------------------------------------------------------------


def completion_rate(counted: Decimal | None, obligation: Decimal | None) -> Decimal | None:
    """Hours counted over hours due (1 = 100 %, four decimals); None when nothing is due."""
    if not obligation or counted is None:
        return None
    return (Decimal(counted) / Decimal(obligation)).quantize(Decimal("0.0001"))


def round_hours(value: Decimal, rounding: Rounding | str) -> Decimal:
    """``value`` rounded to a whole hour: nearest (half up), up or down."""
    return Decimal(value).quantize(ONE, rounding=_ROUNDING_MODES[Rounding(rounding)])


# --- the hourly cost ---------------------------------------------------------------------------------


def choose_hourly_cost(
    lot_override: Decimal | None,
    marche_override: Decimal | None,
    table_cost: tuple[date, Decimal] | None,
    looked_up_on: date | None = None,
) -> HourlyCostChoice | None:
    """The cost the formula uses: the lot's own, else the marché's, else the tenant's dated table.

    ``table_cost`` is ``(valid_from, amount)`` of the latest dated cost on ``looked_up_on``, or None.
    """
    if lot_override is not None:
        return HourlyCostChoice(Decimal(lot_override), CostSource.lot)
    if marche_override is not None:
        return HourlyCostChoice(Decimal(marche_override), CostSource.marche)
    if table_cost is not None:
        valid_from, amount = table_cost
        return HourlyCostChoice(Decimal(amount), CostSource.table, valid_from, looked_up_on)
    return None


# --- the four modes ----------------------------------------------------------------------------------


def _inputs(mode: ObligationMode, rounding: Rounding, exact: Decimal, hours: Decimal, **values) -> dict:
    def _json(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    return {
        "mode": mode.value,
        "rounding": rounding.value,
        "exact": str(exact),
        "hours": str(hours),
        **{key: _json(value) for key, value in values.items()},
    }


def _obligation(
    mode: ObligationMode, rounding: Rounding, exact: Decimal, reckoning: str, **values
) -> Obligation:
    """``exact`` rounded by ``rounding``; the French sentence is the rounded hours, then ``reckoning``."""
    rounded = round_hours(exact, rounding)
    sentence = f"{formats.hours(rounded)}{reckoning}"
    return Obligation(rounded, exact, _inputs(mode, rounding, exact, rounded, **values, explanation=sentence))


def fixed(hours: Decimal, rounding: Rounding = Rounding.nearest) -> Obligation:
    exact = Decimal(hours)
    reckoning = " : nombre d'heures fixé au marché"
    if round_hours(exact, rounding) != exact:
        reckoning += f" ({formats.hours(exact)}, {ROUNDING_PHRASES[rounding]})"
    return _obligation(ObligationMode.fixed, rounding, exact, reckoning, fixed_hours=exact)


def formula(
    amount_ht: Decimal,
    labour_share: Decimal,
    insertion_rate: Decimal,
    cost: HourlyCostChoice,
    rounding: Rounding = Rounding.nearest,
) -> Obligation:
    """``amount_ht x labour_share x insertion_rate / cost`` (shares as fractions: 0.5 = 50 %)."""
    exact = Decimal(amount_ht) * Decimal(labour_share) * Decimal(insertion_rate) / cost.amount
    reckoning = (
        f" = {formats.amount(amount_ht)} × {formats.percent(labour_share)} × "
        f"{formats.percent(insertion_rate)} ÷ {formats.amount(cost.amount)}, {ROUNDING_PHRASES[rounding]}"
    )
    return _obligation(
        ObligationMode.formula,
        rounding,
        exact,
        reckoning,
        amount_ht=Decimal(amount_ht),
        labour_share=Decimal(labour_share),
        insertion_rate=Decimal(insertion_rate),
        hourly_cost=cost.as_dict(),
    )


def percentage(
    hours_worked: Iterable[Decimal], hours_share: Decimal, rounding: Rounding = Rounding.nearest
) -> Obligation:
    """``hours_share`` of the sum of the hours worked recorded on the lot."""
    figures = [Decimal(value) for value in hours_worked]
    total = sum(figures, Decimal(0))
    exact = total * Decimal(hours_share)
    reckoning = (
        f" = {formats.percent(hours_share)} × {formats.hours(total)} travaillées "
        f"({_count_label(len(figures))}), {ROUNDING_PHRASES[rounding]}"
    )
    return _obligation(
        ObligationMode.percentage,
        rounding,
        exact,
        reckoning,
        hours_share=Decimal(hours_share),
        hours_worked_total=total,
        figures_count=len(figures),
    )


def per_amount(
    invoiced: Iterable[Decimal],
    per_amount_base: Decimal,
    per_amount_hours: Decimal,
    rounding: Rounding = Rounding.nearest,
) -> Obligation:
    """``per_amount_hours`` for every ``per_amount_base`` euros invoiced (e.g. 1 h per 2 000 EUR HT)."""
    figures = [Decimal(value) for value in invoiced]
    total = sum(figures, Decimal(0))
    exact = total / Decimal(per_amount_base) * Decimal(per_amount_hours)
    reckoning = (
        f" = {formats.amount(total)} facturés ({_count_label(len(figures))}) "
        f"÷ {formats.amount(per_amount_base)} × {formats.hours(per_amount_hours)}, {ROUNDING_PHRASES[rounding]}"
    )
    return _obligation(
        ObligationMode.per_amount,
        rounding,
        exact,
        reckoning,
        per_amount_base=Decimal(per_amount_base),
        per_amount_hours=Decimal(per_amount_hours),
        invoiced_total=total,
        figures_count=len(figures),
    )


def _count_label(count: int) -> str:
    if count == 0:
        return "aucun relevé"
    return "1 relevé" if count == 1 else f"{count} relevés"


# --- one entry point -----------------------------------------------------------------------------------


def check_inputs(params: LotParameters) -> None:
    """Refuse a lot whose mode lacks an input, naming the field (French message)."""
    for name, message in REQUIRED_INPUTS[params.mode]:
        if getattr(params, name) is None:
            raise ValidationError(name, message)


def _checked(value: Decimal | None) -> Decimal:
    """An input of the lot's mode, which ``check_inputs`` has made sure is there."""
    assert value is not None, "check_inputs refuses a lot whose mode lacks an input"
    return value


def compute(
    params: LotParameters,
    cost: HourlyCostChoice | None = None,
    hours_worked: Iterable[Decimal] = (),
    invoiced: Iterable[Decimal] = (),
) -> Obligation:
    """The obligation of a lot in its mode; ``cost`` is needed by the formula only."""
    check_inputs(params)
    if params.mode is ObligationMode.fixed:
        return fixed(_checked(params.fixed_hours), params.rounding)
    if params.mode is ObligationMode.formula:
        if cost is None:
            raise ValidationError(
                "hourly_cost_override",
                "Aucun coût horaire n'est défini pour cette date : ajoutez un coût au barème du "
                "territoire ou saisissez un coût horaire propre au lot.",
            )
        return formula(
            _checked(params.amount_ht),
            _checked(params.labour_share),
            _checked(params.insertion_rate),
            cost,
            params.rounding,
        )
    if params.mode is ObligationMode.percentage:
        return percentage(hours_worked, _checked(params.hours_share), params.rounding)
    return per_amount(
        invoiced, _checked(params.per_amount_base), _checked(params.per_amount_hours), params.rounding
    )
