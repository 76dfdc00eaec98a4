"""A batch of statements through the API (``POST /api/v1/releves/lot``): each one by the rules of
one declaration (and validation), all of them written or none, errors named by rank and field."""

from __future__ import annotations

import time

from dateutil.relativedelta import relativedelta
from sqlalchemy import text

from tests.api.clause_world import API, clause_setup
from tests.sql_count import recorded_sql

BATCH = f"{API}/releves/lot"


def _months(world, count: int) -> list[str]:
    return [(world["start"] + relativedelta(months=n)).isoformat() for n in range(count)]


def _item(world, month: str, hours: str = "70", **extra) -> dict:
    return {"mission_id": world["mission"]["id"], "month": month, "worked_hours": hours, **extra}


def _statements_of(api, world) -> list[dict]:
    query = {"mission_id": world["mission"]["id"]}
    return api("GET", f"{API}/releves", query_string=query).json["items"]


def test_a_batch_declares_and_validates_as_one_by_one_and_is_audited(api, superuser_engine):
    world = clause_setup(api)
    first, second, third = _months(world, 3)
    body = {
        "releves": [
            _item(world, first, validate=True),
            _item(world, second, "35.5"),
            _item(world, third, validate=True, comment="Lot de mars"),
        ]
    }
    answer = api("POST", BATCH, json=body)
    assert answer.status_code == 201, answer.json
    assert (answer.json["count"], answer.json["validated"]) == (3, 2)
    lines = answer.json["items"]
    assert [(line["index"], line["month"], line["status"]) for line in lines] == [
        (0, first, "validated"),
        (1, second, "declared"),
        (2, third, "validated"),
    ]
    assert [line["counted_hours"] for line in lines] == ["70.00", None, "70.00"]
    # the same statements as one by one: source api, counted, allocated (75 % of 140 h to the lot)
    read = api("GET", f"{API}/releves/{lines[0]['id']}").json
    assert (read["source"], read["counting"]["counted_hours"]) == ("api", "70.00")
    assert api("GET", f"{API}/lots/{world['lot']['id']}/avancement").json["counted"] == "105.00"
    with superuser_engine.connect() as connection:
        audited = connection.execute(
            text(
                "SELECT action, target_id FROM audit_log WHERE action LIKE 'hours.%' "
                "AND actor_email LIKE 'api:%' ORDER BY id"
            )
        ).all()
    declared, validated = ("hours.declared", "hours.validated")
    ids = [str(line["id"]) for line in lines]
    assert [tuple(row) for row in audited] == [
        (declared, ids[0]),
        (validated, ids[0]),
        (declared, ids[1]),
        (declared, ids[2]),
        (validated, ids[2]),
    ]


def test_a_batch_with_errors_writes_nothing_and_names_each_statement_and_field(api, two_tenants):
    _, b = two_tenants
    world = clause_setup(api)
    first, second = _months(world, 2)
    future = (world["start"] + relativedelta(months=20)).isoformat()
    body = {
        "releves": [
            _item(world, first, validate=True),
            _item(world, future),  # after the mission
            _item(world, first),  # the month of statement 0: judged after it
            {**_item(world, second), "mission_id": b.ids["mission_id"]},  # another tenant's mission
            _item(world, second, "-3", training_hours="-1"),  # every error of a statement at once
        ]
    }
    refused = api("POST", BATCH, json=body)
    assert refused.status_code == 422
    assert refused.json["message"] == "4 relevés du lot en erreur : rien n'a été enregistré."
    errors = refused.json["errors"]["json"]["releves"]
    assert sorted(errors) == ["1", "2", "3", "4"]
    assert errors["1"] == {"month": ["Ce mois est en dehors des dates de la mission."]}
    assert list(errors["2"]) == ["month"] and "existe déjà" in errors["2"]["month"][0]
    assert errors["3"] == {"mission_id": ["Mission inconnue."]}
    assert set(errors["4"]) == {"worked_hours", "training_hours"}
    assert _statements_of(api, world) == []  # statement 0 was valid, and is not written either

    # the body's own shape is checked first, as for one statement: the rank, then the field
    shape = api("POST", BATCH, json={"releves": [_item(world, first), {"mission_id": 1}]})
    assert shape.status_code == 422
    assert set(shape.json["errors"]["json"]["releves"]["1"]) == {"month", "worked_hours"}
    empty = api("POST", BATCH, json={"releves": []})
    assert empty.status_code == 422
    assert empty.json["errors"]["json"]["releves"] == ["Envoyez de 1 à 500 relevés par lot."]


def test_a_statement_that_cannot_be_validated_says_so_for_the_whole_statement(api):
    world = clause_setup(api)
    (first,) = _months(world, 1)
    over = _item(world, first, "180", validate=True)  # above the contract, not confirmed
    refused = api("POST", BATCH, json={"releves": [over]})
    assert refused.status_code == 422
    assert list(refused.json["errors"]["json"]["releves"]["0"]) == ["confirm_over_contract"]
    confirmed = api("POST", BATCH, json={"releves": [{**over, "confirm_over_contract": True}]})
    assert confirmed.status_code == 201 and confirmed.json["validated"] == 1


def _batch_cost(app, api, world, months: list[str]) -> int:
    body = {"releves": [_item(world, month, validate=True) for month in months]}
    with app.app_context(), recorded_sql(fold=True) as statements:
        assert api("POST", BATCH, json=body).status_code == 201
    return len(statements)


def test_a_batch_costs_a_fixed_number_of_queries_per_statement(app, api):
    world = clause_setup(api)
    months = _months(world, 12)
    two, ten = _batch_cost(app, api, world, months[:2]), _batch_cost(app, api, world, months[2:])
    per_statement = (ten - two) / 8
    print(f"\nbatch: {two} queries for 2 statements, {ten} for 10: {per_statement} per statement")
    assert per_statement == int(per_statement)  # no query grows with the batch beyond its statements
    assert per_statement <= PER_STATEMENT


def test_statements_written_per_second_one_by_one_and_in_a_batch(api):
    """A figure printed for the benchmark, not a timed assertion (the test client, no server)."""
    world = clause_setup(api)
    months = _months(world, 12)
    started = time.perf_counter()
    for month in months[:6]:
        statement = api("POST", f"{API}/releves", json=_item(world, month)).json
        assert api("POST", f"{API}/releves/{statement['id']}/validation", json={}).status_code == 200
    one_by_one = 6 / (time.perf_counter() - started)
    started = time.perf_counter()
    body = {"releves": [_item(world, month, validate=True) for month in months[6:]]}
    assert api("POST", BATCH, json=body).status_code == 201
    batched = 6 / (time.perf_counter() - started)
    print(
        f"\nstatements declared and validated per second: {one_by_one:.0f} one by one, {batched:.0f} in a batch"
    )
    assert len(_statements_of(api, world)) == 12


#: queries per statement declared and validated in a batch (mutualised lot: two allocations, one
#: INSERT); 16 before the batch read its missions, lots, rules and agreements once, 10 before it
#: read each participant's eligibility once and wrote its audit entries in one INSERT.
PER_STATEMENT = 6
