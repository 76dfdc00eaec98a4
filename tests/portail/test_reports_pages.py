"""What an employer sends besides the hours (seed 002 art. 2 and 3), and its team: the weekly word
on its contracts and the end-of-mission evaluation reach the facilitateur's mission page; the
semester table lists its people in parcours with their hours; only a partner the tenant admin
allowed invites colleagues, and only of its own organisation."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from saas import clock, sheets
from saas.db import db
from saas.parcours.models import MissionEvaluation, WeeklyLine, WeeklyReport
from tenants.models import TenantMembership
from tests.builders import in_scope
from tests.fixtures import login
from tests.web import post, text_of


def _guichet_mission(app, a) -> str:
    guichet = app.test_client()
    login(guichet, a.facilitateur_email)
    return text_of(guichet.get(f"/t/{a.slug}/missions/{a.ids['mission_id']}"), collapse=True)


def test_the_weekly_word_reaches_the_mission_page_and_a_second_one_replaces_it(app, two_tenants, client):
    a, _ = two_tenants
    mission_id = a.ids["mission_id"]
    login(client, a.partner_email)
    url = f"/t/{a.slug}/portail/point-hebdomadaire"
    assert "Durand-a" in text_of(client.get(url))
    form = {
        f"situation-{mission_id}": "difficulte",
        f"note-{mission_id}": "Retards répétés le matin.",
        "upcoming": "Deux embauches en janvier.",
    }
    assert post(client, url, form).status_code == 302
    assert post(client, url, {**form, f"note-{mission_id}": "Retards le lundi."}).status_code == 302
    counts = in_scope(
        app,
        a,
        lambda: (
            db.session.scalar(select(func.count()).select_from(WeeklyReport)),
            db.session.scalar(select(func.count()).select_from(WeeklyLine)),
        ),
    )
    assert counts == (1, 1)
    page = _guichet_mission(app, a)
    assert "Difficulté à signaler" in page and "Retards le lundi." in page and "Retards répétés" not in page


def test_a_situation_out_of_the_list_is_refused(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    url = f"/t/{a.slug}/portail/point-hebdomadaire"
    answer = post(client, url, {f"situation-{a.ids['mission_id']}": "formidable"})
    assert answer.status_code == 422 and "Choisissez dans la liste" in text_of(answer)


def _evaluations() -> int:
    return db.session.scalar(select(func.count()).select_from(MissionEvaluation))


def test_the_end_of_mission_evaluation_needs_every_mark_and_reaches_the_guichet(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    url = f"/t/{a.slug}/portail/missions/{a.ids['mission_id']}/evaluation"
    marks = {f"note-{code}": "3" for code in ("ponctualite", "consignes", "equipe", "savoir_faire")}
    before = in_scope(app, a, _evaluations)
    refused = post(client, url, {**marks, "recommendation": "emploi"})
    assert refused.status_code == 400 and "Autonomie : choisissez une appréciation." in text_of(refused)
    assert "Ponctualité et assiduité : choisissez" not in text_of(refused)
    assert in_scope(app, a, _evaluations) == before
    done = post(
        client,
        url,
        {**marks, "note-autonomie": "4", "recommendation": "formation", "strengths": "Rigoureuse."},
    )
    assert done.status_code == 302
    page = _guichet_mission(app, a)
    assert "Une formation" in page and "Rigoureuse." in page and "Autonomie : Très bien" in page


def test_the_semester_table_lists_the_structures_people_with_their_hours(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    page = text_of(client.get(f"/t/{a.slug}/portail/tableau-semestriel"), collapse=True)
    assert "Durand-a" in page and "Rivalin" not in page
    half = 1 if clock.today().month <= 6 else 2
    answer = client.get(
        f"/t/{a.slug}/portail/tableau-semestriel?semestre={clock.today().year}-{half}&export=xlsx"
    )
    sheet = sheets.read(answer.get_data())
    assert [row[1] for _, row in sheet.rows] == ["Durand-a"] and sheet.rows[0][1][-1] == 7


def test_the_calendar_of_obligations_opens_for_every_partner(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.prescriber_email)
    assert "Mes échéances" in text_of(client.get(f"/t/{a.slug}/portail/echeances"))


def test_only_a_partner_allowed_by_the_admin_invites_colleagues_of_its_organisation(app, two_tenants, client):
    a, _ = two_tenants
    login(client, a.partner_email)
    team = f"/t/{a.slug}/portail/equipe"
    assert "Inviter un collègue" not in text_of(client.get(team))
    colleague = {"display_name": "Léon Collègue", "email": "leon@siae.fr"}
    assert post(client, team, colleague, page=team).status_code == 403
    admin = app.test_client()
    login(admin, a.admin_email)
    membership = in_scope(
        app,
        a,
        lambda: db.session.scalar(
            select(TenantMembership.id).where(TenantMembership.organisation_id == a.ids["organisation_id"])
        ),
    )
    page = f"/t/{a.slug}/admin/utilisateurs/{membership}"
    assert post(admin, f"{page}/collegues", {"valeur": "oui"}, page=page).status_code == 302
    assert post(client, team, colleague).status_code == 302
    bound = in_scope(
        app, a,
        lambda: db.session.scalars(select(TenantMembership.organisation_id).join(TenantMembership.user).where(
            TenantMembership.role == "partenaire")).all(),
    )  # fmt: skip
    assert bound.count(a.ids["organisation_id"]) == 2


def test_the_calendar_opens_on_the_29th_of_february(app, two_tenants, client, monkeypatch):
    """Before: « a year from today » was today with its year plus one, which 29 February lacks."""
    a, _ = two_tenants
    login(client, a.partner_email)
    monkeypatch.setattr(clock, "today", lambda: date(2028, 2, 29))
    assert client.get(f"/t/{a.slug}/portail/echeances").status_code == 200
