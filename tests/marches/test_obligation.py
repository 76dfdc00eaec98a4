"""The hour obligation of a lot, computed without the database: the four modes, explicit rounding,
the order in which the hourly cost is chosen, and the inputs kept for display."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from saas.errors import ValidationError
from saas.marches import obligation
from saas.marches.enums import ObligationMode, Rounding
from saas.marches.obligation import CostSource, LotParameters


def plain(text: str) -> str:
    """French formats use (narrow) no-break spaces; compare with ordinary ones."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def table_cost(amount="30"):
    return obligation.choose_hourly_cost(None, None, (date(2024, 1, 1), D(amount)), date(2025, 3, 3))


def test_formula_example_of_the_national_practice_gives_833_hours_with_its_inputs():
    result = obligation.formula(D("1000000"), D("0.5"), D("0.05"), table_cost(), Rounding.nearest)
    assert result.hours == D(833)
    assert result.exact.quantize(D("0.01")) == D("833.33")
    assert plain(result.explanation) == (
        "833 h = 1 000 000 € × 50 % × 5 % ÷ 30 €, arrondi à l'heure la plus proche"
    )
    inputs = result.inputs
    assert inputs["mode"] == "formula" and inputs["rounding"] == "nearest" and inputs["hours"] == "833"
    assert (inputs["amount_ht"], inputs["labour_share"], inputs["insertion_rate"]) == (
        "1000000",
        "0.5",
        "0.05",
    )
    assert inputs["hourly_cost"]["amount"] == "30"
    assert inputs["hourly_cost"]["source"] == "table"
    assert inputs["hourly_cost"]["valid_from"] == "2024-01-01"
    assert inputs["hourly_cost"]["looked_up_on"] == "2025-03-03"


@pytest.mark.parametrize(
    ("value", "rounding", "expected"),
    [
        ("2.5", Rounding.nearest, 3),
        ("2.5", Rounding.up, 3),
        ("2.5", Rounding.down, 2),
        ("2.49", Rounding.nearest, 2),
        ("833.33", Rounding.up, 834),
        ("833.33", Rounding.down, 833),
        ("833.5", Rounding.nearest, 834),
        ("12", Rounding.up, 12),
    ],
)
def test_rounding_is_to_the_whole_hour_and_nearest_is_half_up(value, rounding, expected):
    assert obligation.round_hours(D(value), rounding) == D(expected)


def test_formula_rounded_up_and_down():
    up = obligation.formula(D("1000000"), D("0.5"), D("0.05"), table_cost(), Rounding.up)
    down = obligation.formula(D("1000000"), D("0.5"), D("0.05"), table_cost(), Rounding.down)
    assert (up.hours, down.hours) == (D(834), D(833))
    assert up.explanation.endswith("arrondi à l'heure supérieure")
    # exactly half an hour: 10 000 x 50 % x 20 % / 400 = 2.5
    half = obligation.formula(D("10000"), D("0.5"), D("0.2"), table_cost("400"), Rounding.nearest)
    assert half.exact == D("2.5") and half.hours == D(3)


def test_fixed_hours():
    result = obligation.fixed(D("500"))
    assert result.hours == D(500)
    assert result.inputs["fixed_hours"] == "500"
    assert obligation.fixed(D("120.5"), Rounding.down).hours == D(120)


def test_percentage_of_the_hours_worked_sums_every_figure():
    result = obligation.percentage([D("4000"), D("6000")], D("0.07"))
    assert result.hours == D(700)
    assert result.inputs["hours_worked_total"] == "10000" and result.inputs["figures_count"] == 2
    assert plain(result.explanation).startswith("700 h = 7 % × 10 000 h travaillées (2 relevés)")
    assert obligation.percentage([], D("0.07")).hours == 0


def test_per_amount_invoiced_grows_with_invoicing():
    assert obligation.per_amount([D("100000")], D("2000"), D("1")).hours == D(50)
    grown = obligation.per_amount([D("100000"), D("21000")], D("2000"), D("1"), Rounding.down)
    assert grown.hours == D(60)  # 60.5 rounded down
    assert grown.inputs["invoiced_total"] == "121000"
    assert "÷ 2 000 € × 1 h" in plain(grown.explanation)


def test_hourly_cost_override_order_lot_then_marche_then_tenant_table():
    table = (date(2025, 1, 1), D("32"))
    lot_cost = obligation.choose_hourly_cost(D("20"), D("25"), table, date(2025, 3, 3))
    marche_cost = obligation.choose_hourly_cost(None, D("25"), table, date(2025, 3, 3))
    dated = obligation.choose_hourly_cost(None, None, table, date(2025, 3, 3))
    assert (lot_cost.amount, lot_cost.source) == (D("20"), CostSource.lot)
    assert (marche_cost.amount, marche_cost.source) == (D("25"), CostSource.marche)
    assert (dated.amount, dated.source, dated.valid_from) == (D("32"), CostSource.table, date(2025, 1, 1))
    assert dated.label == "barème du territoire en vigueur le 03/03/2025 (depuis le 01/01/2025)"
    assert obligation.choose_hourly_cost(None, None, None) is None


@pytest.mark.parametrize(
    ("mode", "given", "missing"),
    [
        (ObligationMode.fixed, {}, "fixed_hours"),
        (ObligationMode.formula, {"amount_ht": D(1), "insertion_rate": D("0.05")}, "labour_share"),
        (ObligationMode.formula, {"labour_share": D("0.5"), "insertion_rate": D("0.05")}, "amount_ht"),
        (ObligationMode.percentage, {}, "hours_share"),
        (ObligationMode.per_amount, {"per_amount_hours": D(1)}, "per_amount_base"),
    ],
)
def test_missing_inputs_are_refused_naming_the_field(mode, given, missing):
    with pytest.raises(ValidationError) as refused:
        obligation.compute(LotParameters(mode=mode, **given), table_cost())
    assert refused.value.field == missing
    assert refused.value.message.startswith("Indiquez")


def test_formula_without_any_hourly_cost_is_refused_in_french():
    params = LotParameters(
        ObligationMode.formula, amount_ht=D(1), labour_share=D("0.5"), insertion_rate=D("0.05")
    )
    with pytest.raises(ValidationError) as refused:
        obligation.compute(params, None)
    assert refused.value.field == "hourly_cost_override"
    assert "Aucun coût horaire" in refused.value.message
