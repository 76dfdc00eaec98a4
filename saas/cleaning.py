"""Cleaning of the input of the domains: each function takes what a form or the API sent and returns
the clean value, or raises a refusal naming the field, with a French message for people.

A refusal is a :class:`~saas.errors.ValidationError`, so every caller that maps one to a form or a
JSON error keeps working; its class names the rule that refused (:class:`TooLong`,
:class:`TooPrecise`, :class:`InvalidSiret`...) for the callers that need to tell them apart::

    try:
        share = cleaning.number(value, "labour_share", places=TEN_THOUSANDTH)
    except cleaning.TooPrecise:
        ...

Blank input (None, "", spaces) is None unless the caller says it is required: then ``required``
is the French message of the refusal (:class:`Missing`).

The kernel: this module imports the standard library, ``saas.errors``, ``saas.bounds`` and the two
checkers of identifiers the service trusts (``email_validator``, ``python-stdnum``), nothing of a
domain.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar, overload

from email_validator import EmailNotValidError, validate_email
from stdnum.fr import siret as siret_number

from saas.bounds import NUL_MESSAGE, too_long_message
from saas.errors import ValidationError

CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")
#: money columns hold up to 10 digits before the point; FTE and percentages far less.
MAX_NUMBER = Decimal("10000000000")

E = TypeVar("E", bound=Enum)

INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{5,28}$")
#: what people put between the thousands of a number: spaces, no-break and narrow no-break spaces.
_THOUSANDS = str.maketrans("", "", " \u00a0\u202f")

NUMBER_MESSAGE = "Saisissez un nombre (ex. 1500 ou 29,50)."
DATE_MESSAGE = "Saisissez une date valide (jj/mm/aaaa)."
CHOICE_MESSAGE = "Choisissez une valeur de la liste."
ID_MESSAGE = "Identifiant non valide."
TOO_LARGE_MESSAGE = "Valeur trop grande."
EMAIL_MESSAGE = "Adresse électronique non valide (exemple : nom@exemple.fr)."
PHONE_MESSAGE = "Numéro de téléphone non valide (exemple : 05 49 00 00 00)."
SIRET_MESSAGE = "Le SIRET n'est pas valide (14 chiffres, clé de Luhn)."
INSEE_MESSAGE = "Code INSEE de commune inconnu (5 caractères, ex. 79191)."


# --- refusals, one per rule -------------------------------------------------------------------------


class Refusal(ValidationError):
    """A cleaning rule refused one field; ``message`` is the rule's own unless the caller gave one."""

    default_message = "Valeur non valide."

    def __init__(self, field: str, message: str | None = None):
        super().__init__(field, message or self.default_message)


class Missing(Refusal):
    """A required field is blank; the caller says what to fill in."""


class TooLong(Refusal):
    def __init__(self, field: str, limit: int, message: str | None = None):
        super().__init__(field, message or too_long_message(limit))
        self.limit = limit


class NulCharacter(Refusal):
    """PostgreSQL refuses a NUL character in a text: the person hears why, not a 500."""

    default_message = NUL_MESSAGE


class NotANumber(Refusal):
    default_message = NUMBER_MESSAGE


class TooPrecise(Refusal):
    """More decimals than the field keeps."""

    def __init__(self, field: str, places: Decimal, message: str | None = None):
        exponent = places.as_tuple().exponent
        assert isinstance(exponent, int), "places is a finite quantum (0.01)"
        self.digits = -exponent
        super().__init__(field, message or f"Indiquez au plus {self.digits} décimales.")


class NotPositive(Refusal):
    default_message = "La valeur doit être positive."


class OutOfRange(Refusal):
    """A number outside the bounds of its field."""


class TooLarge(Refusal):
    default_message = TOO_LARGE_MESSAGE


class NotADate(Refusal):
    default_message = DATE_MESSAGE


class NotAChoice(Refusal):
    """A value that is not one of the field's choices (an id, a code, an enum's value)."""

    default_message = CHOICE_MESSAGE


class InvalidSiret(Refusal):
    default_message = SIRET_MESSAGE


class InvalidEmail(Refusal):
    default_message = EMAIL_MESSAGE


class InvalidPhone(Refusal):
    default_message = PHONE_MESSAGE


class InvalidInsee(Refusal):
    default_message = INSEE_MESSAGE


