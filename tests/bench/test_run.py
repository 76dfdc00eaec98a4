"""The pieces of the benchmark that can be wrong without anyone noticing: the percentile maths,
hey's answers read back, the tables, and the query counter on a real request."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bench import queries
from bench.load import parse_hey_csv
from bench.report import RouteResult, routes_table
from bench.stats import latency, ms, percentile, ratio, table, times
from bench.targets import Route
from saas.db import db
from tests.world import PASSWORD


def test_percentiles_interpolate_between_closest_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5  # unsorted input
    assert percentile([1, 2, 3, 4], 0) == 1
    assert percentile([1, 2, 3, 4], 100) == 4
    assert percentile([7], 95) == 7
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile(list(range(1, 101)), 50) == pytest.approx(50.5)
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1], 101)


def test_latency_counts_requests_and_rate():
    measured = latency([10.0] * 19 + [200.0], errors=2, seconds=4)
    assert (measured.p50, measured.requests, measured.errors) == (10.0, 20, 2)
    assert measured.p95 == pytest.approx(10 + 190 * 0.05)
    assert measured.rate == 5


def test_hey_csv_keeps_the_times_of_the_expected_answers_only():
    csv = (
        "response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset\n"
        "0.0125,0.0001,0,0,0.012,0.0001,200,0.01\n"
        "0.2500,0.0001,0,0,0.24,0.0001,200,0.02\n"
        "0.0020,0.0001,0,0,0.001,0.0001,302,0.03\n"
    )
    answers = parse_hey_csv(csv)
    assert answers.milliseconds == [pytest.approx(12.5), pytest.approx(250.0)]
    assert answers.errors == 1
    assert answers.statuses == {200: 2, 302: 1}


def test_figures_are_printed_short_and_missing_ones_as_a_dash():
    assert [ms(3.14159), ms(42.6), ms(None)] == ["3.1", "43", "—"]
    assert [times(ratio(30, 10)), times(ratio(5000, 10)), times(ratio(1, 0)), times(None)] == [
        "×3.0",
        "×500",
        "—",
        "—",
    ]


def test_table_lines_up_its_columns_as_markdown():
    printed = table(["Route", "p50"], [["Tableau de bord", "12"], ["API", "1.5"]])
    lines = printed.splitlines()
    assert lines[0] == "| Route           | p50 |"
    assert lines[1] == "| --------------- | --: |"
    assert lines[2] == "| Tableau de bord |  12 |"
    assert lines[3] == "| API             | 1.5 |"
    assert len({len(line) for line in lines}) == 1
    with pytest.raises(ValueError):
        table(["a", "b"], [["only one"]])


def test_routes_table_marks_the_routes_over_target_and_compares_with_the_bare_handler():
    bare = {1: latency([1.0, 1.0]), 16: latency([10.0, 10.0])}
    fast = RouteResult("Rapide", "/r", {1: latency([5.0]), 16: latency([50.0])}, queries=4)
    slow = RouteResult("Lente", "/l", {1: latency([90.0]), 16: latency([400.0])}, queries=40)
    failed = RouteResult("Muette", "/m", {1: None, 16: None}, note="aucune réponse 200")
    rows = routes_table([fast, slow, failed], bare, [1, 16]).splitlines()[2:]
    assert rows[0].startswith("| Rapide ") and "×5.0" in rows[0] and "⚠" not in rows[0]
    assert rows[1].startswith("| Lente ⚠") and "×40.0" in rows[1]
    assert rows[2].startswith("| Muette ⚠") and "aucune réponse 200" in rows[2]


def test_a_route_whose_object_is_missing_is_left_out():
    route = Route("Un lot", "/t/{slug}/lots/{lot}", "page", "lot")
    assert route.url_path("sud", {"lot": 7}) == "/t/sud/lots/7"
    assert route.url_path("sud", {"lot": None}) is None


def test_the_counter_counts_every_statement_sent(app, ctx):
    with queries.counting() as opening:
        db.session.execute(text("SELECT 0"))
    # the first statement of a unit of work comes after the scope's set_config: both are counted
    assert opening.count >= 2 and opening.statements[-1] == "SELECT 0"
    with queries.counting() as counter:
        for number in range(3):
            db.session.execute(text(f"SELECT {number + 1}"))
    assert counter.statements == ["SELECT 1", "SELECT 2", "SELECT 3"]
    with queries.counting() as idle:
        pass
    assert idle.count == 0


def test_the_counter_counts_the_queries_of_a_real_request(app, two_tenants, client):
    a, _ = two_tenants
    queries.login(client, a.facilitateur_email, PASSWORD)
    status, count = queries.per_request(client, f"/t/{a.slug}/")
    assert status == 200
    with queries.counting() as counter:
        client.get(f"/t/{a.slug}/").get_data()
    # the same page, the same statements: among them the scope of the request and the dashboard's sums
    assert counter.count == count
    assert any("set_config" in statement for statement in counter.statements)
    assert any("hour_totals" in statement for statement in counter.statements)
    api_status, api_count = queries.per_request(
        client, "/api/v1/marches", {"Authorization": f"Bearer {a.api_token}"}
    )
    assert api_status == 200 and api_count > 0
