"""Creating and revoking the API tokens of the tenant in scope, audited (the rules of a token, and
authenticating one, are ``tenants.tokens``)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from saas.audit import api as audit
from saas.db import insert
from saas.errors import ValidationError
from saas.partenaires import api as partenaires
from saas.security import token_digest
from tenants import context
from tenants.models import ApiToken
from tenants.tokens import PREFIX_LENGTH, TOKEN_PREFIX, ApiTokenRole


def create_token(
    actor: audit.Actor,
    name: str,
    role: str,
    expires_at: datetime | None = None,
    organisation_id: int | None = None,
) -> tuple[ApiToken, str]:
    """A new token of the tenant in scope and its clear value, which is never available again. A
    partner's token (role ``partenaire``) is bound to one partner organisation of the tenant."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", "Donnez un nom au jeton (à quoi ou à qui il sert).")
    if len(name) > 120:
        raise ValidationError("name", "120 caractères au plus.")
    try:
        role = ApiTokenRole(role)
    except ValueError:
        raise ValidationError("role", "Choisissez les droits du jeton dans la liste.") from None
    organisation_id = _partner_organisation(role, organisation_id)
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise ValidationError("expires_at", "La date d'expiration doit être dans le futur.")
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=context.require_tenant_id(),
        name=name,
        token_hash=token_digest(clear),
        prefix=clear[:PREFIX_LENGTH],
        role=role.value,
        organisation_id=organisation_id,
        created_by=actor.user_id,
        expires_at=expires_at,
    )
    insert(token)
    audit.record(
        "api_token.created",
        actor,
        "api_token",
        token.id,
        {"nom": name, "préfixe": token.prefix, "droits": role.value, "organisation": organisation_id},
    )
    return token, clear


def _partner_organisation(role: ApiTokenRole, organisation_id: int | None) -> int | None:
    if role is not ApiTokenRole.partenaire:
        return None
    organisation = partenaires.get(int(organisation_id)) if organisation_id else None
    if organisation is None or organisation.kind == "donneur_ordre" or not organisation.active:
        raise ValidationError(
            "organisation_id", "Choisissez l'organisation partenaire pour laquelle ce jeton agit."
        )
    return organisation.id


def revoke_token(actor: audit.Actor, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = datetime.now(UTC)
    audit.record("api_token.revoked", actor, "api_token", token.id, {"préfixe": token.prefix})
