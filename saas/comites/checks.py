"""Checks of one input field of a meeting or a decision; each refusal names its field."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

from saas import clock
from saas.comites import repository
from saas.comites.enums import MEETING_KINDS
from saas.errors import ValidationError


def kind(value: str | None) -> str:
    if value not in MEETING_KINDS:
        raise ValidationError("kind", "Choisissez le type de réunion.")
    return value


def text(value: str | None, field: str, limit: int | None = None, required: str | None = None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationError(field, required)
        return None
    if limit is not None and len(value) > limit:
        raise ValidationError(field, f"{limit} caractères au plus.")
    return value


def day(value, field: str, message: str) -> date:
    if not isinstance(value, date):
        raise ValidationError(field, message)
    return value


def meeting_day(value) -> date:
    return day(value, "meeting_on", "Indiquez la date de la réunion.")


def start_time(value) -> time | None:
    if value is None or value == "":
        return None
    if not isinstance(value, time):
        raise ValidationError("starts_at", "Indiquez l'heure au format HH:MM.")
    return value


def _ids(values: Iterable | None, field: str) -> list[int]:
    """Distinct ids, in the order given."""
    ids: list[int] = []
    for value in values or ():
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(field, "Identifiant non valide.") from None
        if number not in ids:
            ids.append(number)
    return ids


def convention_ids(values) -> list[int]:
    ids = _ids(values, "convention_ids")
    if set(ids) - repository.existing_convention_ids(ids):
        raise ValidationError("convention_ids", "Convention inconnue.")
    return ids


def organisation_ids(values, field: str) -> list[int]:
    ids = _ids(values, field)
    if set(ids) - repository.existing_organisation_ids(ids):
        raise ValidationError(field, "Organisation inconnue : choisissez une organisation du territoire.")
    return ids


def held_on(value: date) -> date:
    if value > clock.today():
        raise ValidationError("meeting_on", "Une réunion ne peut pas être tenue à une date future.")
    return value


def present_entries(present) -> dict[int, str | None]:
    """``{organisation id: represented by}`` from dicts ``{"organisation_id", "represented_by"}``,
    pairs ``(organisation_id, represented_by)`` or bare ids."""
    entries: dict[int, str | None] = {}
    for entry in present or ():
        if isinstance(entry, Mapping):
            organisation_id, represented_by = entry.get("organisation_id"), entry.get("represented_by")
        elif isinstance(entry, list | tuple):
            organisation_id, represented_by = [*entry, None][:2]
        else:
            organisation_id, represented_by = entry, None
        try:
            organisation_id = int(organisation_id)
        except (TypeError, ValueError):
            raise ValidationError("present", "Identifiant d'organisation non valide.") from None
        entries[organisation_id] = text(represented_by, "present", 200)
    return entries
