"""Checks on the input of marchés and lots: each returns the clean value or raises a French
``ValidationError`` naming the field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import overload

from saas.errors import ValidationError

INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
CENT = Decimal("0.01")
TEN_THOUSANDTH = Decimal("0.0001")


@overload
def text(value, field: str, max_length: int, required_message: str) -> str: ...
@overload
def text(value, field: str, max_length: int, required_message: None = None) -> str | None: ...
def text(value, field: str, max_length: int, required_message: str | None = None) -> str | None:
    value = "" if value is None else str(value).strip()
    if not value:
        if required_message:
            raise ValidationError(field, required_message)
        return None
    if len(value) > max_length:
        raise ValidationError(field, f"Ce champ ne peut dépasser {max_length} caractères.")
    return value


def number(value, field: str, places: Decimal = CENT) -> Decimal | None:
    """A decimal with at most the precision of ``places``; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        result = (
            Decimal(value.replace(" ", "").replace(",", ".")) if isinstance(value, str) else Decimal(value)
        )
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(field, "Saisissez un nombre (ex. 1500 ou 29,50).") from None
    if not result.is_finite():
        raise ValidationError(field, "Saisissez un nombre (ex. 1500 ou 29,50).")
    if result != result.quantize(places):
        digits = -int(places.as_tuple().exponent)  # places is finite: its exponent is a number
        raise ValidationError(field, f"Indiquez au plus {digits} décimales.")
    return result


def positive(value, field: str, places: Decimal = CENT, allow_zero: bool = False) -> Decimal | None:
    result = number(value, field, places)
    if result is not None and (result < 0 or (result == 0 and not allow_zero)):
        raise ValidationError(
            field, "La valeur doit être positive ou nulle." if allow_zero else "La valeur doit être positive."
        )
    return result


def fraction(value, field: str, subject: str) -> Decimal | None:
    """A share as a fraction (0.05 = 5 %): more than 0, at most 1, to 0.01 % at most.

    ``subject`` names the share in the message, e.g. "Part de main-d'œuvre".
    """
    try:
        result = number(value, field, TEN_THOUSANDTH)
    except ValidationError as error:
        if "décimales" in error.message:
            raise ValidationError(field, f"{subject} : précision maximale de 0,01 %.") from None
        raise
    if result is not None and not (0 < result <= 1):
        raise ValidationError(field, f"{subject} : indiquez une valeur supérieure à 0 et au plus 100 %.")
    return result


def a_date(value, field: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(field, "Saisissez une date valide (jj/mm/aaaa).") from None


def identifier(value, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(field, "Choisissez une valeur de la liste.") from None


def insee_codes(value) -> list[str]:
    """INSEE codes from a list or a text (separated by spaces, commas or semicolons), well formed."""
    codes = value if isinstance(value, list | tuple) else re.split(r"[\s,;]+", str(value or ""))
    codes = [str(code).strip().upper() for code in codes if str(code).strip()]
    wrong = [code for code in codes if not INSEE.match(code)]
    if wrong:
        raise ValidationError(
            "execution_communes",
            "Codes INSEE non valides : " + ", ".join(wrong) + ". Un code commune compte 5 caractères "
            "(ex. 79191, 2A004).",
        )
    return list(dict.fromkeys(codes))
