"""Property: whatever the sequence of declarations, corrections, validations, rejections,
mutualisation agreements and recounts, an hour is never counted twice.

Each example runs in a savepoint of one transaction, forces the database's deferred checks
(``SET CONSTRAINTS ALL IMMEDIATE``) and compares the lots' counted hours with a model of the
ledger computed independently from the statements in force; the ledger's totals by lot and month
(``hour_totals``, kept by triggers) must equal its allocations and its statements in force added up.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.heures import api as heures
from saas.heures.progress import progress
from tenants import api as tenants_api
from tenants import context
from tests.builders import clause_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR

MONTHS = [date(2025, m, 1) for m in range(1, 4)]
hours = st.decimals(min_value=0, max_value=200, places=2)
operation = st.one_of(
    st.tuples(st.just("declare"), st.integers(0, 1), st.sampled_from(MONTHS), hours, hours),
    # corrections and decisions pick one of the statements in force (index modulo their number)
    st.tuples(st.just("correct"), st.integers(0, 20), hours, hours),
    # a validated statement corrected and its correction validated: the path that retires counted
    # hours (four operations in a row otherwise, which the examples seldom draw)
    st.tuples(st.just("correct_validated"), st.integers(0, 20), hours, hours),
    st.tuples(st.just("validate"), st.integers(0, 20)),
    st.tuples(st.just("validate"), st.integers(0, 20)),
    st.tuples(st.just("reject"), st.integers(0, 20)),
    st.tuples(st.just("agree"), st.sampled_from(["pro_rata", "explicit"]), st.sampled_from(MONTHS)),
    st.tuples(st.just("rule"), st.sampled_from(["1", "1.5", "2"]), st.booleans()),
)


@pytest.fixture
def ledger(app):
    with app.app_context():
        world = clause_world("proprietes")
        with context.scoped(world.tenant_id):
            tenants_api.enter_tenant(world.tenant_id, world.actor_user_id)
            for lot_id in world.lots:
                participant_id = eligible_participant(f"Prop{lot_id}")
                world.missions.append(place(world, participant_id, lot_id, "cdd"))
            db.session.commit()
        db.session.remove()
    with in_world(app, world):
        yield world


def _pick(index: int, status: str | None = None):
    """The ``index``-th statement in force (modulo their number), optionally of one status."""
    from saas.heures.models import Releve

    query = db.select(Releve).where(Releve.superseded_at.is_(None), Releve.status != "rejected")
    if status:
        query = query.where(Releve.status == status)
    statements = db.session.scalars(query.order_by(Releve.id)).all()
    return statements[index % len(statements)] if statements else None


def _apply(world, op) -> None:
    kind = op[0]
    if kind == "declare":
        heures.declare(ACTOR, world.missions[op[1]], op[2], op[3], op[4])
    elif kind == "correct":
        statement = _pick(op[1])
        if statement is not None:
            heures.correct(ACTOR, statement, op[2], op[3])
    elif kind == "correct_validated":
        statement = _pick(op[1], "validated")
        if statement is not None:
            heures.validate(ACTOR, heures.correct(ACTOR, statement, op[2], op[3]))
    elif kind in ("validate", "reject"):
        statement = _pick(op[1], "declared")
        if statement is not None:
            if kind == "validate":
                heures.validate(ACTOR, statement)
            else:
                heures.reject(ACTOR, statement, "motif")
    elif kind == "agree":
        shares = [D("0.3"), D("0.7")] if op[1] == "explicit" else [None, None]
        heures.create_agreement(
            ACTOR, "Mutualisation", op[2], None, op[1], list(zip(world.lots, shares, strict=True))
        )
    elif kind == "rule":
        heures.new_rule_version(ACTOR, multipliers={"cdd": op[1]}, count_training=op[2])
        heures.apply_recount(ACTOR)


def _expected_total() -> D:
    """Counted hours of the statements in force, from the rule in force, computed apart."""
    rule = heures.rule_in_force(None)
    multiplier = D(str(rule.multipliers.get("cdd", "1")))
    rows = db.session.execute(
        text(
            "SELECT worked_hours, training_hours FROM hour_statements "
            "WHERE status = 'validated' AND superseded_at IS NULL"
        )
    ).all()
    total = D(0)
    for worked, training in rows:
        total += (worked * multiplier + (training if rule.count_training else 0)).quantize(
            D("0.01"), rounding=ROUND_HALF_UP
        )  # rule: nearest
    return total


def _sums(query: str) -> dict:
    """``{(lot, month): hours}`` of ``query``'s rows ``(lot, month, hours)`` (or of any key before
    the last column), zeros left out."""
    return {tuple(row[:-1]): row[-1] for row in db.session.execute(text(query)) if row[-1]}


#: the ledger's totals, and the same figures added up from its rows
TOTALS = {
    "counted": (
        "SELECT lot_id, month, hours FROM hour_totals",
        "SELECT a.lot_id, s.month, sum(a.hours) FROM hour_allocations a "
        "JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id "
        "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id GROUP BY 1, 2",
    ),
    "raw": (
        "SELECT lot_id, month, raw_hours FROM hour_totals",
        "SELECT m.lot_id, s.month, sum(s.worked_hours + s.training_hours) FROM hour_statements s "
        "JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id "
        "WHERE s.status = 'validated' AND s.superseded_at IS NULL GROUP BY 1, 2",
    ),
    "counted by mission and rule": (
        "SELECT mission_id, month, lot_id, rule_id, hours FROM mission_hour_totals",
        "SELECT s.mission_id, s.month, a.lot_id, c.rule_id, sum(a.hours) FROM hour_allocations a "
        "JOIN hour_countings c ON c.tenant_id = a.tenant_id AND c.id = a.counting_id "
        "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id GROUP BY 1, 2, 3, 4",
    ),
    "raw and countings by mission and rule": (
        "SELECT mission_id, month, lot_id, rule_id, raw_hours, countings FROM mission_hour_totals "
        "WHERE countings <> 0 OR raw_hours <> 0",
        "SELECT s.mission_id, s.month, m.lot_id, c.rule_id, sum(c.raw_hours), count(*) FROM hour_countings c "
        "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id "
        "JOIN missions m ON m.tenant_id = s.tenant_id AND m.id = s.mission_id WHERE c.current GROUP BY 1, 2, 3, 4",
    ),
    "nothing kept of what is gone": (
        "SELECT id, 1 FROM mission_hour_totals WHERE hours = 0 AND raw_hours = 0 AND countings = 0",
        "SELECT NULL, NULL",
    ),
}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=25))
def test_no_hour_is_ever_counted_twice(ledger, operations):
    savepoint = db.session.begin_nested()
    try:
        for op in operations:
            try:
                with db.session.begin_nested():
                    _apply(ledger, op)
            except (ValidationError, DomainError):
                pass
        db.session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the database's own checks
        in_force = db.session.execute(
            text(
                "SELECT mission_id, month, count(*) FROM hour_statements "
                "WHERE superseded_at IS NULL AND status <> 'rejected' "
                "AND NOT (status = 'declared' AND supersedes_id IS NOT NULL) "
                "GROUP BY 1, 2 HAVING count(*) > 1"
            )
        ).all()
        assert in_force == []
        lots = progress("lot", ledger.lots)
        allocated = sum((lots[lot_id].counted for lot_id in ledger.lots), D(0))
        counted = db.session.execute(
            text(
                "SELECT coalesce(sum(c.counted_hours), 0) FROM hour_countings c "
                "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id "
                "WHERE c.current AND s.status = 'validated' AND s.superseded_at IS NULL"
            )
        ).scalar()
        assert allocated == counted == _expected_total()
        stray = db.session.execute(
            text(
                "SELECT count(*) FROM hour_allocations a JOIN hour_countings c "
                "ON c.tenant_id = a.tenant_id AND c.id = a.counting_id "
                "JOIN hour_statements s ON s.tenant_id = c.tenant_id AND s.id = c.statement_id "
                "WHERE NOT c.current OR s.status <> 'validated' OR s.superseded_at IS NOT NULL"
            )
        ).scalar()
        assert stray == 0
        for kept, added_up in TOTALS.values():
            assert _sums(kept) == _sums(added_up)
    finally:
        savepoint.rollback()
