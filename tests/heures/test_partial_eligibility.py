"""A month that eligibility covers only in part (finding 9.3): the counting rules say what it counts
(pro rata of the days by default, nothing, or the whole month), versioned per tenant and
overridable per marché with a recount, and the statement says which rule applied and what it did."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from blueprints.api.releves import present_statement
from saas.errors import ValidationError
from saas.heures import api as heures
from saas.heures.schemas import ReleveSchema
from tests.builders import built_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app)) as world:
        yield world


def _validated_mid_march(world, lot_index: int = 0):
    """A person placed on 3 March 2025 (with a reason) whose eligibility is validated on the 14th."""
    participant_id = eligible_participant(f"Tardif{lot_index}", validated_on=date(2025, 3, 14))
    mission_id = place(
        world,
        participant_id,
        world.lots[lot_index],
        start_date=date(2025, 3, 3),
        override_reason="Démarrage urgent du chantier, éligibilité en cours de validation",
    )
    statement = heures.declare(ACTOR, mission_id, date(2025, 3, 1), D(100))
    return statement, heures.validate(ACTOR, statement)


def test_by_default_a_month_counts_the_days_covered_and_says_so(scope):
    statement, counting = _validated_mid_march(scope)
    # the mission's days in March run from the 3rd: 29 days, 18 of them covered
    assert counting.counted_hours == D("62.07")  # 100 × 18 ÷ 29
    assert counting.eligibility["valid_from"] == date(2025, 3, 14)
    assert counting.eligibility["message"].startswith(
        "Éligibilité validée le 14/03/2025 : 18 jours sur 29 comptés, 62,07 h sur 100 h"
    )
    dumped = ReleveSchema().dump(present_statement(statement))["counting"]["eligibility"]
    assert (dumped["rule"], dumped["days"], dumped["eligible_days"], dumped["valid_from"]) == (
        "pro_rata",
        29,
        18,
        "2025-03-14",
    )
    assert (dumped["hours"], dumped["eligible_hours"]) == ("100.00", "62.07")


def test_the_rule_is_versioned_per_tenant_and_applied_by_a_recount(scope):
    statement, counting = _validated_mid_march(scope)
    heures.new_rule_version(ACTOR, partial_eligibility="month", note="Le mois compte en entier")
    assert heures.current_counting(statement.id).counted_hours == D("62.07")  # nothing recounted yet
    preview = heures.preview_recount()
    assert [(line.before, line.after) for line in preview] == [(D("62.07"), D("100.00"))]
    heures.apply_recount(ACTOR)
    recounted = heures.current_counting(statement.id)
    assert recounted.counted_hours == D("100.00") and recounted.eligibility["rule"] == "month"
    assert counting.current is False  # the previous counting is kept, no longer current


def test_a_marche_may_count_nothing_of_such_a_month(scope):
    world = scope
    on_0, _ = _validated_mid_march(world, lot_index=0)
    on_1, _ = _validated_mid_march(world, lot_index=1)
    heures.new_rule_version(ACTOR, marche_id=world.marches[1], partial_eligibility="none")
    heures.apply_recount(ACTOR, world.marches[1])
    assert heures.current_counting(on_0.id).counted_hours == D("62.07")  # the tenant's rule
    nothing = heures.current_counting(on_1.id)
    assert nothing.counted_hours == 0 and nothing.eligibility["rule"] == "none"
    assert "mois non compté, 0 h sur 100 h" in nothing.eligibility["message"]


def test_a_month_fully_covered_reports_no_eligibility_share(scope):
    participant_id = eligible_participant("Ponctuel", validated_on=date(2025, 1, 2))
    mission_id = place(scope, participant_id, scope.lots[0])
    statement = heures.declare(ACTOR, mission_id, date(2025, 3, 1), D(100))
    counting = heures.validate(ACTOR, statement)
    assert counting.counted_hours == D("100.00") and counting.eligibility is None
    assert ReleveSchema().dump(present_statement(statement))["counting"]["eligibility"] is None


def test_an_unknown_mode_is_refused_with_the_field_named(scope):
    with pytest.raises(ValidationError) as refused:
        heures.new_rule_version(ACTOR, partial_eligibility="moitie")
    assert refused.value.field == "partial_eligibility"
