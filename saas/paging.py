"""One way to cut a list into pages: the lists of the workspace, the audit journal, the JSON API.

``of_select`` pages an ordered SQLAlchemy ``select`` (one COUNT, one LIMIT/OFFSET), ``of_list`` a
list already computed. Both give a :class:`Page`. ``clamp=True`` (the pages people read) shows the
last page for a page number beyond it; without it (the API, the journal) such a page is empty.
The page number itself is bounded by ``saas.bounds.page_number``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select

from saas.db import db

PER_PAGE = 50
#: the most rows the lists people read count (a hundred pages): beyond, the list says « plus de »
#: and asks for a filter, rather than read every row of a large territory for a figure.
COUNT_LIMIT = 5_000


@dataclass
class Page:
    items: list
    page: int
    pages: int
    #: the rows selected, or ``counted_up_to`` when ``more``
    total: int
    per_page: int = PER_PAGE
    #: the count stopped at ``counted_up_to``: there are more rows than ``total``
    more: bool = False


def page_count(total: int, per_page: int) -> int:
    """Pages of ``total`` items, at least one (an empty list is one empty page)."""
    return max(1, math.ceil(total / per_page))


def count_of(query: Select, limit: int | None = None) -> int:
    """How many rows ``query`` selects (its order left out): the total of a page, an export, a filter;
    with ``limit``, at most ``limit + 1`` (the rows are read only that far)."""
    counted = query.order_by(None) if limit is None else query.order_by(None).limit(limit + 1)
    return db.session.scalar(select(func.count()).select_from(counted.subquery())) or 0


def of_select(
    query: Select,
    number: int,
    per_page: int = PER_PAGE,
    *,
    clamp: bool = False,
    rows: bool = False,
    counted_up_to: int | None = None,
) -> Page:
    """Page ``number`` of an ordered ``select``: its objects, or its rows with ``rows=True``; with
    ``counted_up_to``, the rows are counted that far only (the page says ``more`` beyond)."""
    total = count_of(query, counted_up_to)
    more = counted_up_to is not None and total > counted_up_to
    total = counted_up_to if more and counted_up_to is not None else total
    pages = page_count(total, per_page)
    number = min(number, pages) if clamp else number
    window = query.limit(per_page).offset((number - 1) * per_page)
    items = list(db.session.execute(window).all()) if rows else list(db.session.scalars(window))
    return Page(items, number, pages, total, per_page, more)


def of_list(items: Sequence, number: int, per_page: int = PER_PAGE, *, clamp: bool = False) -> Page:
    """Page ``number`` of a list already computed (statuses only Python knows, a domain's list)."""
    total = len(items)
    pages = page_count(total, per_page)
    number = min(number, pages) if clamp else number
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, pages, total, per_page)
