"""The benchmark's arithmetic and its tables: percentiles, ratios, aligned text columns.

Pure functions, no I/O: what ``tests/bench/test_run.py`` checks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0 to 100) by linear interpolation between closest ranks (the
    default of numpy and of most load tools): the 50th of [1, 2, 3, 4] is 2.5."""
    if not values:
        raise ValueError("no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Latency:
    """p50 and p95 in milliseconds of one route at one concurrency, and what came back."""

    p50: float
    p95: float
    requests: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        """Requests answered per second over the run."""
        return self.requests / self.seconds if self.seconds else 0.0


def latency(milliseconds: Sequence[float], errors: int = 0, seconds: float = 0.0) -> Latency:
    return Latency(
        percentile(milliseconds, 50), percentile(milliseconds, 95), len(milliseconds), errors, seconds
    )


def ratio(value: float | None, reference: float | None) -> float | None:
    """``value / reference``, or None when either is missing or the reference is zero."""
    if value is None or reference is None or reference <= 0:
        return None
    return value / reference


def ms(value: float | None) -> str:
    """Milliseconds as printed: one decimal under 10 ms, whole above; a dash when missing."""
    if value is None:
        return "—"
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def times(value: float | None) -> str:
    """A ratio as printed: ``×12.3``; a dash when missing."""
    if value is None:
        return "—"
    return f"×{value:.1f}" if value < 100 else f"×{value:.0f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right_from: int = 1) -> str:
    """Rows as a Markdown table whose columns line up in a terminal too: the first ``right_from``
    columns aligned left, the others (figures) right."""
    widths = [len(cell) for cell in header]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"row of {len(row)} cells for {len(header)} columns: {row}")
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.ljust(width) if index < right_from else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = [
        "-" * width if index < right_from else "-" * (width - 1) + ":" for index, width in enumerate(widths)
    ]
    return "\n".join([line(header), line(rule), *(line(row) for row in rows)])
