"""API tokens: one tenant each, shown in clear only once; created and revoked by its admins
(``saas.accounts.tokens``, audited), authenticated here.

Rules:
- the clear token (``gc_`` + 43 random URL-safe characters) is returned once by
  ``saas.accounts.tokens.create_token``;
  only its SHA-256 is stored, with its first characters (``prefix``) to tell tokens apart;
- a token is ``facilitateur`` (read and write) or ``lecture`` (read only);
- a revoked or expired token authenticates nothing;
- authenticating reads the token row before any tenant is in scope: row-level security shows it
  only when the transaction setting ``app.token_hash`` holds its very hash. The scope then becomes
  the token's tenant, and the setting is cleared.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from saas.db import db
from saas.security import token_digest
from tenants import repository
from tenants.api import enter_tenant
from tenants.enums import ApiTokenRole
from tenants.models import ApiToken, Tenant

TOKEN_PREFIX = "gc_"  # noqa: S105 - a marker, not a secret
PREFIX_LENGTH = 11  # "gc_" and 8 random characters
#: last_used_at is written at most this often (one UPDATE per request would be wasteful).
LAST_USED_PRECISION = timedelta(minutes=1)


ROLE_LABELS = ApiTokenRole.labels()


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


def _set_token_hash(value: str) -> None:
    db.session.execute(select(func.set_config("app.token_hash", value, True)))


def authenticate_token(clear: str | None) -> tuple[Tenant, ApiToken] | None:
    """The tenant and token a clear token stands for, with the scope entered; None if refused.

    Runs in a transaction of its own, begun here: the caller commits it when ``last_used_at`` was
    written (at most once a minute, ``LAST_USED_PRECISION``) before doing the work of the request,
    or rolls it back. A refused token leaves the scope empty.
    """
    clear = (clear or "").strip()
    if not clear.startswith(TOKEN_PREFIX) or len(clear) > 200:
        return None
    digest = token_digest(clear)
    db.session.rollback()
    _set_token_hash(digest)
    found = repository.token_and_tenant(digest)
    token, tenant = found or (None, None)
    if token is None or tenant is None or state(token) != "active" or not tenant.active:
        _set_token_hash("")
        return None
    # The token acts for the tenant, not for the person who created it; entering the scope clears
    # ``app.token_hash`` in the same statement.
    enter_tenant(tenant.id, None)
    now = _now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        token.last_used_at = now
    return tenant, token


list_tokens = repository.api_tokens_in_scope
