"""What every resource of the JSON API shares: registration, JSON errors, pagination.

How to add a resource (marchés, participants, missions, heures...)
-------------------------------------------------------------------

1. Schemas in ``saas/<domain>/schemas.py``, built from ``saas.schemas`` (French messages): one for
   output and creation, one with every field optional for PATCH, one for the query filters.
2. A module ``blueprints/api/<resource>.py``, its rules written as a table with
   ``blueprints.api.resource`` (``route``, ``listing``, ``reading``, ``creation``, ``change``)::

       from blueprints.api.auth import token_blueprint
       from blueprints.api.resource import change, creation, filters_of, listing, reading, route
       from saas.marches import api as marches
       from saas.marches.models import Marche
       from saas.marches.schemas import MarcheFilterSchema, MarcheSchema, MarcheUpdateSchema

       blp = token_blueprint(
           "api_marches", __name__, "Marchés et lots du territoire", ids={"marche_id": Marche}
       )

       route(
           blp,
           "/marches",
           "Marches",
           get=listing(
               MarcheSchema,
               "Marchés, par référence.",
               lambda args: marches.search(filters_of(marches.MarcheFilters, args)).order_by(Marche.id),
               MarcheFilterSchema,
           ),
           post=creation(MarcheSchema, "Créer un marché.", marches.create),
       )
       route(blp, "/marches/<int:marche_id>", "MarcheItem", Marche,
             get=reading(MarcheSchema, "Un marché."),
             patch=change(MarcheUpdateSchema, MarcheSchema, "Modifier un marché.", marches.update))

   What a schema dumps besides the object's columns (names of linked objects, lines, a state
   read from a setting) is prepared by the module (``present=``, ``saas.schemas.Prepared``): a
   schema runs no query.
3. Add ``blp`` to the list returned by ``_resources()`` in ``blueprints/api/__init__.py``.
4. URL variables use the names of ``TENANT_OBJECTS`` in ``tests/tenants/test_isolation_routes.py``
   (``marche_id``...), which walks every ``/api/v1/`` rule with both tenants' tokens.

What the resource gets for free: the token check and the scope (``blueprints.api.auth``), a 404
for any id of another tenant (``load_scoped``), 403 for a read-only token on a write, CSRF
exemption, and JSON errors: ``saas.errors.ValidationError(field, message)`` raised by the domain
answers 422 ``{"code": 422, "message": ..., "errors": {"json": {field: [message]}}}``, the same
shape as a schema error; ``NotFound`` answers 404; ``ConflictError`` (the object changed since it was read) 409; any
other ``DomainError`` 422 with its message.
The session is rolled back on every error. Lists answer
``{"items": [...], "page": 1, "page_size": 50, "pages": 3, "total": 120}`` from the query
arguments ``page`` and ``page_size`` (100 at most).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import cache

from flask import current_app
from flask_smorest import Api, Blueprint
from marshmallow.validate import Length, Range
from sqlalchemy import Select
from werkzeug.exceptions import HTTPException

from blueprints.api.auth import rate_limit_key
from blueprints.errors import MESSAGES
from saas import paging
from saas import schemas as s
from saas.bounds import MAX_PAGE, SHORT_TEXT
from saas.db import db
from saas.errors import ConflictError, DomainError, NotFound, ValidationError
from saas.extensions import csrf, limiter

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


# --- errors ---------------------------------------------------------------------------------------


#: messages of the codes that ``blueprints.errors`` does not name (its pages never answer them).
API_MESSAGES = {
    **MESSAGES,
    409: "Conflit avec l'état de la ressource.",
    415: "Le corps de la requête doit être du JSON (Content-Type: application/json).",
    422: "Les données envoyées ne sont pas valides.",
}


def _body(code: int, message: str | None = None, errors: dict | None = None) -> dict:
    body = {"code": code, "message": message or API_MESSAGES.get(code, "Erreur.")}
    if errors:
        body["errors"] = errors
    return body


def http_error(error: HTTPException):
    """flask-smorest's payload (``code``, ``status``, ``message``, ``errors``), in French."""
    data = getattr(error, "data", None) or {}
    body = _body(error.code or 500, data.get("message"), data.get("errors") or data.get("messages"))
    body["status"] = error.name
    if (error.code or 500) >= 500:
        db.session.rollback()
    return body, error.code, data.get("headers", {})


def validation_error(error: ValidationError):
    db.session.rollback()
    return _body(422, error.message, {"json": error.errors}), 422


