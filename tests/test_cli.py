"""Commands: roles are idempotent; tenants can be created and listed from the command line."""

from __future__ import annotations

import pytest

from saas.dbroles import RoleSpec, create_roles
from tests.conftest import APP_PASSWORD, APP_ROLE, OWNER, OWNER_PASSWORD, _superuser_url


@pytest.mark.committed  # create_roles works on connections of its own
def test_create_roles_is_idempotent(database_urls, superuser_engine):
    from sqlalchemy import text

    name = superuser_engine.url.database
    for _ in range(2):
        create_roles(_superuser_url(), RoleSpec(OWNER, OWNER_PASSWORD, APP_ROLE, APP_PASSWORD, name))
    with superuser_engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}
            ).scalar_one()
            is False
        )


def create_tenant(slug: str, name: str, admin_email: str, admin_name: str) -> list[str]:
    return [
        "tenants",
        "create",
        "--slug",
        slug,
        "--name",
        name,
        "--kind",
        "plie",
        "--admin-email",
        admin_email,
        "--admin-name",
        admin_name,
    ]


def test_tenant_commands_create_and_list(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=create_tenant("plie-nord", "PLIE Nord", "admin@plie-nord.fr", "Admin Nord"))
    assert created.exit_code == 0, created.output
    assert "Invitation envoyée par courriel à admin@plie-nord.fr" in created.output
    assert "/invitation/" not in created.output  # the link goes to the person, not to the console
    listed = runner.invoke(args=["tenants", "list"])
    assert "plie-nord\tPLIE Nord" in listed.output
    again = runner.invoke(args=create_tenant("plie-nord", "X", "x@x.fr", "X"))
    assert again.exit_code != 0 and "déjà utilisé" in again.output
