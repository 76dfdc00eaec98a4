"""Field names of domain errors translated to the names of the JSON body."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from saas.errors import ValidationError


@contextmanager
def body_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Name a domain ``ValidationError`` after the field of the JSON body it is about.

    Some api functions name a field after the column (``rejection_reason``) while the body says
    ``reason``: the 422 must name what the client sent.
    """
    try:
        yield
    except ValidationError as error:
        raise error.renamed(lambda field: names.get(field, field)) from None