def not_found(error: NotFound):
    db.session.rollback()
    return _body(404, error.message), 404


def conflict_error(error: ConflictError):
    db.session.rollback()
    return _body(409, error.message), 409


def domain_error(error: DomainError):
    db.session.rollback()
    return _body(422, error.message), 422


def too_many_requests(error: HTTPException):
    """429 of the API's rate limit (``API_RATE_LIMIT`` per token), with ``Retry-After``."""
    db.session.rollback()
    current = limiter.current_limit
    retry = max(1, math.ceil(current.reset_at - time.time())) if current else 60
    message = f"Trop de requêtes pour ce jeton : réessayez dans {retry} s."
    body = {**_body(429, message), "status": "Trop de requêtes"}
    return body, 429, {"Retry-After": str(retry)}


#: one budget per token over every resource of the API (``scope`` shared by the blueprints).
api_rate_limit = limiter.shared_limit(
    lambda: current_app.config["API_RATE_LIMIT"], scope="api-token", key_func=rate_limit_key
)


def register(api: Api, blp: Blueprint) -> None:
    """Register an API blueprint: JSON errors, no CSRF (token authentication, no cookie), the
    rate limit per token."""
    api_rate_limit(blp)
    blp.register_error_handler(429, too_many_requests)
    blp.register_error_handler(HTTPException, http_error)
    blp.register_error_handler(ValidationError, validation_error)
    blp.register_error_handler(NotFound, not_found)
    blp.register_error_handler(ConflictError, conflict_error)
    blp.register_error_handler(DomainError, domain_error)
    api.register_blueprint(blp)
    csrf.exempt(blp)


# --- pagination -----------------------------------------------------------------------------------


class PageArgs(s.Schema):
    """The query string of a list: its page, and filters whose texts are one line each
    (``saas.bounds.SHORT_TEXT``): a URL of free texts would pass what servers accept in a request
    line (werkzeug and gunicorn answer 414 in HTML before the application sees it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field = getattr(field, "inner", field)
            if isinstance(field, s.String):
                kept = [
                    v
                    for v in field.validators
                    if not isinstance(v, Length) or (v.max is not None and v.max <= SHORT_TEXT)
                ]
                if not any(isinstance(v, Length) for v in kept):
                    kept.append(s.max_length(SHORT_TEXT))
                field.validators = kept

    page = s.Integer(
        load_default=1,
        # beyond, the OFFSET would not fit a bigint (a 500 before this bound)
        validate=Range(
            min=1, max=MAX_PAGE, error=f"Un numéro de page entre 1 et {MAX_PAGE:_}.".replace("_", " ")
        ),
        metadata={"description": "Numéro de page (à partir de 1)"},
    )
    page_size = s.Integer(
        load_default=DEFAULT_PAGE_SIZE,
        validate=Range(min=1, max=MAX_PAGE_SIZE, error=f"Entre 1 et {MAX_PAGE_SIZE} éléments par page."),
        metadata={"description": f"Éléments par page ({MAX_PAGE_SIZE} au plus)"},
    )


@cache
def page_schema(item_schema: type[s.Schema]) -> type[s.Schema]:
    """The envelope of a page of ``item_schema``, named ``<Item>Page`` in the OpenAPI document."""
    name = item_schema.__name__.removesuffix("Schema") + "Page"
    return s.Schema.from_dict(
        {
            "items": s.List(s.Nested(item_schema), required=True),
            "page": s.Integer(required=True),
            "page_size": s.Integer(required=True),
            "pages": s.Integer(required=True),
            "total": s.Integer(required=True),
        },
        name=name,
    )


def _envelope(page: paging.Page) -> dict:
    return {
        "items": page.items,
        "page": page.page,
        "page_size": page.per_page,
        "pages": page.pages,
        "total": page.total,
    }


def paginate(query: Select, args: dict, rows: bool = False) -> dict:
    """One page of an ordered ``select``, as the envelope of ``page_schema``.

    A ``select`` of one entity gives the objects; with ``rows=True``, a ``select`` of several
    columns gives rows (dumped by attribute name).
    """
    page, size = args.get("page", 1), args.get("page_size", DEFAULT_PAGE_SIZE)
    return _envelope(paging.of_select(query, page, size, rows=rows))


def paginate_list(items: Sequence, args: dict) -> dict:
    """One page of a list the domain already returns whole (a few dozen elements at most)."""
    page, size = args.get("page", 1), args.get("page_size", DEFAULT_PAGE_SIZE)
    return _envelope(paging.of_list(items, page, size))
