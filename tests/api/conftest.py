"""Helpers of the JSON API tests: calls with a bearer token, tokens of other roles."""

from __future__ import annotations

from datetime import datetime

import pytest

from saas.accounts import tokens
from saas.db import db
from tenants import context
from tests.fixtures import ACTOR


class ApiCaller:
    def __init__(self, client, token: str | None):
        self.client, self.token = client, token

    def __call__(self, method: str, url: str, json=None, token: str | None = None, **kwargs):
        token = token if token is not None else self.token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.open(url, method=method, headers=headers, json=json, **kwargs)


@pytest.fixture
def api(two_tenants, client):
    """Calls as tenant A's facilitateur token: ``api("GET", "/api/v1/organisations")``."""
    a, _ = two_tenants
    return ApiCaller(client, a.api_token)


@pytest.fixture
def make_token(app, two_tenants):
    """A new clear token of tenant A: ``make_token("lecture")``."""
    a, _ = two_tenants

    def _make(role: str = "facilitateur", expires_at: datetime | None = None) -> str:
        with app.app_context(), context.scoped(a.tenant_id):
            db.session.rollback()
            _token, clear = tokens.create_token(ACTOR, f"Jeton {role}", role, expires_at)
            db.session.commit()
            db.session.remove()
        return clear

    return _make
