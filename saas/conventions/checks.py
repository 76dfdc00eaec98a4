"""How the conventions domain reads its ``data`` mappings: each function reads one key and cleans
it with ``saas.cleaning`` (whose refusal names that key); :func:`within` prefixes the keys of a row
of a nested list; :func:`organisation` and :func:`party_of` read an organisation of the territory
and a party of the convention."""

from __future__ import annotations

import enum
from collections.abc import Container, Mapping
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Literal, overload

from saas import cleaning, formats
from saas.cleaning import CENT
from saas.conventions import repository
from saas.conventions.bounds import Bound
from saas.conventions.models import Convention, ConventionParty
from saas.db import db
from saas.errors import ValidationError
from saas.partenaires.models import Organisation
from tenants.context import require_tenant_id

__all__ = ["CENT"]


def text(data: Mapping, key: str, message: str, maximum: int = 300) -> str:
    return cleaning.required_text(data.get(key), key, message, maximum)


def optional_text(data: Mapping, key: str, maximum: int = 300) -> str | None:
    return cleaning.text(data.get(key), key, maximum)


def choice(data: Mapping, key: str, choices: type[enum.Enum] | Container, message: str, default=None):
    """One of ``choices`` (a :class:`saas.choices.Choices`: its member), ``default`` when absent."""
    value = data.get(key) or default
    if isinstance(choices, type) and issubclass(choices, enum.Enum):
        return cleaning.member(choices, value, key, message)
    return cleaning.choice(value, key, choices, message)


@overload
def date_of(data: Mapping, key: str, message: str, required: Literal[True] = True) -> date: ...
@overload
def date_of(data: Mapping, key: str, message: str, required: bool) -> date | None: ...
def date_of(data: Mapping, key: str, message: str, required: bool = True) -> date | None:
    return cleaning.a_date(data.get(key), key, message, required=message if required else None)


def integer(data: Mapping, key: str, bound: Bound, default: int | None = None) -> int | None:
    """An integer within ``bound`` (its message when it is not); ``default`` when absent."""
    return cleaning.integer(data.get(key), key, bound.message, bound.low, bound.high, default)


@overload
def decimal(data: Mapping, key: str, message: str, required: Literal[True] = True) -> Decimal: ...
@overload
def decimal(data: Mapping, key: str, message: str, required: bool) -> Decimal | None: ...
def decimal(data: Mapping, key: str, message: str, required: bool = True) -> Decimal | None:
    """A quantity more than 0 (money, FTE, a percentage), to 0.0001."""
    return cleaning.amount(data.get(key), key, message, required)


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
    """``1 234,50``, ``100`` (cents only when there are any)."""
    return formats.amount(number, unit=None)
