"""The current scope: which tenant (and which user, and whether the platform) a unit of work acts for.

This module is the only part of ``tenants`` that ``saas`` may import. It holds a context variable
and nothing else: requests, jobs and CLI commands set it, and the database hooks of
``tenants.orm`` read it to set the PostgreSQL settings that row-level security checks and to add
the tenant criteria to every ORM query. An empty scope sees no tenant data at all (fail closed).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scope:
    tenant_id: int | None = None
    #: the authenticated user; lets a user read their own memberships across tenants.
    user_id: int | None = None
    #: the platform operator console: reads platform rows of the audit log; never tenant data.
    platform: bool = False
    federation_id: int | None = None


EMPTY = Scope()
_current: contextvars.ContextVar[Scope] = contextvars.ContextVar("guichet_scope", default=EMPTY)


class ScopeError(RuntimeError):
    """Raised when code tries to switch tenant inside one unit of work."""


def current() -> Scope:
    return _current.get()


def current_tenant_id() -> int | None:
    return _current.get().tenant_id


def require_tenant_id() -> int:
    tenant_id = _current.get().tenant_id
    if tenant_id is None:
        raise ScopeError("Aucun territoire n'est défini pour cette opération.")
    return tenant_id


def set_scope(scope: Scope) -> contextvars.Token:
    """Replace the scope; one tenant per unit of work: switching to another tenant is refused."""
    previous = _current.get()
    if previous.tenant_id is not None and scope.tenant_id not in (None, previous.tenant_id):
        raise ScopeError("Une unité de travail ne peut agir que pour un seul territoire.")
    return _current.set(scope)


def update(**changes) -> contextvars.Token:
    return set_scope(replace(_current.get(), **changes))


def reset(token: contextvars.Token | None = None) -> None:
    if token is None:
        _current.set(EMPTY)
    else:
        _current.reset(token)


@contextmanager
def scoped(tenant_id: int | None = None, **kwargs) -> Iterator[Scope]:
    """Run a block in a scope; for jobs and CLI commands (requests use the URL processor)."""
    token = set_scope(Scope(tenant_id=tenant_id, **kwargs))
    try:
        yield _current.get()
    finally:
        _current.reset(token)
