"""Input checks of the conventions domain: each reads one key of a ``data`` mapping and raises a
:class:`~saas.errors.ValidationError` naming that key; :func:`within` prefixes the keys of a row of
a nested list. Money figures in messages are written the French way."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from saas.conventions import repository
from saas.conventions.bounds import Bound
from saas.conventions.models import Convention, ConventionParty
from saas.db import db
from saas.errors import ValidationError
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id

CENT = Decimal("0.01")
#: money columns hold up to 10 digits before the point; FTE and percentages far less.
MAX_NUMBER = Decimal("10000000000")


# --------------------------------------------------------------------------- input checks


def text(data: Mapping, key: str, message: str, maximum: int = 300) -> str:
    value = (data.get(key) or "").strip() if isinstance(data.get(key) or "", str) else data.get(key)
    if not value:
        raise ValidationError(key, message)
    if len(value) > maximum:
        raise ValidationError(key, f"{maximum} caractères au plus.")
    return value


def optional_text(data: Mapping, key: str, maximum: int = 300) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = str(value).strip()
    if len(value) > maximum:
        raise ValidationError(key, f"{maximum} caractères au plus.")
    return value


def choice(data: Mapping, key: str, choices: Mapping, message: str, default=None) -> str:
    value = data.get(key) or default
    if value not in choices:
        raise ValidationError(key, message)
    return value


def date_of(data: Mapping, key: str, message: str, required: bool = True) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ValidationError(key, message)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(key, message) from None


def integer(data: Mapping, key: str, bound: Bound, default: int | None = None) -> int | None:
    """An integer within ``bound`` (its message when it is not); ``default`` when absent."""
    value = data.get(key)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(key, bound.message) from None
    if not bound.low <= number <= bound.high:
        raise ValidationError(key, bound.message)
    return number


def decimal(data: Mapping, key: str, message: str, required: bool = True) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            raise ValidationError(key, message)
        return None
    try:
        number = Decimal(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except InvalidOperation:
        raise ValidationError(key, message) from None
    if not number.is_finite() or number <= 0:
        raise ValidationError(key, message)
    if number >= MAX_NUMBER:
        raise ValidationError(key, "Valeur trop grande.")
    return number.quantize(Decimal("0.0001"), ROUND_HALF_UP)


@contextmanager
def within(key: str):
    """Errors of one row of a nested list name their full path: ``commitments.0.schedule.1.percent``."""
    try:
        yield
    except ValidationError as error:
        if error.field == key or error.field.startswith(key + "."):
            raise
        raise ValidationError(f"{key}.{error.field}", error.message) from None


def organisation(organisation_id, key: str) -> Organisation:
    try:
        found = db.session.get(Organisation, (require_tenant_id(), int(organisation_id)))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise ValidationError(key, "Choisissez une organisation partenaire du territoire.")
    return found


def party_of(convention: Convention, organisation_id, key: str) -> ConventionParty:
    found = organisation(organisation_id, key)
    party = next((p for p in repository.parties_of(convention.id) if p.organisation_id == found.id), None)
    if party is None:
        raise ValidationError(key, f"{found.name} n'est pas partie à cette convention.")
    return party


def fr_amount(number: Decimal) -> str:
    text = f"{number:,.2f}".replace(",", "\u202f").replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def fr_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
