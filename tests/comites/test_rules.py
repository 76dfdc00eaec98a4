"""The rules of holding a meeting (parties present among the invited, not in the future, known
kind and conventions), what each status allows, and the decisions (numbering, owner of the tenant,
overdue, closing)."""

from __future__ import annotations

import pytest

from saas.comites import api as comites
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.partenaires import api as partenaires
from tenants import api as tenants_api
from tenants import context
from tests.builders import new_tenant
from tests.comites.world import TODAY, build_calendar, days, suivi
from tests.fixtures import ACTOR

# --- holding rules --------------------------------------------------------------------------------


def test_parties_present_are_among_the_invited_and_a_meeting_is_not_held_in_the_future(scope):
    calendar = build_calendar()
    meeting = suivi(calendar, days(-3))
    with pytest.raises(ValidationError) as refused:
        comites.hold_meeting(ACTOR, meeting, present=[(calendar.outsider_id, "Préfet")])
    assert refused.value.field == "present"
    future = suivi(calendar, days(3))
    with pytest.raises(ValidationError) as refused:
        comites.hold_meeting(ACTOR, future)
    assert refused.value.field == "meeting_on"
    comites.hold_meeting(ACTOR, future, meeting_on=days(0))  # held earlier than planned
    assert (future.status, future.meeting_on) == ("held", TODAY)
    with pytest.raises(DomainError, match="déjà tenue"):
        comites.hold_meeting(ACTOR, future)
    with pytest.raises(ValidationError) as refused:
        comites.plan_meeting(ACTOR, "assemblee", "AG", days(1))
    assert refused.value.field == "kind"
    with pytest.raises(ValidationError) as refused:
        comites.plan_meeting(ACTOR, "comite_suivi", "CS", days(1), convention_ids=[999999])
    assert refused.value.field == "convention_ids"


def test_what_a_meeting_allows_follows_its_status_and_the_refusals_say_why(scope):
    calendar = build_calendar()
    meeting = suivi(calendar, days(-3))
    A = comites.MeetingAction
    assert comites.allowed_actions(meeting) == {A.edit, A.hold, A.cancel}
    assert comites.refusal(meeting, A.add_decision) == "Les décisions s'enregistrent sur une réunion tenue."
    comites.hold_meeting(ACTOR, meeting)
    assert comites.allowed_actions(meeting) == {A.edit, A.edit_minutes, A.unhold, A.cancel, A.add_decision}
    assert comites.refusal(meeting, A.hold) == "Cette réunion est déjà tenue."
    decision = comites.add_decision(ACTOR, meeting, "Relancer")
    assert comites.decision_actions(decision) == {comites.DecisionAction.close}
    comites.close_decision(ACTOR, decision, "dropped", note="Sans objet")
    assert comites.decision_actions(decision) == set()
    other = suivi(calendar, days(-2))
    comites.cancel_meeting(ACTOR, other)
    assert comites.allowed_actions(other) == set()
    assert comites.refusal(other, A.hold) == "Une réunion annulée ne peut pas être tenue."
    assert comites.refusal(other, A.edit) == "Une réunion annulée ne peut plus être modifiée."


# --- decisions ------------------------------------------------------------------------------------


def test_decisions_are_numbered_per_meeting_and_the_registry_filters_overdue_ones(scope):
    calendar = build_calendar()
    first = suivi(calendar, days(-30))
    with pytest.raises(DomainError, match="réunion tenue"):
        comites.add_decision(ACTOR, first, "Trop tôt")
    comites.hold_meeting(ACTOR, first)
    late = comites.add_decision(ACTOR, first, "Envoyer le bilan", calendar.guichet_id, days(-1))
    on_time = comites.add_decision(ACTOR, first, "Préparer l'avenant", calendar.departement_id, days(10))
    undated = comites.add_decision(ACTOR, first, "Inviter la Préfecture")
    second = suivi(calendar, days(-20))
    comites.hold_meeting(ACTOR, second)
    other = comites.add_decision(ACTOR, second, "Relancer les entreprises", calendar.guichet_id, days(-2))
    assert [late.number, on_time.number, undated.number, other.number] == [1, 2, 3, 1]

    assert {d.id for d in comites.registry(overdue=True)} == {late.id, other.id}
    assert comites.is_overdue(late) and not comites.is_overdue(on_time) and not comites.is_overdue(undated)
    assert {d.id for d in comites.registry(owner_id=calendar.guichet_id)} == {late.id, other.id}

    comites.close_decision(ACTOR, late, "done", days(0), "Bilan transmis")
    with pytest.raises(ValidationError) as refused:
        comites.close_decision(ACTOR, other, "dropped")
    assert refused.value.field == "note"
    with pytest.raises(ValidationError) as refused:
        comites.close_decision(ACTOR, other, "done", days(1))
    assert refused.value.field == "done_on"
    comites.close_decision(ACTOR, other, "dropped", note="Plus d'actualité")
    assert (late.status, late.done_on, other.status, other.done_on) == ("done", TODAY, "dropped", None)
    assert comites.registry(overdue=True) == []
    assert {d.id for d in comites.registry(status="open")} == {on_time.id, undated.id}
    with pytest.raises(DomainError, match="déjà close"):
        comites.close_decision(ACTOR, late, "dropped", note="Erreur")
    # a meeting with decisions can no longer be cancelled or taken back
    with pytest.raises(DomainError, match="décisions"):
        comites.cancel_meeting(ACTOR, first)
    with pytest.raises(DomainError, match="décisions"):
        comites.unhold_meeting(ACTOR, first)


@pytest.fixture
def foreign_organisation_id(app) -> int:
    """An organisation of another tenant."""
    with app.app_context():
        tenant_id = new_tenant("ailleurs")
        db.session.remove()
        with context.scoped(tenant_id):
            tenants_api.enter_tenant(tenant_id, None)
            organisation_id = partenaires.create(ACTOR, "Ville d'ailleurs", "donneur_ordre").id
            db.session.commit()
        db.session.remove()
    return organisation_id


def test_a_decision_owner_must_be_an_organisation_of_the_tenant(foreign_organisation_id, scope):
    foreign_id = foreign_organisation_id
    calendar = build_calendar()
    meeting = suivi(calendar, days(-1))
    comites.hold_meeting(ACTOR, meeting)
    db.session.commit()
    for owner_id in (foreign_id, 987654321):
        with pytest.raises(ValidationError) as refused:
            comites.add_decision(ACTOR, meeting, "Décision", owner_id)
        assert refused.value.field == "owner_id"
    with pytest.raises(ValidationError) as refused:
        comites.plan_meeting(ACTOR, "comite_suivi", None, days(2), invited_ids=[foreign_id])
    assert refused.value.field == "invited_ids"
    with pytest.raises(ValidationError) as refused:
        comites.add_decision(ACTOR, meeting, "  ")
    assert refused.value.field == "text"
    assert comites.decisions_of(meeting.id) == []
