"""The ledger's lookups are served by their indexes, and every partial index by the queries written
for it: ``current IS true`` (what ``Counting.current.is_(True)`` renders) is not ``current``, and a
partial index ``WHERE current`` cannot serve it; at 300 000 statements a territory's lookup then
scans every counting. The plans are read with ``enable_seqscan`` off: on a test database's few rows
the planner would rightly scan, and what is checked is whether it *could* use the index."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select, text

from saas.db import db
from saas.heures import api as heures
from saas.heures import repository
from saas.heures.models import Counting
from saas.partenaires import repository as organisations
from tests.builders import SIRETS, built_world, eligible_participant, in_world, place
from tests.database import APP_ROLE
from tests.fixtures import ACTOR
from tests.sql_count import recorded_sql


@pytest.fixture
def ledger(app):
    """A validated statement of 100 h, then its correction, validated: ids of both and the mission."""
    world = built_world(app)
    with in_world(app, world):
        mission_id = place(world, eligible_participant("Martin"), world.lots[0])
        first = heures.declare(ACTOR, mission_id, date(2025, 2, 1), D(100))
        heures.validate(ACTOR, first)
        second = heures.correct(ACTOR, first, D(90))
        heures.validate(ACTOR, second)
        db.session.flush()
        yield {"mission": mission_id, "first": first.id, "second": second.id}


def _plan_nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _plan_nodes(child)


def indexes_used(call: Callable[[], object]) -> set[str]:
    """The indexes in the plans of the queries ``call`` runs, none allowed to scan a whole table."""
    with recorded_sql(parameters=True) as sent:
        call()
    statements = [(sql, params) for sql, params in sent if sql.lstrip().upper().startswith("SELECT")]
    assert statements, "the call ran no query"
    used: set[str] = set()
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    try:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
            for node in _plan_nodes(plan[0]["Plan"]):
                assert node["Node Type"] != "Seq Scan", f"{node.get('Relation Name')} scanned: {statement}"
                if "Index Name" in node:
                    used.add(node["Index Name"])
    finally:
        connection.exec_driver_sql("SET LOCAL enable_seqscan = on")
    return used


@contextmanager
def without_index(name: str) -> Iterator[None]:
    """The block's plans as if ``name`` did not exist (dropped in the test's transaction, which the
    test rolls back), so that the index left to serve a query is the one under test."""
    connection = db.session.connection()
    connection.exec_driver_sql("RESET ROLE")
    connection.exec_driver_sql(f"DROP INDEX {name}")
    connection.exec_driver_sql(f"SET ROLE {APP_ROLE}")
    yield


def test_the_current_counting_is_found_through_the_partial_index_on_its_own(ledger):
    with without_index("ix_hour_countings_tenant_id_statement_id"):
        assert "uq_hour_countings_current" in indexes_used(
            lambda: repository.current_counting(ledger["second"])
        )
        assert "uq_hour_countings_current" in indexes_used(
            lambda: repository.counted_for_mission(ledger["mission"])
        )
        listing = repository.statement_rows(repository.ReleveFilters())
        assert "uq_hour_countings_current" in indexes_used(lambda: db.session.execute(listing).all())


def test_every_counting_of_a_statement_is_found_through_an_index(ledger):
    """The lookup of the trigger ``hour_allocations_check`` (every counting of a statement, current
    or not). The repository's own lookups add ``ORDER BY id``, for which the planner may rightly walk
    the primary key on a test database's few rows: the lookup is checked without it."""
    every_counting = select(Counting).where(Counting.statement_id == ledger["first"])
    assert "ix_hour_countings_tenant_id_statement_id" in indexes_used(
        lambda: db.session.execute(every_counting).all()
    )


def test_the_correction_of_a_statement_is_found_through_an_index(ledger):
    """On a test database's few rows the planner may rightly walk the list order's index
    ``(tenant_id, month, id)`` for the lookup's ``ORDER BY``: the lookup is checked without it."""
    with without_index("ix_hour_statements_tenant_id_month_id"):
        used = indexes_used(lambda: repository.superseding(ledger["first"]))
    assert "ix_hour_statements_tenant_id_supersedes_id" in used


def test_the_statement_in_force_is_found_through_its_partial_index(ledger):
    with without_index("ix_hour_statements_tenant_id_mission_id_month"):
        used = indexes_used(lambda: repository.in_force(ledger["mission"], date(2025, 2, 1)))
    assert "uq_hour_statements_in_force" in used


def test_an_organisation_is_found_by_siret_through_its_partial_index(ledger):
    assert "uq_organisations_tenant_id_siret" in indexes_used(lambda: organisations.by_siret(SIRETS[0]))


#: the partial indexes and the test above that shows a query using each; an index that only holds a
#: uniqueness rule says so.
PARTIAL_INDEXES = {
    "uq_hour_countings_current": test_the_current_counting_is_found_through_the_partial_index_on_its_own,
    "uq_hour_statements_in_force": test_the_statement_in_force_is_found_through_its_partial_index,
    "uq_organisations_tenant_id_siret": test_an_organisation_is_found_by_siret_through_its_partial_index,
    "uq_hour_statements_one_correction": "uniqueness only: one live correction per statement",
}


def test_every_partial_index_is_checked_here(ledger):
    names = db.session.execute(text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '% WHERE %'"))
    assert set(names.scalars()) == set(PARTIAL_INDEXES)


def test_the_ledger_checks_plan_for_any_territory_not_the_one_in_hand(ledger):
    """The deferred checks find a few rows by ``tenant_id`` and an id. Planned for the territory in
    hand, one missing from the statistics (new since the last ANALYZE, or writing its first rows in
    the transaction checked) is estimated at one row, and each check may walk all of that
    territory's rows: a generic plan takes the average territory (migration ``a4d8c6e2f1b7``)."""
    settings = db.session.execute(
        text(
            "SELECT proname, proconfig FROM pg_proc WHERE proname IN "
            "('hour_allocations_check', 'hour_countings_current_check')"
        )
    ).all()
    assert sorted(settings) == [
        ("hour_allocations_check", ["plan_cache_mode=force_generic_plan"]),
        ("hour_countings_current_check", ["plan_cache_mode=force_generic_plan"]),
    ]


def _boolean_is_calls(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("is_", "is_not")
        and any(isinstance(arg, ast.Constant) and isinstance(arg.value, bool) for arg in node.args)
    ]


def test_boolean_columns_are_tested_as_themselves_not_with_is_true():
    """``column.is_(True)`` renders ``column IS true``, which no partial index ``WHERE column``
    serves: write ``column`` (or ``~column``)."""
    root = Path(__file__).resolve().parents[2]
    found = {
        f"{path.relative_to(root)}:{line}"
        for package in ("saas", "tenants", "blueprints", "workers")
        for path in (root / package).rglob("*.py")
        for line in _boolean_is_calls(path)
    }
    assert not found
