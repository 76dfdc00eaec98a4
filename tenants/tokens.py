"""API tokens: one tenant each, created and revoked by its admins, shown in clear only once.

Rules:
- the clear token (``gc_`` + 43 random URL-safe characters) is returned once by ``create_token``;
  only its SHA-256 is stored, with its first characters (``prefix``) to tell tokens apart;
- a token is ``facilitateur`` (read and write) or ``lecture`` (read only);
- a revoked or expired token authenticates nothing;
- authenticating reads the token row before any tenant is in scope: row-level security shows it
  only when the transaction setting ``app.token_hash`` holds its very hash. The scope then becomes
  the token's tenant, and the setting is cleared.
"""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from saas.audit import api as audit
from saas.db import db
from saas.errors import ValidationError
from saas.security import token_digest
from tenants import context, repository
from tenants.api import enter_tenant
from tenants.models import ApiToken, Tenant

TOKEN_PREFIX = "gc_"  # noqa: S105 - a marker, not a secret
PREFIX_LENGTH = 11  # "gc_" and 8 random characters
#: last_used_at is written at most this often (one UPDATE per request would be wasteful).
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenRole(enum.StrEnum):
    facilitateur = "facilitateur"
    lecture = "lecture"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def can_write(self) -> bool:
        return self is ApiTokenRole.facilitateur


ROLE_LABELS = {
    ApiTokenRole.facilitateur: "Lecture et écriture (facilitateur)",
    ApiTokenRole.lecture: "Lecture seule",
}


def _now() -> datetime:
    return datetime.now(UTC)


def state(token: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``revoked`` or ``expired``."""
    now = now or _now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


STATE_LABELS = {"active": "Actif", "revoked": "Révoqué", "expired": "Expiré"}


def create_token(
    actor: audit.Actor, name: str, role: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token of the tenant in scope and its clear value, which is never available again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Donnez un nom au jeton (à quoi ou à qui il sert).")
    if len(name) > 120:
        raise ValidationError("name", "120 caractères au plus.")
    try:
        role = ApiTokenRole(role)
    except ValueError:
        raise ValidationError("role", "Choisissez les droits du jeton dans la liste.") from None
    if expires_at is not None and expires_at <= _now():
        raise ValidationError("expires_at", "La date d'expiration doit être dans le futur.")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=context.require_tenant_id(),
        name=name,
        token_hash=token_digest(clear),
        prefix=clear[:PREFIX_LENGTH],
        role=role.value,
        created_by=actor.user_id,
        expires_at=expires_at,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created",
        actor,
        "api_token",
        token.id,
        {"nom": name, "préfixe": token.prefix, "droits": role.value},
    )
    return token, clear


def revoke_token(actor: audit.Actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = _now()
    audit.record("api_token.revoked", actor, "api_token", token.id, {"préfixe": token.prefix})


def _set_token_hash(value: str) -> None:
    db.session.execute(select(func.set_config("app.token_hash", value, True)))


def authenticate_token(clear: str | None) -> tuple[Tenant, ApiToken] | None:
    """The tenant and token a clear token stands for, with the scope entered; None if refused.

    Runs in a transaction of its own, begun here: the caller commits it (``last_used_at``) before
    doing the work of the request, or rolls it back. A refused token leaves the scope empty.
    """
    clear = (clear or "").strip()
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
        return None
    digest = token_digest(clear)
    db.session.rollback()
    _set_token_hash(digest)
    token = repository.api_token_by_hash(digest)
    _set_token_hash("")
    if token is None or state(token) != "active":
        return None
    tenant = repository.tenant_by_id(token.tenant_id)
    if tenant is None or not tenant.active:
        return None
    # The token acts for the tenant, not for the person who created it.
    enter_tenant(tenant.id, None)
    now = _now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
        db.session.flush()
    return tenant, token


list_tokens = repository.api_tokens_in_scope
