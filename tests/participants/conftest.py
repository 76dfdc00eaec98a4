"""A tenant of its own (buyers, lots, an employer) with the scope set, for the api rule tests."""

from __future__ import annotations

import pytest

from saas.db import db
from tenants import api as tenants_api
from tenants import context
from tests.builders import clause_world


@pytest.fixture
def scope(app):
    with app.app_context():
        world = clause_world("regles")
        db.session.remove()
        with context.scoped(world.tenant_id):
            tenants_api.enter_tenant(world.tenant_id, world.actor_user_id)
            yield world
            db.session.rollback()
            db.session.remove()
