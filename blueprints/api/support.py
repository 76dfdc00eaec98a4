"""What the domain resources of the JSON API share beyond ``blueprints.api.common``: pages of rows
and of lists, and the field names of domain errors translated to the names of the JSON body."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from sqlalchemy import Select, func, select

from blueprints.api.common import DEFAULT_PAGE_SIZE
from saas.db import db
from saas.errors import ValidationError


def _envelope(items: list, total: int, page: int, size: int) -> dict:
    return {
        "items": items,
        "page": page,
        "page_size": size,
        "pages": max(1, math.ceil(total / size)),
        "total": total,
    }


def paginate_rows(query: Select, args: dict) -> dict:
    """One page of an ordered ``select`` of several columns (rows dumped by attribute name)."""
    page, size = args.get("page", 1), args.get("page_size", DEFAULT_PAGE_SIZE)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(size).offset((page - 1) * size)).all()
    return _envelope(rows, total, page, size)


def paginate_list(items: Sequence, args: dict) -> dict:
    """One page of a list the domain already returns whole (a few dozen elements at most)."""
    page, size = args.get("page", 1), args.get("page_size", DEFAULT_PAGE_SIZE)
    return _envelope(list(items[(page - 1) * size : page * size]), len(items), page, size)


@contextmanager
def body_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Name a domain ``ValidationError`` after the field of the JSON body it is about.

    Some api functions name a field after the column (``rejection_reason``) while the body says
    ``reason``: the 422 must name what the client sent.
    """
    try:
        yield
    except ValidationError as error:
        if error.field not in names:
            raise
        raise ValidationError(names[error.field], error.message) from None
