"""Marshmallow building blocks with French messages, for the ``schemas.py`` of every domain.

The JSON API answers a validation error with ``{"errors": {"json": {"field": ["message"]}}}``:
the messages are read by people, so they are French. Use these fields and this ``Schema``
instead of marshmallow's own, and give validators an explicit French ``error``.

Every ``String`` refuses the NUL character and, unless it has its own ``Length`` with a maximum,
texts longer than ``saas.bounds.LONG_TEXT``; every ``Date`` refuses a day outside
``saas.bounds.MIN_DATE``..``MAX_DATE``: no schema can be left without a bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import marshmallow
import sqlalchemy
from marshmallow import fields
from marshmallow.schema import SchemaMeta
from marshmallow.validate import Range

from saas import bounds

COMMON_MESSAGES = {
    "required": "Ce champ est obligatoire.",
    "null": "Ce champ ne peut pas être vide (null).",
    "validator_failed": "Valeur non valide.",
}


class Columns:
    """Fields only answered, typed as the model's columns of the same names, in the place of the
    schema where it stands::

        class MissionSchema(s.Schema):
            ...
            outcome = s.Columns(Mission, "exit_date", "exit_motif")

    stands for ``exit_date = Date(dump_only=True)`` and ``exit_motif = String(dump_only=True)``:
    the model says once what a column holds. Its own name (``outcome``) is no field; it says what
    the columns are. A column whose type has no field here (a decimal, whose places the schema
    says) is declared as a field."""

    def __init__(self, model: type, *names: str):
        self.model, self.names = model, names

    def declared(self) -> dict[str, fields.Field]:
        columns: Mapping[str, sqlalchemy.ColumnElement] = sqlalchemy.inspect(self.model).columns
        answered = {}
        for name in self.names:
            kind = columns[name].type.python_type
            if kind not in COLUMN_FIELDS:
                raise TypeError(
                    f"{self.model.__name__}.{name}: declare the field of a {kind.__name__} column"
                )
            answered[name] = COLUMN_FIELDS[kind](dump_only=True)
        return answered


class _Meta(SchemaMeta):
    """Puts the fields of each :class:`Columns` of a schema where it stands."""

    def __new__(mcs, name, bases, attrs):
        declared: dict = {}
        for key, value in attrs.items():
            declared.update(value.declared() if isinstance(value, Columns) else {key: value})
        return super().__new__(mcs, name, bases, declared)


class Schema(marshmallow.Schema, metaclass=_Meta):
    error_messages = {
        "unknown": "Champ inconnu.",
        "type": "Un objet JSON est attendu.",
    }

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        """A field that is only answered (``dump_only``) may be null: a date not reached yet, an
        optional column, a reason given only on refusal. The OpenAPI document says so
        (``type: [..., "null"]``). An ``id`` is never null."""
        if field_obj.dump_only and field_name != "id":
            field_obj.allow_none = True


class String(fields.String):
    default_error_messages = {
        **COMMON_MESSAGES,
        "invalid": "Une chaîne de caractères est attendue.",
        "nul": bounds.NUL_MESSAGE,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not any(isinstance(v, marshmallow.validate.Length) and v.max is not None for v in self.validators):
            self.validators.append(max_length(bounds.LONG_TEXT))

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        return text


class Label(String):
    """The label of the value of another field, answered only: ``role_label = Label(PartyRole,
    "role")``. ``labels``: a ``Choices`` (its ``label_of``) or a mapping of values to labels."""

    def __init__(self, labels, source: str, **kwargs):
        super().__init__(dump_only=True, **kwargs)
        self.label_of = getattr(labels, "label_of", None) or labels.get
        self.source = source

    def get_value(self, obj, attr, accessor=None, default=marshmallow.missing):
        value = super().get_value(obj, self.source, accessor, default)
        return value if value is marshmallow.missing else self.label_of(value)


class Integer(fields.Integer):
    """An integer that fits a ``bigint`` (``saas.bounds.MAX_ID``), whatever else it validates."""

    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un nombre entier est attendu."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators.insert(
            0, Range(-bounds.MAX_ID - 1, bounds.MAX_ID, error="Nombre trop grand pour être enregistré.")
        )


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
    """A date between ``saas.bounds.MIN_DATE`` and ``MAX_DATE``: beyond, date arithmetic overflows."""

    default_error_messages = {
        **COMMON_MESSAGES,
        "invalid": "Une date ISO 8601 (AAAA-MM-JJ) est attendue.",
        "format": "Format de date non pris en charge.",
        "range": bounds.DATE_MESSAGE,
    }

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not bounds.date_in_range(day):
            raise self.make_error("range")
        return day


#: every decimal of the API (money, hours, shares, ETP) travels as a JSON string in plain notation
#: (``"1250.50"``): no client reads it as a binary float, no digit is lost. The OpenAPI document
#: says ``type: string, format: decimal`` with this pattern (``blueprints.api.init_api``).
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


class Decimal(fields.Decimal):
    """A decimal written as a string (``as_string``): see :data:`DECIMAL_PATTERN`. Numbers are
    accepted on input too; the answer is always a string."""

    default_error_messages = {
        **COMMON_MESSAGES,
        "invalid": "Un nombre décimal est attendu.",
        "special": "Un nombre fini est attendu.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("as_string", True)
        kwargs["metadata"] = {"pattern": DECIMAL_PATTERN, **(kwargs.get("metadata") or {})}
        super().__init__(*args, **kwargs)


class Nested(fields.Nested):
    default_error_messages = {**COMMON_MESSAGES, "type": "Un objet JSON est attendu."}


class List(fields.List):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Une liste est attendue."}


class Dict(fields.Dict):
    default_error_messages = {**COMMON_MESSAGES, "invalid": "Un objet JSON est attendu."}


#: the field of a column answered through :class:`Columns`, by the Python type of the column.
COLUMN_FIELDS: dict[type, type[fields.Field]] = {
    bool: Boolean,
    int: Integer,
    str: String,
    date: Date,
    datetime: DateTime,
}


def max_length(limit: int) -> marshmallow.validate.Length:
    return marshmallow.validate.Length(max=limit, error=bounds.too_long_message(limit))


def one_of(choices) -> marshmallow.validate.OneOf:
    choices = list(choices)
    return marshmallow.validate.OneOf(choices, error="Valeur inconnue ; valeurs possibles : {choices}.")


def described(choices) -> str:
    """« fixed (Durée déterminée), tacit (Reconduction tacite) »: a closed vocabulary (a ``Choices``
    or a mapping of values to labels) in a description."""
    labels = choices if isinstance(choices, Mapping) else choices.labels()
    return ", ".join(f"{key} ({label})" for key, label in labels.items())


def vocabulary(choices, title: str | None = None, **kwargs) -> String:
    """A value of a closed vocabulary, its values and labels in the description (« Rôle : porteur
    (Porteur), … »). Sent, it must be one of them (:func:`one_of`); answered only (``dump_only``),
    there is nothing to check: it is only described."""
    text = described(choices)
    if not kwargs.get("dump_only"):
        kwargs["validate"] = one_of(choices)
    return String(metadata={"description": f"{title} : {text}" if title else text}, **kwargs)


class Prepared:
    """An object to dump with the values its schema answers besides its columns.

    A schema runs no query: what it answers that the object does not hold (its lines, a state
    read from a setting, the names of linked objects) is prepared by the caller, the API view::

        MeetingSchema().dump(Prepared(meeting, attendees=[...]))
    """

    def __init__(self, obj, **values):
        self._obj = obj
        self.__dict__.update(values)

    def __getattr__(self, name: str):
        """The object's attribute; ``None`` for a field the object does not have."""
        return getattr(self._obj, name, None)
