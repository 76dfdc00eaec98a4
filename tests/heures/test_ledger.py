"""The hours ledger against PostgreSQL: statements are never edited, corrections supersede,
validations cannot lose an update, counted hours go to lots (and across lots under a
mutualisation agreement), and the database itself refuses to count an hour twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.heures import api as heures
from saas.heures.models import Allocation, Counting
from saas.heures.progress import progress
from tests.builders import add_lot, built_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR


@pytest.fixture
def world(app):
    return built_world(app)


@pytest.fixture
def scope(app, world):
    with in_world(app, world):
        yield world


def _validated_then_corrected(world):
    """A statement of 100 h validated, then corrected to 90 h and validated: the first and its counting."""
    first = heures.declare(ACTOR, _mission(world), date(2025, 2, 1), D(100))
    counting = heures.validate(ACTOR, first)
    heures.validate(ACTOR, heures.correct(ACTOR, first, D(90)))
    db.session.commit()
    return first, counting


def _mission(world, contract="cdd", lot_index=0, **kwargs) -> int:
    participant_id = eligible_participant(f"Martin{len(world.participants)}")
    world.participants.append(participant_id)
    mission_id = place(world, participant_id, world.lots[lot_index], contract, **kwargs)
    world.missions.append(mission_id)
    return mission_id


def _counted(lot_id: int) -> D:
    return progress("lot", [lot_id])[lot_id].counted


def test_validated_statement_is_counted_to_the_mission_lot_and_shown_in_progress(scope):
    world = scope
    mission_id = _mission(world)
    # July 2025: 23 working days, 161 h on a 35 h contract (saas.heures.validation)
    statement = heures.declare(ACTOR, mission_id, date(2025, 7, 1), D("151.67"), D("7"))
    assert _counted(world.lots[0]) == 0  # declared only
    counting = heures.validate(ACTOR, statement)
    assert counting.counted_hours == D("158.67")
    lot = progress("lot", [world.lots[0]])[world.lots[0]]
    assert (lot.counted, lot.raw, lot.people, lot.contracts) == (D("158.67"), D("158.67"), 1, 1)
    assert lot.rate == (D("158.67") / D(1000)).quantize(D("0.0001"))


def test_one_statement_in_force_per_mission_and_month(scope):
    mission_id = _mission(scope)
    heures.declare(ACTOR, mission_id, date(2025, 3, 1), D(100))
    with pytest.raises(ValidationError) as error:
        heures.declare(ACTOR, mission_id, date(2025, 3, 15), D(50))
    assert error.value.field == "month"


def test_months_outside_the_mission_are_refused(scope):
    mission_id = _mission(scope, start_date=date(2025, 3, 10), end_date=date(2025, 6, 30))
    for month in (date(2025, 2, 1), date(2025, 7, 1)):
        with pytest.raises(ValidationError):
            heures.declare(ACTOR, mission_id, month, D(10))
    heures.declare(ACTOR, mission_id, date(2025, 3, 1), D(10))  # the month the mission starts in


def test_correction_supersedes_and_keeps_the_validated_figure(scope):
    world = scope
    mission_id = _mission(world)
    first = heures.declare(ACTOR, mission_id, date(2025, 4, 1), D(100))
    heures.validate(ACTOR, first)
    correction = heures.correct(ACTOR, first, D(120), comment="heures supplémentaires oubliées")
    assert correction.supersedes_id == first.id and correction.status == "declared"
    # the validated figure stays in force, and counted, until the correction is validated
    assert first.superseded_at is None and _counted(world.lots[0]) == D(100)
    with pytest.raises(DomainError, match="attend déjà"):
        heures.correct(ACTOR, first, D(130))  # one correction at a time
    heures.validate(ACTOR, correction)
    assert first.worked_hours == D(100) and first.superseded_at is not None
    assert _counted(world.lots[0]) == D(120)
    assert progress("lot", [world.lots[0]])[world.lots[0]].raw == D(120)  # the superseded 100 h taken off
    assert [s.worked_hours for s in heures.history(correction.id)] == [D(120), D(100)]
    with pytest.raises(DomainError):
        heures.correct(ACTOR, first, D(130))  # only the latest version is corrected


def test_a_rejected_correction_leaves_the_validated_figure_in_force(scope):
    world = scope
    mission_id = _mission(world)
    first = heures.declare(ACTOR, mission_id, date(2025, 4, 1), D(100))
    heures.validate(ACTOR, first)
    correction = heures.correct(ACTOR, first, D(190), confirm_over_contract=True)
    heures.reject(ACTOR, correction, "Heures non justifiées")
    assert first.superseded_at is None and _counted(world.lots[0]) == D(100)
    again = heures.correct(ACTOR, first, D(104))  # a new correction may follow
    heures.validate(ACTOR, again)
    assert _counted(world.lots[0]) == D(104)


def test_correcting_a_statement_awaiting_decision_replaces_it_at_once(scope):
    world = scope
    mission_id = _mission(world)
    declared = heures.declare(ACTOR, mission_id, date(2025, 4, 1), D(100))
    fixed = heures.correct(ACTOR, declared, D(90))
    assert declared.superseded_at is not None and declared.status == "declared"
    heures.validate(ACTOR, fixed)
    assert _counted(world.lots[0]) == D(90)


def test_statement_figures_and_countings_cannot_be_edited_or_deleted_in_the_database(scope):
    mission_id = _mission(scope)
    statement = heures.declare(ACTOR, mission_id, date(2025, 5, 1), D(100))
    counting = heures.validate(ACTOR, statement)
    db.session.commit()
    for sql in (
        f"UPDATE hour_statements SET worked_hours = 200 WHERE id = {statement.id}",
        f"DELETE FROM hour_statements WHERE id = {statement.id}",
        f"UPDATE hour_statements SET status = 'declared' WHERE id = {statement.id}",
        f"UPDATE hour_countings SET counted_hours = 300 WHERE id = {counting.id}",
        f"DELETE FROM hour_countings WHERE id = {counting.id}",
    ):
        with pytest.raises(DBAPIError, match=r"never|already decided"), db.session.begin_nested():
            db.session.execute(text(sql))


@pytest.mark.committed  # another transaction commits in the middle of the test's
def test_a_stale_validation_cannot_overwrite_a_concurrent_decision(scope, app_role_engine):
    mission_id = _mission(scope)
    statement = heures.declare(ACTOR, mission_id, date(2025, 6, 1), D(100))
    db.session.commit()
    assert statement.status == "declared"  # read by this session (version 1)...
    stale_version = statement.row_version
    # Another facilitateur rejects it in their own transaction, which commits first.
    with app_role_engine.begin() as other:
        other.execute(text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(scope.tenant_id)})
        other.execute(
            text(
                "UPDATE hour_statements SET status = 'rejected', rejection_reason = 'doublon', "
                "row_version = row_version + 1 WHERE id = :id AND row_version = :v"
            ),
            {"id": statement.id, "v": stale_version},
        )
    # ...which still holds it as it was read: its validation must fail, not win.
    with pytest.raises(DomainError, match="modifié entre-temps"):
        heures.validate(ACTOR, statement)
    db.session.rollback()
    fresh = heures.statement(statement.id)
    assert fresh.status == "rejected" and heures.current_counting(statement.id) is None
    with pytest.raises(DomainError, match="modifié entre-temps"):
        heures.reject(ACTOR, fresh, "autre motif", expected_version=stale_version)


def test_rejection_needs_a_reason_and_a_rejected_month_can_be_declared_again(scope):
    mission_id = _mission(scope)
    statement = heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(100))
    with pytest.raises(ValidationError) as error:
        heures.reject(ACTOR, statement, "  ")
    assert error.value.field == "rejection_reason"
    heures.reject(ACTOR, statement, "Relevé non signé")
    again = heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(98))
    assert again.status == "declared"


def test_hours_after_eligibility_expired_are_not_counted(scope):
    world = scope
    participant_id = eligible_participant("Expire", validated_on=date(2023, 1, 1))  # valid until 2024-12-31
    mission_id = place(
        world, participant_id, world.lots[0], override_reason="Dérogation : renouvellement en cours"
    )
    counting = heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 2, 1), D(100)))
    assert counting.counted_hours == 0
    assert counting.detail["eligible"] is False
    assert progress("lot", [world.lots[0]])[world.lots[0]].raw == D(100)


def test_mutualisation_pro_rata_splits_counted_hours_between_the_member_lots(scope):
    world = scope  # lot 0: 1 000 h of obligation, lot 1: 3 000 h, two donneurs d'ordre
    heures.create_agreement(
        ACTOR,
        "Mutualisation ANRU",
        date(2025, 1, 1),
        None,
        "pro_rata",
        [(world.lots[0], None), (world.lots[1], None)],
    )
    mission_id = _mission(world)
    counting = heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 2, 1), D(100)))
    assert (_counted(world.lots[0]), _counted(world.lots[1])) == (D(25), D(75))
    assert sum(a.hours for a in heures.allocations_of(counting.id)) == counting.counted_hours


def test_mutualisation_explicit_split_and_its_checks(scope):
    world = scope
    members = [(world.lots[0], D("0.6")), (world.lots[1], D("0.3"))]
    with pytest.raises(ValidationError, match="100 %"):
        heures.create_agreement(ACTOR, "Clé", date(2025, 1, 1), None, "explicit", members)
    members[1] = (world.lots[1], D("0.4"))
    heures.create_agreement(ACTOR, "Clé", date(2025, 1, 1), date(2025, 6, 30), "explicit", members)
    with pytest.raises(ValidationError, match="déjà"):
        heures.create_agreement(ACTOR, "Autre", date(2025, 6, 1), None, "explicit", members)
    mission_id = _mission(world, lot_index=1)
    heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 2, 1), D("33.33")))
    assert (_counted(world.lots[0]), _counted(world.lots[1])) == (D("20.00"), D("13.33"))
    # after the agreement's end, hours go to the mission's own lot only
    heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(10)))
    assert (_counted(world.lots[0]), _counted(world.lots[1])) == (D("20.00"), D("23.33"))


def test_mutualisation_needs_two_donneurs_d_ordre(scope):
    world = scope
    _, same_buyer_lot = add_lot(world.buyers[0], "M-0bis", D(500), world.employer_id)
    with pytest.raises(ValidationError, match="deux donneurs"):
        heures.create_agreement(
            ACTOR, "Seul", date(2025, 1, 1), None, "pro_rata", [(world.lots[0], None), (same_buyer_lot, None)]
        )


def _commit_fails(statement: str) -> None:
    db.session.execute(text(statement))
    with pytest.raises(DBAPIError, match="counted twice"):
        db.session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    db.session.rollback()


def test_the_database_refuses_to_allocate_more_than_the_counted_hours(scope):
    world = scope
    mission_id = _mission(world)
    counting = heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 2, 1), D(100)))
    db.session.commit()
    # the same hours a second time, on the other lot
    _commit_fails(
        f"INSERT INTO hour_allocations (tenant_id, counting_id, lot_id, hours) "
        f"VALUES ({world.tenant_id}, {counting.id}, {world.lots[1]}, 1)"
    )


def test_the_database_refuses_allocations_off_a_statement_in_force(scope):
    world = scope
    _, counting = _validated_then_corrected(world)
    assert heures.allocations_of(counting.id) == []
    # put the superseded statement's hours back on the lot: refused
    _commit_fails(
        f"INSERT INTO hour_allocations (tenant_id, counting_id, lot_id, hours) "
        f"VALUES ({world.tenant_id}, {counting.id}, {world.lots[0]}, 100)"
    )
    # a retired counting cannot carry allocations either
    mission_2 = _mission(world)
    second = heures.validate(ACTOR, heures.declare(ACTOR, mission_2, date(2025, 3, 1), D(50)))
    db.session.commit()
    db.session.execute(text(f"UPDATE hour_countings SET current = false WHERE id = {second.id}"))
    with pytest.raises(DBAPIError, match="counted twice"):
        db.session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


def test_a_superseded_statement_keeps_its_counting_but_no_longer_current(scope):
    """Finding 9.2: the counting of a statement replaced by a validated correction stays current."""
    world = scope
    first, counting = _validated_then_corrected(world)
    assert counting.current is False and counting.counted_hours == D(100)  # kept, not edited
    assert heures.current_counting(first.id) is None
    assert heures.latest_counting(first.id) == counting
    assert _counted(world.lots[0]) == D(90)
    # the database refuses a current counting on a statement that is not in force
    db.session.execute(
        text(
            "INSERT INTO hour_countings (tenant_id, statement_id, rule_id, raw_hours, counted_hours, "
            f"detail, current, created_at) VALUES ({world.tenant_id}, {first.id}, {counting.rule_id}, "
            "100, 100, '{}', true, now())"
        )
    )
    with pytest.raises(DBAPIError, match="not validated and in force"):
        db.session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    db.session.rollback()


def test_recount_shows_the_difference_and_changes_nothing_until_applied(scope):
    world = scope
    mission_id = _mission(world, contract="cdi", end_date=None)
    for month in (1, 2, 3):
        heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, month, 1), D(100)))
    assert _counted(world.lots[0]) == D(300)
    heures.new_rule_version(ACTOR, multipliers={"cdi": "2"}, cdi_cap_hours="500", note="CDI valorisé double")
    preview = heures.preview_recount()
    assert [(line.before, line.after) for line in preview] == [
        (D(100), D(200)),
        (D(100), D(200)),
        (D(100), D(100)),
    ]
    assert _counted(world.lots[0]) == D(300)  # preview only
    applied = heures.apply_recount(ACTOR)
    assert sum(line.difference for line in applied) == D(200)
    assert _counted(world.lots[0]) == D(500)
    retired = db.session.scalars(db.select(Counting).where(Counting.current.is_(False))).all()
    assert len(retired) == 3  # the previous countings are kept, no longer current
    assert heures.preview_recount() == []


def test_marche_override_rules_apply_to_that_marche_only(scope):
    world = scope
    heures.new_rule_version(ACTOR, marche_id=world.marches[1], count_training=False)
    on_0 = heures.validate(
        ACTOR, heures.declare(ACTOR, _mission(world, lot_index=0), date(2025, 2, 1), D(100), D(10))
    )
    on_1 = heures.validate(
        ACTOR, heures.declare(ACTOR, _mission(world, lot_index=1), date(2025, 2, 1), D(100), D(10))
    )
    assert (on_0.counted_hours, on_1.counted_hours) == (D(110), D(100))


def test_allocations_exist_only_for_current_countings(scope):
    world = scope
    mission_id = _mission(world)
    heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, 2, 1), D(100)))
    heures.new_rule_version(ACTOR, multipliers={"cdd": "1.5"})
    heures.apply_recount(ACTOR)
    rows = db.session.execute(
        db.select(Counting.current, Allocation.hours).join(
            Allocation, (Allocation.tenant_id == Counting.tenant_id) & (Allocation.counting_id == Counting.id)
        )
    ).all()
    assert rows == [(True, D(150))]
