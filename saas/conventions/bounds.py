"""The bounds of the terms of a convention and their French messages, written once: the domain
checks them (``checks.integer``), the JSON schemas and the console forms take them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bound:
    """An integer from ``low`` to ``high`` included, and what a person reads when it is not."""

    low: int
    high: int
    message: str


PERIOD_MONTHS = Bound(1, 60, "La durée d'une période est comprise entre 1 et 60 mois.")
MAX_RENEWALS = Bound(0, 50, "Le nombre de reconductions est compris entre 0 et 50.")
NOTICE_MONTHS = Bound(0, 12, "Le préavis est compris entre 0 et 12 mois.")
OFFSET_DAYS = Bound(0, 365, "Le délai est compris entre 0 et 365 jours.")
OFFSET_MONTHS = Bound(0, 12, "Le délai est compris entre 0 et 12 mois.")
DAY_OF_MONTH = Bound(1, 28, "Le jour du mois est compris entre 1 et 28.")
WEEKDAY = Bound(0, 6, "Choisissez le jour de la semaine.")
EVENT_MONTH = Bound(1, 12, "Choisissez le mois habituel de l'événement.")

#: the default length of a period: a year.
DEFAULT_PERIOD_MONTHS = 12
#: full-time equivalents one resource may commit, posts one commitment may pay, share of one instalment.
MAX_FTE = 50
MAX_POSTS = 100
MAX_PERCENT = 100
