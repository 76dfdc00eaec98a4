"""Checks on the identity of tenants and federations, with French messages."""

from __future__ import annotations

import re

from stdnum.fr import siren as siren_number

from saas import cleaning, uploads
from saas.errors import ValidationError

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEPARTEMENT = re.compile(r"^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$")
MIN_CONTRAST = 4.5


def slug(value: str) -> str:
    value = value.strip().lower()
    if not SLUG.match(value) or len(value) > 63:
        raise ValidationError(
            "slug", "L'identifiant d'adresse ne peut contenir que des minuscules, des chiffres et des tirets."
        )
    return value


def siren(value: str | None) -> str | None:
    value = (value or "").replace(" ", "")
    if not value:
        return None
    if not siren_number.is_valid(value):
        raise ValidationError("siren", "Le numéro SIREN n'est pas valide (9 chiffres, clé de contrôle).")
    return value


def communes(text: str | list[str]) -> list[str]:
    return sorted(set(cleaning.insee_codes(text, "communes")))


def departement_code(value: str) -> str:
    value = value.strip().upper()
    if len(value) == 1 and value.isdigit():
        value = "0" + value
    if not DEPARTEMENT.match(value):
        raise ValidationError("code", "Le code du Département n'est pas valide (ex. 93, 2A, 971).")
    return value


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    return 1.05 / (_luminance(hex_colour) + 0.05)


def theme_colour(value: str) -> str:
    value = value.strip()
    if not COLOUR.match(value):
        raise ValidationError("colour", "La couleur doit être au format #RRVVBB (ex. #1f4e79).")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            "colour",
            f"Cette couleur offre un contraste de {ratio:.1f}:1 avec le texte blanc ; "
            "il faut au moins 4,5:1 (RGAA). Choisissez une teinte plus foncée.",
        )
    return value.lower()


def logo(content: bytes, declared_type: str) -> tuple[bytes, str]:
    """The logo and its real type, read from its content (``declared_type`` is not trusted)."""
    return content, uploads.LOGO.check(content)
