"""Hours that make sense (finding 9.1): a statement above the contract's hours for the month needs
a confirmation, which is audited; above 48 h a week (Code du travail, art. L3121-20) it is refused,
whoever declares it and whether it is a first statement or a correction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from saas.audit.models import AuditEntry
from saas.db import db
from saas.errors import ValidationError
from saas.heures import api as heures
from saas.heures.validation import LEGAL_WEEKLY_MAX_HOURS, month_bounds
from tests.builders import built_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR


def _mission(start=date(2025, 1, 6), end=None, weekly="35"):
    return SimpleNamespace(start_date=start, end_date=end, exit_date=None, weekly_hours=D(weekly))


def test_the_weeks_of_a_month_are_its_working_days_of_mission_over_five():
    july = month_bounds(_mission(), date(2025, 7, 1))  # 31 days, 23 working days
    assert (july.period.working_days, july.contract_hours, july.legal_hours) == (23, D("161.00"), D("220.80"))
    # a month of 21 working days: 31 calendar days ÷ 7 is more (4,43 weeks)
    march = month_bounds(_mission(), date(2025, 3, 1))
    assert (march.contract_hours, march.legal_hours) == (D("155.00"), D("212.57"))
    # a whole month never gets less than the mensualised hours (35 × 52 ÷ 12, 48 × 52 ÷ 12)
    february = month_bounds(_mission(), date(2025, 2, 1))  # 20 working days: 4 weeks
    assert (february.contract_hours, february.legal_hours) == (D("151.67"), D("208.00"))
    assert LEGAL_WEEKLY_MAX_HOURS == 48


def test_a_mission_starting_on_the_20th_gets_the_weeks_left_in_the_month():
    late = month_bounds(_mission(start=date(2025, 3, 20)), date(2025, 3, 1))
    assert (late.period.days, late.period.working_days) == (12, 8)
    assert (late.contract_hours, late.legal_hours) == (D("60.00"), D("82.29"))  # 12 ÷ 7 weeks
    ending = month_bounds(_mission(end=date(2025, 7, 11), weekly="20"), date(2025, 7, 1))
    assert (ending.period.working_days, ending.contract_hours) == (9, D("36.00"))  # 20 × 9 ÷ 5
    weekend = month_bounds(_mission(start=date(2025, 5, 31)), date(2025, 5, 1))  # a Saturday
    assert weekend.contract_hours == D("5.00")  # one day ÷ 7: not zero weeks
    assert weekend.legal_hours == D("10.00")  # one legal day of 10 h (art. L3121-18)
    assert late.legal_hours > D(48)  # twelve days: the weekly average is above one legal week


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app)) as world:
        yield world


def _place(world, **kwargs) -> int:
    participant_id = eligible_participant(f"Heures{len(world.participants)}")
    world.participants.append(participant_id)
    return place(world, participant_id, world.lots[0], "cdd", **kwargs)


def _confirmations() -> list[AuditEntry]:
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hours.over_contract_confirmed"))
    )


def test_700_hours_on_a_35_hour_contract_are_refused(scope):
    mission_id = _place(scope)
    with pytest.raises(ValidationError) as refused:
        heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(700), confirm_over_contract=True)
    assert refused.value.field == "worked_hours"
    assert "48 h par semaine" in refused.value.message and "220,8 h au plus" in refused.value.message
    # worked and training hours together
    with pytest.raises(ValidationError):
        heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(200), D("20.81"), confirm_over_contract=True)
    heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(200), D("20.80"), confirm_over_contract=True)


def test_hours_above_the_contract_need_a_confirmation_which_is_audited(scope):
    mission_id = _place(scope)
    heures.declare(ACTOR, mission_id, date(2025, 7, 1), D(161))  # the contract's hours: no question
    with pytest.raises(ValidationError) as unconfirmed:
        heures.declare(ACTOR, mission_id, date(2025, 10, 1), D("150.01"), D(11))
    assert unconfirmed.value.field == "confirm_over_contract"
    assert "161 h prévues au contrat" in unconfirmed.value.message
    assert _confirmations() == []
    statement = heures.declare(
        ACTOR, mission_id, date(2025, 10, 1), D("150.01"), D(11), confirm_over_contract=True
    )
    (entry,) = _confirmations()
    assert entry.target_id == str(statement.id)
    assert entry.details["heures déclarées"] == "161,01 h" and entry.details["mois"] == "octobre 2025"


def test_corrections_and_partner_statements_go_through_the_same_rule(scope):
    mission_id = _place(scope, start_date=date(2025, 3, 20))
    first = heures.declare(ACTOR, mission_id, date(2025, 3, 1), D(60), source="partenaire")
    heures.validate(ACTOR, first)
    with pytest.raises(ValidationError) as unconfirmed:
        heures.correct(ACTOR, first, D("60.01"), source="partenaire")
    assert unconfirmed.value.field == "confirm_over_contract"
    with pytest.raises(ValidationError) as refused:
        heures.correct(ACTOR, first, D("82.30"), confirm_over_contract=True)
    assert refused.value.field == "worked_hours"
    heures.correct(ACTOR, first, D("82.29"), confirm_over_contract=True)
    assert len(_confirmations()) == 1


def test_the_only_day_of_a_mission_in_the_month_may_hold_a_legal_day(scope):
    mission_id = _place(scope, start_date=date(2025, 5, 31))  # a Saturday
    with pytest.raises(ValidationError) as refused:
        heures.declare(ACTOR, mission_id, date(2025, 5, 1), D("10.01"), confirm_over_contract=True)
    assert "10 h par jour (art. L3121-18) pour 1 jour de mission" in refused.value.message
    heures.declare(ACTOR, mission_id, date(2025, 5, 1), D(7), confirm_over_contract=True)
