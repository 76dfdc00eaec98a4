"""Marshmallow building blocks with French messages, for the ``schemas.py`` of every domain.

The JSON API answers a validation error with ``{"errors": {"json": {"field": ["message"]}}}``:
the messages are read by people, so they are French. Use these fields and this ``Schema``
instead of marshmallow's own, and give validators an explicit French ``error``.
"""

from __future__ import annotations

import marshmallow
from marshmallow import fields

COMMON_MESSAGES = {
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ ne peut pas être vide (null).",
    "validator_failed": "Valeur non valide.",
}


class Schema(marshmallow.Schema):
    error_messages = {
        "unknown": "Champ inconnu.",
        "type": "Un objet JSON est attendu.",
    }


class String(fields.String):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Une chaîne de caractères est attendue."}


class Integer(fields.Integer):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un nombre entier est attendu."}


class Boolean(fields.Boolean):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un booléen (true ou false) est attendu."}


class Email(fields.Email):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Adresse électronique non valide."}


class DateTime(fields.DateTime):
    default_error_messages = {
        **COMMON_MESSAGES,
        "invalid": "Une date et heure ISO 8601 est attendue.",
        "format": "Format de date non pris en charge.",
    }


class Date(fields.Date):
    default_error_messages = {
        **COMMON_MESSAGES,
        "invalid": "Une date ISO 8601 (AAAA-MM-JJ) est attendue.",
        "format": "Format de date non pris en charge.",
    }


class Decimal(fields.Decimal):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un nombre décimal est attendu."}


class Nested(fields.Nested):
    default_error_messages = {**COMMON_MESSAGES, "type": "Un objet JSON est attendu."}


class List(fields.List):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Une liste est attendue."}


class Dict(fields.Dict):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un objet JSON est attendu."}


def max_length(limit: int) -> marshmallow.validate.Length:
    return marshmallow.validate.Length(max=limit, error=f"{limit} caractères au plus.")


def one_of(choices) -> marshmallow.validate.OneOf:
    choices = list(choices)
    return marshmallow.validate.OneOf(choices, error="Valeur inconnue ; valeurs possibles : {choices}.")
