"""The shape of the national data: how many territories, how large each one is, and the ten years.

At scale 1: one large territory (25 000 participants, about 40 000 missions and 300 000 monthly
statements) and 99 others of lognormal sizes sharing 225 000 participants; about 400 000
missions and 1.6 million statements in all. A smaller scale keeps the shape with fewer territories.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

LARGE_SLUG = "grand-territoire"
LARGE_PARTICIPANTS = 25_000
OTHER_PARTICIPANTS = 225_000
OTHER_TERRITORIES = 99
YEARS = 10
#: months of a contract with an end date, drawn uniformly: the large territory keeps people longer
#: (about 7.5 statements a mission there, 4 elsewhere, a month's start and end counted).
LARGE_MONTHS = (1, 2, 3, 4, 5, 6, 6, 9, 12, 15)
OTHER_MONTHS = (1, 1, 1, 1, 2, 2, 2, 3, 3, 5)
#: missions a placed person holds, one after the other (a little over two on average).
MISSIONS_PER_PERSON = (1, 1, 2, 2, 2, 3, 4)


@dataclass(frozen=True)
class Territory:
    index: int
    slug: str
    name: str
    participants: int
    months: tuple[int, ...]
    large: bool


@dataclass(frozen=True)
class Period:
    """The ten years: ``first_month`` .. ``last_month`` (the month before ``today``), first days."""

    today: date
    first_month: date
    last_month: date

    @classmethod
    def ending(cls, today: date) -> Period:
        last = today.replace(day=1) - relativedelta(months=1)
        return cls(today, last - relativedelta(months=12 * YEARS - 1), last)


def territories(scale: float, seed: int) -> list[Territory]:
    """The large territory first, then the others, largest first."""
    rng = random.Random(seed)  # noqa: S311 - reproducible data, nothing secret
    large_people = max(20, round(LARGE_PARTICIPANTS * scale))
    count = max(3, min(OTHER_TERRITORIES, round(OTHER_TERRITORIES * 10 * scale)))
    weights = [math.exp(rng.gauss(0, 0.8)) for _ in range(count)]
    total = max(count * 5, round(OTHER_PARTICIPANTS * scale))
    sizes = sorted((max(5, round(total * w / sum(weights))) for w in weights), reverse=True)
    sizes = [min(size, large_people * 6 // 10) for size in sizes]
    result = [Territory(0, LARGE_SLUG, "Grand territoire (banc d'essai)", large_people, LARGE_MONTHS, True)]
    for index, size in enumerate(sizes, start=1):
        result.append(
            Territory(
                index,
                f"territoire-{index:03d}",
                f"Territoire {index:03d} (banc d'essai)",
                size,
                OTHER_MONTHS,
                False,
            )
        )
    return result
