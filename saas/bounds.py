"""Bounds on what people and programs may send: ids, page numbers, texts, dates, uploads.

Every form (``blueprints/forms.py``), every API schema (``saas/schemas.py``), the URL converter of
ids and the page parsers read their limits here, so that a bound is written once.
"""

from __future__ import annotations

from datetime import date

from saas import formats

#: PostgreSQL's bigint: every id of the service is one; beyond it, nothing can exist.
MAX_ID = 2**63 - 1
#: a list past this page is searched, not paged; it also keeps OFFSET within bigint.
MAX_PAGE = 100_000
#: a one-line text (a name, a title, a reference) unless its field says less.
SHORT_TEXT = 200
#: a free text (notes, a bilan, a professional project, minutes) unless its field says less.
LONG_TEXT = 20_000
#: dates the service accepts: a year of four digits, as Python and people write them.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
#: items of one batch sent through the API (statements of ``POST /api/v1/releves/lot``).
MAX_BATCH = 500
#: a request body, uploads included (``MAX_CONTENT_LENGTH``, overridable in ``saas/config.py``).
MAX_REQUEST_BYTES = 20 * 1024 * 1024

NUL_MESSAGE = "Ce texte contient un caractère non autorisé (caractère nul)."
TOO_BIG_MESSAGE = "Ce nombre est trop grand : aucun élément ne porte ce numéro."
DATE_MESSAGE = f"Indiquez une date entre {formats.date(MIN_DATE)} et {formats.date(MAX_DATE)}."


def too_long_message(limit: int) -> str:
    """« 20 000 caractères au plus. », the number written the French way."""
    return f"{limit:,} caractères au plus.".replace(",", "\u00a0")


def bounded_id(value) -> int | None:
    """An id or number read from a query argument or a form; None when absent, not a number or
    beyond what the database holds."""
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    if number is None or abs(number) > MAX_ID:
        return None
    return number


def page_number(value) -> int:
    """The page asked in a query string, between 1 and :data:`MAX_PAGE` (1 when unreadable)."""
    number = bounded_id(value)
    return min(MAX_PAGE, max(1, number if number is not None else 1))


def date_in_range(value: date | None) -> bool:
    return value is None or MIN_DATE <= value <= MAX_DATE
