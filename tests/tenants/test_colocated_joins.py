"""No query joins two tenant tables without equating their ``tenant_id`` (what a table distributed by
``tenant_id`` needs, ``saas/distribution.py``): the SQL of every page and API list of a tenant,
walked as its administrator with its own objects, is read by ``tests/sql_joins.py``."""

from __future__ import annotations

import re

import pytest

from saas.bilans import engine, listings, national, sql
from saas.bilans.scopes import Scope, ScopeKind
from saas.distribution import layout
from tests.fixtures import login
from tests.sql_count import recorded_sql
from tests.sql_joins import uncolocated_joins
from tests.tenants.test_isolation_routes import _api_call, audience, get_pages


@pytest.fixture
def tenant_tables(superuser_engine):
    with superuser_engine.connect() as connection:
        return layout(connection).tenant_tables


def test_the_checker_finds_a_join_that_forgets_the_tenant(tenant_tables):
    forgetful = "SELECT m.id FROM missions m JOIN lots l ON l.id = m.lot_id"
    assert uncolocated_joins(forgetful, tenant_tables) == ["l / m"]
    tied = forgetful + " AND l.tenant_id = m.tenant_id"
    assert uncolocated_joins(tied, tenant_tables) == []
    correlated = (
        "SELECT s.id, (SELECT c.counted_hours FROM hour_countings c WHERE c.statement_id = s.id) "
        "FROM hour_statements s"
    )
    assert uncolocated_joins(correlated, tenant_tables) == ["c / s"]
    derived = (
        "SELECT l.id, t.hours FROM lots l JOIN (SELECT lot_id, sum(hours) AS hours FROM hour_allocations "
        "GROUP BY lot_id) t ON t.lot_id = l.id"
    )
    assert uncolocated_joins(derived, tenant_tables) == ["l / t"]
    assert uncolocated_joins("SELECT u.id FROM users u JOIN tenants t ON t.id = u.id", tenant_tables) == []


PARAMETER = re.compile(r"%\((\w+)\)s")


def test_every_page_and_api_list_joins_within_the_tenant(app, two_tenants, client, tenant_tables):
    a, _ = two_tenants
    pages = get_pages(app, a)
    login(client, a.admin_email)
    with app.app_context(), recorded_sql() as executed:
        for _, url, token in pages:
            if token:
                _api_call(client, "GET", url, token)
            else:
                client.get(url)
    by_audience = []
    for who in ("buyer_email", "partner_email", "prescriber_email"):  # their spaces, as them
        member = app.test_client()
        login(member, getattr(a, who))
        with app.app_context(), recorded_sql() as walked:
            for endpoint, url, token in pages:
                if not token and audience(endpoint) == who:
                    assert member.get(url).status_code == 200, endpoint
        by_audience += walked
    executed = [*executed, *by_audience]
    statements = set(executed)
    assert len(statements) > 100
    found = {}
    for statement in statements:
        joins = uncolocated_joins(PARAMETER.sub(r"$\1", statement), tenant_tables)
        if joins:
            found[" ".join(statement.split())[:160]] = joins
    assert found == {}, "\n".join(f"{joins}: {head}" for head, joins in sorted(found.items()))


def test_every_statement_of_the_bilans_joins_within_the_tenant(tenant_tables):
    """Each statement of ``saas.bilans``, under each kind of scope (the territory, lots, missions):
    the pages run only some of them, the bilans of every kind run all."""
    statements = {
        "figures": sql.figures_sql(),
        "figures_by_month": sql.figures_sql(by_month=True),
        "lots": sql.LOTS,
        "months_of_lots": sql.MONTHS_OF_LOTS,
        **{
            name: getattr(listings, name)
            for name in ("MUTUALISATION", "CONSOLIDATION", "PARCOURS", "SUIVIS", "MOTIFS")
        },
        **{name: getattr(national, name) for name in ("NATIONAL",)},
    }
    scopes = [
        Scope(ScopeKind.territoire, None, "T"),
        Scope(ScopeKind.lot, "1", "L", lots=(1,)),
        Scope(ScopeKind.employeur, "1", "E", missions="m.employer_id = :scope_key"),
    ]
    found = {}
    for name, statement in statements.items():
        for scope in scopes:
            rendered = re.sub(r"(?<![:\w]):(\w+)", r"$\1", statement.format(**engine.conditions(scope)))
            if joins := uncolocated_joins(rendered, tenant_tables):
                found[(name, scope.kind.value)] = joins
    assert not found
