"""Fixtures of the committee tests."""

from __future__ import annotations

import pytest

from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tests.builders import new_tenant


@pytest.fixture
def scope(app):
    """A new tenant, entered: the test reads and writes in it; rolled back at the end."""
    with app.app_context():
        tenant_id = new_tenant("comites")
        db.session.remove()
    with app.app_context(), context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        yield tenant_id
        db.session.rollback()
        db.session.remove()
