"""Commands: roles are idempotent; tenants can be created and listed from the command line."""

from __future__ import annotations

import pytest

from saas.dbroles import RoleSpec, create_roles
from tests.conftest import APP_PASSWORD, APP_ROLE, OWNER, OWNER_PASSWORD, _superuser_url

# committed data: the commands run in processes of their own
pytestmark = pytest.mark.committed


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


def test_tenant_commands_create_and_list(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "tenants",
            "create",
            "--slug",
            "plie-nord",
            "--name",
            "PLIE Nord",
            "--kind",
            "plie",
            "--admin-email",
            "admin@plie-nord.fr",
            "--admin-name",
            "Admin Nord",
        ]
    )
    assert created.exit_code == 0, created.output
    assert "Invitation envoyée par courriel à admin@plie-nord.fr" in created.output
    assert "/invitation/" not in created.output  # the link goes to the person, not to the console
    listed = runner.invoke(args=["tenants", "list"])
    assert "plie-nord\tPLIE Nord" in listed.output
    again = runner.invoke(
        args=[
            "tenants",
            "create",
            "--slug",
            "plie-nord",
            "--name",
            "X",
            "--kind",
            "plie",
            "--admin-email",
            "x@x.fr",
            "--admin-name",
            "X",
        ]
    )
    assert again.exit_code != 0 and "déjà utilisé" in again.output
