"""No query per row: every page of a tenant (its lists, its detail pages, its dashboard, its
exports) and every API list runs the same number of queries with two rows of each kind as with
fifty. The pages are walked as in tests/tenants/test_isolation_routes.py, as the tenant's
administrator with its own objects; the queries are counted by ``tests.sql_count.recorded_sql``.

Each URL is asked twice and the second answer counted, so that what a process reads once (a cache
filled at the first request) is not taken for a query per row. The accounts' clock stands still
while the pages are walked: a session is touched once a minute (an UPDATE and its commit), which
would fall on whichever request came then.
"""

from __future__ import annotations

from collections import Counter
from functools import partial

import pytest

from saas.accounts import api as accounts_api
from tenants import tokens
from tests.factories import add_rows
from tests.fixtures import login
from tests.sql_count import recorded_sql
from tests.tenants.test_isolation_routes import _api_call, audience, get_pages

#: rows of each kind, first few then many.
FEW, MANY = 2, 50


def _counted(app, ask) -> tuple[int, object]:
    """The queries of ``ask()`` at its second call, and its answer."""
    ask()
    with recorded_sql(app) as executed:
        response = ask()
    return len(executed), response


def queries_per_page(app, client, world, who: str = "admin_email") -> dict[str, int]:
    """How many queries each page of ``world`` that ``who`` opens sends, at its second asking; a
    page that exports its list (``?export=csv``) is counted exported too."""
    counts = {}
    for endpoint, url, token in get_pages(app, world):
        if who != "admin_email" and (token or audience(endpoint) != who):
            continue
        if token:
            counts[endpoint], response = _counted(app, partial(_api_call, client, "GET", url, token))
            assert response.status_code < 500, f"{endpoint} answered {response.status_code}"
            continue
        counts[endpoint], response = _counted(app, partial(client.get, url))
        assert response.status_code < 500, f"{endpoint} answered {response.status_code}"
        if response.mimetype == "text/html" and "?" not in url:
            exported, response = _counted(app, partial(client.get, url + "?export=csv"))
            if response.mimetype == "text/csv":
                counts[f"{endpoint} (export)"] = exported
    return counts


@pytest.fixture
def clock_still(monkeypatch):
    """``saas.accounts.api``'s time and the API tokens' from now on: the session logged in next is
    never touched, and a token's ``last_used_at`` (written once a minute) is written by the first
    call only, whatever the walk's length."""
    still = accounts_api._now()
    monkeypatch.setattr(accounts_api, "_now", lambda: still)
    monkeypatch.setattr(tokens, "_now", lambda: still)


def test_no_page_runs_a_query_per_row(app, two_tenants, client, clock_still):
    """As the admin (every page of the workspace and the console, the API) and as the SIAE's user
    (the portal's pages: the rows added are people placed with the SIAE)."""
    a, _ = two_tenants
    add_rows(app, a, FEW - 1)
    login(client, a.admin_email)
    partner = app.test_client()
    login(partner, a.partner_email)
    few = {**queries_per_page(app, client, a), **queries_per_page(app, partner, a, "partner_email")}
    add_rows(app, a, MANY - FEW, prefix="m")
    many = {**queries_per_page(app, client, a), **queries_per_page(app, partner, a, "partner_email")}
    grown = {endpoint: (few[endpoint], many[endpoint]) for endpoint in few if many[endpoint] != few[endpoint]}
    assert grown == {}, "queries at 2 and at 50 rows:\n" + "\n".join(
        f"{endpoint}: {before} -> {after}" for endpoint, (before, after) in sorted(grown.items())
    )


def _statements_of(app, client, url: str) -> list[str]:
    client.get(url)
    with recorded_sql(app) as executed:
        assert client.get(url).status_code == 200
    return [" ".join(statement.split()) for statement in executed]


def test_the_dashboard_reads_the_settings_once(app, two_tenants, client):
    """As the administrator, who sees every block of it (hours, conventions, instalments)."""
    a, _ = two_tenants
    login(client, a.admin_email)
    statements = _statements_of(app, client, f"/t/{a.slug}/")
    assert sum(statement.startswith("SELECT settings") for statement in statements) == 1


def test_the_participant_page_reads_the_criteria_once(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    statements = _statements_of(app, client, f"/t/{a.slug}/participants/{a.ids['participant_id']}")
    assert sum("FROM ref_criteria" in statement for statement in statements) == 1
    organisations = Counter(statement for statement in statements if "FROM organisations" in statement)
    assert max(organisations.values()) == 1, "the same organisations read twice for one page"
