"""Checks of one input field of a meeting or a decision, on ``saas.cleaning``; each refusal names
its field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time

from saas import cleaning, clock
from saas.comites import repository
from saas.comites.enums import MeetingKind
from saas.errors import ValidationError

MEETING_DAY_MESSAGE = "Indiquez la date de la réunion."


def kind(value: str | None) -> str:
    return cleaning.choice(value, "kind", frozenset(MeetingKind), "Choisissez le type de réunion.")


def meeting_day(value) -> date:
    if value is None:
        raise cleaning.Missing("meeting_on", MEETING_DAY_MESSAGE)
    if not isinstance(value, date):
        raise cleaning.NotADate("meeting_on", MEETING_DAY_MESSAGE)
    return value


def start_time(value) -> time | None:
    if value is None or value == "":
        return None
    if not isinstance(value, time):
        raise ValidationError("starts_at", "Indiquez l'heure au format HH:MM.")
    return value


def convention_ids(values) -> list[int]:
    ids = cleaning.identifiers(values, "convention_ids")
    if set(ids) - repository.existing_convention_ids(ids):
        raise cleaning.NotAChoice("convention_ids", "Convention inconnue.")
    return ids


def organisation_ids(values, field: str) -> list[int]:
    ids = cleaning.identifiers(values, field)
    if set(ids) - repository.existing_organisation_ids(ids):
        raise cleaning.NotAChoice(field, "Organisation inconnue : choisissez une organisation du territoire.")
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
        (organisation_id,) = cleaning.identifiers(
            [organisation_id], "present", "Identifiant d'organisation non valide."
        )
        entries[organisation_id] = cleaning.text(represented_by, "present", 200)
    return entries
