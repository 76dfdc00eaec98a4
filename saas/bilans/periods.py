"""The period of a bilan: a month, a quarter, a semester, a year, or any dates (both included)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from saas import formats
from saas.choices import Choices


class PeriodKind(Choices):
    month = "mois", "Mois"
    quarter = "trimestre", "Trimestre"
    semester = "semestre", "Semestre"
    year = "annee", "Année"
    dates = "dates", "Dates choisies"


#: the months a period of each kind spans
_MONTHS = {PeriodKind.month: 1, PeriodKind.quarter: 3, PeriodKind.semester: 6, PeriodKind.year: 12}


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def of(cls, kind: str, year: int, number: int = 1) -> Period:
        """The ``number``-th month, quarter or semester of ``year`` (the year itself for a year)."""
        kind = PeriodKind(kind)
        months = _MONTHS[kind]
        if not 1 <= number <= 12 // months:
            raise ValueError(f"{kind.label} {number} : hors de l'année")
        first = (number - 1) * months + 1
        last = first + months - 1
        return cls(kind, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        if end < start:
            raise ValueError("la fin de la période précède son début")
        return cls(PeriodKind.dates, start, end)

    @property
    def first_month(self) -> date:
        return self.start.replace(day=1)

    @property
    def last_month(self) -> date:
        return self.end.replace(day=1)

    @property
    def label(self) -> str:
        """« Année 2026 », « 2e semestre 2026 », « 1er trimestre 2026 », « mars 2026 », « du … au … »."""
        year = self.start.year
        if self.kind == PeriodKind.year:
            return f"Année {year}"
        if self.kind in (PeriodKind.semester, PeriodKind.quarter):
            number = (self.start.month - 1) // _MONTHS[self.kind] + 1
            rank = "1er" if number == 1 else f"{number}e"
            return f"{rank} {self.kind.label.lower()} {year}"
        if self.kind == PeriodKind.month:
            return formats.month(self.start)
        return f"du {formats.date(self.start)} au {formats.date(self.end)}"
