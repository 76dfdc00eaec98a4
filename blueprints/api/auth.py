"""Token authentication of the JSON API, and the tenant scope of each request.

Every resource blueprint is made with :func:`token_blueprint`. Before each of its views:

1. the ``Authorization: Bearer <jeton>`` header is read; missing, unknown, revoked or expired
   token, or inactive tenant -> 401 JSON (``{"code": 401, "message": ...}``);
2. the scope of the request becomes the token's tenant (``tenants.tokens.authenticate_token``),
   and ``g.tenant`` is set, so that ``tenants.web.load_scoped`` loads objects of that tenant only;
   every id of the URL is checked that way before the view (and its body) runs: an id of another
   tenant answers 404, as everywhere else;
3. a ``lecture`` token may only read: POST, PUT, PATCH and DELETE answer 403;
4. a partner's token (bound to one organisation) opens the resources of ``/api/v1/partenaire/``
   only, and only it does: anything else answers 403.

Writes are audited with :func:`api_actor`: the e-mail column reads ``api:<token prefix>``.
No cookie, no session and no CSRF token are involved (``blueprints.api.common.register``
exempts the blueprint from CSRF).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort

from blueprints.api.parsing import ApiBlueprint
from saas.audit import api as audit
from saas.bounds import MAX_ID
from saas.db import db
from tenants import tokens
from tenants.web import load_scoped

API_PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: the name of the security scheme in the OpenAPI document.
SECURITY_SCHEME = "jeton"
BEARER_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}
#: the resources of a partner's token (``blueprints.api.partenaire``): its only ones, and only its
PARTNER_BLUEPRINT = "api_partenaire"
PARTNER_ONLY = "Ces ressources sont celles des jetons de partenaire, créés pour une organisation."
GUICHET_ONLY = "Un jeton de partenaire n'ouvre que les ressources /api/v1/partenaire/…"


@dataclass(frozen=True)
class TokenInfo:
    """What a request knows of its token (plain values, not the ORM row)."""

    id: int
    prefix: str
    role: str
    #: a partner token's organisation (None for the guichet's tokens)
    organisation_id: int | None = None

    @property
    def can_write(self) -> bool:
        return tokens.ApiTokenRole(self.role).can_write


def _bearer(header: str | None) -> str | None:
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def rate_limit_key() -> str:
    """The rate-limit key of an API request: a digest of its token (the clear token is never
    written to Redis), or its address when it sends none."""
    clear = _bearer(request.headers.get("Authorization"))
    if clear is None:
        return f"address:{get_remote_address()}"
    return "token:" + hashlib.sha256(clear.encode("utf-8", "replace")).hexdigest()[:32]


def authenticate_request() -> None:
    """``before_request`` of every token blueprint (see the module docstring)."""
    if request.method == "OPTIONS":
        return
    clear = _bearer(request.headers.get("Authorization"))
    if clear is None:
        abort(
            401,
            message="Jeton d'API manquant : envoyez l'en-tête « Authorization: Bearer <jeton> ».",
            headers=BEARER_CHALLENGE,
        )
    found = tokens.authenticate_token(clear)
    if found is None:
        db.session.rollback()
        abort(401, message="Jeton d'API invalide, expiré ou révoqué.", headers=BEARER_CHALLENGE)
    tenant, token = found
    g.api_token = TokenInfo(token.id, token.prefix, token.role, token.organisation_id)
    if db.session.dirty:
        # last_used_at, kept even if the request fails; the scope stays for the next transactions.
        db.session.commit()
    g.tenant = tenant
    if request.method not in SAFE_METHODS and not g.api_token.can_write:
        abort(403, message="Ce jeton est en lecture seule : il ne peut rien modifier.")
    partner_blueprint = request.blueprint == PARTNER_BLUEPRINT
    if (g.api_token.organisation_id is not None) != partner_blueprint:
        abort(403, message=PARTNER_ONLY if partner_blueprint else GUICHET_ONLY)


def _check_ids(ids: dict[str, type], blueprint: str) -> None:
    """404 at once for an id of the URL that is not in the tenant, before the body is even read:
    another tenant's id answers 404 whatever the body (never a 422 that would say it was parsed).

    The objects loaded are kept for the request (``g.url_objects``): the session holds its rows
    weakly, and the view loading the same object again would read it again."""
    g.url_objects = []
    for variable, value in (request.view_args or {}).items():
        if variable not in ids:
            raise LookupError(
                f"{blueprint}: déclarez le modèle de <{variable}> dans token_blueprint(ids=...)"
            )
        if isinstance(value, int) and value > MAX_ID:
            abort(404)  # no row has that id, and PostgreSQL would refuse the comparison
        g.url_objects.append(load_scoped(ids[variable], value))


def token_blueprint(
    name: str,
    import_name: str,
    description: str,
    ids: dict[str, type] | None = None,
    url_prefix: str = API_PREFIX,
) -> ApiBlueprint:
    """A flask-smorest blueprint whose every view requires a token of the tenant it reads.

    ``ids`` maps each URL variable of the blueprint's rules to the tenant-owned model it names
    (``{"organisation_id": Organisation}``): the object must exist in the token's tenant.
    """
    blp = ApiBlueprint(name, import_name, url_prefix=url_prefix, description=description)
    ids = dict(ids or {})

    @blp.before_request
    def _authenticate_and_scope():
        authenticate_request()
        _check_ids(ids, name)

    return blp


def api_actor() -> audit.Actor:
    """The author of an API write, for the audit log."""
    token: TokenInfo = g.api_token
    return audit.Actor(
        user_id=None,
        email=f"api:{token.prefix}",
        ip_address=request.remote_addr,
        user_agent=request.headers.get("User-Agent"),
    )


def current_token() -> TokenInfo:
    return g.api_token
