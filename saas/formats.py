"""French formats, the one place: numbers, hours, amounts, percentages, dates, months (Babel, fr_FR).

Every figure or date a person reads (pages, messages, mails, exports) goes through these functions.
Babel groups thousands with a narrow no-break space (U+202F) and writes a decimal comma:
``1 000 000``, ``29,5``. Units follow after an ordinary space: ``29,5 h``, ``1 500 €``, ``5 %``.
Dates are ``dd/mm/yyyy``; date-times are shown in Paris time.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.dates import format_date, format_datetime, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

from saas.clock import PARIS

LOCALE = "fr_FR"
HUNDRED = Decimal(100)

#: « janvier » … « décembre » (index 0 is January).
MONTH_NAMES: list[str] = list(get_month_names("wide", "stand-alone", locale=LOCALE).values())
#: « lundi » … « dimanche » (index 0 is Monday, as ``date.weekday()``).
WEEKDAY_NAMES: list[str] = [get_day_names("wide", "stand-alone", locale=LOCALE)[i] for i in range(7)]


# --- numbers ---------------------------------------------------------------------------------------


def number(value, digits: int = 0) -> str:
    """A number with exactly ``digits`` decimals: ``1 234``, ``12,50`` (``digits=2``); None -> ""."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def decimal(value, max_digits: int = 2) -> str:
    """A number with at most ``max_digits`` decimals, no trailing zeros: ``1 000 000``, ``29,5``."""
    pattern = "#,##0" + ("." + "#" * max_digits if max_digits else "")
    return format_decimal(_decimal(value), format=pattern, locale=LOCALE)


def _decimal(value) -> Decimal:
    """A float as it reads (``0.1`` is ``Decimal("0.1")``, not its binary expansion)."""
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def typed(value) -> str:
    """A number as a person types it in a form field: no grouping, decimal comma, no trailing
    zeros (``1500,5``); None -> ""."""
    if value is None:
        return ""
    return format(_decimal(value).normalize(), "f").replace(".", ",")


def hours(value) -> str:
    """``29,5 h``."""
    return decimal(value) + " h"


def amount(value, unit: str | None = "€") -> str:
    """Rounded to the cent, cents shown only when there are any: ``1 500 €``, ``1 500,50 €``.

    ``unit=None`` leaves the figure bare (``1 500,50``); another unit follows the same rule (``29,50 h``).
    """
    value = _decimal(value)
    cents = value.quantize(Decimal("0.01"))
    pattern = "#,##0" if cents == cents.to_integral_value() else "#,##0.00"
    text = format_decimal(value, format=pattern, locale=LOCALE)
    return f"{text} {unit}" if unit else text


def percent(fraction, digits: int | None = None) -> str:
    """A fraction as a percentage: ``Decimal("0.05")`` -> ``5 %``, ``Decimal("0.075")`` -> ``7,5 %``.

    ``digits`` fixes the decimals (``digits=1``: ``12,0 %``); without it, at most two, no trailing zeros.
    """
    value = _decimal(fraction) * HUNDRED
    return (decimal(value) if digits is None else number(value, digits)) + " %"


# --- dates -----------------------------------------------------------------------------------------


def date(value: dt.date | dt.datetime | None) -> str:
    """``31/03/2026``; a date-time gives its day in Paris; None -> ""."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(PARIS).date()
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def datetime(value: dt.datetime | None, seconds: bool = False) -> str:
    """``31/03/2026 14:05`` in Paris time (``14:05:09`` with ``seconds``); None -> ""."""
    if value is None:
        return ""
    pattern = "dd/MM/yyyy HH:mm:ss" if seconds else "dd/MM/yyyy HH:mm"
    return format_datetime(value.astimezone(PARIS), pattern, locale=LOCALE, tzinfo=PARIS)


def time(value: dt.time | None) -> str:
    """``14:30`` (a meeting's start); None -> ""."""
    return format_time(value, "HH:mm", locale=LOCALE) if value is not None else ""


def month(value: dt.date | None) -> str:
    """« mars 2026 »; None -> ""."""
    return format_date(value, "LLLL yyyy", locale=LOCALE) if value else ""


# --- a value of unknown kind -----------------------------------------------------------------------

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
DECIMAL = re.compile(r"^-?\d+\.(\d+)$")


def value(item) -> str:
    """A value of unknown kind (audit details, JSON) the French way: dates dd/mm/yyyy, decimal
    comma, lists joined; ISO text and decimal points never reach people."""
    if item is None:
        return "—"
    if isinstance(item, bool):
        return "oui" if item else "non"
    if isinstance(item, dt.datetime):
        return datetime(item)
    if isinstance(item, dt.date):
        return date(item)
    if isinstance(item, int | float | Decimal):
        exponent = Decimal(str(item)).as_tuple().exponent
        assert isinstance(exponent, int), "details and JSON hold finite numbers"
        return number(item, max(0, -exponent))
    if isinstance(item, list | tuple):
        if item and all(isinstance(pair, tuple) and len(pair) == 2 for pair in item):
            return ", ".join(f"{key} : {value(inner)}" for key, inner in item)
        return ", ".join(value(inner) for inner in item) or "—"
    text = str(item)
    try:
        if ISO_DATE.match(text):
            return date(dt.date.fromisoformat(text))
        if ISO_DATETIME.match(text):
            return datetime(dt.datetime.fromisoformat(text))
    except ValueError:  # looks like a date but is none (2025-13-45): shown as written
        return text
    if match := DECIMAL.match(text):
        return number(Decimal(text), len(match.group(1)))
    return text
