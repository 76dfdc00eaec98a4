"""What a request costs in queries, whatever it then does: the scope of a page (the session and
its user, the territory and the membership, the settings of row-level security) and of an API call
(the token and its territory, the settings), and what a statement written through the API costs."""

from __future__ import annotations

from sqlalchemy import text

from saas.db import db
from tests.api.clause_world import API, clause_setup, created
from tests.fixtures import login
from tests.sql_count import recorded_sql


def _cost(app, call) -> list[str]:
    with app.app_context(), recorded_sql(fold=True) as statements:
        call()
    return statements


def test_a_page_costs_four_queries_before_its_own(app, two_tenants, client):
    """The session with its user, the user's setting, the territory with the membership in one
    query, the territory's settings (one ``set_config`` for all): the stylesheet reads nothing else.
    Six before: a ``set_config`` of the empty scope, and the membership read apart."""
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    client.get(f"/t/{a.slug}/theme.css")  # the session's last_seen_at, written once a minute
    statements = _cost(app, lambda: client.get(f"/t/{a.slug}/theme.css"))
    assert len(statements) == 4, "\n".join(statements)
    assert [s.split(" ")[1].split(".")[0] for s in statements] == [
        "auth_sessions",
        "set_config('app",
        "tenants",
        "set_config('app",
    ]


def test_an_api_call_costs_three_queries_before_its_own(app, api):
    """The token's hash setting, the token with its territory, the territory's settings; nothing is
    committed while ``last_used_at`` stays within the minute. Seven before."""
    api("GET", f"{API}/organisations")  # last_used_at, written once a minute
    statements = _cost(app, lambda: api("GET", f"{API}/organisations"))
    assert len(statements) == 3 + 2, "\n".join(statements)  # the page of organisations and its count
    assert "FROM api_tokens JOIN tenants" in statements[1]


def test_declaring_and_validating_a_statement_through_the_api(app, api):
    """Fourteen and twenty-seven queries before."""
    world = clause_setup(api)
    body = {"mission_id": world["mission"]["id"], "month": world["start"].isoformat(), "worked_hours": "70"}
    declared = []
    declaring = _cost(app, lambda: declared.append(created(api, "/releves", body)))
    validation = f"{API}/releves/{declared[0]['id']}/validation"
    validating = _cost(app, lambda: api("POST", validation, json={}))
    print(f"\ndeclare: {len(declaring)} queries, validate: {len(validating)}")
    assert len(declaring) <= DECLARE, "\n".join(declaring)
    assert len(validating) <= VALIDATE, "\n".join(validating)


#: validating read the mission's counted hours for the CDI cap whatever the contract: 20 then
DECLARE, VALIDATE = 10, 18


def test_the_service_connects_without_jit_compilation(app):
    """On a national database the planner's costs pass the JIT threshold for plain aggregates:
    compiling the territory's annual bilan took 7 s for a statement that runs in under 1 s."""
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
