"""Rules of missions: the follow-up plan (seed 003 annex), placement only with a valid
eligibility or an explicit audited override (seed 002 art. 3), who may employ, the exit and its
category, "emploi durable" confirmed only at 6 months."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import text

from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.parcours import api as parcours
from saas.parcours.plan import follow_up_plan
from saas.partenaires import api as partenaires
from saas.participants import api as participants
from tests.builders import built_world, eligible_participant, in_world, place
from tests.fixtures import ACTOR


def test_plan_of_a_six_month_cdd_with_a_one_month_trial():
    plan = follow_up_plan(date(2025, 3, 3), date(2025, 9, 2), date(2025, 4, 2))
    assert [(step.value, due) for step, due in plan] == [
        ("premier_jour", date(2025, 3, 3)),
        ("fin_premiere_semaine", date(2025, 3, 9)),
        ("fin_periode_essai", date(2025, 4, 2)),
        ("trimestriel", date(2025, 6, 3)),
        ("avant_fin_contrat", date(2025, 8, 19)),
    ]


def test_plan_of_an_open_ended_contract_is_quarterly_over_the_first_year():
    plan = follow_up_plan(date(2025, 1, 15), None, None)
    assert [due for step, due in plan if step == "trimestriel"] == [
        date(2025, 4, 15),
        date(2025, 7, 15),
        date(2025, 10, 15),
    ]
    assert "avant_fin_contrat" not in {step for step, _ in plan}


def test_plan_of_a_one_week_mission_has_no_quarterly_visit():
    plan = follow_up_plan(date(2025, 5, 5), date(2025, 5, 9), None)
    assert [step.value for step, _ in plan] == ["premier_jour"]


@pytest.fixture
def scope(app):
    with in_world(app, built_world(app, "missions")) as world:
        yield world


def test_placement_without_valid_eligibility_needs_an_explicit_reason_and_is_audited(scope):
    world = scope
    participant = participants.create(ACTOR, "Sans", "Critère")
    with pytest.raises(ValidationError) as error:
        place(world, participant.id, world.lots[0])
    assert error.value.field == "override_reason"
    mission_id = place(
        world, participant.id, world.lots[0], override_reason="Urgence chantier, dossier en cours"
    )
    mission = parcours.get(mission_id)
    assert mission.eligibility_override and mission.override_reason.startswith("Urgence")
    actions = db.session.execute(
        text("SELECT action FROM audit_log WHERE target_id = :id AND target_type = 'mission'"),
        {"id": str(mission_id)},
    ).scalars()
    assert "mission.eligibility_override" in set(actions)


def test_eligible_participant_is_placed_without_override_and_gets_the_plan(scope):
    world = scope
    mission_id = place(world, eligible_participant("Durand"), world.lots[0], trial_end_date=date(2025, 2, 5))
    mission = parcours.get(mission_id)
    assert mission.eligibility_override is False and mission.override_reason is None
    steps = [f.step for f in parcours.follow_ups_of(mission_id)]
    assert steps[:3] == ["premier_jour", "fin_premiere_semaine", "fin_periode_essai"]
    assert steps[-1] == "avant_fin_contrat"


def test_employer_is_the_attributaire_a_subcontractor_or_a_placing_structure(scope):
    world = scope
    participant_id = eligible_participant("Petit")
    other_company = partenaires.create(ACTOR, "Concurrent SA", "entreprise", "55208131766522")
    with pytest.raises(ValidationError) as error:
        parcours.place(
            ACTOR,
            participant_id,
            other_company.id,
            world.lots[0],
            "embauche_directe",
            "cdd",
            date(2025, 1, 6),
            35,
            end_date=date(2025, 6, 30),
        )
    assert error.value.field == "employer_id"
    etti = partenaires.create(ACTOR, "ETTI du coin", "siae_etti", "38012986643097")
    mission = parcours.place(
        ACTOR,
        participant_id,
        etti.id,
        world.lots[0],
        "mise_a_disposition",
        "contrat_mission_etti",
        date(2025, 1, 6),
        D(35),
        end_date=date(2025, 3, 31),
    )
    assert mission.employer_id == etti.id


def test_fixed_term_contract_needs_an_end_date_and_weekly_hours_are_bounded(scope):
    world = scope
    participant_id = eligible_participant("Roux")
    with pytest.raises(ValidationError) as error:
        place(world, participant_id, world.lots[0], "cdd", end_date=None)
    assert error.value.field == "end_date"
    with pytest.raises(ValidationError) as error:
        place(world, participant_id, world.lots[0], "cdd", weekly_hours=D(60))
    assert error.value.field == "weekly_hours"


def test_exit_category_is_derived_and_durable_employment_is_confirmed_at_six_months(scope):
    world = scope
    mission = parcours.get(place(world, eligible_participant("Blanc"), world.lots[0]))
    parcours.record_exit(ACTOR, mission, date(2025, 6, 30), "cdi_non_aide")
    assert mission.exit_category == "emploi_durable" and mission.durable_confirmed is None
    with pytest.raises(DomainError):
        parcours.record_exit(ACTOR, mission, date(2025, 7, 1), "chomage")
    with pytest.raises(ValidationError) as error:
        parcours.record_situation_6m(ACTOR, mission, "cdi_non_aide", date(2025, 11, 30))
    assert error.value.field == "situation_6m_on"
    parcours.record_situation_6m(ACTOR, mission, "chomage", date(2026, 1, 5))
    assert mission.durable_confirmed is False
    other = parcours.get(place(world, eligible_participant("Noir"), world.lots[0]))
    parcours.record_exit(ACTOR, other, date(2025, 3, 31), "cdd_moins_6_mois")
    parcours.record_situation_6m(ACTOR, other, "cdi_non_aide", date(2025, 10, 1))
    assert other.exit_category == "emploi_transition" and other.durable_confirmed is True


def test_overdue_follow_ups_are_the_past_ones_not_done(scope):
    world = scope
    mission_id = place(world, eligible_participant("Vert"), world.lots[0])
    first = parcours.follow_ups_of(mission_id)[0]
    assert parcours.follow_up_state(first, date(2025, 1, 7)) == "overdue"
    parcours.record_follow_up(ACTOR, first, date(2025, 1, 6), "visite", "Accueil sur le chantier")
    assert parcours.follow_up_state(first) == "done"
    overdue_ids = {f.id for f in parcours.overdue_follow_ups(date(2025, 1, 20))}
    assert first.id not in overdue_ids and len(overdue_ids) == 1  # the end of the first week
    with pytest.raises(ValidationError):
        parcours.record_follow_up(ACTOR, first, date(2025, 1, 6), "inconnu")
