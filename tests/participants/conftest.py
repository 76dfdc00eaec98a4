"""A tenant of its own (buyers, lots, an employer) with the scope set, for the api rule tests."""

from __future__ import annotations

import pytest

from tests.builders import built_world, in_world


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app, "regles")) as world:
        yield world
