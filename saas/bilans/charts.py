"""The charts of a bilan, drawn on the server: the geometry here, the SVG in
``components/charts.html`` (the page and the PDF draw the same chart).

Each chart is readable without colour: the series differ by their line (solid, dashed) and their
markers (circles, squares), every bar carries its figure as text, and each chart has a text
alternative (its ``description``) beside the table that holds its figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from saas import formats

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40
BAR_HEIGHT, BAR_GAP, BAR_LABELS = 22, 8, 230


@dataclass(frozen=True)
class Series:
    label: str
    #: ``"plein"`` or ``"tirets"``: the line, so that two series differ without colour
    line: str
    #: ``"rond"`` or ``"carre"``: the markers of the points
    marker: str
    points: tuple[tuple[float, float], ...]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(self.points))


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    series: tuple[Series, ...]
    #: ``(x, label)`` under the axis, ``(y, label)`` beside it
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    width: ClassVar[int] = WIDTH
    height: ClassVar[int] = HEIGHT
    left: ClassVar[int] = LEFT
    top: ClassVar[int] = TOP
    bottom: ClassVar[int] = HEIGHT - BOTTOM
    right: ClassVar[int] = WIDTH - RIGHT


@dataclass(frozen=True)
class Bar:
    label: str
    figure: str
    y: float
    length: float


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: ClassVar[int] = WIDTH
    labels: ClassVar[int] = BAR_LABELS
    bar_height: ClassVar[int] = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP


def nice_ceiling(top: Decimal) -> Decimal:
    """The round figure at or above ``top`` an axis ends on: 1, 2, 2.5 or 5 times a power of ten."""
    if top <= 0:
        return Decimal(1)
    power = Decimal(10) ** math.floor(math.log10(top))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        if top <= power * step:
            return power * step
    return power * 10  # pragma: no cover - the loop ends at 10 powers


def _cumulated(values: list[Decimal]) -> list[Decimal]:
    total, found = Decimal(0), []
    for item in values:
        total += item
        found.append(total)
    return found


def hours_curve(rows: list[dict], title: str) -> LineChart | None:
    """Hours counted since the start of the period, month by month, against the pace the
    obligation expects (where the scope has one). ``rows`` are those of the table ``mois``."""
    if not rows:
        return None
    done = _cumulated([Decimal(row["heures"]) for row in rows])
    paced = [row["attendu"] for row in rows if row.get("attendu") is not None]
    expected = _cumulated([Decimal(v) for v in paced]) if len(paced) == len(rows) else None
    top = nice_ceiling(max([*done, *(expected or [])]))
    span = max(len(rows) - 1, 1)

    def x(i: int) -> float:
        return LineChart.left + (LineChart.right - LineChart.left) * i / span

    def y(v: Decimal) -> float:
        return LineChart.bottom - (LineChart.bottom - LineChart.top) * float(v / top)

    series = [
        Series("Heures comptées (cumul)", "plein", "rond", tuple((x(i), y(v)) for i, v in enumerate(done)))
    ]
    if expected is not None:
        points = tuple((x(i), y(v)) for i, v in enumerate(expected))
        series.append(Series("Attendu à rythme régulier (cumul)", "tirets", "carre", points))
    every = max(1, math.ceil(len(rows) / 12))
    x_ticks = tuple((x(i), row["label"]) for i, row in enumerate(rows) if i % every == 0)
    y_ticks = tuple((y(top * k / 4), formats.hours(top * k / 4)) for k in range(5))
    description = f"De {rows[0]['label']} à {rows[-1]['label']} : {formats.hours(done[-1])} comptées"
    if expected is not None:
        description += f" pour {formats.hours(expected[-1])} attendues à rythme régulier"
    return LineChart(title, description + ".", tuple(series), x_ticks, y_ticks)


def bars(rows: list[dict], title: str, measure: str, shown) -> BarChart | None:
    """One horizontal bar per row of a table, its figure written at its end; ``shown`` writes a
    figure the French way."""
    values = [(row["label"], Decimal(row.get(measure) or 0), row.get(measure)) for row in rows]
    values = [value for value in values if value[1] > 0]
    if not values:
        return None
    top = max(v for _, v, _ in values)
    room = WIDTH - BAR_LABELS - 110
    found = tuple(
        Bar(label, shown(raw), BAR_GAP + i * (BAR_HEIGHT + BAR_GAP), float(room * value / top))
        for i, (label, value, raw) in enumerate(values)
    )
    description = " ; ".join(f"{bar.label} : {bar.figure}" for bar in found)
    return BarChart(title, description + ".", found)
