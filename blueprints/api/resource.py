"""One generic resource of the JSON API: a rule and its operations, written as a table.

Most resources are a list (filters and paging), a creation, a read and a change of the same
shape: ``route`` builds their ``MethodView`` from one ``Operation`` per HTTP method::

    route(blp, "/marches/<int:marche_id>/lots", "MarcheLots", Marche,
          get=listing(LotSchema, "Les lots d'un marché, par numéro.",
                      lambda marche, args: marches.lots_of_marche(marche.id)),
          post=creation(LotSchema, "Créer un lot du marché.", marches.create_lot))

The object the URL names (``Marche`` here) is loaded in the token's tenant (``load_scoped``: 404
for another tenant's) and given to the domain function after the actor (``create_lot(actor,
marche, data)``; with ``spread=True``, the body's fields as keywords); a write is committed before
the answer. ``present`` makes what the schema dumps (a schema runs no query: the names, lines and
states it answers besides the object's columns are prepared here, ``saas.schemas.Prepared``).
The OpenAPI document says what the decorators say: the summary and description come from ``doc``
as from a docstring; the view's name is the endpoint. An operation of another shape stays a
``MethodView``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import Select

from blueprints.api.auth import api_actor
from blueprints.api.common import PageArgs, page_schema, paginate, paginate_list
from saas import schemas as s
from saas.db import db
from tenants.web import load_scoped


@dataclass(frozen=True)
class Operation:
    """One HTTP method of a rule: what it loads, answers and runs.

    ``run(target, loaded)`` gets the object of the URL (``None`` on a collection) and the loaded
    body or query arguments; ``write`` commits after it; ``present`` makes the answer of what
    ``run`` returned, once committed.
    """

    doc: str
    answer: type[s.Schema] | Any
    run: Callable[[Any, dict], Any]
    status: int = 200
    body: type[s.Schema] | None = None
    query: type[s.Schema] | None = None
    write: bool = False
    present: Callable[[Any], Any] | None = None
    decorators: Sequence[Callable] = field(default_factory=tuple)


def _query_args(filters: type[s.Schema] | None) -> type[s.Schema]:
    """The query string of a list: its filters and the page (``<Filters>QueryArgs``)."""
    if filters is None:
        return PageArgs
    name = filters.__name__.removesuffix("FilterSchema") + "QueryArgs"
    return type(name, (filters, PageArgs), {"__module__": filters.__module__})


def listing(
    schema: type[s.Schema],
    doc: str,
    items: Callable[..., Select | Sequence],
    filters: type[s.Schema] | None = None,
    rows: bool = False,
    present: Callable[[Any], Any] | None = None,
    present_page: Callable[[list], list] | None = None,
) -> Operation:
    """A page of ``items(args)`` (``items(target, args)`` under an object): an ordered ``select``
    (of rows with ``rows=True``) or a list the domain returns whole; ``present`` makes what is
    dumped of each item of the page, or ``present_page`` of the page's items at once (what it
    reads beside them, it reads for the whole page: no query per item)."""

    def run(target, args):
        found = items(args) if target is None else items(target, args)
        page = paginate(found, args, rows=rows) if isinstance(found, Select) else paginate_list(found, args)
        if present_page is not None:
            page["items"] = present_page(page["items"])
        elif present is not None:
            page["items"] = [present(item) for item in page["items"]]
        return page

    return Operation(doc, page_schema(schema), run, query=_query_args(filters))


def filters_of(filters: type, args: dict, **names: str):
    """The dataclass ``filters`` of a list's query arguments: each field from the argument of its
    name, or of the name given (``text="q"``); an argument not sent leaves the field's default."""
    sent = {f.name: names.get(f.name, f.name) for f in fields(filters)}
    return filters(**{name: args[arg] for name, arg in sent.items() if arg in args})


def reading(schema: type[s.Schema], doc: str, present: Callable[[Any], Any] | None = None) -> Operation:
    """The object of the URL (or what ``present`` makes of it)."""
    return Operation(doc, schema, lambda target, _: target, present=present)


def _call(function: Callable, target, data: dict, spread: bool):
    """``function(actor[, target], data)``, or with the body's fields as keywords (``spread``)."""
    head = (api_actor(),) if target is None else (api_actor(), target)
    return function(*head, **data) if spread else function(*head, data)


def creation(
    schema: type[s.Schema],
    doc: str,
    create: Callable,
    spread: bool = False,
    body: type[s.Schema] | None = None,
    status: int = 201,
    present: Callable[[Any], Any] | None = None,
) -> Operation:
    """Create what ``create`` creates (201), answered as ``schema`` (or what ``present`` makes of it)."""

    def run(target, data):
        return _call(create, target, data, spread)

    return Operation(doc, schema, run, status, body or schema, write=True, present=present)


def change(
    body: type[s.Schema],
    schema: type[s.Schema],
    doc: str,
    update: Callable,
    spread: bool = False,
    present: Callable[[Any], Any] | None = None,
) -> Operation:
    """Change the object of the URL with the body; the answer is the object changed (or what
    ``present`` makes of it)."""

    def run(target, data):
        _call(update, target, data, spread)
        return target

    return Operation(doc, schema, run, body=body, write=True, present=present)


def _view(operation: Operation, model: type | None) -> Callable:
    def view(self, *loaded, **ids):
        # the rule names one object at most (``/lots/<int:lot_id>``), of ``model``
        target = None
        if model is not None:
            (identifier,) = ids.values()
            target = load_scoped(model, identifier)
        result = operation.run(target, loaded[0] if loaded else {})
        if operation.write:
            db.session.commit()
        return operation.present(result) if operation.present else result

    view.__doc__ = operation.doc
    return view


def route(blp: Blueprint, rule: str, name: str, model: type | None = None, **operations: Operation):
    """Register the ``MethodView`` named ``name`` (its endpoint) of ``rule``: one operation per
    method (``get=``, ``post=``, ``patch=``...), on the object ``model`` the rule names."""
    methods = {}
    for method, operation in operations.items():
        view = _view(operation, model)
        view = blp.response(operation.status, operation.answer)(view)
        for decorate in operation.decorators:
            view = decorate(view)
        if operation.body is not None:
            view = blp.arguments(operation.body)(view)
        if operation.query is not None:
            view = blp.arguments(operation.query, location="query")(view)
        methods[method] = view
    return blp.route(rule)(type(name, (MethodView,), methods))
