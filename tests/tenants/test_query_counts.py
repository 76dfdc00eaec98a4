"""No query per row: every page of a tenant (its lists, its detail pages, its dashboard, its
exports) and every API list runs the same number of queries with two rows of each kind as with
fifty. The pages are walked as in tests/tenants/test_isolation_routes.py, as the tenant's
administrator with its own objects; the queries are counted by ``tests.sql_joins.recorded_sql``.

Each URL is asked twice and the second answer counted, so that what a process reads once (a cache
filled at the first request) is not taken for a query per row.
"""

from __future__ import annotations

import pytest

from tests.factories import add_rows
from tests.fixtures import login
from tests.sql_joins import recorded_sql
from tests.tenants.test_isolation_routes import (
    PUBLIC,
    _api_call,
    _api_requests,
    _api_rules,
    _rules,
    _tenant_url,
)

#: rows of each kind, first few then many.
FEW, MANY = 2, 50


def _pages(app, world) -> list[tuple[str, str, str | None]]:
    """(endpoint, url, API token or None) of every GET page and API list of ``world``'s tenant."""
    found = [
        (rule.endpoint, _tenant_url(app, rule, world.slug, world), None)
        for rule in _rules(app)
        if rule.rule.startswith("/t/<tenant_slug>") and "GET" in rule.methods and rule.endpoint not in PUBLIC
    ]
    for rule in _api_rules(app):
        found += [
            (rule.endpoint, url, world.api_token)
            for method, url in _api_requests(app, rule, world)
            if method == "GET"
        ]
    return found


def queries_per_page(app, client, world) -> dict[str, int]:
    """How many queries each page of ``world`` sends, at its second asking."""
    counts = {}
    with app.app_context():
        for endpoint, url, token in _pages(app, world):
            ask = (lambda: _api_call(client, "GET", url, token)) if token else (lambda: client.get(url))
            ask()
            with recorded_sql() as executed:
                status = ask().status_code
            assert status < 500, f"{endpoint} answered {status}"
            counts[endpoint] = len(executed)
    return counts


def test_no_page_runs_a_query_per_row(app, two_tenants, client):
    a, _ = two_tenants
    add_rows(app, a, FEW - 1)
    login(client, a.admin_email)
    few = queries_per_page(app, client, a)
    add_rows(app, a, MANY - FEW, prefix="m")
    many = queries_per_page(app, client, a)
    grown = {endpoint: (few[endpoint], many[endpoint]) for endpoint in few if many[endpoint] != few[endpoint]}
    assert grown == {}, "queries at 2 and at 50 rows:\n" + "\n".join(
        f"{endpoint}: {before} -> {after}" for endpoint, (before, after) in sorted(grown.items())
    )