class UnknownField(Refusal):
    """A change names a field the domain does not let change."""

    default_message = "Champ inconnu."


def only_known(fields: Iterable[str], known: Iterable[str]) -> None:
    """:class:`UnknownField` for the first (in alphabetical order) of ``fields`` not in ``known``."""
    unknown = set(fields) - set(known)
    if unknown:
        raise UnknownField(sorted(unknown)[0])


# --- texts --------------------------------------------------------------------------------------------


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def stripped(value) -> str:
    """The text without its surrounding spaces; "" for None."""
    return "" if value is None else str(value).strip()


def optional(value) -> str | None:
    """The text trimmed, or None when blank (a note, a comment, a reason that may be left out)."""
    return stripped(value) or None


def text(value, field: str, limit: int | None = None, required: str | None = None) -> str | None:
    """A trimmed text of at most ``limit`` characters; None when blank, unless ``required``
    (then the message of :class:`Missing`)."""
    value = stripped(value)
    if not value:
        if required:
            raise Missing(field, required)
        return None
    if limit is not None and len(value) > limit:
        raise TooLong(field, limit)
    if "\x00" in value:
        raise NulCharacter(field)
    return value


def required_text(value, field: str, message: str, limit: int | None = None) -> str:
    """A text that must be given: :class:`Missing` with ``message`` when blank."""
    result = text(value, field, limit, required=message)
    assert result is not None
    return result


def code(value) -> str | None:
    """A reference code as stored (INSEE, QPV, ROME): trimmed, upper case (2A / 2B), or None."""
    value = stripped(value)
    return value.upper() if value else None


def codes(values: Iterable | None) -> list[str]:
    """Reference codes as :func:`code` stores them, blank ones left out, each once, in the order given."""
    return list(dict.fromkeys(filter(None, (code(value) for value in values or ()))))


# --- numbers ------------------------------------------------------------------------------------------


@overload
def decimal(value, field: str, message: str = NUMBER_MESSAGE, *, required: str) -> Decimal: ...
@overload
def decimal(
    value, field: str, message: str = NUMBER_MESSAGE, required: str | None = None
) -> Decimal | None: ...
def decimal(value, field: str, message: str = NUMBER_MESSAGE, required: str | None = None) -> Decimal | None:
    """A finite decimal as people type it ("1 500", "29,50"); None when blank unless ``required``."""
    if is_blank(value):
        if required:
            raise Missing(field, required)
        return None
    try:
        if isinstance(value, str):
            result = Decimal(value.translate(_THOUSANDS).replace(",", "."))
        else:
            result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise NotANumber(field, message) from None
    if not result.is_finite():
        raise NotANumber(field, message)
    return result


def number(
    value, field: str, places: Decimal = CENT, message: str = NUMBER_MESSAGE, required: str | None = None
) -> Decimal | None:
    """A decimal with at most the precision of ``places`` (:class:`TooPrecise`); None when blank
    unless ``required``."""
    result = decimal(value, field, message, required)
    if result is not None and result != result.quantize(places):
        raise TooPrecise(field, places)
    return result


def positive(
    value, field: str, places: Decimal = CENT, allow_zero: bool = False, required: str | None = None
) -> Decimal | None:
    """:func:`number`, more than 0 (or 0 and more with ``allow_zero``)."""
    result = number(value, field, places, required=required)
    if result is not None and (result < 0 or (result == 0 and not allow_zero)):
        raise NotPositive(
            field, "La valeur doit être positive ou nulle." if allow_zero else "La valeur doit être positive."
        )
    return result


def fraction(value, field: str, subject: str) -> Decimal | None:
    """A share as a fraction (0.05 = 5 %): more than 0, at most 1, to 0.01 % at most.

    ``subject`` names the share in the message, e.g. "Part de main-d'œuvre".
    """
    try:
        result = number(value, field, TEN_THOUSANDTH)
    except TooPrecise:
        raise TooPrecise(field, TEN_THOUSANDTH, f"{subject} : précision maximale de 0,01 %.") from None
    if result is not None and not (0 < result <= 1):
        raise OutOfRange(field, f"{subject} : indiquez une valeur supérieure à 0 et au plus 100 %.")
    return result


