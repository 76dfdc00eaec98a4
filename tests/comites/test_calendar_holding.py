"""Holding a meeting marks the matching occurrence of the convention's calendar as held (one, the
right one), cancelling or taking back the holding frees it, moving it moves it; the next meeting is
proposed from the cadence."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.audit.models import AuditEntry
from saas.comites import api as comites
from saas.conventions.models import Convention
from saas.db import db
from saas.errors import DomainError
from tests.comites.world import build_calendar, days, held, suivi
from tests.fixtures import ACTOR

# --- the calendar of the convention ---------------------------------------------------------------


def test_holding_a_comite_de_suivi_marks_the_semester_occurrence_held_and_no_other(scope):
    calendar = build_calendar(suivi_dues=(-300, -120, 60, 240))
    meeting = suivi(calendar, days(-130))
    assert all(value == (None, None) for value in held(calendar).values())  # planned: nothing yet

    comites.hold_meeting(
        ACTOR,
        meeting,
        "Bilan du semestre présenté.",
        [{"organisation_id": calendar.departement_id, "represented_by": "M. Martin, chef de service"}],
    )
    db.session.commit()
    state = held(calendar)
    # the first occurrence not held due on or after the meeting day: the second semester
    assert state.pop("s2") == (meeting.id, days(-130))
    # the overdue first semester, the later ones, a comité replaced by avenant, a comité de
    # pilotage and a deliverable due the same day are left alone
    assert all(value == (None, None) for value in state.values()), state
    assert meeting.status == "held"
    presence = {a.organisation_id: (a.present, a.represented_by) for a in comites.attendees_of(meeting.id)}
    assert presence == {
        calendar.guichet_id: (False, None),
        calendar.departement_id: (True, "M. Martin, chef de service"),
    }
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "comite.held")).one()
    assert entry.details["echeances"] == [calendar.occurrences["s2"]]

    # a second comité a few days later fulfils the next semester, not the overdue first one
    second = suivi(calendar, days(-100))
    comites.hold_meeting(ACTOR, second)
    assert held(calendar)["s3"] == (second.id, days(-100))
    assert held(calendar)["s1"] == (None, None)


def test_a_meeting_after_the_last_occurrence_holds_the_latest_one_not_held(scope):
    calendar = build_calendar(suivi_dues=(-300, -120))
    meeting = suivi(calendar, days(-1))
    comites.hold_meeting(ACTOR, meeting)
    state = held(calendar)
    assert state["s2"] == (meeting.id, days(-1))
    assert state["s1"] == (None, None)
    # a comité recorded at once as held takes the next most recent one
    recorded = comites.record_held_meeting(
        ACTOR,
        "comite_suivi",
        None,
        days(-1),
        convention_ids=[calendar.convention_id],
        invited_ids=[calendar.guichet_id],
        minutes="Rattrapage",
        present=[(calendar.guichet_id, None)],
    )
    assert (recorded.status, recorded.minutes) == ("held", "Rattrapage")
    assert held(calendar)["s1"] == (recorded.id, days(-1))


def test_a_meeting_of_another_kind_or_without_the_convention_holds_nothing(scope):
    calendar = build_calendar(suivi_dues=(-60, 120))
    review = comites.plan_meeting(
        ACTOR, "revue_trimestrielle", None, days(-50), convention_ids=[calendar.convention_id]
    )
    unlinked = comites.plan_meeting(ACTOR, "comite_suivi", None, days(-50))
    comites.hold_meeting(ACTOR, review)
    comites.hold_meeting(ACTOR, unlinked)
    assert all(value == (None, None) for value in held(calendar).values())
    assert review.title == "Réunion trimestrielle de suivi"  # named after its kind


def test_cancelling_or_taking_back_the_holding_frees_the_occurrence(scope):
    calendar = build_calendar(suivi_dues=(-60, 120))
    meeting = suivi(calendar, days(-70))
    comites.hold_meeting(ACTOR, meeting, present=[(calendar.guichet_id, "Mme Durand")])
    assert held(calendar)["s1"] == (meeting.id, days(-70))

    comites.unhold_meeting(ACTOR, meeting)
    assert meeting.status == "planned"
    assert held(calendar)["s1"] == (None, None)
    assert all(not a.present for a in comites.attendees_of(meeting.id))

    comites.hold_meeting(ACTOR, meeting)
    assert held(calendar)["s1"] == (meeting.id, days(-70))
    comites.cancel_meeting(ACTOR, meeting, "Réunion saisie par erreur")
    db.session.commit()
    assert meeting.status == "cancelled"
    assert all(value == (None, None) for value in held(calendar).values())
    with pytest.raises(DomainError, match="annulée"):
        comites.hold_meeting(ACTOR, meeting)
    with pytest.raises(DomainError, match="annulée"):
        comites.update_meeting(ACTOR, meeting, title="Autre")
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-5:] == [
        "comite.planned",
        "comite.held",
        "comite.updated",
        "comite.held",
        "comite.cancelled",
    ]


def test_moving_a_held_meeting_moves_the_occurrence_it_holds(scope):
    calendar = build_calendar(suivi_dues=(-200, -60, 120))
    meeting = suivi(calendar, days(-210))
    comites.hold_meeting(ACTOR, meeting)
    assert held(calendar)["s1"] == (meeting.id, days(-210))
    comites.update_meeting(ACTOR, meeting, meeting_on=days(-70))
    state = held(calendar)
    assert (state["s1"], state["s2"]) == ((None, None), (meeting.id, days(-70)))
    comites.update_meeting(ACTOR, meeting, convention_ids=[])
    assert all(value == (None, None) for value in held(calendar).values())


def test_next_meeting_proposed_follows_the_cadence(scope):
    calendar = build_calendar(suivi_dues=(-60, 120, 300))
    s1, s2, s3 = (days(-60), days(120), days(300))
    # the first semester is past and not held: proposed first, flagged overdue
    proposed = comites.next_proposed(calendar.convention_id, "comite_suivi")
    assert proposed == (s1, "Comité de suivi semestriel") and proposed.overdue
    # held a little before its due date: the next one proposed is the following semester
    comites.hold_meeting(ACTOR, suivi(calendar, days(-70)))
    proposed = comites.next_proposed(calendar.convention_id, "comite_suivi")
    due_on, label = proposed
    assert (due_on, label, proposed.overdue) == (s2, "Comité de suivi semestriel", False)
    comites.hold_meeting(ACTOR, suivi(calendar, days(-5)))
    assert comites.next_proposed(calendar.convention_id, "comite_suivi") == (s3, "Comité de suivi semestriel")
    comites.hold_meeting(ACTOR, suivi(calendar, days(-4)))
    assert comites.next_proposed(calendar.convention_id, "comite_suivi") is None
    # the comité de pilotage has its own calendar; no obligation of that kind: nothing proposed
    assert comites.next_proposed(calendar.convention_id, "comite_pilotage") == (s2, "Comité de pilotage")
    assert comites.next_proposed(calendar.convention_id, "dialogue_gestion") is None

    lines = {(p.convention_reference, p.label): (p.kind, p.due_on, p.overdue) for p in comites.proposals()}
    assert lines == {
        ("CONV-2025-01", "Comité de suivi semestriel"): ("comite_suivi", None, False),
        ("CONV-2025-01", "Comité de pilotage"): ("comite_pilotage", s2, False),
    }


def test_proposals_leave_out_terminated_conventions(scope):
    running = build_calendar("CONV-A", suivi_dues=(30,))
    ended = build_calendar("CONV-B", suivi_dues=(-30,))
    db.session.get(Convention, (scope, ended.convention_id)).terminated_on = days(-1)
    db.session.flush()
    lines = [(p.convention_id, p.label, p.due_on, p.overdue) for p in comites.proposals()]
    assert lines == [
        (running.convention_id, "Comité de suivi semestriel", days(30), False),
        (running.convention_id, "Comité de pilotage", days(30), False),
    ]
