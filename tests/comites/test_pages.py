"""The facilitateur's committee pages: a meeting proposed by the cadence, planned, held and given
decisions through the forms, the registry of decisions and the exports; cancelling frees the
occurrence it held."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from saas.comites import api as comites
from saas.comites.models import Decision
from saas.db import db
from tests.clause_pages import clause_site, in_scope
from tests.comites.world import TODAY, Calendar, build_calendar, days, held, suivi
from tests.fixtures import ACTOR, csrf_token, login
from tests.web import post, refused_page, text_of


@pytest.fixture
def site(app, client):
    built = clause_site(app, "comites-pages")
    with in_scope(app, built):
        calendar = build_calendar(suivi_dues=(-60, 120, 300))
        db.session.commit()
    login(client, built.facilitateur)
    return built, calendar


def _the_proposal_prefills_the_new_meeting_form(client, site, calendar: Calendar) -> None:
    listing = text_of(client.get(site.url("/comites/")))
    assert "Réunions proposées" in listing and "Comité de suivi semestriel" in listing
    # the proposal's button pre-fills the new meeting form: kind, convention, parties, date
    link = re.search(r'href="([^"]*/comites/nouveau\?[^"]*kind=comite_suivi[^"]*)"', listing).group(1)
    prefilled = text_of(client.get(link))
    assert '<option selected value="comite_suivi">' in prefilled
    assert f'value="{TODAY.isoformat()}"' in prefilled  # the overdue semester: proposed today
    assert re.search(rf'value="{calendar.convention_id}" checked', prefilled)
    assert re.search(rf'value="{calendar.departement_id}" checked', prefilled)


def _plan_through_the_form(client, site, calendar: Calendar) -> int:
    """The new meeting form refuses a meeting without a date, then plans one; its id."""
    new = site.url("/comites/nouveau")
    assert "Indiquez la date de la réunion." in refused_page(
        client, new, {"kind": "comite_suivi", "title": "", "meeting_on": ""}
    )
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
    return meeting_id


def _hold_through_the_form(app, client, site, calendar: Calendar, meeting_id: int) -> None:
    """The holding form refuses a day in the future, then records who was present."""
    hold_url = site.url(f"/comites/{meeting_id}/tenue")
    form = text_of(client.get(hold_url))
    assert "Département CONV-2025-01" in form
    rows = dict(re.findall(r'name="present-(\d+)-organisation_id" type="hidden" value="(\d+)"', form))
    index = {int(org): i for i, org in rows.items()}
    assert "Une réunion ne peut pas être tenue à une date future." in refused_page(
        client,
        hold_url,
        {
            "meeting_on": days(1).isoformat(),
            "minutes": "",
            f"present-{index[calendar.guichet_id]}-organisation_id": str(calendar.guichet_id),
        },
    )
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


def _decide_and_close_through_the_pages(app, client, site, calendar: Calendar, meeting_id: int) -> None:
    """A decision added and closed through the meeting page, shown in the registry."""
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


def _the_exports_list_the_meeting_and_its_decision(client, site) -> None:
    export = client.get(site.url("/decisions/?export=csv"))
    assert export.status_code == 200
    assert "Transmettre le bilan" in export.get_data(as_text=True) and "Réalisée" in export.get_data(
        as_text=True
    )
    meetings_csv = client.get(site.url("/comites/?export=csv&statut=held")).get_data(as_text=True)
    assert "Comité de suivi du 1er semestre" in meetings_csv and "CONV-2025-01" in meetings_csv


def test_create_and_hold_a_comite_through_the_pages(app, client, site):
    site, calendar = site
    _the_proposal_prefills_the_new_meeting_form(client, site, calendar)
    meeting_id = _plan_through_the_form(client, site, calendar)
    _hold_through_the_form(app, client, site, calendar, meeting_id)
    _decide_and_close_through_the_pages(app, client, site, calendar, meeting_id)
    _the_exports_list_the_meeting_and_its_decision(client, site)


def test_cancelling_through_the_page_frees_the_occurrence(app, client, site):
    site, calendar = site
    with in_scope(app, site):
        meeting = suivi(calendar, days(-70))
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


def test_the_pages_offer_what_the_meeting_allows(app, client, site):
    site, calendar = site
    with in_scope(app, site):
        planned = suivi(calendar, days(-80))
        held_meeting = suivi(calendar, days(-70))
        comites.hold_meeting(ACTOR, held_meeting, "Compte rendu")
        db.session.commit()
        planned_id, held_id = planned.id, held_meeting.id
    page = text_of(client.get(site.url(f"/comites/{planned_id}")))
    assert "Enregistrer la tenue" in page and "Annuler la réunion" in page
    assert "Annuler la tenue" not in page and "Ajouter la décision" not in page
    assert 'name="minutes"' not in text_of(client.get(site.url(f"/comites/{planned_id}/modifier")))
    page = text_of(client.get(site.url(f"/comites/{held_id}")))
    assert "Annuler la tenue" in page and "Ajouter la décision" in page
    assert "Enregistrer la tenue" not in page
    assert 'name="minutes"' in text_of(client.get(site.url(f"/comites/{held_id}/modifier")))
    refused = client.get(site.url(f"/comites/{held_id}/tenue"), follow_redirects=True)
    assert "Cette réunion est déjà tenue." in text_of(refused)
