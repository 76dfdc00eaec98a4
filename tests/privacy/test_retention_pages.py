"""The admin's page of the personal data: its durations (refused in French out of bounds), a
simulation asked for and confirmed, each run through the worker, the monthly run asked once a
month; the requests with their deadline; the facilitateur reaches none of it."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from rq import Queue, SimpleWorker
from sqlalchemy import select

from saas import clock
from saas.conventions import lifecycle
from saas.conventions.models import Convention, ConventionDocument
from saas.db import db
from saas.federation import building
from saas.jobs.models import JobRun
from saas.privacy import anonymise, retention
from saas.privacy.models import RetentionRun, RunTrigger
from tenants import context
from tests.fixtures import login
from tests.web import post, text_of
from tests.world import ACTOR


def _work(redis) -> None:
    SimpleWorker([Queue("default", connection=redis)], connection=redis).work(burst=True)


def _runs(app, world) -> list[tuple[str, str, str]]:
    with app.app_context(), context.scoped(world.tenant_id):
        rows = db.session.execute(
            select(RetentionRun.trigger, RetentionRun.mode, RetentionRun.status).order_by(RetentionRun.id)
        ).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_the_admin_simulates_then_confirms_through_the_worker(two_tenants, client, redis, app):
    a, _ = two_tenants
    login(client, a.admin_email)
    page = f"/t/{a.slug}/admin/donnees-personnelles/"
    shown = text_of(client.get(page), collapse=True)
    assert "Examiner la liste et confirmer" in shown  # the fixture's simulation waits
    assert "Accès à ses données" in shown and "Réponse due le" in shown  # the fixture's request
    before = _runs(app, a)
    asked = post(client, f"{page}simulation", {}, page)
    assert asked.status_code == 302 and "/traitements/" in asked.headers["Location"]
    assert _runs(app, a) == before  # the worker does it
    _work(redis)
    runs = _runs(app, a)
    assert runs[-1] == ("administrateur", "simulation", "proposee") and runs[-2][2] == "remplacee"
    with app.app_context(), context.scoped(a.tenant_id):
        latest = db.session.scalars(select(RetentionRun.id).order_by(RetentionRun.id.desc())).first()
        db.session.remove()
    run_page = f"{page}passages/{latest}"
    assert run_page in client.get(asked.headers["Location"]).get_data(as_text=True)  # the job's page links it
    assert "Confirmer l'anonymisation" in text_of(client.get(run_page))
    confirmed = post(client, f"{run_page}/appliquer", {}, run_page)
    assert confirmed.status_code == 302
    _work(redis)
    assert _runs(app, a)[-2:] == [
        ("administrateur", "simulation", "appliquee"),
        ("administrateur", "application", "appliquee"),
    ]
    again = post(client, f"{run_page}/appliquer", {}, run_page)  # confirmed once only
    assert again.status_code == 400 and "déjà été appliquée" in text_of(again)


def test_durations_out_of_bounds_are_refused_in_french(two_tenants, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    page = f"/t/{a.slug}/admin/donnees-personnelles/"
    data = {
        "retention_months_after_contact": "24",
        "retention_mode": "confirmation",
        "proof_retention_months": "36",
        "convention_document_retention_months": "120",
        "access_log_retention_months": "13",
    }
    refused = post(client, page, data, page)
    assert refused.status_code == 400
    assert "journaux de consultation doit être comprise entre 6 et 12 mois" in text_of(refused)
    saved = post(
        client, page, data | {"access_log_retention_months": "6", "retention_mode": "automatique"}, page
    )
    assert saved.status_code == 302
    assert 'value="6"' in client.get(page).get_data(as_text=True)


def test_the_facilitateur_reaches_neither_the_page_nor_its_actions(two_tenants, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    page = f"/t/{a.slug}/admin/donnees-personnelles/"
    assert client.get(page).status_code == 404
    assert client.get(f"{page}passages/{a.ids['retention_run_id']}").status_code == 404


def test_the_monthly_run_is_asked_once_a_month_and_proposes_by_default(two_tenants, app, redis):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        assert retention.request_monthly(clock.today()) is True
        assert retention.request_monthly(clock.today()) is False
        db.session.commit()
    _work(redis)
    assert _runs(app, a)[-1] == ("planification", "simulation", "proposee")
    with app.app_context(), context.scoped(a.tenant_id):
        run = db.session.scalars(select(JobRun).where(JobRun.kind == retention.JOB_KIND)).one()
        assert run.status == "finished" and run.result["counts"]["personnes"] == 0
        db.session.remove()


def test_a_conventions_documents_go_their_own_duration_after_its_end(two_tenants, app, monkeypatch):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        convention = db.session.get(Convention, (a.tenant_id, a.ids["convention_id"]))
        lifecycle.terminate(ACTOR, convention, {"terminated_on": clock.today(), "reason": "Fin anticipée"})
        ended = clock.today()
        monkeypatch.setattr(clock, "today", lambda: ended + relativedelta(months=119))
        assert retention.survey(retention.rule(), clock.today())[2]["documents"] == 0  # not yet
        monkeypatch.setattr(clock, "today", lambda: ended + relativedelta(months=121))
        run = retention.apply(ACTOR, RunTrigger.administrateur)
        assert run.counts["documents"] == 1
        assert db.session.scalars(select(ConventionDocument)).all() == []
        db.session.rollback()
        db.session.remove()


def test_the_reports_after_an_erasure_count_each_person_once_among_those_without_a_key(two_tenants, app):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        period = building.period_of("mois", clock.today().replace(day=1))
        before = building._people(a.federation_id, period)
        anonymise.erase([a.ids["participant_id"], a.ids["rival_participant_id"]])  # both at work this month
        after = building._people(a.federation_id, period)
        db.session.rollback()
        db.session.remove()
    assert after["sans_cle"] == before["sans_cle"] + 2  # not merged into one « Anonyme »
    assert len(after["cles"]) == len(before["cles"]) - 2 and set(after["cles"]) < set(before["cles"])
