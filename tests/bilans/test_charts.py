"""The charts of a bilan: the axis ends on a round figure above the data, the curve accumulates the
months, the expected pace is drawn only where the scope has one, the bars are proportional to
their figures, and every chart says its figures in words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saas.bilans import charts
from saas.bilans.indicators import Unit
from saas.bilans.presentation import shown


@pytest.mark.parametrize(
    ("top", "axis"),
    [("0", "1"), ("7", "10"), ("10", "10"), ("11", "20"), ("230", "250"), ("4100", "5000"), ("0.3", "0.5")],
)
def test_the_axis_ends_on_the_round_figure_at_or_above_the_data(top, axis):
    assert charts.nice_ceiling(Decimal(top)) == Decimal(axis)


MONTHS = [
    {"label": "janvier 2026", "heures": "100.00", "attendu": "50.00"},
    {"label": "février 2026", "heures": "0.00", "attendu": "50.00"},
    {"label": "mars 2026", "heures": "100.00", "attendu": "50.00"},
]


def test_the_curve_accumulates_the_months_against_the_expected_pace():
    chart = charts.hours_curve(MONTHS, "Heures")
    done, expected = chart.series
    assert [s.line for s in chart.series] == ["plein", "tirets"]  # told apart without colour
    assert [s.marker for s in chart.series] == ["rond", "carre"]
    # axis 0..200 h (250 would be the next step): 100, 100, 200 h cumulated
    bottom, top = charts.LineChart.bottom, charts.LineChart.top
    heights = [round((bottom - y) / (bottom - top), 3) for _, y in done.points]
    assert heights == [0.5, 0.5, 1.0]
    assert [round((bottom - y) / (bottom - top), 3) for _, y in expected.points] == [0.25, 0.5, 0.75]
    assert chart.y_ticks[-1][1] == "200 h"
    assert (
        chart.description
        == "De janvier 2026 à mars 2026 : 200 h comptées pour 150 h attendues à rythme régulier."
    )


def test_a_scope_without_obligation_draws_its_hours_alone():
    rows = [{**row, "attendu": None} for row in MONTHS]
    chart = charts.hours_curve(rows, "Heures")
    assert len(chart.series) == 1
    assert chart.description == "De janvier 2026 à mars 2026 : 200 h comptées."
    assert charts.hours_curve([], "Heures") is None


def test_the_bars_are_proportional_and_carry_their_figures():
    rows = [
        {"label": "Embauche directe", "heures": "300.00"},
        {"label": "Mise à disposition", "heures": "150.00"},
        {"label": "Sous-traitance", "heures": "0.00"},
    ]
    chart = charts.bars(rows, "Heures par modalité", "heures", lambda raw: shown(raw, Unit.hours))
    assert [bar.label for bar in chart.bars] == ["Embauche directe", "Mise à disposition"]
    assert chart.bars[0].length == pytest.approx(2 * chart.bars[1].length)
    assert [bar.figure for bar in chart.bars] == ["300 h", "150 h"]
    assert chart.description == "Embauche directe : 300 h ; Mise à disposition : 150 h."
    assert charts.bars(rows[2:], "Vide", "heures", str) is None
