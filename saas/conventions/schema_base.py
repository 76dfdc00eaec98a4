"""What the JSON shapes of conventions share: the domain's bounds as validators, and request bodies
whose errors name nested fields by their dotted path. Closed vocabularies are described with
``saas.schemas.vocabulary``, as in every domain."""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow
from marshmallow import validate

from saas import schemas as s
from saas.conventions import bounds


def range_of(low, high, message: str) -> validate.Range:
    return validate.Range(low, high, error=message)


def bounded(bound: bounds.Bound, message: str | None = None) -> validate.Range:
    """The domain's bound (its message, unless the API says it its own way)."""
    return validate.Range(bound.low, bound.high, error=message or bound.message)


def positive(description: str, high=None, **kwargs) -> s.Decimal:
    return s.Decimal(
        as_string=True,
        validate=validate.Range(
            0,
            high,
            min_inclusive=False,
            error="La valeur doit être positive."
            if high is None
            else f"La valeur doit être positive, {high} au plus.",
        ),
        metadata={"description": description},
        **kwargs,
    )


def flat_messages(messages, prefix: str = "") -> dict[str, list]:
    """``{"parties": {0: {"role": [...]}}}`` -> ``{"parties.0.role": [...]}`` (``_schema``: the
    object itself)."""
    if not isinstance(messages, Mapping):
        return {prefix or "_schema": messages if isinstance(messages, list) else [messages]}
    flat: dict[str, list] = {}
    for key, value in messages.items():
        path = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
        flat.update(flat_messages(value, path))
    return flat


class Body(s.Schema):
    """A request body whose errors name nested fields by their dotted path."""

    def handle_error(self, error: marshmallow.ValidationError, data, *, many: bool, **kwargs):
        raise marshmallow.ValidationError(flat_messages(error.messages), data=data)
