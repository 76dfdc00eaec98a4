"""Jobs: the outbox row, enqueue after commit only, deterministic ids, the sweep, the scope."""

from __future__ import annotations

from rq import Queue, SimpleWorker
from rq.job import Job
from sqlalchemy import text

from saas.db import db
from saas.jobs import api as runs
from tenants import context
from tests.fixtures import csrf_token, login
from workers.decorator import REGISTRY, dispatch, job_id
from workers.sweep import resend_pending


def queued_ids(redis) -> list[str]:
    return Queue("exports", connection=redis).job_ids


def work(redis) -> None:
    SimpleWorker(
        [Queue("exports", connection=redis), Queue("default", connection=redis)], connection=redis
    ).work(burst=True)


def request_export(app, world) -> int:
    with app.app_context(), context.scoped(world.tenant_id):
        run = runs.request_run("audit_export", {"fmt": "csv", "filters": {}}, None)
        run_id = run.id
        db.session.commit()
    return run_id


def test_run_is_enqueued_after_commit_under_a_deterministic_id(two_tenants, app, redis):
    a, _ = two_tenants
    run_id = request_export(app, a)
    assert queued_ids(redis) == [job_id(a.tenant_id, run_id)]


def test_rolled_back_request_enqueues_nothing(two_tenants, app, redis, superuser_engine):
    a, _ = two_tenants
    with app.app_context(), context.scoped(a.tenant_id):
        runs.request_run("audit_export", {}, None)
        db.session.rollback()
    assert queued_ids(redis) == []
    with superuser_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM job_runs WHERE status = 'pending'")).scalar_one() == 0


def test_the_same_run_is_never_twice_in_the_queue(two_tenants, app, redis):
    a, _ = two_tenants
    run_id = request_export(app, a)
    with app.app_context():
        assert dispatch("audit_export", a.tenant_id, run_id) is False
    assert queued_ids(redis) == [job_id(a.tenant_id, run_id)]


def test_worker_runs_the_export_and_the_page_offers_the_file(two_tenants, app, redis, client):
    a, _ = two_tenants
    login(client, a.admin_email)
    response = client.post(
        f"/t/{a.slug}/admin/journal/export",
        data={"format": "csv", "csrf_token": csrf_token(client, f"/t/{a.slug}/admin/journal")},
    )
    assert response.status_code == 302
    run_url = response.headers["Location"]
    assert client.get(run_url + "/etat").get_json()["status"] == "pending"
    work(redis)
    state = client.get(run_url + "/etat").get_json()
    assert state["status"] == "finished" and state["progress"] == 100 and state["status_label"] == "Terminé"
    download = client.get(state["result_url"])
    assert download.status_code == 200
    content = download.get_data().decode("utf-8-sig")
    assert content.splitlines()[0].startswith("Date;Action;Utilisateur")
    assert (
        "Création d'une organisation;tests;Organisation" in content
    )  # a row of this tenant, its object named


def test_sweep_resends_runs_the_queue_lost(two_tenants, app, redis):
    a, _ = two_tenants
    run_id = request_export(app, a)
    redis.flushdb()  # Redis lost its data: the run is still pending in PostgreSQL
    with app.app_context():
        assert resend_pending(older_than_seconds=0) == 1
        assert resend_pending(older_than_seconds=0) == 0  # idempotent: already queued
    assert queued_ids(redis) == [job_id(a.tenant_id, run_id)]


def test_a_job_cannot_reach_another_tenants_run(two_tenants, app, redis, superuser_engine):
    a, b = two_tenants
    run_b = request_export(app, b)
    REGISTRY["audit_export"].entrypoint(a.tenant_id, run_b)  # forged: tenant A, run of B
    with superuser_engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM job_runs WHERE id = :r"), {"r": run_b}).scalar_one()
    assert status == "pending"


def test_a_duplicate_delivery_does_nothing(two_tenants, app, redis, superuser_engine):
    a, _ = two_tenants
    run_id = request_export(app, a)
    work(redis)
    REGISTRY["audit_export"].entrypoint(a.tenant_id, run_id)
    with superuser_engine.connect() as conn:
        attempts, files = conn.execute(
            text(
                "SELECT attempts, (SELECT count(*) FROM job_artifacts WHERE run_id = :r) FROM job_runs WHERE id = :r"
            ),
            {"r": run_id},
        ).one()
    assert (attempts, files) == (1, 1)


def test_a_failure_is_recorded_and_retried_explicitly(two_tenants, app, redis, superuser_engine, monkeypatch):
    a, _ = two_tenants
    from saas.audit import api as audit

    monkeypatch.setattr(
        audit, "export", lambda *args, **kwargs: (_ for _ in ()).throw(RuntimeError("disque plein"))
    )
    run_id = request_export(app, a)
    work(redis)
    job = Job.fetch(job_id(a.tenant_id, run_id), connection=redis)
    assert job.retries_left == REGISTRY["audit_export"].retries - 1
    with superuser_engine.connect() as conn:
        status, message, error = conn.execute(
            text("SELECT status, message, error FROM job_runs WHERE id = :r"), {"r": run_id}
        ).one()
    assert status == "pending" and "nouvel essai" in message and "disque plein" in error


def test_other_users_do_not_see_an_admins_run(two_tenants, app, client):
    a, _ = two_tenants
    login(client, a.facilitateur_email)
    assert client.get(f"/t/{a.slug}/traitements/{a.ids['run_id']}").status_code == 404
