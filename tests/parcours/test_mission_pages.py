"""Mission pages: placement with the eligibility check and its audited override, the follow-up
plan and its states, the exit and the situation at 6 months, the list with filters and export."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from saas import clock
from saas.audit.models import AuditEntry
from saas.db import db
from saas.parcours import api as parcours
from saas.parcours.models import FollowUp, Mission
from saas.participants import api as participants
from tests.clause_pages import in_scope, mission_data, new_participant, place_through_page
from tests.fixtures import csrf_token


def _missions(app, site) -> list[Mission]:
    with in_scope(app, site):
        missions = list(db.session.scalars(select(Mission).order_by(Mission.id)))
        db.session.expunge_all()
        return missions


def test_placement_without_eligibility_is_refused_then_recorded_with_an_audited_reason(app, client, site):
    participant_id = new_participant(app, site, "Sanséligibilité", eligible=False)
    url = site.url("/missions/nouvelle")
    refused = client.post(
        url, data={**mission_data(site, participant_id), "csrf_token": csrf_token(client, url)}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "n&#39;a pas d&#39;éligibilité validée à la date de début" in html
    assert 'name="override_reason"' in html and "Motif de la dérogation" in html
    assert _missions(app, site) == []

    mission_id = place_through_page(
        client, site, participant_id, override_reason="Public QPV, justificatifs en cours d'obtention"
    )
    mission = _missions(app, site)[0]
    assert mission.id == mission_id and mission.eligibility_override is True
    assert mission.override_reason == "Public QPV, justificatifs en cours d'obtention"
    with in_scope(app, site):
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "mission.eligibility_override")
        ).all()
        assert [(e.target_id, e.details["motif"]) for e in entries] == [
            (str(mission_id), "Public QPV, justificatifs en cours d'obtention")
        ]
    page = client.get(site.url(f"/missions/{mission_id}")).get_data(as_text=True)
    assert "Dérogation à l&#39;éligibilité" in page


def test_an_eligible_participant_is_placed_without_override_and_gets_no_reason_field(app, client, site):
    participant_id = new_participant(app, site, "Éligible")
    url = site.url("/missions/nouvelle")
    form = client.get(f"{url}?participant_id={participant_id}").get_data(as_text=True)
    # chosen beforehand: the search field shows them, the form carries their id (no list of all)
    assert f'<input type="hidden" name="participant_id" value="{participant_id}" data-choix-valeur>' in form
    assert re.search(r'name="participant_id-texte" value="[^"]*ÉLIGIBLE', form)
    assert 'name="override_reason"' not in form
    mission_id = place_through_page(client, site, participant_id, override_reason="inutile")
    mission = _missions(app, site)[0]
    assert mission.id == mission_id
    assert mission.eligibility_override is False and mission.override_reason is None


def _exit(client, site, mission_id: int, token: str, exit_date: str, motif: str):
    data = {"csrf_token": token, "exit_date": exit_date, "exit_motif": motif}
    return client.post(site.url(f"/missions/{mission_id}/sortie"), data=data)


def _situation_at_6_months(client, site, mission_id: int, token: str, on: str, motif: str):
    data = {"csrf_token": token, "situation_6m_on": on, "situation_6m_motif": motif}
    return client.post(site.url(f"/missions/{mission_id}/situation-6-mois"), data=data)


def _follow_up_rows(html: str) -> list[tuple[str, str, str]]:
    """(step, due date, state label) of each follow-up on the mission page."""
    pattern = re.compile(
        r'<h3 class="suivi__titre">(.+?) — prévu le (\d\d/\d\d/\d{4}) <span class="badge[^"]*">(.+?)</span>'
    )
    return [(step.replace("&#39;", "'"), due, state) for step, due, state in pattern.findall(html)]


def test_follow_up_plan_of_a_six_month_cdd_with_a_one_month_trial(app, client, site, monkeypatch):
    participant_id = new_participant(app, site, "Plan")
    mission_id = place_through_page(
        client,
        site,
        participant_id,
        start_date="2025-03-03",
        end_date="2025-09-02",
        trial_end_date="2025-04-02",
    )
    monkeypatch.setattr(clock, "today", lambda: date(2025, 4, 15))
    html = client.get(site.url(f"/missions/{mission_id}")).get_data(as_text=True)
    assert _follow_up_rows(html) == [
        ("Premier jour", "03/03/2025", "En retard"),
        ("Fin de la première semaine", "09/03/2025", "En retard"),
        ("Fin de la période d'essai", "02/04/2025", "En retard"),
        ("Suivi trimestriel", "03/06/2025", "Prévu"),
        ("Avant la fin du contrat", "19/08/2025", "Prévu"),
    ]


def test_recording_a_follow_up_marks_it_done_and_a_future_date_is_refused(app, client, site):
    participant_id = new_participant(app, site, "Suivi")
    mission_id = place_through_page(client, site, participant_id)
    with in_scope(app, site):
        first = parcours.follow_ups_of(mission_id)[0].id
    token = csrf_token(client, site.url(f"/missions/{mission_id}"))
    prefix = f"suivi-{first}-"
    future = client.post(
        site.url(f"/suivis/{first}"),
        data={f"{prefix}csrf_token": token, f"{prefix}done_on": "2099-01-01", f"{prefix}kind": "visite"},
    )
    assert future.status_code == 400
    assert "pas dans le futur" in future.get_data(as_text=True)

    done = client.post(
        site.url(f"/suivis/{first}"),
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}done_on": "2025-01-06",
            f"{prefix}kind": "entretien_tripartite",
            f"{prefix}notes": "Bon accueil sur le chantier",
        },
    )
    assert done.status_code == 302
    with in_scope(app, site):
        follow_up = db.session.get(FollowUp, (site.world.tenant_id, first))
        assert (follow_up.done_on, follow_up.kind) == (date(2025, 1, 6), "entretien_tripartite")
    rows = _follow_up_rows(client.get(site.url(f"/missions/{mission_id}")).get_data(as_text=True))
    assert rows[0] == ("Premier jour", "06/01/2025", "Réalisé")


def test_exit_in_cdi_is_emploi_durable_but_confirmed_only_by_the_situation_at_6_months(app, client, site):
    participant_id = new_participant(app, site, "Sortie")
    mission_id = place_through_page(client, site, participant_id)
    token = csrf_token(client, site.url(f"/missions/{mission_id}"))
    exit_response = _exit(client, site, mission_id, token, "2025-06-30", "cdi_non_aide")
    assert exit_response.status_code == 302
    mission = _missions(app, site)[0]
    assert (mission.exit_category, mission.durable_confirmed) == ("emploi_durable", None)
    page = client.get(site.url(f"/missions/{mission_id}")).get_data(as_text=True)
    assert "à confirmer par la situation à 6 mois" in page
    # the follow-ups planned after the exit are no longer expected.
    assert [(due, state) for _, due, state in _follow_up_rows(page)][-3:] == [
        ("06/07/2025", "Sans objet (après la sortie)"),
        ("06/10/2025", "Sans objet (après la sortie)"),
        ("17/12/2025", "Sans objet (après la sortie)"),
    ]

    too_early = _situation_at_6_months(client, site, mission_id, token, "2025-10-01", "cdi_non_aide")
    assert too_early.status_code == 400
    assert "au moins 6 mois après la date de sortie" in too_early.get_data(as_text=True)
    assert _missions(app, site)[0].durable_confirmed is None

    confirmed = _situation_at_6_months(client, site, mission_id, token, "2026-01-05", "cdi_non_aide")
    assert confirmed.status_code == 302
    mission = _missions(app, site)[0]
    assert (mission.situation_6m_motif, mission.durable_confirmed) == ("cdi_non_aide", True)


def test_an_exit_to_unemployment_at_6_months_does_not_confirm_a_lasting_job(app, client, site):
    participant_id = new_participant(app, site, "Chomage")
    mission_id = place_through_page(client, site, participant_id)
    token = csrf_token(client, site.url(f"/missions/{mission_id}"))
    _exit(client, site, mission_id, token, "2025-06-30", "cdi_non_aide")
    _situation_at_6_months(client, site, mission_id, token, "2026-01-05", "chomage")
    assert _missions(app, site)[0].durable_confirmed is False


def test_the_list_filters_by_lot_and_state_and_exports_what_it_shows(app, client, site):
    first = new_participant(app, site, "Premier")
    second = new_participant(app, site, "Second")
    place_through_page(client, site, first, lot_id=str(site.world.lots[0]))
    exited = place_through_page(client, site, second, lot_id=str(site.world.lots[1]), end_date="2026-12-31")
    client.post(
        site.url(f"/missions/{exited}/sortie"),
        data={
            "csrf_token": csrf_token(client, site.url("/missions/")),
            "exit_date": "2025-03-31",
            "exit_motif": "formation_qualifiante",
        },
    )
    with in_scope(app, site):
        first_ref = participants.get(first).reference
        second_ref = participants.get(second).reference

    everything = client.get(site.url("/missions/")).get_data(as_text=True)
    assert first_ref in everything and second_ref in everything
    assert "Terminée" in everything and "Sortie" in everything

    on_lot = client.get(site.url(f"/missions/?lot={site.world.lots[1]}")).get_data(as_text=True)
    assert second_ref in on_lot and first_ref not in on_lot

    export = client.get(site.url(f"/missions/?lot={site.world.lots[1]}&export=csv"))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Participant;Employeur;Lot")
    assert len(lines) == 2 and lines[1].startswith(second_ref) and lines[1].endswith(";Sortie")


def _declared_months(app, site, mission_id: int, months: range) -> None:
    from decimal import Decimal

    from saas.heures import api as heures
    from tests.fixtures import ACTOR

    with in_scope(app, site):
        for month in months:
            heures.validate(ACTOR, heures.declare(ACTOR, mission_id, date(2025, month, 1), Decimal(70)))
        db.session.commit()


def test_the_mission_page_reads_the_countings_of_its_statements_at_once(app, client, site):
    """137 queries for a mission of 120 statements, one counting read each: now the same few
    queries whatever the number of months."""
    from tests.sql_count import recorded_sql

    mission_id = place_through_page(client, site, new_participant(app, site, "Mensuel"))
    url = site.url(f"/missions/{mission_id}")

    def queries() -> int:
        client.get(url)
        with recorded_sql(app) as executed:
            assert client.get(url).status_code == 200
        return len(executed)

    _declared_months(app, site, mission_id, range(1, 3))
    few = queries()
    _declared_months(app, site, mission_id, range(3, 9))
    assert queries() == few


def test_a_long_list_counts_its_rows_only_so_far_and_says_so(app, client, site, monkeypatch):
    """A list reads at most ``paging.COUNT_LIMIT`` rows for its total (343 000 statements of a
    large territory took 100 ms to count): beyond, it says « plus de » and asks for a filter. Rows
    of equal sort key (missions starting the same day) come by id, the newest first."""
    from saas import paging

    ids = [place_through_page(client, site, new_participant(app, site, f"Liste{n}")) for n in range(3)]
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    html = client.get(site.url("/missions/")).get_data(as_text=True)
    assert "plus de" not in html and "Seuls les" not in html
    assert [int(found) for found in re.findall(r'/missions/(\d+)"', html)][:3] == sorted(ids, reverse=True)
    monkeypatch.setattr(paging, "COUNT_LIMIT", 2)
    html = client.get(site.url("/missions/")).get_data(as_text=True)
    assert "Missions (plus de 2)" in html
    assert "Seuls les 2 premiers de cette liste sont répartis en pages" in html
