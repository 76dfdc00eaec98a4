"""Committees (comités) of the conventions: holding a meeting marks the matching occurrence of the
convention's calendar as held (one, the right one), cancelling frees it, the next meeting is
proposed from the cadence; the registry of decisions (numbering, owner of the tenant, overdue,
closing); the pages of the facilitateur and the JSON API."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from saas import clock
from saas.audit.models import AuditEntry
from saas.comites import api as comites
from saas.comites.models import Decision, Meeting
from saas.conventions.models import (
    Convention,
    ConventionParty,
    ConventionTerms,
    Obligation,
    Occurrence,
)
from saas.db import db
from saas.errors import DomainError, ValidationError
from saas.partenaires import api as partenaires
from tenants import api as tenants_api
from tenants import context
from tests.builders import new_tenant
from tests.clause_pages import clause_site, in_scope
from tests.fixtures import ACTOR, csrf_token, login

TODAY = clock.today()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass
class Calendar:
    """A signed convention of the guichet and the Département, with its meeting obligations."""

    convention_id: int
    guichet_id: int
    departement_id: int
    outsider_id: int
    #: the semiannual comité de suivi in force, and its occurrences by name.
    suivi_id: int
    occurrences: dict[str, int] = field(default_factory=dict)
    #: obligations that a comité de suivi must never mark.
    others: dict[str, int] = field(default_factory=dict)


def _obligation(convention_id: int, responsible_id: int, nature: str, category: str, label: str, **kw) -> int:
    obligation = Obligation(
        tenant_id=context.require_tenant_id(),
        convention_id=convention_id,
        responsible_id=responsible_id,
        nature=nature,
        category=category,
        label=label,
        cadence=kw.pop("cadence", "semiannual"),
        **kw,
    )
    db.session.add(obligation)
    db.session.flush()
    return obligation.id


def _occurrence(obligation_id: int, convention_id: int, period_no: int, seq: int, due_on: date) -> int:
    occurrence = Occurrence(
        tenant_id=context.require_tenant_id(),
        obligation_id=obligation_id,
        convention_id=convention_id,
        period_no=period_no,
        seq=seq,
        due_on=due_on,
    )
    db.session.add(occurrence)
    db.session.flush()
    return occurrence.id


def build_calendar(reference: str = "CONV-2025-01", suivi_dues=(-60, 120, 300)) -> Calendar:
    """Inside a tenant scope: the convention, its parties, a semiannual comité de suivi whose
    occurrences fall ``suivi_dues`` days from today, and obligations it must not touch."""
    tenant_id = context.require_tenant_id()
    guichet = partenaires.create(ACTOR, f"Guichet {reference}", "donneur_ordre")
    departement = partenaires.create(ACTOR, f"Département {reference}", "cofinanceur")
    outsider = partenaires.create(ACTOR, f"Préfecture {reference}", "etat")
    convention = Convention(
        tenant_id=tenant_id,
        reference=reference,
        title="Accompagnement des bénéficiaires",
        kind="accompagnement",
        signed_on=days(-400),
        effective_on=days(-365),
    )
    db.session.add(convention)
    db.session.flush()
    db.session.add(
        ConventionTerms(
            tenant_id=tenant_id,
            convention_id=convention.id,
            number=0,
            signed_on=days(-400),
            effective_from=days(-365),
            object="Accompagnement des bénéficiaires des clauses",
            duration_kind="tacit",
        )
    )
    for organisation, role, is_guichet in ((guichet, "porteur", True), (departement, "departement", False)):
        db.session.add(
            ConventionParty(
                tenant_id=tenant_id,
                convention_id=convention.id,
                organisation_id=organisation.id,
                role=role,
                is_guichet=is_guichet,
            )
        )
    cid = convention.id
    suivi = _obligation(cid, guichet.id, "meeting", "comite_suivi", "Comité de suivi semestriel")
    calendar = Calendar(cid, guichet.id, departement.id, outsider.id, suivi)
    for index, offset in enumerate(suivi_dues):
        calendar.occurrences[f"s{index + 1}"] = _occurrence(
            suivi, cid, 1 + index // 2, 1 + index % 2, days(offset)
        )
    # the same comité as signed, replaced by avenant 1: no longer in force
    replaced = _obligation(
        cid, guichet.id, "meeting", "comite_suivi", "Comité de suivi (initial)", until_terms=1
    )
    pilotage = _obligation(
        cid, departement.id, "meeting", "comite_pilotage", "Comité de pilotage", cadence="annual"
    )
    report = _obligation(cid, guichet.id, "deliverable", "bilan_annuel", "Bilan annuel", cadence="annual")
    for name, obligation_id in (("replaced", replaced), ("pilotage", pilotage), ("report", report)):
        calendar.others[name] = _occurrence(
            obligation_id, cid, 1, 1, days(suivi_dues[min(1, len(suivi_dues) - 1)])
        )
    db.session.flush()
    return calendar


def occurrence(occurrence_id: int) -> Occurrence:
    return db.session.get(Occurrence, (context.require_tenant_id(), occurrence_id))


def held(calendar: Calendar) -> dict[str, tuple[int | None, date | None]]:
    """``{name: (meeting_id, received_on)}`` of every occurrence of the calendar."""
    db.session.expire_all()
    names = {**calendar.occurrences, **calendar.others}
    return {name: (occurrence(i).meeting_id, occurrence(i).received_on) for name, i in names.items()}


@pytest.fixture
def scope(app):
    with app.app_context():
        tenant_id = new_tenant("comites")
        db.session.remove()
    with app.app_context(), context.scoped(tenant_id):
        tenants_api.enter_tenant(tenant_id, None)
        yield tenant_id
        db.session.rollback()
        db.session.remove()


def _suivi(calendar: Calendar, meeting_on: date, **kwargs) -> Meeting:
    return comites.plan_meeting(
        ACTOR,
        "comite_suivi",
        "Comité de suivi",
        meeting_on,
        convention_ids=[calendar.convention_id],
        invited_ids=[calendar.guichet_id, calendar.departement_id],
        **kwargs,
    )


# --- the calendar of the convention ---------------------------------------------------------------


def test_holding_a_comite_de_suivi_marks_the_semester_occurrence_held_and_no_other(scope):
    calendar = build_calendar(suivi_dues=(-300, -120, 60, 240))
    meeting = _suivi(calendar, days(-130))
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
    second = _suivi(calendar, days(-100))
    comites.hold_meeting(ACTOR, second)
    assert held(calendar)["s3"] == (second.id, days(-100))
    assert held(calendar)["s1"] == (None, None)


def test_a_meeting_after_the_last_occurrence_holds_the_latest_one_not_held(scope):
    calendar = build_calendar(suivi_dues=(-300, -120))
    meeting = _suivi(calendar, days(-1))
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
    meeting = _suivi(calendar, days(-70))
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
    meeting = _suivi(calendar, days(-210))
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
    comites.hold_meeting(ACTOR, _suivi(calendar, days(-70)))
    proposed = comites.next_proposed(calendar.convention_id, "comite_suivi")
    due_on, label = proposed
    assert (due_on, label, proposed.overdue) == (s2, "Comité de suivi semestriel", False)
    comites.hold_meeting(ACTOR, _suivi(calendar, days(-5)))
    assert comites.next_proposed(calendar.convention_id, "comite_suivi") == (s3, "Comité de suivi semestriel")
    comites.hold_meeting(ACTOR, _suivi(calendar, days(-4)))
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


# --- holding rules --------------------------------------------------------------------------------


def test_parties_present_are_among_the_invited_and_a_meeting_is_not_held_in_the_future(scope):
    calendar = build_calendar()
    meeting = _suivi(calendar, days(-3))
    with pytest.raises(ValidationError) as refused:
        comites.hold_meeting(ACTOR, meeting, present=[(calendar.outsider_id, "Préfet")])
    assert refused.value.field == "present"
    future = _suivi(calendar, days(3))
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


# --- decisions ------------------------------------------------------------------------------------


def test_decisions_are_numbered_per_meeting_and_the_registry_filters_overdue_ones(scope):
    calendar = build_calendar()
    first = _suivi(calendar, days(-30))
    with pytest.raises(DomainError, match="réunion tenue"):
        comites.add_decision(ACTOR, first, "Trop tôt")
    comites.hold_meeting(ACTOR, first)
    late = comites.add_decision(ACTOR, first, "Envoyer le bilan", calendar.guichet_id, days(-1))
    on_time = comites.add_decision(ACTOR, first, "Préparer l'avenant", calendar.departement_id, days(10))
    undated = comites.add_decision(ACTOR, first, "Inviter la Préfecture")
    second = _suivi(calendar, days(-20))
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
    meeting = _suivi(calendar, days(-1))
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


# --- pages ----------------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post(client, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


@pytest.fixture
def site(app, client):
    built = clause_site(app, "comites-pages")
    with in_scope(app, built):
        calendar = build_calendar(suivi_dues=(-60, 120, 300))
        db.session.commit()
    login(client, built.facilitateur)
    return built, calendar


def test_create_and_hold_a_comite_through_the_pages(app, client, site):
    site, calendar = site
    listing = text_of(client.get(site.url("/comites/")))
    assert "Réunions proposées" in listing and "Comité de suivi semestriel" in listing
    # the proposal's button pre-fills the new meeting form: kind, convention, parties, date
    link = re.search(r'href="([^"]*/comites/nouveau\?[^"]*kind=comite_suivi[^"]*)"', listing).group(1)
    prefilled = text_of(client.get(link))
    assert '<option selected value="comite_suivi">' in prefilled
    assert f'value="{TODAY.isoformat()}"' in prefilled  # the overdue semester: proposed today
    assert re.search(rf'value="{calendar.convention_id}" checked', prefilled)
    assert re.search(rf'value="{calendar.departement_id}" checked', prefilled)

    new = site.url("/comites/nouveau")
    refused = post(client, new, {"kind": "comite_suivi", "title": "", "meeting_on": ""})
    assert refused.status_code == 400 and "Indiquez la date de la réunion." in text_of(refused)
    created = post(
        client,
        new,
        {
            "kind": "comite_suivi",
            "title": "Comité de suivi du 1er semestre",
            "meeting_on": days(-70).isoformat(),
            "starts_at": "14:30",
            "place": "Hôtel de ville",
            "convention_ids": str(calendar.convention_id),
            "invited_ids": [str(calendar.guichet_id), str(calendar.departement_id)],
            "agenda": "1. Bilan des heures\n2. Perspectives",
        },
    )
    assert created.status_code == 302, text_of(created)[:2000]
    meeting_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    page = text_of(client.get(site.url(f"/comites/{meeting_id}")))
    assert "Comité de suivi du 1er semestre" in page and "14:30" in page and "Bilan des heures" in page
    assert "CONV-2025-01" in page and "Prévue" in page

    hold_url = site.url(f"/comites/{meeting_id}/tenue")
    form = text_of(client.get(hold_url))
    assert "Département CONV-2025-01" in form
    rows = dict(re.findall(r'name="present-(\d+)-organisation_id" type="hidden" value="(\d+)"', form))
    index = {int(org): i for i, org in rows.items()}
    future = post(
        client,
        hold_url,
        {
            "meeting_on": days(1).isoformat(),
            "minutes": "",
            f"present-{index[calendar.guichet_id]}-organisation_id": str(calendar.guichet_id),
        },
    )
    assert future.status_code == 400
    assert "Une réunion ne peut pas être tenue à une date future." in text_of(future)
    dep = index[calendar.departement_id]
    guichet = index[calendar.guichet_id]
    done = post(
        client,
        hold_url,
        {
            "meeting_on": days(-70).isoformat(),
            "minutes": "Le bilan du semestre est approuvé.",
            f"present-{dep}-organisation_id": str(calendar.departement_id),
            f"present-{dep}-present": "y",
            f"present-{dep}-represented_by": "M. Martin",
            f"present-{guichet}-organisation_id": str(calendar.guichet_id),
            f"present-{guichet}-represented_by": "",
        },
    )
    assert done.status_code == 302, text_of(done)[:3000]
    page = text_of(client.get(site.url(f"/comites/{meeting_id}")))
    assert "Tenue" in page and "Le bilan du semestre est approuvé." in page
    assert "M. Martin" in page and "Présente" in page and "Absente" in page
    assert f"Comité de suivi semestriel : échéance du {days(-60):%d/%m/%Y}" in page
    with in_scope(app, site):
        assert held(calendar)["s1"] == (meeting_id, days(-70))

    # a decision added and closed through the meeting page, shown in the registry
    added = post(
        client,
        site.url(f"/comites/{meeting_id}/decisions"),
        {
            "text": "Transmettre le bilan",
            "owner_id": str(calendar.guichet_id),
            "due_on": days(-1).isoformat(),
        },
        page=site.url(f"/comites/{meeting_id}"),
    )
    assert added.status_code == 302
    registry = text_of(client.get(site.url("/decisions/?en_retard=y")))
    assert "Transmettre le bilan" in registry and "En retard" in registry
    with in_scope(app, site):
        decision_id = db.session.scalars(select(Decision.id)).one()
    close_url, prefix = site.url(f"/decisions/{decision_id}/cloture"), f"decision-{decision_id}-"
    token = csrf_token(client, site.url(f"/comites/{meeting_id}"))
    refused = client.post(
        close_url, data={f"{prefix}csrf_token": token, f"{prefix}status": "dropped", f"{prefix}note": ""}
    )
    assert refused.status_code == 400 and "Indiquez pourquoi la décision est abandonnée." in text_of(refused)
    closed = client.post(
        close_url,
        data={f"{prefix}csrf_token": token, f"{prefix}status": "done", f"{prefix}done_on": TODAY.isoformat()},
    )
    assert closed.status_code == 302
    assert "Transmettre le bilan" not in text_of(client.get(site.url("/decisions/?en_retard=y")))
    export = client.get(site.url("/decisions/?export=csv"))
    assert export.status_code == 200
    assert "Transmettre le bilan" in export.get_data(as_text=True) and "Réalisée" in export.get_data(
        as_text=True
    )
    meetings_csv = client.get(site.url("/comites/?export=csv&statut=held")).get_data(as_text=True)
    assert "Comité de suivi du 1er semestre" in meetings_csv and "CONV-2025-01" in meetings_csv


def test_cancelling_through_the_page_frees_the_occurrence(app, client, site):
    site, calendar = site
    with in_scope(app, site):
        meeting = _suivi(calendar, days(-70))
        comites.hold_meeting(ACTOR, meeting)
        db.session.commit()
        meeting_id = meeting.id
    meeting_page = site.url(f"/comites/{meeting_id}")
    response = post(client, site.url(f"/comites/{meeting_id}/annulation"), {}, page=meeting_page)
    assert response.status_code == 302
    assert "Annulée" in text_of(client.get(meeting_page))
    with in_scope(app, site):
        assert held(calendar)["s1"] == (None, None)
    filtered = text_of(
        client.get(site.url(f"/comites/?statut=cancelled&convention={calendar.convention_id}"))
    )
    assert "Réunions (1)" in filtered


# --- JSON API -------------------------------------------------------------------------------------


API = "/api/v1"


def _api(client, token, method, url, json=None, **kwargs):
    return client.open(
        f"{API}{url}", method=method, headers={"Authorization": f"Bearer {token}"}, json=json, **kwargs
    )


def test_api_create_hold_decide_and_422_naming_the_field(app, client, two_tenants):
    a, b = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        tenants_api.enter_tenant(a.tenant_id, None)
        calendar = build_calendar(suivi_dues=(-60, 120))
        db.session.commit()
        db.session.remove()
    token = a.api_token
    body = {
        "kind": "comite_suivi",
        "title": "Comité de suivi (API)",
        "meeting_on": days(-65).isoformat(),
        "starts_at": "09:30",
        "convention_ids": [calendar.convention_id],
        "invited_ids": [calendar.guichet_id, calendar.departement_id],
    }
    missing = _api(client, token, "POST", "/comites", {k: v for k, v in body.items() if k != "meeting_on"})
    assert missing.status_code == 422
    assert missing.json["errors"]["json"] == {"meeting_on": ["Ce champ est obligatoire."]}
    foreign = _api(client, token, "POST", "/comites", {**body, "invited_ids": [b.ids["organisation_id"]]})
    assert foreign.status_code == 422 and list(foreign.json["errors"]["json"]) == ["invited_ids"]

    created = _api(client, token, "POST", "/comites", body)
    assert created.status_code == 201, created.json
    meeting = created.json
    assert (meeting["status"], meeting["starts_at"], meeting["convention_ids"]) == (
        "planned",
        "09:30:00",
        [calendar.convention_id],
    )
    not_invited = _api(
        client,
        token,
        "POST",
        f"/comites/{meeting['id']}/tenue",
        {"present": [{"organisation_id": calendar.outsider_id}]},
    )
    assert not_invited.status_code == 422 and list(not_invited.json["errors"]["json"]) == ["present"]
    holding = _api(
        client,
        token,
        "POST",
        f"/comites/{meeting['id']}/tenue",
        {
            "minutes": "Compte rendu",
            "present": [{"organisation_id": calendar.departement_id, "represented_by": "Mme Petit"}],
            "decisions": [
                {
                    "text": "Relancer l'entreprise",
                    "owner_id": calendar.guichet_id,
                    "due_on": days(-1).isoformat(),
                }
            ],
        },
    )
    assert holding.status_code == 200, holding.json
    assert holding.json["status"] == "held"
    assert [o["id"] for o in holding.json["held_occurrences"]] == [calendar.occurrences["s1"]]
    present = {p["organisation_id"]: p["represented_by"] for p in holding.json["attendees"] if p["present"]}
    assert present == {calendar.departement_id: "Mme Petit"}

    second = _api(client, token, "POST", f"/comites/{meeting['id']}/decisions", {"text": "Préparer le bilan"})
    assert second.status_code == 201 and second.json["number"] == 2
    no_text = _api(
        client, token, "POST", f"/comites/{meeting['id']}/decisions", {"owner_id": calendar.guichet_id}
    )
    assert no_text.status_code == 422 and list(no_text.json["errors"]["json"]) == ["text"]
    overdue = _api(client, token, "GET", "/decisions", query_string={"overdue": "true"}).json["items"]
    assert [(d["number"], d["text"], d["overdue"]) for d in overdue if d["meeting_id"] == meeting["id"]] == [
        (1, "Relancer l'entreprise", True)
    ]
    closing = _api(client, token, "POST", f"/decisions/{overdue[0]['id']}/cloture", {"status": "done"})
    assert closing.status_code == 422 and list(closing.json["errors"]["json"]) == ["done_on"]
    closing = _api(
        client,
        token,
        "POST",
        f"/decisions/{overdue[0]['id']}/cloture",
        {"status": "done", "done_on": TODAY.isoformat()},
    )
    assert closing.status_code == 200 and closing.json["status"] == "done"

    cancelled = _api(client, token, "PATCH", f"/comites/{second.json['meeting_id']}", {"status": "cancelled"})
    assert cancelled.status_code == 422  # it has decisions
    listed = _api(
        client, token, "GET", "/comites", query_string={"convention_id": calendar.convention_id}
    ).json
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    other = _api(client, b.api_token, "GET", f"/comites/{meeting['id']}")
    assert other.status_code == 404

    # a meeting planned, changed, then cancelled through PATCH
    planned = _api(
        client, token, "POST", "/comites", {"kind": "comite_pilotage", "meeting_on": days(20).isoformat()}
    )
    assert planned.status_code == 201 and planned.json["title"] == "Comité de pilotage"
    url = f"/comites/{planned.json['id']}"
    changed = _api(client, token, "PATCH", url, {"title": "Copil annuel", "place": "Préfecture"})
    assert (changed.status_code, changed.json["title"], changed.json["place"]) == (
        200,
        "Copil annuel",
        "Préfecture",
    )
    bad_kind = _api(client, token, "PATCH", url, {"kind": "assemblee"})
    assert bad_kind.status_code == 422 and list(bad_kind.json["errors"]["json"]) == ["kind"]
    cancelled = _api(client, token, "PATCH", url, {"status": "cancelled", "reason": "Reportée"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert _api(client, token, "PATCH", url, {"status": "planned"}).status_code == 422
