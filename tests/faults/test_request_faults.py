"""PostgreSQL connections terminated in the middle of a request that validates a statement: the
request fails as a whole (nothing of it is written), the same request done again counts the hours
once, and the service answers without a restart."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tests.api.clause_world import API, clause_setup, created
from tests.faults.conftest import FIGURES, wait_for

# committed data: workers in other processes, connections cut and locks taken from connections of their own
pytestmark = pytest.mark.committed


class ApiCaller:
    def __init__(self, client, token: str):
        self.client, self.token = client, token

    def __call__(self, method: str, url: str, json=None, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.open(url, method=method, headers=headers, json=json, **kwargs)


def ledger(superuser_engine, statement_id: int) -> tuple:
    """(status, countings, allocations, hours allocated, validation audit entries) of a statement."""
    with superuser_engine.connect() as conn:
        return tuple(
            conn.execute(
                text(
                    "SELECT s.status, "
                    " (SELECT count(*) FROM hour_countings c WHERE c.statement_id = s.id), "
                    " (SELECT count(*) FROM hour_allocations a JOIN hour_countings c ON c.id = a.counting_id "
                    "   WHERE c.statement_id = s.id), "
                    " (SELECT coalesce(sum(a.hours), 0) FROM hour_allocations a "
                    "   JOIN hour_countings c ON c.id = a.counting_id WHERE c.statement_id = s.id), "
                    " (SELECT count(*) FROM audit_log l WHERE l.action = 'hours.validated' "
                    "   AND l.target_id = s.id::text) "
                    "FROM hour_statements s WHERE s.id = :s"
                ),
                {"s": statement_id},
            ).one()
        )


def test_postgres_connections_killed_during_a_request(
    two_tenants, app, client, lock_table, backends, superuser_engine
):
    a, _ = two_tenants
    api = ApiCaller(client, a.api_token)
    world = clause_setup(api)
    body = {"mission_id": world["mission"]["id"], "month": world["start"].isoformat(), "worked_hours": "100"}
    statement = created(api, "/releves", body)
    url = f"{API}/releves/{statement['id']}/validation"
    version = {"expected_version": statement["row_version"]}
    outcome: dict = {}

    def validate() -> None:
        try:
            outcome["status"] = ApiCaller(app.test_client(), a.api_token)(
                "POST", url, json=version
            ).status_code
        except Exception as exc:  # the test app lets errors through, as TESTING does
            outcome["error"] = exc

    with lock_table("hour_allocations") as lock:
        request = threading.Thread(target=validate)
        request.start()
        wait_for(backends.waiting_on_a_lock, 60, what="the validation to wait on the allocations")
        assert backends.terminate_all() >= 1
        lock.release()
    request.join(60)
    assert "error" in outcome or outcome["status"] >= 500, outcome
    assert ledger(superuser_engine, statement["id"]) == ("declared", 0, 0, 0, 0)  # nothing half-written

    again = api("POST", url, json=version)  # the person tries again: the same app, no restart
    assert again.status_code == 200, again.json
    after = ledger(superuser_engine, statement["id"])
    FIGURES["rows lost"] += int(after[2] == 0) + int(after[4] == 0)
    FIGURES["rows doubled"] += max(0, after[1] - 1) + max(0, after[4] - 1)
    assert after == ("validated", 1, 2, 100, 1)  # 75 h and 25 h through the mutualisation
    assert (
        api("GET", f"{API}/releves", query_string={"mission_id": world["mission"]["id"]}).status_code == 200
    )