def amount(value, field: str, message: str, required: bool = True) -> Decimal | None:
    """A quantity more than 0 and under :data:`MAX_NUMBER` (money, FTE, a percentage), rounded half
    up to 0.0001; ``message`` for every refusal but the too large one."""
    result = decimal(value, field, message, required=message if required else None)
    if result is None:
        return None
    if result <= 0:
        raise NotPositive(field, message)
    if result >= MAX_NUMBER:
        raise TooLarge(field)
    return result.quantize(TEN_THOUSANDTH, ROUND_HALF_UP)


def integer(
    value,
    field: str,
    message: str,
    low: int | None = None,
    high: int | None = None,
    default: int | None = None,
) -> int | None:
    """A whole number between ``low`` and ``high`` (:class:`OutOfRange`); ``default`` when blank."""
    if value is None or value == "":
        return default
    try:
        result = int(value)
    except (TypeError, ValueError):
        raise NotANumber(field, message) from None
    if (low is not None and result < low) or (high is not None and result > high):
        raise OutOfRange(field, message)
    return result


def in_range(value: Decimal, field: str, low: Decimal, high: Decimal, message: str) -> Decimal:
    """``value`` when ``low <= value <= high``, else :class:`OutOfRange` with ``message``."""
    if not low <= value <= high:
        raise OutOfRange(field, message)
    return value


# --- dates, choices, ids ------------------------------------------------------------------------------


def a_date(value, field: str, message: str = DATE_MESSAGE, required: str | None = None) -> date | None:
    """A date, or its ISO text (2026-03-31); None when empty unless ``required``."""
    if value is None or value == "":
        if required:
            raise Missing(field, required)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise NotADate(field, message) from None


def identifier(value, field: str, message: str = CHOICE_MESSAGE) -> int | None:
    """The id of a row chosen in a list; None when empty."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotAChoice(field, message) from None


def identifiers(values: Iterable | None, field: str, message: str = ID_MESSAGE) -> list[int]:
    """Distinct ids, in the order given."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise NotAChoice(field, message) from None
        if number not in ids:
            ids.append(number)
    return ids


def choice(value, field: str, choices: Container, message: str = CHOICE_MESSAGE):
    """``value`` when it is one of ``choices``, else :class:`NotAChoice`."""
    if value not in choices:
        raise NotAChoice(field, message)
    return value


def member(enum_class: type[E], value, field: str, message: str = CHOICE_MESSAGE) -> E:
    """The member of ``enum_class`` whose value is ``value``, else :class:`NotAChoice`."""
    try:
        return enum_class(value)
    except ValueError:
        raise NotAChoice(field, message) from None


# --- identifiers of the outside world ----------------------------------------------------------------


def siret(value, field: str = "siret", required: str | None = None) -> str | None:
    """A SIRET without its spaces, checked with the Luhn key; None when blank unless ``required``."""
    value = stripped(value).replace(" ", "")
    if not value:
        if required:
            raise Missing(field, required)
        return None
    if not siret_number.is_valid(value):
        raise InvalidSiret(field)
    return value


def email(value, field: str = "email", message: str = EMAIL_MESSAGE) -> str | None:
    """An e-mail address, normalised (domain in lower case); None when blank."""
    value = stripped(value)
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidEmail(field, message) from None


def phone(value, field: str = "phone") -> str | None:
    """A phone number as people write it (06 12 34 56 78, +33 6...), six digits at least."""
    value = stripped(value)
    if not value:
        return None
    if not PHONE.match(value) or sum(ch.isdigit() for ch in value) < 6:
        raise InvalidPhone(field)
    return value


def insee_code(value, field: str = "commune_insee", message: str = INSEE_MESSAGE) -> str | None:
    """A commune's INSEE code, well formed (79191, 2A004), upper case; None when blank. Whether the
    commune exists is the reference tables' question."""
    value = code(value)
    if value is not None and not INSEE.match(value):
        raise InvalidInsee(field, message)
    return value


def insee_codes(value, field: str = "execution_communes") -> list[str]:
    """INSEE codes from a list or a text (separated by spaces, commas or semicolons), well formed,
    each once."""
    given = codes(value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value or "")))
    wrong = [code for code in given if not INSEE.match(code)]
    if wrong:
        raise InvalidInsee(
            field,
            "Codes INSEE non valides : " + ", ".join(wrong) + ". Un code commune compte 5 caractères "
            "(ex. 79191, 2A004).",
        )
    return given
