"""A list export above ``EXPORT_DIRECT_MAX_ROWS`` runs in the background: the page shows the run's
progress, the worker replays the request as the person who asked, and the file holds every row of
the list once and nothing of another territory."""

from __future__ import annotations

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import text

from saas.db import db
from saas.partenaires import api as partenaires
from tenants import context
from tests.exports.test_audit_export import file_rows
from tests.fixtures import ACTOR, login

ROWS = 60


@pytest.fixture
def small_limit(app):
    before = app.config["EXPORT_DIRECT_MAX_ROWS"]
    app.config["EXPORT_DIRECT_MAX_ROWS"] = 25
    yield 25
    app.config["EXPORT_DIRECT_MAX_ROWS"] = before


def _seed(app, tenant_id: int, prefix: str) -> None:
    with app.app_context(), context.scoped(tenant_id):
        for n in range(1, ROWS + 1):
            partenaires.create(ACTOR, f"{prefix}-{n:03d}", "donneur_ordre")
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_list_export_runs_as_a_job_with_every_row_once(
    two_tenants, client, app, redis, superuser_engine, small_limit, fmt
):
    a, b = two_tenants
    _seed(app, a.tenant_id, "export")
    _seed(app, b.tenant_id, "ailleurs")  # another territory's rows never come out
    login(client, a.admin_email)

    asked = client.get(f"/t/{a.slug}/admin/organisations?kind=donneur_ordre&tri=nom&export={fmt}")
    assert asked.status_code == 302 and f"/t/{a.slug}/traitements/" in asked.headers["Location"]
    run_page = client.get(asked.headers["Location"])
    assert run_page.status_code == 200 and "Export d&#39;une liste" in run_page.get_data(as_text=True)
    SimpleWorker([Queue("exports", connection=redis)], connection=redis).work(burst=True)

    with superuser_engine.connect() as conn:
        status, progress, error = conn.execute(
            text(
                "SELECT status, progress, error FROM job_runs WHERE tenant_id = :t AND kind = 'list_export'"
            ),
            {"t": a.tenant_id},
        ).one()
        expected = conn.execute(
            text("SELECT count(*) FROM organisations WHERE tenant_id = :t AND kind = 'donneur_ordre'"),
            {"t": a.tenant_id},
        ).scalar_one()
    assert (status, progress, error) == ("finished", 100, None)
    downloaded = client.get(asked.headers["Location"] + "/fichier")
    assert downloaded.status_code == 200
    assert f'filename="organisations.{fmt}"' in downloaded.headers["Content-Disposition"]
    names = [row[0] for row in file_rows(fmt, downloaded.data)]
    assert len(names) == expected > small_limit
    assert sorted(name for name in names if name.startswith("export-")) == [
        f"export-{n:03d}" for n in range(1, ROWS + 1)
    ]  # none lost, none doubled
    assert not [name for name in names if name.startswith("ailleurs-")]


def test_a_list_export_under_the_limit_answers_directly(two_tenants, client, app, small_limit):
    a, _ = two_tenants
    login(client, a.admin_email)
    answer = client.get(f"/t/{a.slug}/admin/organisations?export=csv")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")


def test_an_export_run_gives_nothing_to_a_person_who_lost_access_since(
    two_tenants, client, app, redis, superuser_engine, small_limit
):
    a, _ = two_tenants
    _seed(app, a.tenant_id, "export")
    login(client, a.admin_email)
    asked = client.get(f"/t/{a.slug}/admin/organisations?export=xlsx")
    assert asked.status_code == 302
    with superuser_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE tenant_memberships SET active = false WHERE tenant_id = :t"
                " AND user_id = (SELECT id FROM users WHERE email = :e)"
            ),
            {"t": a.tenant_id, "e": a.admin_email},
        )
    SimpleWorker([Queue("exports", connection=redis)], connection=redis).work(burst=True)

    with superuser_engine.connect() as conn:
        run_id, status, error = conn.execute(
            text("SELECT id, status, error FROM job_runs WHERE tenant_id = :t AND kind = 'list_export'"),
            {"t": a.tenant_id},
        ).one()
        files = conn.execute(
            text("SELECT filename FROM job_artifacts WHERE tenant_id = :t AND run_id = :r"),
            {"t": a.tenant_id, "r": run_id},
        ).all()
    assert status != "finished" and "NotFound" in error and files == []
