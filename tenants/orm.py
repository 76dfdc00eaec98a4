"""Layers 2 and 3 of isolation, on the SQLAlchemy session.

- ``after_begin``: every transaction starts by copying the current scope into transaction-local
  PostgreSQL settings (``set_config(..., true)``, one statement for all of them) that the row-level
  security policies read. A transaction begun with the empty scope sends nothing: transaction-local
  settings end with the transaction that set them, so a new one reads them absent or empty, which
  the policies treat as no tenant, no user, no platform (fail closed).
- ``do_orm_execute``: every ORM SELECT, UPDATE and DELETE gets ``with_loader_criteria`` restricting
  tenant-owned entities to the current tenant; with no tenant in scope the criteria match nothing.

Code that must read across tenants for the current user (the tenant switcher) passes the execution
option ``all_tenants=True``; row-level security still applies to it.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from saas.db import TenantScoped
from tenants import context

#: ``app.token_hash`` (``tenants.tokens``) is cleared whenever a scope is applied.
SETTINGS = ("app.tenant_id", "app.user_id", "app.platform", "app.federation_id", "app.token_hash")


def _settings_values(scope: context.Scope) -> dict[str, str]:
    return {
        "app.tenant_id": "" if scope.tenant_id is None else str(scope.tenant_id),
        "app.user_id": "" if scope.user_id is None else str(scope.user_id),
        "app.platform": "on" if scope.platform else "",
        "app.federation_id": "" if scope.federation_id is None else str(scope.federation_id),
        "app.token_hash": "",
    }


#: one statement for all the settings, its SQL written once (a ``select()`` of five ``set_config``
#: calls cost more to build and compile at each request than the round trip itself)
_SET_CONFIG_SQL = "SELECT " + ", ".join(
    f"set_config('{name}', %({name.removeprefix('app.')})s, true)" for name in SETTINGS
)


def set_scope(connection, scope: context.Scope) -> None:
    """Copy ``scope`` into the transaction-local settings of ``connection`` (a SQLAlchemy
    ``Connection``), in one statement."""
    values = _settings_values(scope)
    connection.exec_driver_sql(
        _SET_CONFIG_SQL, {name.removeprefix("app."): values[name] for name in SETTINGS}
    )


def _after_begin(session: Session, transaction, connection) -> None:
    scope = context.current()
    if scope != context.EMPTY:
        set_scope(connection, scope)


def _add_tenant_criteria(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return
    if state.execution_options.get("all_tenants", False):
        return
    tenant_id = context.current_tenant_id()
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantScoped,
            lambda cls: cls.tenant_id == tenant_id,
            include_aliases=True,
            propagate_to_loaders=True,
        )
    )


def apply_scope(session) -> None:
    """Push the current scope into a transaction already begun (e.g. after the user was loaded)."""
    session = session() if callable(session) and not isinstance(session, Session) else session
    if session.in_transaction():
        set_scope(session.connection(), context.current())


def install(session_class: type[Session] | Session) -> None:
    if not event.contains(session_class, "after_begin", _after_begin):
        event.listen(session_class, "after_begin", _after_begin)
    if not event.contains(session_class, "do_orm_execute", _add_tenant_criteria):
        event.listen(session_class, "do_orm_execute", _add_tenant_criteria)


def uninstall(session_class: type[Session] | Session) -> None:
    """For the tests that prove each layer alone."""
    for name, fn in (("after_begin", _after_begin), ("do_orm_execute", _add_tenant_criteria)):
        if event.contains(session_class, name, fn):
            event.remove(session_class, name, fn)
